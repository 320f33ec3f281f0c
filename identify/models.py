"""Identify 1A: uploaded extracts, their column mappings, quality reports and
stored breakdowns.

An upload is read by a background job that drops direct identifiers and
keeps only an Arrow IPC copy of the remaining columns (the original file is
deleted). Processing writes the quality report and breakdowns in one
transaction, so a failed run leaves earlier results as they were, and pages
only ever read stored results.
"""

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from amhe.core.models import Job, Organisation, Project
from amhe.surveys.models import Theme


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
    # Files in the storage (amhe.core.files), named by identify.services.storage_name:
    # the upload waiting for the reading job (deleted once read), and the columns kept
    # after identifiers were dropped or pseudonymised (identify.engine.tables: an Arrow IPC
    # file of strings; Parquet for uploads read before it).
    upload_path = models.FileField(max_length=500, blank=True)
    table_path = models.FileField(max_length=500, blank=True)
    encoding = models.CharField(max_length=20, blank=True)
    delimiter = models.CharField(max_length=4, blank=True)
    row_count = models.PositiveIntegerField(null=True, blank=True)
    columns = models.JSONField(default=list, blank=True)
    dropped_identifiers = models.JSONField(default=list, blank=True)
    # Columns of the stored table that hold pseudonyms (identify.engine.pseudonyms), not
    # the identifiers uploaded: an NHS number column's replacement and record IDs.
    pseudonymised_columns = models.JSONField(default=list, blank=True)
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


# --- 1B: work with communities ---------------------------------------------------
#
# Surveys (built by staff, answered online, on paper or by phone), focus groups,
# input from community groups, free-text themes shared by all three, and the
# directory of community assets. Survey text shown to respondents carries its
# own translations: `translations` maps a language code to the same fields
# (see surveys/i18n.py and docs/adr/0006).


def _token() -> str:
    return secrets.token_urlsafe(24)


class FocusGroup(models.Model):
    """A focus group or community conversation. `make_up` is the aggregate
    make-up of those who came, as {characteristic key: {group code: count}};
    it is never about one named person."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="focus_groups")
    title = models.CharField(max_length=200)
    held_on = models.DateField()
    community_group = models.CharField(max_length=200, blank=True)
    asset = models.ForeignKey(
        "CommunityAsset", on_delete=models.SET_NULL, null=True, blank=True, related_name="focus_groups"
    )
    facilitators = models.CharField(max_length=300, blank=True)
    attendees = models.PositiveIntegerField()
    make_up = models.JSONField(default=dict, blank=True)
    languages = models.CharField(max_length=200, blank=True, help_text="Languages the session was held in.")
    notes = models.TextField(blank=True)
    consent_recorded = models.BooleanField(default=False)
    consent_notes = models.TextField(blank=True)
    themes = models.ManyToManyField(Theme, blank=True, related_name="focus_groups")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-held_on"]

    def __str__(self):
        return self.title


class CommunityInputLink(models.Model):
    """The unguessable public address through which community groups and
    partner services send input to a project."""

    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="community_input_link")
    token = models.CharField(max_length=64, unique=True, default=_token, editable=False)
    is_open = models.BooleanField(default=True)
    prompt = models.TextField(blank=True, help_text="What you would like community groups to tell you.")

    def __str__(self):
        return f"Community input link for {self.project}"


class CommunityInput(models.Model):
    """Input from a community group or partner service."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="community_inputs")
    organisation_name = models.CharField(max_length=200)
    represents = models.TextField(blank=True, help_text="Who the group works with or speaks for.")
    input = models.TextField()
    contact = models.CharField(max_length=200, blank=True, help_text="Optional: how to reach them about it.")
    language = models.CharField(max_length=10, default="en-gb")
    themes = models.ManyToManyField(Theme, blank=True, related_name="community_inputs")
    submitted_on = models.DateField(default=timezone.localdate)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-submitted_on", "-pk"]

    def __str__(self):
        return f"Input from {self.organisation_name}"


class CommunityAsset(models.Model):
    """An organisation, group or service in the community ("mapping of
    community assets"), kept per organisation so every project can use it.
    `characteristics` lists the taxonomy characteristic keys it serves and
    `criteria` the groups, in the same form as Population.criteria."""

    class Kind(models.TextChoices):
        ORGANISATION = "organisation", "Voluntary or community organisation"
        GROUP = "group", "Community or faith group"
        SERVICE = "service", "Service (NHS, council or commissioned)"
        PLACE = "place", "Place or venue"

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="community_assets")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    description = models.TextField(blank=True)
    characteristics = models.JSONField(default=list, blank=True)
    criteria = models.JSONField(default=list, blank=True)
    populations_served = models.TextField(blank=True, help_text="Who it serves, in its own words.")
    languages = models.CharField(max_length=300, blank=True, help_text="Languages spoken, separated by commas.")
    accessibility = models.TextField(blank=True, help_text="Step-free access, hearing loop, BSL, easy read...")
    postcode = models.CharField(max_length=10, blank=True)
    area = models.CharField(max_length=200, blank=True)
    contact_name = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    website = models.URLField(blank=True)
    referral_route = models.TextField(blank=True, help_text="How people are referred or can refer themselves.")
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name", "postcode"], name="community_asset_unique")
        ]

    def __str__(self):
        return self.name
