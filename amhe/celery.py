"""The Celery app. Tasks are thin: they take a job id and call one service.

Job state and progress live in the database (`core.Job`), never in a result
backend. The worker also writes a heartbeat row that `/health/` reads.
"""

import os
from pathlib import Path

from celery import Celery, bootsteps
from celery.signals import worker_process_init
from django.conf import settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "amhe.settings")

app = Celery("amhe")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


class HeartbeatStep(bootsteps.StartStopStep):
    """Record in the database that this worker is alive, every few seconds."""

    requires = {"celery.worker.components:Timer"}

    def __init__(self, worker, **kwargs):
        self.tref = None

    def start(self, worker):
        from amhe.core.services import worker_heartbeat

        interval = settings.AMHE_WORKER_HEARTBEAT_SECONDS
        hostname = worker.hostname

        def beat():
            try:
                worker_heartbeat(hostname=hostname)
            except Exception:  # noqa: BLE001 - a missed beat must not kill the worker
                app.log.get_default_logger().exception("Could not record worker heartbeat")

        beat()
        self.tref = worker.timer.call_repeatedly(interval, beat)

    def stop(self, worker):
        if self.tref:
            self.tref.cancel()


app.steps["worker"].add(HeartbeatStep)


@worker_process_init.connect
def lower_job_priority(**kwargs):
    """Each process that runs jobs yields the CPU to the web server (AMHE_WORKER_NICE);
    the worker's main process, which sends the heartbeat, keeps its priority."""
    if settings.AMHE_WORKER_NICE:
        os.nice(settings.AMHE_WORKER_NICE)


def ensure_broker_dirs():
    """The filesystem transport needs its folders before it can send or receive."""
    options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
    for key in ("data_folder_in", "data_folder_out", "control_folder"):
        if key in options:
            Path(options[key]).mkdir(parents=True, exist_ok=True)
