"""Reports' Celery tasks (found by Celery's autodiscovery of `tasks.py`), thin like
amhe.core.tasks. Celery beat runs `reports.queue_scheduled_reports` daily
(CELERY_BEAT_SCHEDULE): it only records a job in the database (core.Job), which the
worker runs like any other; the job starts each monthly schedule that is due."""

from celery import shared_task
from django.utils import timezone

from amhe.core import services as core_services
from reports.services import SCHEDULED


@shared_task(name="reports.queue_scheduled_reports")
def queue_scheduled_reports() -> str:
    job = core_services.job_enqueue(
        by=None, project=None, kind=SCHEDULED, params={"day": timezone.localdate().isoformat()}
    )
    return str(job.pk)
