"""Evaluate 4A: self-assessment frameworks as data (EDS 2022, PCREF, or an
organisation's own) and a project's assessments against them.

A framework has sections (domains or components), items (outcomes or
competencies), a rating scale (its levels, each with the evidence it needs), the
rating at or below which an item is "low" (it offers "Make an action"), the action
suggested when low, and optional score bands for the overall rating. A framework with
no organisation is national (shipped by migration 0003); one with an organisation is
that organisation's own, written and changed in the app by its admin for frameworks
(evaluate.frameworks.services.may_manage_frameworks) or by staff in Django admin.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from amhe.core.models import Measure, Organisation, Project
from amhe.surveys.models import Survey
from deliver.models import Decision, DeliveryAction
from evaluate.frameworks import scoring
from identify.models import Extract


class Framework(models.Model):
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="frameworks",
        help_text="Leave empty for a national framework every organisation may use.",
    )
    key = models.SlugField(max_length=40, help_text="A short name for links and data, e.g. eds-2022.")
    name = models.CharField(max_length=200)
    short_name = models.CharField(max_length=40)
    description = models.TextField(blank=True)
    source = models.TextField(help_text="Where the framework comes from, and its licence.")
    section_label = models.CharField(max_length=40, default="Domain", help_text="What a section is called.")
    item_label = models.CharField(max_length=40, default="Outcome", help_text="What an item is called.")
    evidence_by_characteristic = models.BooleanField(
        default=False, help_text="Ask for evidence for each protected characteristic (as EDS 2022 does)."
    )
    low_rating = models.PositiveSmallIntegerField(
        default=1, help_text="A rating at or below this is low, and offers to make an action in Deliver."
    )
    bands = models.JSONField(
        default=list,
        blank=True,
        help_text='Overall rating bands of the total, e.g. [{"from": 0, "label": "Undeveloped"}, {"from": 8, ...}]. '
        "Empty: no total or overall rating.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "key"], name="framework_unique_key_per_organisation"),
            models.UniqueConstraint(
                fields=["key"], condition=Q(organisation__isnull=True), name="framework_unique_national_key"
            ),
        ]

    def __str__(self):
        return self.short_name or self.name

    def clean(self):
        super().clean()
        try:
            scoring.check_bands(self.bands)
        except ValueError as exc:
            raise ValidationError({"bands": str(exc)}) from exc


class RatingLevel(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="levels")
    value = models.PositiveSmallIntegerField()
    label = models.CharField(max_length=80)
    evidence_required = models.TextField(blank=True, help_text="What evidence this rating needs.")

    class Meta:
        ordering = ["framework", "value"]
        constraints = [models.UniqueConstraint(fields=["framework", "value"], name="rating_level_unique_value")]

    def __str__(self):
        return f"{self.value} {self.label}"


class FrameworkSection(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="sections")
    code = models.CharField(max_length=10)
    title = models.CharField(max_length=200)
    position = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["framework", "position", "code"]
        constraints = [models.UniqueConstraint(fields=["framework", "code"], name="framework_section_unique_code")]

    def __str__(self):
        return f"{self.code} {self.title}"


class FrameworkItem(models.Model):
    section = models.ForeignKey(FrameworkSection, on_delete=models.CASCADE, related_name="items")
    code = models.CharField(max_length=10)
    title = models.CharField(max_length=400)
    description = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=1)
    low_action = models.TextField(blank=True, help_text="What to do when it is rated low (the action offered).")

    class Meta:
        ordering = ["section__position", "position", "code"]
        constraints = [models.UniqueConstraint(fields=["section", "code"], name="framework_item_unique_code")]

    def __str__(self):
        return f"{self.code} {self.title}"


class Assessment(models.Model):
    """A project's self-assessment against a framework for one period, e.g. EDS 2022 for 2025/26."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="framework_assessments")
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="assessments")
    period = models.CharField(max_length=20, help_text="The year it covers, e.g. 2025/26.")
    assessed_on = models.DateField()
    summary = models.TextField(blank=True, max_length=4000)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["framework", "assessed_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["project", "framework", "period"], name="assessment_unique_period")
        ]

    def __str__(self):
        return f"{self.framework} {self.period}"


class ItemRating(models.Model):
    """One item's rating in an assessment, with its evidence and what it links to."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="ratings")
    item = models.ForeignKey(FrameworkItem, on_delete=models.PROTECT, related_name="+")
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    evidence = models.TextField(blank=True, max_length=4000)
    # {characteristic key: evidence} for the protected characteristics (EDS 2022).
    by_characteristic = models.JSONField(default=dict, blank=True)
    actions = models.TextField(blank=True, max_length=2000, help_text="What will be done, in words.")
    extracts = models.ManyToManyField(Extract, blank=True, related_name="+")
    surveys = models.ManyToManyField(Survey, blank=True, related_name="+")
    decisions = models.ManyToManyField(Decision, blank=True, related_name="+")
    measures = models.ManyToManyField(Measure, blank=True, related_name="+")
    delivery_actions = models.ManyToManyField(DeliveryAction, blank=True, related_name="+")
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["assessment", "item__section__position", "item__position", "pk"]
        constraints = [models.UniqueConstraint(fields=["assessment", "item"], name="item_rating_unique_item")]

    def __str__(self):
        return f"{self.assessment}: {self.item.code} = {self.rating}"
