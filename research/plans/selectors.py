"""2B driver diagrams and theories of change: every read.

Access helpers take the user and the ids from the URL and return
(project, membership, record): 404 if the user is not on the project or the
record is not the project's, 403 if their role does not allow `action`.
"""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from amhe.core import access
from amhe.core.access import Action
from amhe.core.models import SmartGoal
from research.models import Diagram, DiagramNode

# --- Access helpers ---------------------------------------------------------------------


def diagram_for(user, project_id, diagram_id, action: Action = Action.VIEW):
    project, membership = access.get_project_for_user(user, project_id, action)
    diagram = get_object_or_404(Diagram, pk=diagram_id, project=project)
    return project, membership, diagram


def node_for(user, project_id, diagram_id, node_id, action: Action = Action.PLAN):
    """A box of one of the project's diagrams (the diagram in the URL must be its own)."""
    project, membership = access.get_project_for_user(user, project_id, action)
    node = get_object_or_404(
        DiagramNode.objects.select_related("diagram", "goal"),
        pk=node_id,
        diagram_id=diagram_id,
        diagram__project=project,
    )
    return project, membership, node


# --- Lists ------------------------------------------------------------------------------


def diagrams(project) -> list[Diagram]:
    """The project's diagrams by title, each with `node_count`."""
    return list(Diagram.objects.filter(project=project).annotate(node_count=Count("nodes")).order_by("title", "pk"))


def diagram_nodes(diagram) -> list[DiagramNode]:
    """The diagram's boxes in the order they were added, with their parents' ids
    (`parent_ids`) and goals."""
    nodes = list(
        DiagramNode.objects.filter(diagram=diagram)
        .select_related("goal")
        .prefetch_related(Prefetch("parents", queryset=DiagramNode.objects.only("pk")), "references", "ngt_ideas")
        .order_by("pk")
    )
    for node in nodes:
        node.parent_ids = [p.pk for p in node.parents.all()]
    return nodes


def parent_choices(diagram, kinds) -> QuerySet[DiagramNode]:
    """The boxes of `diagram` of `kinds`, in the order they were added."""
    return DiagramNode.objects.filter(diagram=diagram, kind__in=kinds).select_related("goal").order_by("pk")


def goal_choices(project, current=None) -> QuerySet[SmartGoal]:
    """The project's agreed SMART goals, and the goal a box already shows (`current`)."""
    chosen = Q(status=SmartGoal.Status.AGREED)
    if current is not None:
        chosen |= Q(pk=current.pk)
    return SmartGoal.objects.filter(chosen, project=project).order_by("pk")


def children_left_unlinked(node) -> list[DiagramNode]:
    """The boxes that serve only `node`: removing it leaves them linked to nothing."""
    children = node.children.select_related("goal").prefetch_related("parents").order_by("pk")
    return [child for child in children if len(child.parents.all()) == 1]
