"""Background jobs for Deliver (found by amhe.core's autodiscovery of `jobs.py`):
measures' values worked out from Identify's uploads, and the daily overdue-action
reminders. Each calls one service, which is idempotent (a value per upload is
updated, never duplicated; a reminder is sent once per action per day)."""

import datetime

from amhe.core.jobs import job_kind
from deliver.measures import services
from deliver.tracking import services as tracking_services


@job_kind(services.VALUES_FROM_UPLOAD, title="Working out measures' values from an upload")
def measure_values_from_upload(job, report):
    report(10, "Working out values")
    return services.values_from_upload(extract_id=job.params["extract_id"])


@job_kind(services.VALUES_FROM_SERIES, title="Working out a measure's values from existing uploads")
def measure_values_from_series(job, report):
    report(10, "Working out values")
    return services.values_from_series(measure_id=job.params["measure_id"])


@job_kind(tracking_services.OVERDUE_REMINDERS, title="Sending overdue-action reminders")
def overdue_reminders(job, report):
    """The day is fixed when the job is queued, so a job run again after midnight
    (its worker died) still sends that day's reminders, each once."""
    report(10, "Sending reminders")
    day = datetime.date.fromisoformat(job.params["day"]) if job.params.get("day") else None
    return tracking_services.overdue_reminders_send(day=day, progress=report)
