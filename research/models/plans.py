"""2B driver diagrams and theories of change.

A diagram is a graph of nodes, not a tree: a secondary driver or a change idea
may serve several parents. Which kinds a diagram holds, and which kind each
node's parents must be, are `LEVELS` and `ATTACHMENTS` below; the rules are
enforced by research.plans.services (the table only holds the edges).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from amhe.core.models import Project, SmartGoal


class Diagram(models.Model):
    class Kind(models.TextChoices):
        DRIVER = "driver", "Driver diagram"
        CHANGE = "change", "Theory of change"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="diagrams")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    title = models.CharField(max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title", "pk"]

    def __str__(self):
        return self.title

    @property
    def levels(self) -> tuple[str, ...]:
        """The node kinds of the diagram's chain, top (the aim) first."""
        return LEVELS[self.kind]

    @property
    def attachment_kinds(self) -> tuple[str, ...]:
        return ATTACHMENTS[self.kind]

    @property
    def node_kinds(self) -> tuple[str, ...]:
        return self.levels + self.attachment_kinds


class DiagramNode(models.Model):
    """One box of a diagram. `parents` are the nodes it serves (a primary driver
    serves the aim; an activity leads to early outcomes; an assumption or an
    indicator belongs to any node of the chain).

    Links to evidence (2A references) and to ideas from NGT sessions (2B) belong
    in those areas' own tables, as a ForeignKey or ManyToManyField to this
    model, so a box needs no change to be supported by them."""

    class Kind(models.TextChoices):
        AIM = "aim", "Aim"
        PRIMARY = "primary", "Primary driver"
        SECONDARY = "secondary", "Secondary driver"
        CHANGE_IDEA = "change_idea", "Change idea"
        LONG_TERM = "long_term", "Long-term outcome"
        INTERMEDIATE = "intermediate", "Intermediate outcome"
        EARLY = "early", "Early outcome"
        ACTIVITY = "activity", "Activity"
        ASSUMPTION = "assumption", "Assumption"
        INDICATOR = "indicator", "Indicator"

    diagram = models.ForeignKey(Diagram, on_delete=models.CASCADE, related_name="nodes")
    kind = models.CharField(max_length=14, choices=Kind.choices)
    text = models.TextField(blank=True, max_length=600)
    # The top of the chain (an aim, a long-term outcome) may be one of the project's
    # agreed SMART goals: the goal's statement is then what the node says.
    goal = models.ForeignKey(SmartGoal, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    parents = models.ManyToManyField("self", symmetrical=False, related_name="children", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["diagram"], condition=Q(kind__in=["aim", "long_term"]), name="diagram_one_top_node"
            )
        ]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        """What the node says: its goal's statement when it is a goal, else its text."""
        if self.goal_id is not None:
            return self.goal.statement
        return self.text


K = DiagramNode.Kind
LEVELS: dict[str, tuple[str, ...]] = {
    Diagram.Kind.DRIVER: (K.AIM, K.PRIMARY, K.SECONDARY, K.CHANGE_IDEA),
    Diagram.Kind.CHANGE: (K.LONG_TERM, K.INTERMEDIATE, K.EARLY, K.ACTIVITY),
}
ATTACHMENTS: dict[str, tuple[str, ...]] = {
    Diagram.Kind.DRIVER: (),
    Diagram.Kind.CHANGE: (K.ASSUMPTION, K.INDICATOR),
}
TOP_KINDS = frozenset({K.AIM, K.LONG_TERM})
PLURALS = {
    K.AIM: "Aim",
    K.PRIMARY: "Primary drivers",
    K.SECONDARY: "Secondary drivers",
    K.CHANGE_IDEA: "Change ideas",
    K.LONG_TERM: "Long-term outcome",
    K.INTERMEDIATE: "Intermediate outcomes",
    K.EARLY: "Early outcomes",
    K.ACTIVITY: "Activities",
    K.ASSUMPTION: "Assumptions",
    K.INDICATOR: "Indicators",
}
