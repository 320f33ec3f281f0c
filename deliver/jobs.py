"""Background jobs for Deliver (found by amhe.core's autodiscovery of `jobs.py`):
measures' values worked out from Identify's uploads. Each calls one service,
which is idempotent (a value per upload is updated, never duplicated)."""

from amhe.core.jobs import job_kind
from deliver.measures import services


@job_kind(services.VALUES_FROM_UPLOAD, title="Working out measures' values from an upload")
def measure_values_from_upload(job, report):
    report(10, "Working out values")
    return services.values_from_upload(extract_id=job.params["extract_id"])


@job_kind(services.VALUES_FROM_SERIES, title="Working out a measure's values from existing uploads")
def measure_values_from_series(job, report):
    report(10, "Working out values")
    return services.values_from_series(measure_id=job.params["measure_id"])
