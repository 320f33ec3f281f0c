"""Evaluate 4A: what the PREM and PROM pages show, from definitions and the
stored (already suppressed) figures; no pandas and no figures of their own."""

from __future__ import annotations

from dataclasses import dataclass

from amhe.analysis import charts
from amhe.core import taxonomy
from evaluate.instruments import scoring

METHOD_WORDS = {
    scoring.SUM: "Total of the item scores",
    scoring.MEAN: "Mean of the item scores",
    scoring.SHARE: "Share of people giving a positive answer",
}
ANSWERED_KINDS = {taxonomy.VALID, taxonomy.OTHER}


@dataclass(frozen=True)
class InstrumentView:
    key: str
    name: str
    kind: str
    summary: str
    items: list[str]
    stem: str
    options: list[tuple[str, str]]  # (answer, its score in words)
    method: str
    range_text: str
    missing_rule: str
    reverse: list[int]  # 1-based item numbers
    bands: list[tuple[str, str]]  # (scores, band)
    bands_source: str
    positive: list[str]
    direction: str
    source: str
    caution: str


def _fmt(value: float) -> str:
    return f"{value:g}"


def missing_rule(definition: dict) -> str:
    method = definition["method"]
    allowed = int(definition.get("max_missing") or 0)
    n = len(definition["items"])
    if method == scoring.SHARE:
        return "People who did not answer, or answered with an answer that is not scored, are left out of the share."
    if allowed == 0:
        return f"A score needs all {n} items answered; a response with any item unanswered has no score."
    items = "item" if allowed == 1 else "items"
    if method == scoring.SUM:
        return (
            f"A response with up to {allowed} {items} unanswered is scored: the mean of the answered items times "
            f"{n}, rounded to the nearest whole number (this is our rule). With more unanswered there is no score."
        )
    return (
        f"A response with up to {allowed} {items} unanswered is scored from the items answered (our rule). "
        "With more unanswered there is no score."
    )


def instrument_view(definition: dict) -> InstrumentView:
    method = definition["method"]
    low, high = scoring.score_range(definition)
    range_text = "0% to 100%" if method == scoring.SHARE else f"{_fmt(low)} to {_fmt(high)}"
    options = [(o["label"], "not scored" if o.get("score") is None else str(o["score"])) for o in definition["options"]]
    return InstrumentView(
        key=definition["key"],
        name=definition["name"],
        kind=definition.get("kind", ""),
        summary=definition.get("summary", ""),
        items=list(definition["items"]),
        stem=definition.get("stem", ""),
        options=options,
        method=METHOD_WORDS[method],
        range_text=range_text,
        missing_rule=missing_rule(definition),
        reverse=[i + 1 for i in definition.get("reverse") or []],
        bands=[(f"{_fmt(b['low'])} to {_fmt(b['high'])}", b["label"]) for b in definition.get("bands") or []],
        bands_source=definition.get("bands_source", ""),
        positive=[definition["options"][i]["label"] for i in definition.get("positive") or []],
        direction="Higher is better" if definition.get("higher_is_better") else "Lower is better",
        source=definition.get("source", ""),
        caution=definition.get("caution", ""),
    )


def group_sentence(name: str, method: str, dimension_label: str, series: list[dict]) -> str:
    """What the figures by group say, and no more: the highest and lowest group shown,
    whether their 95% confidence intervals overlap, and how many groups are hidden."""
    what = "share giving a positive answer" if method == scoring.SHARE else "mean score"
    shown = [p for p in series if p["value"] is not None and p.get("kind") in ANSWERED_KINDS]
    hidden = sum(1 for p in series if p["suppressed"])
    hidden_text = (
        f" {hidden} group{'s are' if hidden != 1 else ' is'} not shown because of small numbers." if hidden else ""
    )

    def figure(p: dict) -> str:
        return f"{p['value']:.1f}%" if method == scoring.SHARE else f"{p['value']:.1f}"

    if len(shown) < 2:
        return f"Too few groups by {dimension_label.lower()} can be shown to compare the {name} {what}.{hidden_text}"
    high = max(shown, key=lambda p: p["value"])
    low = min(shown, key=lambda p: p["value"])
    text = (
        f"By {dimension_label.lower()}, the {name} {what} was highest for {high['group']} ({figure(high)}) "
        f"and lowest for {low['group']} ({figure(low)})."
    )
    if None in (high["lower"], high["upper"], low["lower"], low["upper"]):
        text += " Without confidence intervals for both, the difference cannot be judged."
    elif high["lower"] > low["upper"]:
        text += " Their 95% confidence intervals do not overlap, so the difference is unlikely to be chance alone."
    else:
        text += " Their 95% confidence intervals overlap, so the difference could be chance."
    return text + hidden_text


def overall_sentence(name: str, method: str, overall: dict) -> str:
    value = overall.get("value")
    if value is None:
        return f"The {name} result is not shown: too few people have a score."
    if method == scoring.SHARE:
        interval = (
            f" (95% confidence interval {charts.format_percent(overall['lower'] / 100)} to "
            f"{charts.format_percent(overall['upper'] / 100)})"
            if overall.get("lower") is not None
            else ""
        )
        return f"{value:.1f}% gave a positive answer to the {name}{interval}."
    interval = (
        f" (95% confidence interval {overall['lower']:.1f} to {overall['upper']:.1f})"
        if overall.get("lower") is not None
        else ""
    )
    return f"The mean {name} score was {value:.1f}{interval}."


def chart_of(data: dict | None) -> charts.Chart | None:
    """A stored chart (a dict) as the chart component reads it."""
    return None if not data else charts.Chart(**{**data, "footnotes": tuple(data.get("footnotes") or ())})


def results_view(data: dict | None, dimension: str) -> dict | None:
    """The stored figures of one instrument in one survey, charts made whole, for the page."""
    if not data:
        return None
    by = (data.get("by") or {}).get(dimension)
    options = [
        {**row, "percent": "" if row.get("share") is None else charts.format_percent(row["share"], 0)}
        for row in data.get("options") or []
    ]
    return {
        **data,
        "options": options,
        "chart": chart_of(data.get("chart")),
        "by_one": None if by is None else {**by, "chart": chart_of(by.get("chart"))},
    }
