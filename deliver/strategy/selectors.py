"""Deliver 3A reads: the access helpers for the strategy and its interventions,
what the forms offer (agreed priorities, diagram boxes, goals, members), and the
panel's comments without names."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from amhe.core import access
from amhe.core.access import Action
from amhe.core.models import SmartGoal, User
from deliver.models import Intervention, Strategy, StrategyComment
from research.models import DiagramNode, Priority, Reference
from research.priorities import selectors as priority_selectors


def strategy_of(project) -> Strategy | None:
    return Strategy.objects.filter(project=project).first()


def strategy_for(user, project_id, action: Action = Action.VIEW):
    """(project, membership, strategy): 404 outside the project or while it has no strategy."""
    project, membership = access.get_project_for_user(user, project_id, action)
    strategy = strategy_of(project)
    if strategy is None:
        raise Http404("The project has no strategy yet")
    return project, membership, strategy


def intervention_for(user, project_id, intervention_id, action: Action = Action.VIEW):
    project, membership = access.get_project_for_user(user, project_id, action)
    intervention = get_object_or_404(
        Intervention.objects.select_related("strategy", "owner"), pk=intervention_id, strategy__project=project
    )
    return project, membership, intervention


def interventions(strategy) -> QuerySet[Intervention]:
    return (
        Intervention.objects.filter(strategy=strategy)
        .select_related("owner")
        .prefetch_related(
            Prefetch("priorities", queryset=Priority.objects.order_by("title")),
            Prefetch("goals", queryset=SmartGoal.objects.order_by("pk")),
            "populations",
        )
        .order_by("pk")
    )


def agreed_priorities(project) -> QuerySet[Priority]:
    """The agreed Research priorities (2C) a strategy's interventions come from."""
    return priority_selectors.agreed_priorities(project)


def priorities_without_intervention(project) -> list[Priority]:
    """Agreed priorities no intervention of the strategy comes from yet, in 2C's order."""
    used = set(
        Intervention.priorities.through.objects.filter(intervention__strategy__project=project).values_list(
            "priority_id", flat=True
        )
    )
    return [priority for priority in agreed_priorities(project) if priority.pk not in used]


def priority_choices(project, current=()) -> QuerySet[Priority]:
    """Agreed priorities, and any an intervention already names (they may since have changed)."""
    ids = [priority.pk for priority in current]
    return Priority.objects.filter(project=project).filter(
        pk__in=[*agreed_priorities(project).values_list("pk", flat=True), *ids]
    )


def node_choices(project) -> QuerySet[DiagramNode]:
    """The boxes of the project's driver diagrams and theories of change."""
    return (
        DiagramNode.objects.filter(diagram__project=project)
        .select_related("diagram", "goal")
        .order_by("diagram__title", "diagram_id", "pk")
    )


def goal_choices(project) -> QuerySet[SmartGoal]:
    """The project's SMART goals that are not withdrawn."""
    return SmartGoal.objects.filter(project=project).exclude(status=SmartGoal.Status.WITHDRAWN).order_by("pk")


def member_choices(project) -> QuerySet[User]:
    return User.objects.filter(memberships__project=project).order_by("full_name", "pk").distinct()


def evidence_for(intervention) -> list[Reference]:
    """The references behind the priorities an intervention comes from, each once."""
    return list(Reference.objects.filter(priorities__interventions=intervention).distinct().order_by("title", "pk"))


def comments(strategy) -> list[str]:
    """The panel's comments, without names, in alphabetical order (so their order says
    nothing about who wrote them or when)."""
    texts = StrategyComment.objects.filter(strategy=strategy).values_list("comment", flat=True)
    return sorted(texts, key=str.casefold)


def own_comment(strategy, user) -> StrategyComment | None:
    return StrategyComment.objects.filter(strategy=strategy, member=user).first()
