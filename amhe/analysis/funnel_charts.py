"""Funnel plots for any step: figures against England (or another comparator value)
as an accessible :class:`~amhe.analysis.charts.Chart` (the plot, a table of every
figure and a sentence). No models: the caller passes figures whose counts may be
shown (suppression is the caller's job, before anything reaches here).

The numbers come from :mod:`amhe.stats.funnel`; this module only shows them. The
sentence says no more than the numbers: the project's figure against the comparator
at 95% by its confidence interval, where it lies on the funnel, and how many other
figures are better, similar or worse. Markers differ in shape as well as colour
(the project a large blue diamond, others grey circles), the limits differ in dash,
and everything is in the table, so nothing rests on colour alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from amhe.analysis.charts import (
    NHS_BLUE,
    NHS_DARK_GREY,
    NHS_MID_GREY,
    NHS_TEXT,
    NHS_WHITE,
    Chart,
    _axis,
    _figure,
    _layout,
    _table,
    _text,
    _trace,
)
from amhe.stats import funnel

LIMIT_998 = "#7c2855"  # NHS dark pink: 7.6:1 on white

SCALE = {funnel.Kind.PROPORTION: 100.0, funnel.Kind.RATE: 100_000.0}
UNIT = {funnel.Kind.PROPORTION: "Per cent", funnel.Kind.RATE: "Rate per 100,000"}
SIZE = {funnel.Kind.PROPORTION: "Number of people (denominator)", funnel.Kind.RATE: "Population (denominator)"}

VERDICT_WORDS = {
    funnel.Verdict.BETTER: "better than",
    funnel.Verdict.WORSE: "worse than",
    funnel.Verdict.SIMILAR: "similar to",
    funnel.Verdict.HIGHER: "higher than",
    funnel.Verdict.LOWER: "lower than",
}

BAND_WORDS = {
    funnel.Band.HIGH_998: "Above the 99.8% limit",
    funnel.Band.HIGH_95: "Above the 95% limit",
    funnel.Band.WITHIN: "Within the 95% limits",
    funnel.Band.LOW_95: "Below the 95% limit",
    funnel.Band.LOW_998: "Below the 99.8% limit",
}


@dataclass(frozen=True)
class Figure:
    """A figure to plot: counts as they may be shown. ``own`` marks the project's."""

    name: str
    numerator: int
    denominator: int
    own: bool = False


@dataclass(frozen=True)
class Placed:
    figure: Figure
    comparison: funnel.Comparison
    band: funnel.Band


@dataclass(frozen=True)
class FunnelResult:
    chart: Chart
    placed: tuple[Placed, ...]
    sentences: tuple[str, ...]


def format_value(kind: funnel.Kind, value: float) -> str:
    """A value per person (or 0 to 1) on the page's scale: "44.7%" or "239.0"."""
    kind = funnel.Kind(kind)
    scaled = value * SCALE[kind]
    return f"{scaled:,.1f}%" if kind is funnel.Kind.PROPORTION else f"{scaled:,.1f}"


def _count(n: int) -> str:
    return f"{n:,}"


def place(kind, figure: Figure, target: float, polarity) -> Placed:
    comparison = funnel.compare(kind, figure.numerator, figure.denominator, target, polarity)
    band = funnel.funnel_band(kind, target, figure.numerator, figure.denominator)
    return Placed(figure, comparison, band)


def _own_sentence(kind, placed: Placed, target: float, comparator_name: str) -> str:
    c = placed.comparison
    words = VERDICT_WORDS[c.verdict]
    return (
        f"{placed.figure.name} is {words} {comparator_name} at 95%: {format_value(kind, c.value)} "
        f"(95% confidence interval {format_value(kind, c.lower)} to {format_value(kind, c.upper)}) "
        f"against {format_value(kind, target)}."
    )


def _others_sentence(others: Sequence[Placed], comparator_name: str) -> str:
    if not others:
        return ""
    counts: dict[funnel.Verdict, int] = {}
    for p in others:
        counts[p.comparison.verdict] = counts.get(p.comparison.verdict, 0) + 1
    order = [
        funnel.Verdict.BETTER,
        funnel.Verdict.HIGHER,
        funnel.Verdict.SIMILAR,
        funnel.Verdict.LOWER,
        funnel.Verdict.WORSE,
    ]
    parts = [f"{counts[v]} {VERDICT_WORDS[v].split()[0]}" for v in order if counts.get(v)]
    noun = "comparator" if len(others) == 1 else "comparators"
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return f"Of {len(others)} {noun}: {listed} compared with {comparator_name} at 95%."


