"""Research 2B: nominal group technique (NGT) sessions, online and in the room.

A facilitator opens a session with a question; participants join with no
account through the session's unguessable link (`join_token`) and are given a
link of their own (`NgtParticipant.token`). All that is kept about a
participant is the group they take part as, the language they chose and when
they joined and ranked: no name, address or device. In-room sessions record
paper rankings as participants without a link (`on_paper`).

Ideas merged as duplicates keep pointing at the idea they were merged into
(`merged_into`), so the merge can be traced and their points follow it
(research.ngt.scoring).
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from amhe.core.models import Project

MAX_TOP_N = 10


def new_token() -> str:
    return secrets.token_urlsafe(24)


class NgtSession(models.Model):
    class Mode(models.TextChoices):
        ONLINE = "online", "Online: participants join by link or QR code"
        IN_ROOM = "in_room", "In the room: the facilitator types the ideas and paper rankings"

    class Phase(models.TextChoices):
        IDEAS = "ideas", "Silent idea generation"
        LISTING = "listing", "Round-robin listing"
        CLARIFYING = "clarifying", "Clarification and merging"
        RANKING = "ranking", "Private ranking"
        CLOSED = "closed", "Closed: results"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="ngt_sessions")
    question = models.TextField(max_length=500)
    top_n = models.PositiveSmallIntegerField(
        "ideas each participant ranks",
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_TOP_N)],
    )
    mode = models.CharField(max_length=8, choices=Mode.choices, default=Mode.ONLINE)
    phase = models.CharField(max_length=10, choices=Phase.choices, default=Phase.IDEAS)
    join_token = models.CharField(max_length=64, unique=True, default=new_token)
    # Who the session is about (keys of the core taxonomy): used to find existing
    # initiatives its ideas overlap (research.evidence.overlap).
    characteristics = models.JSONField(default=list, blank=True)
    # Round-robin listing: the idea the facilitator's screen shows (its position, 1 = first).
    listing_position = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "NGT session"

    def __str__(self):
        return self.question


class NgtParticipant(models.Model):
    class Group(models.TextChoices):
        LIVED_EXPERIENCE = "lived", "A person with lived experience"
        CARER = "carer", "A carer"
        STAFF = "staff", "Staff"
        OTHER = "other", "Other"

    session = models.ForeignKey(NgtSession, on_delete=models.CASCADE, related_name="participants")
    # A participant's own link (online); null for a paper ranking typed in by the facilitator.
    token = models.CharField(max_length=64, unique=True, null=True, blank=True)
    group = models.CharField(max_length=6, choices=Group.choices)
    language = models.CharField(max_length=10, default="en-gb")
    on_paper = models.BooleanField(default=False)
    joined_at = models.DateTimeField(auto_now_add=True)
    ranked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return f"{self.get_group_display()} in {self.session}"


class NgtIdea(models.Model):
    session = models.ForeignKey(NgtSession, on_delete=models.CASCADE, related_name="ideas")
    number = models.PositiveIntegerField()
    text = models.TextField(max_length=500)
    # Who wrote it (online); null when the facilitator typed it in.
    participant = models.ForeignKey(
        NgtParticipant, on_delete=models.SET_NULL, null=True, blank=True, related_name="ideas"
    )
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged_ideas"
    )
    # The driver-diagram boxes (2B) this idea is behind.
    diagram_nodes = models.ManyToManyField("research.DiagramNode", blank=True, related_name="ngt_ideas")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["number"]
        verbose_name = "NGT idea"
        constraints = [
            models.UniqueConstraint(fields=["session", "number"], name="research_ngt_idea_number"),
            models.CheckConstraint(condition=~Q(merged_into=models.F("pk")), name="research_ngt_idea_not_self"),
        ]

    def __str__(self):
        return f"{self.number}. {self.text}"


class NgtRanking(models.Model):
    """One idea of a participant's top N: `position` 1 is their first choice."""

    participant = models.ForeignKey(NgtParticipant, on_delete=models.CASCADE, related_name="rankings")
    idea = models.ForeignKey(NgtIdea, on_delete=models.CASCADE, related_name="rankings")
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["participant", "position"]
        constraints = [
            models.UniqueConstraint(fields=["participant", "position"], name="research_ngt_ranking_position"),
            models.UniqueConstraint(fields=["participant", "idea"], name="research_ngt_ranking_idea"),
        ]

    def __str__(self):
        return f"{self.position}: {self.idea}"
