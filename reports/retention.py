"""Retention of generated reports and exports (amhe.core.retention).

A progress report's file, and its row, are destroyed once the organisation's
`retain_reports_days` have passed since it was made. The file goes through Django's
storage API (amhe.core.files.delete), so it goes from object storage as from local disk.
A report can always be built again from the project."""

from amhe.core import retention
from reports.models import Report

SETTING = "retain_reports_days"


def expired(organisation, as_of):
    return Report.objects.filter(
        project__organisation=organisation, made_at__lt=retention.cutoff(organisation, SETTING, as_of)
    )


def purge(organisation, as_of) -> int:
    removed = 0
    for report in expired(organisation, as_of).select_for_update():
        retention.delete_file(report.file)  # files first: see identify.retention
        removed += retention.delete_with_history(Report.objects.filter(pk=report.pk))
    return removed


retention.register(
    retention.RetentionKind(
        key="reports",
        label="Generated reports and exports",
        setting=SETTING,
        expired=expired,
        purge=purge,
    )
)
