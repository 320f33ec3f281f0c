"""Background jobs for Evaluate (found by amhe.core's autodiscovery of `jobs.py`):
uploaded PREM and PROM scores worked out (evaluate.instruments.services; a file at
the upload limits takes about half a minute: benchmarks/instrument_upload.py).
Idempotent: an upload already worked out is left alone."""

from amhe.core.jobs import job_kind
from evaluate.instruments import services as instrument_services


@job_kind(instrument_services.SCORES_JOB, title="Working out uploaded PREM or PROM scores")
def instrument_scores(job, report):
    report(10, "Reading and scoring the file")
    return instrument_services.scores_upload_process(upload_id=job.params["upload_id"])
