"""Deliver 3A writes: measures defined on Identify's outputs, their values, and
goals linked to them. Keyword-only, `by=` the user, atomic; jobs are queued on
commit (amhe.core.services.job_enqueue). Every rule is checked before anything
is saved, and each problem says what to fix."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from amhe.core import history
from amhe.core import services as core_services
from amhe.core.models import Measure, MeasureValue, SmartGoal
from deliver.measures import sources
from deliver.models import GoalBaseline, MeasureValueOrigin
from identify.models import Breakdown, Extract

VALUES_FROM_UPLOAD = "deliver.measure_values_from_upload"
VALUES_FROM_SERIES = "deliver.measure_values_from_series"


def _groups(item: Breakdown) -> dict[str, dict]:
    return {row["group_code"]: row for row in item.published["rows"]}


@history.records_by
@transaction.atomic
def measure_define(
    *,
    by,
    project,
    name: str,
    direction: str,
    description: str = "",
    extract: Extract,
    dimension: str,
    figure: str,
    group: str,
    comparison: str = "",
) -> Measure:
    """Define a measure on an upload's breakdown, for the upload's whole series, and
    queue working out its values from every upload of the series."""
    errors: dict[str, list[str]] = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = ["Enter a name for the measure."]
    elif Measure.objects.filter(project=project, name=name).exists():
        errors["name"] = ["The project already has a measure with this name. Choose another."]
    if direction not in Measure.Direction.values:
        errors["direction"] = ["Choose which way is better."]
    if extract.project_id != project.pk or extract.state != Extract.State.READY:
        raise ValidationError("Choose an upload of this project that has been processed.")
    if extract.kind == Extract.Kind.POPULATION:
        raise ValidationError("A population upload has no counts of people using services to measure.")
    item = Breakdown.objects.filter(extract=extract, dimension=dimension).first()
    if figure not in sources.FIGURES:
        errors["figure"] = ["Choose what to measure."]
    if item is None:
        errors["group"] = ["Choose a group from this upload's breakdowns."]
    else:
        groups = _groups(item)
        if group not in groups:
            errors["group"] = ["Choose a group from this upload's breakdowns."]
        if figure in (sources.RATE, sources.RATE_RATIO) and not any(row.get("population") for row in groups.values()):
            errors["figure"] = [
                "This upload was not compared with a population, so it has no rates. Choose 'Share of all records', "
                "or compare the upload with a population in 1. Identify first."
            ]
        if figure == sources.RATE_RATIO:
            if not comparison:
                errors["comparison"] = ["Choose the group to compare with."]
            elif comparison not in groups:
                errors["comparison"] = ["Choose a comparison group from the same characteristic as the group."]
            elif comparison == group:
                errors["comparison"] = ["Choose a different group to compare with."]
    if errors:
        raise ValidationError(errors)
    definition = sources.identify_definition(
        extract=extract, dimension=dimension, figure=figure, group=group, comparison=comparison
    )
    definition["dimension_label"] = item.published.get("label", dimension)
    definition["group_label"] = groups[group]["group"]
    if figure == sources.RATE_RATIO:
        definition["comparison_label"] = groups[comparison]["group"]
    try:
        with transaction.atomic():
            measure = Measure.objects.create(
                project=project,
                name=name[:200],
                description=description,
                unit=sources.FIGURES[figure][1],
                direction=direction,
                source=f"Identify 1A: '{extract.title}' and later uploads of the same kind with the same columns"[:300],
                definition=definition,
            )
    except IntegrityError:  # the same name, saved at the same moment
        raise ValidationError({"name": ["The project already has a measure with this name. Choose another."]}) from None
    measure_values_queue(by=by, measure=measure)
    return measure


@history.records_by
@transaction.atomic
def measure_values_queue(*, by, measure: Measure):
    """Queue working out the measure's values from every input it has (e.g. the
    uploads that existed before it was defined). Refused, plainly, for a measure
    whose values are not worked out from data."""
    if sources.source_of(measure) is None:
        raise ValidationError("This measure's values are entered by hand, not worked out from uploaded data.")
    return core_services.job_enqueue(
        by=by, project=measure.project, kind=VALUES_FROM_SERIES, params={"measure_id": measure.pk}
    )


def upload_processed(*, extract_id: str) -> None:
    """Identify finished processing an upload: queue its values if any measure of its
    project is worked out from uploads (identify.signals.upload_processed)."""
    extract = Extract.objects.filter(pk=extract_id).only("project_id").first()
    if extract is None:
        return
    defined = Measure.objects.filter(project_id=extract.project_id, definition__source=sources.IDENTIFY_BREAKDOWN)
    if defined.exists():
        core_services.job_enqueue(
            by=None, project=extract.project, kind=VALUES_FROM_UPLOAD, params={"extract_id": str(extract_id)}
        )


def values_from_upload(*, extract_id: str) -> dict:
    """Every measure whose series holds this upload gets (or has updated) its value
    for the upload's period. Idempotent."""
    extract = Extract.objects.select_related("quality").filter(pk=extract_id, state=Extract.State.READY).first()
    if extract is None:
        return {"already": "deleted or not ready"}
    done, problems = 0, []
    key = sources.series_key(extract)
    measures = Measure.objects.filter(project_id=extract.project_id, definition__source=sources.IDENTIFY_BREAKDOWN)
    for measure in measures:
        if measure.definition.get("series") != key:
            continue
        try:
            record_value(measure=measure, item=extract)
            done += 1
        except sources.SourceError as exc:
            problems.append(str(exc))
    return {"values": done, "problems": problems}


