"""Deliver 3A: measures and their values -> what pages show. Hidden values are said
in words ("Hidden (small numbers)"), never shown as a number or by colour alone."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ObjectDoesNotExist
from django.utils import timezone
from django.utils.formats import date_format

from amhe.core.models import Measure, MeasureValue, SmartGoal
from deliver.measures import sources
from deliver.models import GoalBaseline


def figure(value, unit: str) -> str:
    """A measure's figure in words for its unit: '123.4 per 100,000', '12.3%', '2.45'."""
    if value is None:
        return "No value"
    value = Decimal(value)
    if unit == Measure.Unit.RATE_100K:
        return f"{value:,.1f} per 100,000"
    if unit == Measure.Unit.PERCENT:
        return f"{value:.1f}%"
    if unit == Measure.Unit.RATIO:
        return f"{value:.2f}"
    if unit == Measure.Unit.COUNT:
        return f"{value:,.0f}"
    return f"{value.normalize():f}"


def period(value: MeasureValue) -> str:
    return f"{date_format(value.period_start, 'j M Y')} to {date_format(value.period_end, 'j M Y')}"


@dataclass
class ValueRow:
    period: str
    figure: str
    interval: str
    numerator: str
    denominator: str
    suppressed: bool
    note: str
    upload_title: str
    upload_url: str | None
    upload_deleted: bool


def value_row(measure: Measure, value: MeasureValue) -> ValueRow:
    origin = getattr(value, "origin", None)
    interval = ""
    if value.lower is not None and value.upper is not None:
        interval = f"{figure(value.lower, measure.unit)} to {figure(value.upper, measure.unit)}"
    deleted = origin is not None and origin.extract_id is None
    return ValueRow(
        period=period(value),
        figure="Hidden (small numbers)" if value.suppressed else figure(value.value, measure.unit),
        interval=interval,
        numerator="" if value.numerator is None else f"{value.numerator:,}",
        denominator="" if value.denominator is None else f"{value.denominator:,}",
        suppressed=value.suppressed,
        note=value.note,
        upload_title=origin.extract_title if origin else "",
        upload_url=origin.extract.get_absolute_url() if origin and origin.extract_id else None,
        upload_deleted=deleted,
    )


@dataclass
class MeasureView:
    measure: Measure
    definition: str
    source: str
    from_data: bool
    latest: str
    latest_period: str
    defined_on_deleted: bool
    deleted_sources: int


def measure_view(measure: Measure, values: list[MeasureValue] | None = None, *, defined_on_exists=True) -> MeasureView:
    """`defined_on_exists`: whether the upload the measure was defined on is still there."""
    source = sources.source_of(measure)
    values = values if values is not None else sorted(measure.values.all(), key=lambda v: (v.period_end, v.pk))
    latest = values[-1] if values else None
    deleted = sum(1 for v in values if getattr(v, "origin", None) is not None and v.origin.extract_id is None)
    return MeasureView(
        measure=measure,
        definition=source.describe(measure) if source else measure.description or "Values entered by hand",
        source=measure.source,
        from_data=source is not None,
        latest=("Hidden (small numbers)" if latest and latest.suppressed else figure(latest.value, measure.unit))
        if latest
        else "No values yet",
        latest_period=period(latest) if latest else "",
        defined_on_deleted=source is not None and not defined_on_exists,
        deleted_sources=deleted,
    )


@dataclass
class GoalProgress:
    goal: SmartGoal
    measure_name: str
    baseline: str
    target: str
    latest: str
    latest_period: str
    state: str  # in words: "Better than the baseline", "Target met", ...


def goal_progress(goal: SmartGoal) -> GoalProgress:
    measure = goal.measure
    unit = measure.unit
    values = sorted(
        (v for v in measure.values.all() if v.value is not None and not v.suppressed), key=lambda v: v.period_end
    )
    latest = values[-1] if values else None
    baseline = "Not set" if goal.baseline_value is None else figure(goal.baseline_value, unit)
    if goal.baseline_date:
        baseline += f" ({date_format(goal.baseline_date, 'j M Y')})"
    baseline += _baseline_note(goal, unit)
    target = "Not set" if goal.target_value is None else figure(goal.target_value, unit)
    if goal.target_date:
        target += f" by {date_format(goal.target_date, 'j M Y')}"
    return GoalProgress(
        goal=goal,
        measure_name=measure.name,
        baseline=baseline,
        target=target,
        latest=figure(latest.value, unit) if latest else "No value yet",
        latest_period=period(latest) if latest else "",
        state=_state(measure.direction, goal.baseline_value, goal.target_value, latest.value if latest else None),
    )


def _baseline_note(goal: SmartGoal, unit: str) -> str:
    """What happened to a baseline that follows the data (GoalBaseline), in words."""
    try:
        link = goal.data_baseline
    except ObjectDoesNotExist:
        return ""
    if link.measure_id != goal.measure_id or link.period_end != goal.baseline_date:
        return ""
    when = f" on {date_format(timezone.localtime(link.changed_at), 'j M Y')}" if link.changed_at else ""
    if link.state == GoalBaseline.State.HIDDEN:
        return (
            f": the baseline period's value is now hidden (small numbers){when}, so the goal has no baseline. "
            "Choose another period."
        )
    if link.state == GoalBaseline.State.GONE:
        return f": the baseline period no longer has a value{when}. Choose another period."
    if link.changed_at and link.previous_value is not None:
        return f"; changed with the data{when}, from {figure(link.previous_value, unit)}"
    return ""


def _better(direction, a, b) -> bool:
    """True when a is better than b for the direction."""
    if direction == Measure.Direction.LOWER:
        return a < b
    if direction == Measure.Direction.HIGHER:
        return a > b
    return abs(a - 1) < abs(b - 1)


def _state(direction, baseline, target, latest) -> str:
    if latest is None:
        return "No value yet"
    if target is not None and (latest == target or _better(direction, latest, target)):
        return "Target met"
    if baseline is None:
        return "No baseline"
    if latest == baseline:
        return "Same as the baseline"
    return "Better than the baseline" if _better(direction, latest, baseline) else "Worse than the baseline"
