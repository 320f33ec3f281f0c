"""Start and stop a real Celery worker process for the job tests.

The worker runs `celery -A amhe worker` with the test settings and opens the
test database pytest-django created, on whichever broker the run uses (Redis
when REDIS_URL is set, the embedded filesystem broker otherwise).
"""

import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from amhe.core.models import WorkerHeartbeat

ROOT = Path(__file__).resolve().parent.parent


class WorkerProcess:
    def __init__(self):
        self.hostname = f"test-{uuid.uuid4().hex[:8]}@localhost"
        self.log = tempfile.NamedTemporaryFile(prefix="amhe-worker-", suffix=".log", delete=False)  # noqa: SIM115
        self.process = None

    def start(self, timeout: float = 60) -> "WorkerProcess":
        env = dict(os.environ, DJANGO_SETTINGS_MODULE="tests.settings", AMHE_WORKER_ON_TEST_DB="1")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "amhe",
                "worker",
                "--pool",
                "solo",
                "--loglevel",
                "info",
                "--without-gossip",
                "--without-mingle",
                "--hostname",
                self.hostname,
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    raise RuntimeError(f"The Celery worker exited at start-up:\n{self.output()}")
                if WorkerHeartbeat.objects.filter(hostname=self.hostname).exists():
                    return self
                time.sleep(0.2)
            raise RuntimeError(f"The Celery worker did not report in within {timeout} s:\n{self.output()}")
        except BaseException:
            self.stop()  # never leave a worker behind
            raise

    def kill(self) -> None:
        """SIGKILL: the worker gets no chance to acknowledge or clean up."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()
        self.log.close()

    def output(self) -> str:
        if not self.log.closed:
            self.log.flush()
        return Path(self.log.name).read_text(errors="replace")[-4000:]
