"""Background jobs for progress reports (found by amhe.core's autodiscovery of `jobs.py`)."""

from amhe.core.jobs import job_kind
from reports import services


@job_kind(services.BUILD, title="Building a progress report")
def build(job, report):
    report(10, "Starting")
    return services.report_build(report_id=job.params["report_id"], progress=report)
