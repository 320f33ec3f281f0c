"""Deliver 3A: the project's strategy (one per project, and so per cycle), its
aims, and the interventions it commits to, each linked back to the agreed
Research priorities it comes from, the driver-diagram boxes it serves and the
SMART goals it works towards. Panel members comment on the strategy."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from amhe.core.models import Population, Project, SmartGoal
from deliver.strategy import interventions
from research.models import DiagramNode, Priority


class Strategy(models.Model):
    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="strategy")
    title = models.CharField(max_length=200)
    vision = models.TextField("vision", blank=True, max_length=4000)
    aims = models.TextField("aims", blank=True, max_length=4000)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Every change is kept (deliver.audit shows it in words).
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "strategies"

    def __str__(self):
        return self.title


class Intervention(models.Model):
    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="interventions")
    title = models.CharField(max_length=300)
    # Blank until the lead chooses one (an intervention started from a priority).
    kind = models.CharField("kind of intervention", max_length=24, choices=interventions.KINDS, blank=True)
    description = models.TextField(blank=True, max_length=4000)
    characteristics = models.JSONField(default=list, blank=True)
    populations = models.ManyToManyField(Population, blank=True, related_name="+")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    priorities = models.ManyToManyField(Priority, blank=True, related_name="interventions")
    nodes = models.ManyToManyField(DiagramNode, blank=True, related_name="interventions")
    goals = models.ManyToManyField(SmartGoal, blank=True, related_name="interventions")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Every change is kept (deliver.audit shows it in words).
    history = HistoricalRecords(m2m_fields=["populations", "priorities", "nodes", "goals"])

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return self.title


class StrategyComment(models.Model):
    """A panel member's comment on the strategy: one each, which they can change.
    Shown to everyone without the member's name."""

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="comments")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    comment = models.TextField(max_length=2000)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["strategy", "member"], name="deliver_strategy_comment_one_per_member")
        ]

    def __str__(self):
        return f"Comment on {self.strategy}"
