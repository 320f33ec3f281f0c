"""Background jobs for progress reports (found by amhe.core's autodiscovery of `jobs.py`)."""

import datetime

from amhe.core.jobs import job_kind
from reports import services


@job_kind(services.BUILD, title="Building a progress report")
def build(job, report):
    report(10, "Starting")
    return services.report_build(report_id=job.params["report_id"], progress=report)


@job_kind(services.SCHEDULED, title="Starting the monthly progress reports that are due")
def scheduled(job, report):
    """The day is fixed when the job is queued, so a job run again after midnight (its
    worker died) still starts that day's reports, each once a month."""
    report(10, "Starting monthly reports")
    day = datetime.date.fromisoformat(job.params["day"]) if job.params.get("day") else None
    return services.schedules_run_due(day=day, progress=report)
