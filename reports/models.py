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

    class Meta:
        ordering = ["-made_at"]

    def __str__(self):
        return f"Progress report of {self.project} ({self.get_format_display()})"

    @property
    def filename(self) -> str:
        extension = "zip" if self.format == self.Format.CSV else self.format
        return f"progress-report-{self.project_id}-{self.made_at:%Y-%m-%d}.{extension}"
