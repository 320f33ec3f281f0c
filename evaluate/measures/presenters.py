"""Evaluate 4A: how a measure's values become an SPC chart and a list row. No queries:
the selectors fetch, these shape."""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from amhe.analysis import spc_charts
from amhe.core.models import Measure
from amhe.stats import spc

POLARITY = {
    Measure.Direction.HIGHER: spc.Polarity.INCREASE,
    Measure.Direction.LOWER: spc.Polarity.DECREASE,
    Measure.Direction.CLOSER_TO_ONE: spc.Polarity.NEUTRAL,
}

POLARITY_SENTENCE = {
    Measure.Direction.HIGHER: "Higher is better, so points above the mean are improvement and below it concern.",
    Measure.Direction.LOWER: "Lower is better, so points below the mean are improvement and above it concern.",
    Measure.Direction.CLOSER_TO_ONE: (
        "Closer to 1 is better, which being above or below the mean does not tell, so the chart "
        "shows special causes as neither improvement nor concern and gives no assurance icon."
    ),
}


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    label: str
    value: float | None  # None: suppressed or missing, left out of the chart


def period_label(start: date, end: date) -> str:
    """ "Jan 2024" for a calendar month, "2023-24" for an April-to-March year, else the dates."""
    if start.day == 1 and start.year == end.year and start.month == end.month:
        if end.day == calendar.monthrange(end.year, end.month)[1]:
            return start.strftime("%b %Y")
    if (start.month, start.day, end.month, end.day) == (4, 1, 3, 31) and end.year == start.year + 1:
        return f"{start.year}-{str(end.year)[2:]}"
    if (start.month, start.day, end.month, end.day) == (1, 1, 12, 31) and end.year == start.year:
        return str(start.year)
    return f"{start:%-d %b %Y} to {end:%-d %b %Y}"


def series(values: Iterable) -> list[Period]:
    """A measure's MeasureValue rows in time order; a suppressed or missing value is None."""
    rows = sorted(values, key=lambda v: (v.period_end, v.period_start))
    return [
        Period(
            start=v.period_start,
            end=v.period_end,
            label=period_label(v.period_start, v.period_end),
            value=None if v.suppressed or v.value is None else float(v.value),
        )
        for v in rows
    ]


def plotted(periods: Sequence[Period]) -> list[Period]:
    return [p for p in periods if p.value is not None]


def rebase_indexes(periods: Sequence[Period], dates: Iterable[date], *, strict: bool = False) -> list[int]:
    """Where each rebase date starts a segment among the plotted points: the first
    plotted period starting on or after it. Without `strict`, a date that would leave
    fewer than two points on either side is skipped (the data changed after it was set);
    with it, that raises ValueError with a sentence for the user."""
    points = plotted(periods)
    starts = []
    for on in sorted(dates):
        index = next((i for i, p in enumerate(points) if p.start >= on), None)
        previous = starts[-1] if starts else 0
        if index is None or index - previous < 2 or len(points) - index < 2:
            if strict:
                raise ValueError(
                    "Choose a date with at least two plotted points before it (since any earlier "
                    "restart) and two from it on."
                )
            continue
        starts.append(index)
    return starts


@dataclass(frozen=True)
class MeasureChart:
    """What the measure page shows: an SPC result, or a sentence why there is none."""

    spc: spc_charts.SpcResult | None
    too_few: str
    left_out: int
    polarity_sentence: str
    target: float | None
    skipped_rebases: int

    @property
    def target_text(self) -> str:
        return "" if self.target is None else spc_charts.plain_number(self.target)


def measure_chart(measure: Measure, values: Iterable, rebase_dates: Sequence[date], target, *, screen: bool):
    periods = series(values)
    points = plotted(periods)
    left_out = len(periods) - len(points)
    target = None if target is None else float(target)
    common = {
        "left_out": left_out,
        "polarity_sentence": POLARITY_SENTENCE.get(measure.direction, ""),
        "target": target,
    }
    if len(points) < 2:
        too_few = (
            "This measure needs at least two values to draw a chart; "
            f"it has {len(points)} that can be plotted."
            + (f" {spc_charts.left_out_sentence(left_out)}" if left_out else "")
        )
        return MeasureChart(spc=None, too_few=too_few, skipped_rebases=0, **common)
    starts = rebase_indexes(periods, rebase_dates)
    options = _options(measure, target, screen=screen)
    result = spc_charts.xmr_chart(
        [p.label for p in points],
        [p.value for p in points],
        title=f"{measure.name} over time",
        chart_id=f"spc-measure-{measure.pk}",
        value_label=measure.get_unit_display(),
        options=options,
        rebase_at=starts,
        left_out=left_out,
    )
    return MeasureChart(spc=result, too_few="", skipped_rebases=len(rebase_dates) - len(starts), **common)


@dataclass(frozen=True)
class MeasureRow:
    measure: Measure
    latest: Period | None
    variation: spc_charts.Icon | None
    assurance: spc_charts.Icon | None
    note: str

    @property
    def latest_text(self) -> str:
        return format_value(self.latest.value) if self.latest else ""


def _options(measure: Measure, target, *, screen: bool) -> spc.Options:
    return spc.Options(
        polarity=POLARITY.get(measure.direction, spc.Polarity.NEUTRAL),
        screen=screen,
        target=None if target is None else float(target),
    )


def measure_row(measure: Measure, values: Iterable, rebase_dates: Sequence[date], target) -> MeasureRow:
    """A list row: the latest value and the icons (screening on), or why there are none.
    Only the numbers are worked out here, not the chart."""
    periods = series(values)
    points = plotted(periods)
    latest = periods[-1] if periods else None
    if len(points) < 2:
        return MeasureRow(measure, latest, None, None, "Needs at least two values for a chart.")
    result = spc.xmr(
        [p.value for p in points],
        options=_options(measure, target, screen=True),
        rebase_at=rebase_indexes(periods, rebase_dates),
    )
    return MeasureRow(
        measure,
        latest,
        spc_charts.variation_icon(result.variation),
        spc_charts.assurance_icon(result.assurance),
        "",
    )


def format_value(value: float | None) -> str:
    if value is None:
        return "Suppressed or missing"
    return spc_charts.plain_number(value)
