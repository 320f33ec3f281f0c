"""Research 2C: key priorities, placed on an impact/effort matrix and a time
horizon, with the lived-experience panel's views on each. The agreed list is
what Deliver's strategy starts from (research.priorities.selectors.agreed_priorities).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from amhe.core.models import Population, Project
from amhe.surveys.models import Theme
from research.models.evidence import Reference
from research.models.practice import CaseStudy


class Level(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


class Priority(models.Model):
    class Source(models.TextChoices):
        NGT_IDEA = "ngt_idea", "An idea from a nominal group technique session"
        THEME = "theme", "A theme from focus groups or surveys"
        CASE_STUDY = "case_study", "A case study of positive practice"
        OTHER = "other", "Somewhere else"

    class Horizon(models.TextChoices):
        IMMEDIATE = "immediate", "Immediate"
        SHORT = "short", "Short term"
        MEDIUM = "medium", "Medium term"
        LONG = "long", "Long term"

    class State(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        AGREED = "agreed", "Agreed"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="priorities")
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    source = models.CharField(max_length=12, choices=Source.choices, default=Source.OTHER)
    source_text = models.CharField("from", max_length=300, blank=True)
    # The record it came from, where it is one the app holds: a case study (the
    # project's own, or one shared by any organisation) or a theme coded in 1B.
    case_study = models.ForeignKey(CaseStudy, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    theme = models.ForeignKey(Theme, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    impact = models.CharField(max_length=6, choices=Level.choices)
    effort = models.CharField(max_length=6, choices=Level.choices)
    horizon = models.CharField("time horizon", max_length=10, choices=Horizon.choices)
    small_change = models.BooleanField(default=False)
    characteristics = models.JSONField(default=list, blank=True)
    populations = models.ManyToManyField(Population, blank=True, related_name="+")
    references = models.ManyToManyField(Reference, blank=True, related_name="priorities")
    # The NGT idea (2B) it was made from, when its source is NGT_IDEA.
    ngt_idea = models.ForeignKey(
        "research.NgtIdea", on_delete=models.SET_NULL, null=True, blank=True, related_name="priorities"
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.PROPOSED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title", "pk"]
        verbose_name_plural = "priorities"

    def __str__(self):
        return self.title


class PriorityView(models.Model):
    """A panel member's view on a priority: one each, which they can change.
    Shown to everyone without the member's name."""

    class Vote(models.TextChoices):
        SUPPORT = "support", "Support"
        NEUTRAL = "neutral", "Neutral"
        OPPOSE = "oppose", "Do not support"

    priority = models.ForeignKey(Priority, on_delete=models.CASCADE, related_name="views")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    vote = models.CharField(max_length=8, choices=Vote.choices)
    comment = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["priority", "member"], name="research_priority_view_one_per_member")
        ]

    def __str__(self):
        return f"{self.get_vote_display()} on {self.priority}"
