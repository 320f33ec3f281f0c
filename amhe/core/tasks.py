"""Celery tasks: thin wrappers that take an id and call one service."""

from celery import shared_task

from amhe.core import services
from amhe.core.retention import PURGE_JOB


@shared_task(name="core.run_job", bind=True, acks_late=True, reject_on_worker_lost=True)
def run_job(self, job_id: str) -> None:
    services.job_run(job_id=job_id, worker=self.request.hostname or "")


@shared_task(name="core.requeue_stale_jobs")
def requeue_stale_jobs() -> int:
    return services.jobs_requeue_stale()


@shared_task(name="core.queue_retention_purge")
def queue_retention_purge() -> str:
    """Run daily by Celery beat: records the purge as a job (core.Job), run by a worker."""
    job = services.job_enqueue(by=None, project=None, kind=PURGE_JOB, params={})
    return str(job.pk)
