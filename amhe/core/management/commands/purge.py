"""Destroy data past each organisation's retention period (amhe.core.retention), or
with --dry-run only say how much would go. Prints counts by kind and organisation:
numbers only, no personal data. The daily Celery beat job does the same."""

from django.core.management.base import BaseCommand, CommandError

from amhe.core import retention
from amhe.core.models import Organisation, PurgeRun


class Command(BaseCommand):
    help = "Destroy data past its retention period; --dry-run counts it and changes nothing."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count what would go; destroy nothing.")
        parser.add_argument("--organisation", type=int, help="Only this organisation (its id).")

    def handle(self, *args, dry_run=False, organisation=None, **options):
        org = None
        if organisation is not None:
            org = Organisation.objects.filter(pk=organisation).first()
            if org is None:
                raise CommandError(f"No organisation with id {organisation}.")
        if dry_run:
            run = retention.dry_run(organisation=org, trigger=PurgeRun.Trigger.COMMAND)
            self.stdout.write("Dry run: nothing was destroyed. This would go:")
        else:
            run = retention.purge(organisation=org, trigger=PurgeRun.Trigger.COMMAND)
            self.stdout.write("Purged:")
        for row in retention.report_rows(run.counts):
            self.stdout.write(f"  {row['label']}, organisation {row['organisation_id']}: {row['count']}")
        self.stdout.write(f"Total: {run.total} (run {run.pk})")
