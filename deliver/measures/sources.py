"""Where a measure's figures come from: a small registry keyed by the `source` of
`Measure.definition`.

A measure's definition is JSON with a `source` key, e.g.
`{"source": "identify.breakdown", ...}`; the rest of the definition belongs to
that source. Each source says which stored records feed the measure (its
*inputs*, e.g. the uploads of a series) and works out one value from one input,
from stored rows only. A later step adds a source (survey scores, PROMs) by
registering it here, with no change to the Measure model or its values.

Figures from Identify are worked out from the *published* (suppressed)
breakdowns only (ADR 0008): a hidden count gives no value, marked suppressed.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from amhe import stats
from amhe.core.models import Measure
from identify import services as identify_services
from identify.models import Breakdown, Extract
from identify.presenters import MEASURE_EXTRACT_KEY, breakdown_data


class SourceError(ValueError):
    """An input gives no value at all (no period, no such breakdown): said in plain words."""


@dataclass(frozen=True)
class Figure:
    """One period's value of a measure, as worked out from one input."""

    period_start: datetime.date
    period_end: datetime.date
    value: Decimal | None = None
    lower: Decimal | None = None
    upper: Decimal | None = None
    numerator: int | None = None
    denominator: int | None = None
    suppressed: bool = False
    note: str = ""


@dataclass(frozen=True)
class Source:
    key: str
    label: str
    inputs: Callable[[Measure], Iterable]  # the stored records the measure's values come from
    figure: Callable[[Measure, object], Figure]  # one value from one input; raises SourceError
    describe: Callable[[Measure], str]  # the definition in words


_SOURCES: dict[str, Source] = {}


def register(source: Source) -> Source:
    _SOURCES[source.key] = source
    return source


def source_of(measure: Measure) -> Source | None:
    """The measure's source, or None for a measure whose values are entered by hand."""
    return _SOURCES.get((measure.definition or {}).get("source", ""))


# --- Identify 1A: a group's rate or share, or the rate ratio of two groups --------

IDENTIFY_BREAKDOWN = "identify.breakdown"

RATE, SHARE, RATE_RATIO = "rate", "share", "rate_ratio"
FIGURES = {
    RATE: ("Rate per 100,000 people in the group", Measure.Unit.RATE_100K),
    SHARE: ("Share of all records (per cent)", Measure.Unit.PERCENT),
    RATE_RATIO: ("Rate ratio of two groups", Measure.Unit.RATIO),
}
HIDDEN = "Hidden: the published count is too small to show (or hidden so that a small count cannot be worked out)."


def series_key(extract: Extract) -> dict:
    """What makes uploads one series: the same kind of data with the same columns
    (the organisation's saved column mapping is reused for them)."""
    return {"kind": extract.kind, "columns_key": identify_services.columns_key(extract.columns)}


def identify_definition(*, extract: Extract, dimension: str, figure: str, group: str, comparison: str = "") -> dict:
    definition = {
        "source": IDENTIFY_BREAKDOWN,
        MEASURE_EXTRACT_KEY: str(extract.pk),  # the upload it was defined on (see identify.presenters)
        "series": series_key(extract),
        "dimension": dimension,
        "figure": figure,
        "group": group,
    }
    if figure == RATE_RATIO:
        definition["comparison"] = comparison
    return definition


def _series_uploads(measure: Measure) -> list[Extract]:
    series = measure.definition.get("series") or {}
    candidates = Extract.objects.filter(
        project_id=measure.project_id, kind=series.get("kind"), state=Extract.State.READY
    ).select_related("quality")
    return [e for e in candidates if identify_services.columns_key(e.columns) == series.get("columns_key")]


def upload_period(extract: Extract) -> tuple[datetime.date, datetime.date] | None:
    """The period an upload covers: the first and last dates in its date column."""
    quality = getattr(extract, "quality", None)
    dates = (quality.report.get("dates") or {}) if quality is not None else {}
    if not dates.get("min") or not dates.get("max"):
        return None
    return datetime.date.fromisoformat(dates["min"]), datetime.date.fromisoformat(dates["max"])