def funnel_chart(
    kind: funnel.Kind | str,
    figures: Sequence[Figure],
    *,
    target: float,
    polarity: funnel.Polarity | str,
    title: str,
    chart_id: str,
    comparator_name: str = "England",
    hidden: int = 0,
) -> FunnelResult:
    """A funnel plot of ``figures`` around ``target`` (0 to 1, or per person).

    ``hidden`` is how many figures the caller left out under the suppression rule;
    the sentence says so. Needs at least one figure."""
    kind = funnel.Kind(kind)
    scale = SCALE[kind]
    placed = [place(kind, f, target, polarity) for f in figures]
    sizes = [f.denominator for f in figures]
    smallest, largest = max(1.0, min(sizes) * 0.5), max(sizes) * 1.5
    points = funnel.curve(kind, target, smallest, largest, points=80)
    xs = [round(p.size, 2) for p in points]

    def line(ys, name, colour, dash, legend, group):
        return _trace(
            "scatter",
            x=xs,
            y=[round(y * scale, 6) for y in ys],
            mode="lines",
            name=name,
            legendgroup=group,
            showlegend=legend,
            line={"color": colour, "width": 2, "dash": dash},
            hoverinfo="skip",
        )

    traces = [
        line([target] * len(points), _text(comparator_name), NHS_TEXT, "solid", True, "target"),
        line([p.upper_95 for p in points], "95% limits", NHS_DARK_GREY, "dash", True, "l95"),
        line([p.lower_95 for p in points], "95% limits", NHS_DARK_GREY, "dash", False, "l95"),
        line([p.upper_998 for p in points], "99.8% limits", LIMIT_998, "dot", True, "l998"),
        line([p.lower_998 for p in points], "99.8% limits", LIMIT_998, "dot", False, "l998"),
    ]
    for own, name, colour, symbol, size in (
        (False, "Comparators", NHS_MID_GREY, "circle", 10),
        (True, "This project", NHS_BLUE, "diamond", 15),
    ):
        chosen = [p for p in placed if p.figure.own is own]
        if not chosen:
            continue
        traces.append(
            _trace(
                "scatter",
                x=[p.figure.denominator for p in chosen],
                y=[round(p.comparison.value * scale, 6) for p in chosen],
                mode="markers",
                name=name,
                marker={"color": colour, "symbol": symbol, "size": size, "line": {"color": NHS_WHITE, "width": 1}},
                customdata=[[_text(p.figure.name), format_value(kind, p.comparison.value)] for p in chosen],
                hovertemplate="%{customdata[0]}<br>%{customdata[1]}<extra></extra>",
            )
        )
    layout = _layout(
        440,
        showlegend=True,
        xaxis=_axis(SIZE[kind], type="log"),
        yaxis=_axis(UNIT[kind], rangemode="tozero"),
    )
    layout["margin"] = {**layout["margin"], "t": 72}
    figure = _figure(traces, layout)

    columns = [
        "Area or provider",
        "Count",
        "Denominator",
        UNIT[kind],
        "95% confidence interval",
        "On the funnel",
        f"Compared with {comparator_name} at 95%",
    ]
    ordered = sorted(placed, key=lambda p: (not p.figure.own, p.figure.name.lower()))
    rows = [
        [
            p.figure.name + (" (this project)" if p.figure.own else ""),
            _count(p.figure.numerator),
            _count(p.figure.denominator),
            format_value(kind, p.comparison.value),
            f"{format_value(kind, p.comparison.lower)} to {format_value(kind, p.comparison.upper)}",
            BAND_WORDS[p.band],
            VERDICT_WORDS[p.comparison.verdict].capitalize(),
        ]
        for p in ordered
    ]
    own = [p for p in placed if p.figure.own]
    others = [p for p in placed if not p.figure.own]
    sentences = []
    if own:
        sentences.append(_own_sentence(kind, own[0], target, comparator_name))
        sentences.append(f"On the funnel it is {BAND_WORDS[own[0].band].lower()}.")
    sentences.append(_others_sentence(others, comparator_name))
    if hidden:
        figures_word = "figure is" if hidden == 1 else "figures are"
        sentences.append(f"{hidden} {figures_word} not shown: built from a count too small to show safely.")
    sentences = tuple(s for s in sentences if s)
    chart = Chart(
        id=chart_id,
        title=title,
        figure=figure,
        table=_table(
            f"{title}: every figure with its interval and its place against {comparator_name}",
            columns,
            rows,
            [False, True, True, True, False, False, False],
        ),
        summary=" ".join(sentences),
        kind="Funnel plot",
    )
    return FunnelResult(chart=chart, placed=tuple(placed), sentences=sentences)
