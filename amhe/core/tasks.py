"""Celery tasks: thin wrappers that take an id and call one service."""

from celery import shared_task

from amhe.core import services


@shared_task(name="core.run_job", bind=True, acks_late=True, reject_on_worker_lost=True)
def run_job(self, job_id: str) -> None:
    services.job_run(job_id=job_id, worker=self.request.hostname or "")


@shared_task(name="core.requeue_stale_jobs")
def requeue_stale_jobs() -> int:
    return services.jobs_requeue_stale()