def _decimal(value) -> Decimal | None:
    return None if value is None else Decimal(str(round(float(value), 4)))


def _published_total(item: Breakdown) -> int | None:
    """The published total: the true total rounded by the rule, as publish_result shows it."""
    return stats.display_count(sum(row["count"] for row in item.result["rows"]), item.suppression_rule)


def _identify_figure(measure: Measure, extract: Extract) -> Figure:
    definition = measure.definition
    period = upload_period(extract)
    if period is None:
        raise SourceError(f"'{extract.title}' has no dates (no date column was mapped), so it covers no known period.")
    item = Breakdown.objects.filter(extract=extract, dimension=definition.get("dimension")).first()
    if item is None:
        raise SourceError(f"'{extract.title}' has no breakdown by this characteristic.")
    start, end = period
    return breakdown_figure(item, definition, start, end, title=extract.title)


def breakdown_figure(
    item: Breakdown, definition: dict, start: datetime.date, end: datetime.date, *, title: str
) -> Figure:
    """The measure's figure from one stored breakdown (in memory: no query), from what
    is published about it only. Kept apart so the disclosure property test
    (tests/unit/test_published_figures.py) runs it on every random table."""
    published = breakdown_data(item, raw=False)
    rows = {row["group_code"]: row for row in published["rows"]}
    figure = definition.get("figure")
    row = rows.get(definition.get("group"))
    if row is None:
        return Figure(start, end, note=f"'{title}' has no records in this group.")
    if figure == RATE_RATIO:
        other = rows.get(definition.get("comparison"))
        if other is None:
            return Figure(start, end, note=f"'{title}' has no records in the comparison group.")
        if row["suppressed"] or other["suppressed"]:
            return Figure(start, end, suppressed=True, note=HIDDEN)
        if not row.get("population") or not other.get("population"):
            return Figure(start, end, note="No population for one of the groups, so no rates to compare.")
        estimate = stats.rate_ratio(
            row["count"], row["population"], other["count"], other["population"], float(published["confidence"])
        )
        note = f"{row['group']}: {row['count']:,}; {other['group']}: {other['count']:,} (published counts)."
        return Figure(
            start, end, _decimal(estimate.value), _decimal(estimate.lower), _decimal(estimate.upper), note=note
        )
    if row["suppressed"]:
        population = row.get("population") if figure == RATE else _published_total(item)
        return Figure(start, end, denominator=_whole(population), suppressed=True, note=HIDDEN)
    if figure == RATE:
        if row.get("rate") is None:
            return Figure(start, end, numerator=row["count"], note="No population for this group, so no rate.")
        return Figure(
            start,
            end,
            _decimal(row["rate"]),
            _decimal(row["rate_lower"]),
            _decimal(row["rate_upper"]),
            numerator=row["count"],
            denominator=_whole(row["population"]),
        )
    share = [None if row.get(key) is None else row[key] * 100 for key in ("share", "share_lower", "share_upper")]
    return Figure(start, end, *map(_decimal, share), numerator=row["count"], denominator=_published_total(item))


def _whole(value) -> int | None:
    return None if value is None else round(value)


def _identify_describe(measure: Measure) -> str:
    definition = measure.definition
    figure = definition.get("figure")
    what = {RATE: "Rate per 100,000", SHARE: "Share of records", RATE_RATIO: "Rate ratio"}.get(figure, "Figure")
    group = definition.get("group_label") or definition.get("group")
    dimension = definition.get("dimension_label") or definition.get("dimension")
    if figure == RATE_RATIO:
        comparison = definition.get("comparison_label") or definition.get("comparison")
        return f"{what}, {group} compared with {comparison} ({dimension})"
    return f"{what}, {group} ({dimension})"


register(
    Source(
        key=IDENTIFY_BREAKDOWN,
        label="Identify 1A: uploads of the same kind with the same columns",
        inputs=_series_uploads,
        figure=_identify_figure,
        describe=_identify_describe,
    )
)
