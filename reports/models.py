"""A progress report built for a project: its options, who asked for it and when, the
job that builds it (state and progress live in core.Job) and the file, kept in
Django's default storage (MEDIA_ROOT, or object storage: amhe/core/files.py)."""

import uuid

from django.conf import settings
from django.db import models

from amhe.core.models import Job, Project


def report_path(report, filename: str) -> str:
    return f"reports/{report.project_id}/{report.pk}/{filename}"


class Report(models.Model):
    class Format(models.TextChoices):
        PDF = "pdf", "PDF (accessible, tagged)"
        DOCX = "docx", "Word (.docx)"
        XLSX = "xlsx", "Excel (.xlsx)"
        CSV = "csv", "CSV (a zip of one file per table)"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="reports")
    format = models.CharField(max_length=4, choices=Format.choices)
    options = models.JSONField(default=dict, blank=True)
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    made_at = models.DateTimeField(auto_now_add=True)
    job = models.ForeignKey(Job, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    file = models.FileField(upload_to=report_path, max_length=300, blank=True)
    # The monthly run that made it (reports.Schedule), if a schedule did.
    run = models.ForeignKey("ScheduledRun", on_delete=models.SET_NULL, null=True, blank=True, related_name="reports")

    class Meta:
        ordering = ["-made_at"]

    def __str__(self):
        return f"Progress report of {self.project} ({self.get_format_display()})"

    @property
    def filename(self) -> str:
        extension = "zip" if self.format == self.Format.CSV else self.format
        return f"progress-report-{self.project_id}-{self.made_at:%Y-%m-%d}.{extension}"


class Schedule(models.Model):
    """A monthly progress report of a project: built on `day` of each month (the month's
    last day when it is shorter) in each of `formats`, and emailed, once ready, to the
    chosen members who may still read reports. Cancelling keeps the row (and the reports
    it made), so a cancelled schedule makes nothing more."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="report_schedules")
    formats = models.JSONField(default=list)
    options = models.JSONField(default=dict, blank=True)
    day = models.PositiveSmallIntegerField()
    recipients = models.ManyToManyField("core.Membership", blank=True, related_name="+")
    starts_on = models.DateField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    changed_at = models.DateTimeField(auto_now=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(day__gte=1, day__lte=31), name="report_schedule_day_1_to_31")
        ]

    def __str__(self):
        return f"Monthly progress report of {self.project} on day {self.day}"

    @property
    def format_labels(self) -> list[str]:
        labels = dict(Report.Format.choices)
        return [labels[f] for f in self.formats if f in labels]


class ScheduledRun(models.Model):
    """One month's run of a schedule: its unique (schedule, period) key makes beat running
    twice, or two workers at once, build one set of reports a month."""

    schedule = models.ForeignKey(Schedule, on_delete=models.CASCADE, related_name="runs")
    period = models.DateField(help_text="The first day of the month the run is for.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-period"]
        constraints = [models.UniqueConstraint(fields=["schedule", "period"], name="report_schedule_one_run_a_month")]

    def __str__(self):
        return f"{self.schedule} for {self.period:%B %Y}"


class ScheduledEmail(models.Model):
    """A run's email to one member, recorded in the transaction that sends it (unique per
    run and user), so nobody gets a month's email twice and a failed send is tried again."""

    run = models.ForeignKey(ScheduledRun, on_delete=models.CASCADE, related_name="emails")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sent_to = models.EmailField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run", "user"], name="report_schedule_one_email_per_run")]

    def __str__(self):
        return f"{self.run} emailed to {self.sent_to}"
