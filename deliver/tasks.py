"""Deliver's Celery tasks (found by Celery's autodiscovery of `tasks.py`), thin like
amhe.core.tasks. Celery beat runs `deliver.queue_overdue_reminders` daily
(CELERY_BEAT_SCHEDULE): it only records a job in the database (core.Job), which
the worker runs like any other, with its state and result on the job's row."""

from celery import shared_task
from django.utils import timezone

from amhe.core import services as core_services
from deliver.tracking.services import OVERDUE_REMINDERS


@shared_task(name="deliver.queue_overdue_reminders")
def queue_overdue_reminders() -> str:
    job = core_services.job_enqueue(
        by=None, project=None, kind=OVERDUE_REMINDERS, params={"day": timezone.localdate().isoformat()}
    )
    return str(job.pk)
