"""Deliver 3C: the project's risk register. Likelihood and impact are rated 1 to
5 on the 5 x 5 NHS risk matrix; the score and its band are worked out by
deliver.risks.scoring, never stored, so they cannot disagree with the ratings."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from amhe.core.models import Project
from deliver.risks import scoring

RATING_CHOICES = [(value, f"{value}") for value in scoring.RATINGS]


def _in_range(name: str) -> Q:
    return Q(**{f"{name}__gte": 1, f"{name}__lte": 5})


class Risk(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="risks")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=4000)
    cause = models.TextField(blank=True, max_length=2000)
    effect = models.TextField(blank=True, max_length=2000)
    likelihood = models.PositiveSmallIntegerField(choices=RATING_CHOICES)
    impact = models.PositiveSmallIntegerField(choices=RATING_CHOICES)
    target_likelihood = models.PositiveSmallIntegerField(choices=RATING_CHOICES)
    target_impact = models.PositiveSmallIntegerField(choices=RATING_CHOICES)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    controls = models.TextField("controls in place", blank=True, max_length=4000)
    actions = models.TextField("further actions", blank=True, max_length=4000)
    last_reviewed = models.DateField("last reviewed", null=True, blank=True)
    review_date = models.DateField("next review")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Every change is kept (deliver.audit shows it in words).
    history = HistoricalRecords()

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                name="deliver_risk_ratings_1_to_5",
                condition=_in_range("likelihood")
                & _in_range("impact")
                & _in_range("target_likelihood")
                & _in_range("target_impact"),
                violation_error_message="Likelihood and impact must be from 1 to 5.",
            ),
            models.CheckConstraint(
                name="deliver_risk_review_after_last_review",
                condition=Q(last_reviewed__isnull=True) | Q(review_date__gt=F("last_reviewed")),
                violation_error_message="The next review must be after the last review.",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def score(self) -> int:
        return scoring.score(self.likelihood, self.impact)

    @property
    def target_score(self) -> int:
        return scoring.score(self.target_likelihood, self.target_impact)

    @property
    def band(self) -> scoring.Band:
        return scoring.band(self.score)

    @property
    def target_band(self) -> scoring.Band:
        return scoring.band(self.target_score)
