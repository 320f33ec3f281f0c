"""Background jobs on a real Celery worker process: round trip, progress,
idempotency, and a worker killed part-way through a job."""

import time

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse

from amhe.core import services
from amhe.core.models import Job, Role
from tests.worker import WorkerProcess

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

USING_REDIS = settings.CELERY_BROKER_URL.startswith("redis")


@pytest.fixture
def worker(transactional_db):
    process = WorkerProcess().start()
    yield process
    process.stop()


def wait_for(job, condition, timeout=60.0, poll=0.1, on_poll=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if on_poll:
            on_poll(job)
        if condition(job):
            return job
        time.sleep(poll)
    raise AssertionError(f"Timed out: job is {job.state} at {job.progress}% ({job.progress_message})")


def test_job_round_trip_with_progress_on_a_real_worker(worker, project, member_of, client):
    lead = member_of(project, Role.LEAD)
    client.force_login(lead)
    job = services.job_enqueue(
        by=lead, project=project, kind="core.worker_check", params={"steps": 5, "pause_seconds": 0.4}
    )
    assert job.state == Job.State.QUEUED

    seen_in_database, seen_on_page = set(), set()

    def look(job):
        seen_in_database.add((job.state, job.progress))
        status = client.get(reverse("core:job-status", kwargs={"job_id": job.pk})).json()
        seen_on_page.add((status["state"], status["progress"]))

    wait_for(job, lambda j: j.is_finished, on_poll=look)

    assert job.state == Job.State.SUCCEEDED, worker.output()
    assert job.progress == 100
    assert job.attempts == 1
    assert job.worker == worker.hostname
    assert job.result == {"database_round_trips": 5, "vendor": connection.vendor}
    # Progress moved through intermediate values that the page's JSON showed too.
    assert any(state == Job.State.RUNNING and 0 < progress < 100 for state, progress in seen_in_database)
    assert any(state == Job.State.RUNNING and 0 < progress < 100 for state, progress in seen_on_page)
    page = client.get(reverse("core:job", kwargs={"job_id": job.pk}))
    assert b"Finished" in page.content


def test_running_a_finished_job_again_does_nothing(worker, project):
    job = services.job_enqueue(by=None, project=project, kind="core.worker_check", params={"steps": 1})
    wait_for(job, lambda j: j.is_finished)
    finished_at = job.finished_at
    # A duplicate delivery (or the reaper sending it again) must not run it twice.
    services.job_run(job_id=job.pk)
    job.refresh_from_db()
    assert (job.state, job.attempts, job.finished_at) == (Job.State.SUCCEEDED, 1, finished_at)


def test_failed_job_records_a_message_the_user_can_act_on(worker, project):
    job = services.job_enqueue(by=None, project=project, kind="core.worker_check", params={"steps": 99})
    wait_for(job, lambda j: j.is_finished)
    assert job.state == Job.State.FAILED
    assert "steps must be 1 to 20" in job.error


def test_a_killed_worker_loses_nothing_and_runs_the_job_once_more(worker, project):
    job = services.job_enqueue(
        by=None, project=project, kind="core.worker_check", params={"steps": 12, "pause_seconds": 0.5}
    )
    wait_for(job, lambda j: j.state == Job.State.RUNNING and j.progress > 0)
    worker.kill()
    job.refresh_from_db()
    assert job.state == Job.State.RUNNING and job.attempts == 1

    replacement = WorkerProcess().start()
    try:
        if not USING_REDIS:
            # The filesystem broker drops a message once delivered, so the beat
            # task that re-sends stale jobs is what recovers it; run it as beat would.
            time.sleep(settings.AMHE_JOB_STALE_SECONDS + 0.5)
            assert services.jobs_requeue_stale() == 1
        # With Redis, the unacknowledged message comes back by itself after the
        # visibility timeout (acks_late), and the job is claimed again once stale.
        wait_for(job, lambda j: j.is_finished, timeout=90)
        # The reaper running too (as beat would every minute) must not run it a third time.
        services.jobs_requeue_stale()
        time.sleep(2)
        job.refresh_from_db()
    finally:
        replacement.stop()
    assert job.state == Job.State.SUCCEEDED, replacement.output()
    assert job.attempts == 2
    assert job.worker == replacement.hostname
    assert job.result["database_round_trips"] == 12


def test_health_reports_the_worker(worker, client):
    response = client.get(reverse("health"))
    body = response.json()
    assert response.status_code == 200, body
    assert body["checks"]["worker"]["ok"] is True
    assert body["checks"]["broker"]["detail"] == ("redis" if USING_REDIS else "filesystem")
