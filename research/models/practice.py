"""Research 2A, positive practice: case studies and their attachments.

A case study belongs to a project (and so to its organisation). Its sharing
state says who else may read it: nobody outside the project until a lead
submits it and a reviewer of the owning organisation approves it; from then on
every signed-in user of every organisation may find and read it and its
attachments (research.practice.selectors.shared_*), and nothing else of the
project.
"""

from __future__ import annotations

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from amhe.core import taxonomy
from research.practice import interventions


def validate_characteristic(value: str) -> None:
    """A characteristic key of the core taxonomy (amhe.core.taxonomy.CHARACTERISTICS)."""
    if value not in taxonomy.CHARACTERISTICS:
        raise ValidationError(f"'{value}' is not a characteristic of the taxonomy.")


def attachment_path(instance, filename: str) -> str:
    """Stored under a random name: the uploader's file name is kept only as text."""
    suffix = PurePosixPath(filename).suffix.lower()
    suffix = suffix if suffix in (".pdf", ".docx") else ""
    return f"research/practice/{uuid.uuid4().hex}{suffix}"


class CaseStudy(models.Model):
    class Setting(models.TextChoices):
        COMMUNITY = "community", "In the community (community centres, faith settings, homes, streets)"
        PRIMARY_CARE = "primary_care", "Primary care"
        COMMUNITY_MENTAL_HEALTH = "community_mh", "Community mental health services"
        INPATIENT = "inpatient", "Inpatient mental health services"
        CRISIS = "crisis", "Crisis and urgent care"
        EDUCATION = "education", "Schools, colleges and universities"
        JUSTICE = "justice", "Police, courts, prisons and probation"
        ONLINE = "online", "Online or by phone"
        SYSTEM = "system", "Across a whole system (commissioning, data, workforce)"
        OTHER = "other", "Other"

    class EvidenceStrength(models.TextChoices):
        DESCRIBED = "described", "Described: what was done, without measured results"
        MONITORED = "monitored", "Monitored: before-and-after figures, without a comparison"
        COMPARED = "compared", "Compared: figures against a comparison group or area"
        EVALUATED = "evaluated", "Evaluated: an independent or published evaluation"

    class Sharing(models.TextChoices):
        PRIVATE = "private", "Not shared"
        SUBMITTED = "submitted", "Waiting for review"
        SHARED = "shared", "Shared with every organisation"
        DECLINED = "declined", "Not approved for sharing"

    project = models.ForeignKey("core.Project", on_delete=models.CASCADE, related_name="case_studies")
    organisation = models.ForeignKey("core.Organisation", on_delete=models.PROTECT, related_name="case_studies")
    title = models.CharField(max_length=200)
    action = models.TextField("what action was taken")
    delivery = models.TextField("how it was set up and delivered")
    impact = models.TextField("what positive impact it had")
    impact_figures = models.TextField(
        "impact in figures", blank=True, help_text="For example, 'Waits fell from 12 to 4 weeks (2024-25)'."
    )
    impact_source = models.CharField(
        "source of the figures", max_length=500, blank=True, help_text="Where the figures come from."
    )
    populations = models.ManyToManyField("core.Population", blank=True, related_name="case_studies")
    intervention_type = models.CharField("kind of intervention", max_length=30, choices=interventions.CHOICES)
    setting = models.CharField(max_length=20, choices=Setting.choices)
    area = models.CharField(max_length=200, help_text="The place where it was done.")
    evidence_strength = models.CharField(max_length=12, choices=EvidenceStrength.choices)
    contact = models.CharField(max_length=300, blank=True)
    links = models.JSONField(default=list, blank=True)
    illustrative = models.BooleanField(
        default=False, help_text="Written to show how the app works (demo data), not a real case study."
    )

    sharing = models.CharField(max_length=10, choices=Sharing.choices, default=Sharing.PRIVATE)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    review_reason = models.TextField(blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["title", "pk"]
        verbose_name_plural = "case studies"
        constraints = [
            models.CheckConstraint(
                condition=~Q(sharing="shared") | Q(reviewed_at__isnull=False),
                name="case_study_shared_is_reviewed",
            ),
            models.CheckConstraint(
                condition=~Q(sharing="declined") | ~Q(review_reason=""),
                name="case_study_declined_has_reason",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def characteristics(self) -> list[str]:
        """The taxonomy keys of the characteristics it addresses, in the taxonomy's order."""
        keys = {row.characteristic for row in self.characteristic_rows.all()}
        return [key for key in taxonomy.CHARACTERISTICS if key in keys]

    @property
    def is_shared(self) -> bool:
        return self.sharing == self.Sharing.SHARED


class CaseStudyCharacteristic(models.Model):
    """A characteristic of the core taxonomy that a case study addresses (one row each,
    so lists filter by it on every database)."""

    case_study = models.ForeignKey(CaseStudy, on_delete=models.CASCADE, related_name="characteristic_rows")
    characteristic = models.CharField(max_length=40, validators=[validate_characteristic])

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case_study", "characteristic"], name="case_study_characteristic_once")
        ]

    def __str__(self):
        return self.characteristic


class CaseStudyAttachment(models.Model):
    """A PDF or Word (.docx) document about a case study, its type checked by content
    (research.practice.attachments) and stored under a random name."""

    class Kind(models.TextChoices):
        PDF = "pdf", "PDF"
        DOCX = "docx", "Word document"

    case_study = models.ForeignKey(CaseStudy, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=200)
    filename = models.CharField(max_length=120, help_text="The safe name it is downloaded as.")
    kind = models.CharField(max_length=4, choices=Kind.choices)
    size = models.PositiveIntegerField()
    description = models.CharField(max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.filename
