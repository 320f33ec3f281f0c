"""Send today's overdue-action reminders now, as the daily Celery beat job does.

    python manage.py overdue_reminders [--day YYYY-MM-DD]

Each overdue action's owner gets at most one email per action per day, however
often this runs (see deliver.tracking.services.overdue_reminders_send)."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from deliver.tracking import services


class Command(BaseCommand):
    help = "Email each overdue action's owner, once per action per day."

    def add_arguments(self, parser):
        parser.add_argument("--day", help="the day to send for (YYYY-MM-DD); today in UK time if not given")

    def handle(self, *args, day=None, **options):
        try:
            when = datetime.date.fromisoformat(day) if day else None
        except ValueError:
            raise CommandError("Give the day as YYYY-MM-DD, e.g. 2026-12-07.") from None
        result = services.overdue_reminders_send(day=when)
        self.stdout.write(
            f"{result['day']}: {result['sent']} reminder(s) sent, {result['already_sent']} already sent today, "
            f"{result['failed']} could not be sent."
        )
        if result["failed"]:
            raise CommandError("Some reminders could not be sent: see the log. Run this again to retry them.")
