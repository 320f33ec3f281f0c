"""Deliver 3A: equality impact assessments (EIAs). An EIA is for the strategy or
for one intervention. What it says lives in versions: the latest is the one being
worked on; a change after sign-off starts a new version (a draft) and every
earlier version stays as it was, readable. Each version assesses the impact on
every characteristic of the core taxonomy (the nine protected characteristics,
deprivation, inclusion-health groups and carers)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from amhe.core.models import Project
from amhe.surveys.models import Survey
from deliver.models.strategy import Intervention, Strategy
from identify.models import Extract


class EqualityImpactAssessment(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="eias")
    strategy = models.OneToOneField(Strategy, on_delete=models.CASCADE, null=True, blank=True, related_name="eia")
    intervention = models.OneToOneField(
        Intervention, on_delete=models.CASCADE, null=True, blank=True, related_name="eia"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    # Every change is kept (deliver.audit shows it in words).
    history = HistoricalRecords()

    class Meta:
        ordering = ["pk"]
        verbose_name = "equality impact assessment"
        constraints = [
            models.CheckConstraint(
                name="deliver_eia_for_one_item",
                condition=(Q(strategy__isnull=False) & Q(intervention__isnull=True))
                | (Q(strategy__isnull=True) & Q(intervention__isnull=False)),
                violation_error_message="An equality impact assessment is for the strategy or for one intervention.",
            )
        ]

    def __str__(self):
        return f"Equality impact assessment of {self.subject}"

    @property
    def subject(self):
        return self.strategy or self.intervention


class EiaVersion(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted, awaiting sign-off"
        SIGNED_OFF = "signed_off", "Signed off"
        RETURNED = "returned", "Returned with comments"

    eia = models.ForeignKey(EqualityImpactAssessment, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT)
    summary = models.TextField("what is assessed", blank=True, max_length=4000)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_comment = models.TextField(blank=True, max_length=4000)

    # Every change is kept (deliver.audit shows it in words).
    history = HistoricalRecords()

    class Meta:
        ordering = ["eia", "number"]
        constraints = [models.UniqueConstraint(fields=["eia", "number"], name="deliver_eia_version_number_once")]

    def __str__(self):
        return f"Version {self.number} of {self.eia}"


class EiaImpact(models.Model):
    """The assessed impact on one characteristic (a key of amhe.core.taxonomy.CHARACTERISTICS)."""

    class Impact(models.TextChoices):
        POSITIVE = "positive", "Positive"
        NEUTRAL = "neutral", "Neutral"
        NEGATIVE = "negative", "Negative"
        UNKNOWN = "unknown", "Unknown"

    version = models.ForeignKey(EiaVersion, on_delete=models.CASCADE, related_name="impacts")
    characteristic = models.CharField(max_length=40)
    impact = models.CharField(max_length=10, choices=Impact.choices, blank=True)
    evidence = models.TextField(blank=True, max_length=4000)
    mitigation = models.TextField(blank=True, max_length=4000)
    # What will be done about it, as free text until it is one of the timeline's actions.
    action = models.CharField(blank=True, max_length=300)
    extracts = models.ManyToManyField(Extract, blank=True, related_name="+")
    surveys = models.ManyToManyField(Survey, blank=True, related_name="+")

    # Every change is kept (deliver.audit shows it in words).
    history = HistoricalRecords(m2m_fields=["extracts", "surveys"])

    class Meta:
        ordering = ["version", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["version", "characteristic"], name="deliver_eia_impact_once_a_version")
        ]

    def __str__(self):
        return f"{self.characteristic}: {self.impact or 'not assessed'}"

    @property
    def needs_mitigation(self) -> bool:
        return self.impact in (self.Impact.NEGATIVE, self.Impact.UNKNOWN)

    @property
    def mitigated(self) -> bool:
        return bool(self.mitigation.strip() or self.action.strip())
