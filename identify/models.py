"""Identify 1A: uploaded extracts, their column mappings, quality reports and
stored breakdowns.

An upload is read by a background job that drops direct identifiers and
keeps only a Parquet copy of the remaining columns (the original file is
deleted). Processing writes the quality report and breakdowns in one
transaction, so a failed run leaves earlier results as they were, and pages
only ever read stored results.
"""

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse

from amhe.core.models import Job, Organisation, Project


class Extract(models.Model):
    class Kind(models.TextChoices):
        SERVICE_USE = "service_use", "Service use (referrals, contacts, admissions, detentions)"
        EXPERIENCE = "experience", "Experience (PREM scores)"
        OUTCOMES = "outcomes", "Outcomes (PROM scores or flags such as recovered)"
        POPULATION = "population", "Population denominators"

    class Shape(models.TextChoices):
        RECORD = "record", "One row per person, referral, contact or event"
        AGGREGATE = "aggregate", "Counts: one row per group with a count column"

    class State(models.TextChoices):
        READING = "reading", "Reading the file"
        MAPPING = "mapping", "Waiting for columns to be confirmed"
        PROCESSING = "processing", "Checking quality and breaking down"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="extracts")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="extracts")
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    shape = models.CharField(max_length=10, choices=Shape.choices, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.READING)
    original_filename = models.CharField(max_length=255)
    size_bytes = models.PositiveBigIntegerField(default=0)
    # Where the upload waits for the reading job; deleted once read.
    upload_path = models.CharField(max_length=500, blank=True)
    # The columns kept after identifiers were dropped, as Parquet (strings).
    table_path = models.CharField(max_length=500, blank=True)
    encoding = models.CharField(max_length=20, blank=True)
    delimiter = models.CharField(max_length=4, blank=True)
    row_count = models.PositiveIntegerField(null=True, blank=True)
    columns = models.JSONField(default=list, blank=True)
    dropped_identifiers = models.JSONField(default=list, blank=True)
    suggested_mapping = models.JSONField(default=dict, blank=True)
    mapping = models.JSONField(default=dict, blank=True)
    population = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="used_by",
        limit_choices_to={"kind": Kind.POPULATION},
    )
    reference_groups = models.JSONField(default=dict, blank=True)
    confidence = models.DecimalField(max_digits=4, decimal_places=3, default=0.95)
    error = models.TextField(blank=True)
    job = models.ForeignKey(Job, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("identify:extract", kwargs={"project_id": self.project_id, "extract_id": self.pk})


class SavedMapping(models.Model):
    """An organisation's confirmed column mapping, offered again for next month's upload."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="saved_mappings")
    kind = models.CharField(max_length=12, choices=Extract.Kind.choices)
    columns_key = models.CharField(max_length=64, help_text="Hash of the sorted, lower-cased column names.")
    columns = models.JSONField(default=list)
    mapping = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "kind", "columns_key"], name="saved_mapping_unique")
        ]

    def __str__(self):
        return f"{self.organisation}: {self.get_kind_display()} ({len(self.columns)} columns)"


class QualityReport(models.Model):
    extract = models.OneToOneField(Extract, on_delete=models.CASCADE, related_name="quality")
    report = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"Quality of {self.extract}"


class Breakdown(models.Model):
    """One stored breakdown of an extract by a characteristic (or an intersection).

    `result` holds the unsuppressed figures, for the analyst who uploaded the
    data only; `published` has small-number suppression applied and is what
    everyone else sees and exports. Both are BreakdownResult.as_dict().
    """

    extract = models.ForeignKey(Extract, on_delete=models.CASCADE, related_name="breakdowns")
    dimension = models.CharField(max_length=100)
    position = models.PositiveSmallIntegerField(default=0)
    result = models.JSONField()
    published = models.JSONField()
    suppression_rule = models.CharField(max_length=20)
    confidence = models.DecimalField(max_digits=4, decimal_places=3)

    class Meta:
        ordering = ["extract", "position"]
        constraints = [models.UniqueConstraint(fields=["extract", "dimension"], name="breakdown_unique_dimension")]

    def __str__(self):
        return f"{self.extract}: {self.dimension}"


class OrganisationSettings(models.Model):
    """Per-organisation Identify settings (the small-number suppression rule)."""

    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="identify_settings")
    suppression_rule = models.CharField(max_length=20, default="nhs")

    def __str__(self):
        return f"{self.organisation}: {self.suppression_rule}"
