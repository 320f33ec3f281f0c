# The log of API reads moves to the audit log (core.AuditEvent, action "api_read"):
# every ApiRead row is copied there, then the table goes.

from django.db import migrations

BATCH = 2000


def reads_to_audit(apps, schema_editor):
    ApiRead = apps.get_model("api", "ApiRead")
    AuditEvent = apps.get_model("core", "AuditEvent")
    reads = ApiRead.objects.select_related("token", "token__project").order_by("pk")
    batch = []
    for read in reads.iterator(chunk_size=BATCH):
        token = read.token
        batch.append(
            AuditEvent(
                at=read.at,
                action="api_read",
                user_id=token.user_id,
                token_id=token.pk,
                token_prefix=token.prefix[:20],
                organisation_id=token.project.organisation_id,
                project_id=token.project_id,
                object_kind="api",
                outcome=str(read.status),
                detail=read.path[:200],
            )
        )
        if len(batch) >= BATCH:
            AuditEvent.objects.bulk_create(batch)
            batch = []
    if batch:
        AuditEvent.objects.bulk_create(batch)


class Migration(migrations.Migration):
    dependencies = [
        ("api", "0001_initial"),
        ("core", "0010_audit_events"),
    ]

    operations = [
        # Going back leaves the copied entries in the audit log (it is append-only)
        # and an empty ApiRead table.
        migrations.RunPython(reads_to_audit, migrations.RunPython.noop),
        migrations.DeleteModel(name="ApiRead"),
    ]
