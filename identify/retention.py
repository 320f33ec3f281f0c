"""Retention of uploads' record-level data (amhe.core.retention).

What an upload keeps row by row is its normalised table (Arrow IPC, `Extract.table_path`)
and, until the reading job has read it, the uploaded file (`Extract.upload_path`).
Past the organisation's `retain_record_level_days` after the upload both files are
deleted through Django's storage API and the paths cleared. The upload's aggregate
results stay: its breakdowns (dashboard and exports), quality report and measures;
only mapping its columns again needs the file uploaded again."""

from django.db.models import Q

from amhe.core import retention
from identify.models import Extract

SETTING = "retain_record_level_days"


def expired(organisation, as_of):
    return Extract.objects.filter(
        project__organisation=organisation,
        created_at__lt=retention.cutoff(organisation, SETTING, as_of),
    ).filter(~Q(table_path="") | ~Q(upload_path=""))


def purge(organisation, as_of) -> int:
    removed = 0
    for extract in expired(organisation, as_of).select_for_update():
        # Files first: if a row update then failed, the next run finds the row again
        # and deleting a file already gone is no error.
        retention.delete_file(extract.table_path)
        retention.delete_file(extract.upload_path)
        Extract.objects.filter(pk=extract.pk).update(table_path="", upload_path="")
        removed += 1
    return removed


retention.register(
    retention.RetentionKind(
        key="record_level",
        label="Record-level data from uploads",
        setting=SETTING,
        expired=expired,
        purge=purge,
    )
)
