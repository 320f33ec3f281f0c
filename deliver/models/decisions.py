"""Deliver 3C: the decision log. Each decision says when it was made, by which
group or meeting, why, and (optionally) the intervention or risk it is about."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from amhe.core.models import Project
from deliver.models.risks import Risk
from deliver.models.strategy import Intervention


class Decision(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="decisions")
    decided_on = models.DateField("date")
    decision = models.TextField(max_length=2000)
    made_by = models.CharField("made by", max_length=200)
    rationale = models.TextField(blank=True, max_length=4000)
    intervention = models.ForeignKey(
        Intervention, on_delete=models.SET_NULL, null=True, blank=True, related_name="decisions"
    )
    risk = models.ForeignKey(Risk, on_delete=models.SET_NULL, null=True, blank=True, related_name="decisions")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Every change is kept (deliver.audit shows it in words).
    history = HistoricalRecords()

    class Meta:
        ordering = ["-decided_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="deliver_decision_links_one_item_at_most",
                condition=Q(intervention__isnull=True) | Q(risk__isnull=True),
                violation_error_message="A decision links to one item at most.",
            )
        ]

    def __str__(self):
        return self.decision[:80]

    @property
    def linked(self):
        return self.intervention or self.risk