def values_from_series(*, measure_id: int) -> dict:
    """Work out the measure's value from each of its inputs. Idempotent."""
    measure = Measure.objects.filter(pk=measure_id).first()
    source = sources.source_of(measure) if measure else None
    if source is None:
        return {"already": "deleted or not worked out from data"}
    done, problems = 0, []
    for item in source.inputs(measure):
        try:
            record_value(measure=measure, item=item)
            done += 1
        except sources.SourceError as exc:
            problems.append(str(exc))
    return {"values": done, "problems": problems}


@transaction.atomic
def record_value(*, measure: Measure, item) -> MeasureValue:
    """Store the value `item` (one input of the measure's source) gives the measure.
    An upload's one value is updated if there is one, never duplicated; another
    upload's value for the same period is replaced (the later upload wins). Inputs
    that are not uploads (other sources) are matched by period. Raises SourceError."""
    source = sources.source_of(measure)
    figure = source.figure(measure, item)
    Measure.objects.select_for_update().filter(pk=measure.pk).first()  # one writer per measure at a time
    is_upload = isinstance(item, Extract)
    origin = (
        MeasureValueOrigin.objects.filter(measure=measure, extract=item).select_related("value").first()
        if is_upload
        else None
    )
    same_period = MeasureValue.objects.filter(
        measure=measure, period_start=figure.period_start, period_end=figure.period_end
    ).first()
    old_period = None
    if origin is not None:
        value = origin.value
        old_period = (value.period_start, value.period_end)
        if same_period is not None and same_period.pk != value.pk:
            same_period.delete()
    else:
        value = same_period or MeasureValue(measure=measure)
    for field in ("period_start", "period_end", "value", "lower", "upper", "numerator", "denominator", "suppressed"):
        setattr(value, field, getattr(figure, field))
    value.note = figure.note[:300]
    value.full_clean()
    value.save()
    if is_upload:
        MeasureValueOrigin.objects.filter(value=value).exclude(extract=item).delete()
        MeasureValueOrigin.objects.update_or_create(
            value=value, defaults={"measure": measure, "extract": item, "extract_title": item.title[:200]}
        )
    baselines_follow(measure=measure, periods={old_period, (value.period_start, value.period_end)} - {None})
    return value


FOLLOWING = (SmartGoal.Status.DRAFT, SmartGoal.Status.AGREED)


@transaction.atomic
def baselines_follow(*, measure: Measure, periods) -> int:
    """Copy the values of `periods` (pairs of start and end) of the measure onto the goals
    whose baseline comes from them; return how many goals changed.

    A draft or agreed goal linked with goal_link_measure follows its baseline period while
    it is still measured by that measure and its baseline date is still that period's end
    (a goal re-pointed by hand no longer follows). A new value replaces the baseline and the
    goal keeps its status; the earlier figure is kept on the link, so the goal's row can say
    the baseline changed with the data. A value now hidden by small-number suppression, or a
    period with no value any more, clears the baseline rather than keeping a stale number,
    and an agreed goal goes back to draft (it is no longer measurable) until someone chooses
    another period. Achieved, not achieved and withdrawn goals keep the baseline they were
    judged against."""
    links = GoalBaseline.objects.filter(measure=measure, goal__measure=measure, goal__status__in=FOLLOWING)
    match = Q(pk__in=[])
    for start, end in periods:
        match |= Q(period_start=start, period_end=end)
    changed = 0
    for link in links.filter(match).order_by("pk"):
        goal = SmartGoal.objects.select_for_update().get(pk=link.goal_id)
        if goal.baseline_date != link.period_end or goal.measure_id != measure.pk or goal.status not in FOLLOWING:
            continue
        value = MeasureValue.objects.filter(
            measure=measure, period_start=link.period_start, period_end=link.period_end
        ).first()
        if value is not None and value.value is not None and not value.suppressed:
            state, baseline = GoalBaseline.State.CURRENT, value.value
        else:
            state = GoalBaseline.State.HIDDEN if value is not None and value.suppressed else GoalBaseline.State.GONE
            baseline = None
        previous = goal.baseline_value
        if previous != baseline:
            goal.baseline_value = baseline
            if baseline is None and goal.status == SmartGoal.Status.AGREED:
                goal.status = SmartGoal.Status.DRAFT
            goal._change_reason = "The baseline followed the data: its period's value changed"
            goal.save()
            link.previous_value, link.changed_at = previous, timezone.now()
            changed += 1
        if link.state != state or link.changed_at is not None:
            link.state = state
            link.save()
    return changed


@history.records_by
@transaction.atomic
def goal_link_measure(*, by, goal: SmartGoal, measure: Measure, baseline: MeasureValue, target_value, target_date):
    """Point a goal at a measure, with its baseline from the chosen period's value.

    The target must be on the better side of the baseline for the measure's
    direction, and the target date after the baseline's period; a goal that was
    agreed goes back to draft, to be agreed again."""
    if measure.project_id != goal.project_id:
        raise ValidationError({"measure": ["Choose a measure from this project."]})
    if baseline.measure_id != measure.pk:
        raise ValidationError({"baseline": ["Choose a period of the measure you chose."]})
    if baseline.value is None:
        raise ValidationError(
            {"baseline": ["That period has no value (it is hidden or could not be worked out). Choose another."]}
        )
    goal = SmartGoal.objects.select_for_update().get(pk=goal.pk)
    goal.measure = measure
    goal.baseline_value = baseline.value
    goal.baseline_date = baseline.period_end
    goal.target_value = target_value
    goal.target_date = target_date
    goal = core_services.smart_goal_edit(by=by, goal=goal, changed=True, agree=False)
    GoalBaseline.objects.update_or_create(
        goal=goal,
        defaults={
            "measure": measure,
            "period_start": baseline.period_start,
            "period_end": baseline.period_end,
            "state": GoalBaseline.State.CURRENT,
            "previous_value": None,
            "changed_at": None,
        },
    )
    return goal
