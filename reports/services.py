"""Building progress reports: a request records the Report and queues its job on
commit; the job (reports.jobs) collects the content and writes the file. Building
again replaces the file, so a job run twice does no harm."""

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction

from amhe.core import audit
from amhe.core import services as core_services
from reports import content, render
from reports.models import Report

BUILD = "reports.build"


def _who(user) -> str:
    if user is None:
        return ""
    return user.full_name or user.email


@transaction.atomic
def report_request(*, by, project, format: str) -> Report:
    """Record a report of `project` in `format` and queue the job that builds it."""
    if format not in Report.Format.values:
        raise ValidationError("Choose a format: PDF, Word, Excel or CSV.")
    report = Report(project=project, format=format, options={"suppression": "always"}, made_by=by)
    report.full_clean()
    report.save()
    report.job = core_services.job_enqueue(by=by, project=project, kind=BUILD, params={"report_id": str(report.pk)})
    report.save(update_fields=["job"])
    return report


def report_bytes(*, project, format: str, made_by=None, progress=None) -> bytes:
    """The report of `project` as a file in `format` (the web job and the command both use this)."""
    if progress:
        progress(20, "Collecting what each step publishes")
    document = content.collect(project, made_by=_who(made_by))
    if progress:
        progress(60, f"Writing the {format.upper()} file")
    return render.render(document, format)


def report_build(*, report_id, progress=None) -> dict:
    """Build (or build again) the file of one report."""
    report = Report.objects.select_related("project__organisation", "made_by").get(pk=report_id)
    data = report_bytes(project=report.project, format=report.format, made_by=report.made_by, progress=progress)
    with transaction.atomic():
        if report.file:
            report.file.delete(save=False)
        report.file.save(report.filename, ContentFile(data), save=False)
        report.save(update_fields=["file"])
        audit.record(
            action=audit.REPORT_BUILT,
            user=report.made_by,
            project=report.project,
            object_kind="report",
            object_id=report.pk,
            detail=f"{report.format}, {len(data)} bytes",
        )
    return {"bytes": len(data), "format": report.format}
