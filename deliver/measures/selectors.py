"""Deliver 3A reads: the access helper for measures, the project's measures and
values, the uploads a measure may be defined on and the groups they offer."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from amhe.core import access
from amhe.core.access import Action
from amhe.core.models import Measure, MeasureValue, SmartGoal
from deliver.measures import sources
from identify.models import Breakdown, Extract


def measure_for(user, project_id, measure_id, action: Action = Action.VIEW):
    """(project, membership, measure): 404 if the user is not on the project or the
    measure is not the project's, 403 if their role does not allow `action`."""
    project, membership = access.get_project_for_user(user, project_id, action)
    measure = get_object_or_404(Measure, pk=measure_id, project=project)
    return project, membership, measure


def goal_for(user, project_id, goal_id, action: Action = Action.VIEW):
    """(project, membership, goal): 404 if the user is not on the project or the goal
    is not the project's, 403 if their role does not allow `action`."""
    project, membership = access.get_project_for_user(user, project_id, action)
    goal = get_object_or_404(SmartGoal.objects.select_related("measure"), pk=goal_id, project=project)
    return project, membership, goal


def measures(project):
    return Measure.objects.filter(project=project).prefetch_related("values", "goals")


def values(measure: Measure) -> list[MeasureValue]:
    """The measure's values by period, oldest first, each with where it came from."""
    return list(measure.values.select_related("origin", "origin__extract").order_by("period_end", "period_start"))


def goals_with_measures(project):
    return (
        SmartGoal.objects.filter(project=project, measure__isnull=False)
        .select_related("measure", "data_baseline")
        .prefetch_related("measure__values")
    )


def goals(project):
    return SmartGoal.objects.filter(project=project).select_related("measure").order_by("pk")


def goals_of(measure: Measure):
    return measure.goals.select_related("measure", "data_baseline").prefetch_related("measure__values")


def current_baseline(goal: SmartGoal) -> MeasureValue | None:
    """The value of the goal's measure its baseline came from (the period ending on its baseline date)."""
    if goal.measure_id is None or goal.baseline_date is None:
        return None
    return goal.measure.values.filter(period_end=goal.baseline_date, value__isnull=False).first()


def baseline_choices(project):
    """Periods a goal's baseline may come from: values of the project's measures that have a value."""
    return (
        MeasureValue.objects.filter(measure__project=project, value__isnull=False)
        .select_related("measure")
        .order_by("measure__name", "period_end")
    )


def uploads_to_measure(project):
    """Processed uploads of the project a measure may be defined on (not populations)."""
    return (
        Extract.objects.filter(project=project, state=Extract.State.READY)
        .exclude(kind=Extract.Kind.POPULATION)
        .select_related("quality")
        .order_by("-created_at")
    )


def group_choices(extract: Extract) -> list[tuple[str, list[tuple[str, str]]]]:
    """(characteristic label, [(value "dimension|group_code", group label)]) for each
    one-characteristic breakdown of the upload, as the measure form offers them."""
    choices = []
    for item in Breakdown.objects.filter(extract=extract).order_by("position"):
        if len(item.published.get("dimensions") or []) != 1:
            continue
        groups = [(f"{item.dimension}|{row['group_code']}", row["group"]) for row in item.published["rows"]]
        choices.append((item.published.get("label", item.dimension), groups))
    return choices


def series_inputs(measure: Measure) -> list:
    source = sources.source_of(measure)
    return list(source.inputs(measure)) if source else []


def defined_on_exists(measure: Measure) -> bool:
    """Whether the upload a measure was defined on is still there (True for other measures).
    A measure carried into a later cycle (4C) was defined on an upload of an earlier cycle
    of the same project, so the earlier cycles count too."""
    extract_id = (measure.definition or {}).get("extract_id")
    if not extract_id or sources.source_of(measure) is None:
        return True
    cycles, project = [], measure.project
    while project is not None and len(cycles) < 100:
        cycles.append(project.pk)
        project = project.previous_cycle
    return Extract.objects.filter(pk=extract_id, project_id__in=cycles).exists()
