"""Evaluate 4A reads: the access helpers for measures and their rebase dates, and
what the pages list."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from amhe.core import access
from amhe.core.access import Action
from amhe.core.models import Measure, MeasureValue, SmartGoal
from evaluate.models import MeasureRebase


def measure_for(user, project_id, measure_id, action: Action = Action.VIEW):
    """The project, the membership and the project's measure, or 404 outside the project."""
    project, membership = access.get_project_for_user(user, project_id, action)
    measure = get_object_or_404(Measure, pk=measure_id, project=project)
    return project, membership, measure


def rebase_for(user, project_id, measure_id, rebase_id, action: Action = Action.VIEW):
    """A rebase date of the project's measure, or 404 outside the project or measure."""
    project, membership, measure = measure_for(user, project_id, measure_id, action)
    rebase = get_object_or_404(MeasureRebase, pk=rebase_id, measure=measure)
    return project, membership, measure, rebase


def measures(project) -> QuerySet[Measure]:
    """The project's measures by name, with their values and rebase dates."""
    return (
        Measure.objects.filter(project=project)
        .prefetch_related(
            Prefetch("values", queryset=MeasureValue.objects.order_by("period_end", "period_start")),
            Prefetch("rebases", queryset=MeasureRebase.objects.order_by("date")),
        )
        .order_by("name", "pk")
    )


def values(measure: Measure) -> list[MeasureValue]:
    return list(measure.values.order_by("period_end", "period_start"))


def rebases(measure: Measure) -> list[MeasureRebase]:
    return list(measure.rebases.select_related("created_by").order_by("date"))


def target_goal(measure: Measure) -> SmartGoal | None:
    """The goal whose target the chart shows: an agreed (or later) goal on this measure
    with a target before a draft one, the latest first; withdrawn goals do not count."""
    goals = (
        SmartGoal.objects.filter(project_id=measure.project_id, measure=measure, target_value__isnull=False)
        .exclude(status=SmartGoal.Status.WITHDRAWN)
        .order_by("-created_at", "-pk")
    )
    goals = list(goals)
    committed = [g for g in goals if g.status in SmartGoal.COMMITTED]
    return (committed or goals or [None])[0]


def targets(project) -> dict[int, SmartGoal]:
    """The target goal of each of the project's measures, by measure id (as target_goal)."""
    chosen: dict[int, SmartGoal] = {}
    goals = (
        SmartGoal.objects.filter(project=project, measure__isnull=False, target_value__isnull=False)
        .exclude(status=SmartGoal.Status.WITHDRAWN)
        .order_by("-created_at", "-pk")
    )
    for goal in goals:
        held = chosen.get(goal.measure_id)
        if held is None or (goal.status in SmartGoal.COMMITTED and held.status not in SmartGoal.COMMITTED):
            chosen[goal.measure_id] = goal
    return chosen
