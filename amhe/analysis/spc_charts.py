"""SPC charts for any step: an XmR chart of a series as an accessible :class:`~amhe.analysis.charts.Chart`
(the plot, a table of every point and a sentence), and the variation and assurance icons
as inline SVG with their words. Pure apart from Django's HTML escaping: no models.

The numbers come from :mod:`amhe.stats.spc`; this module only shows them. The sentence
says no more than the chart does: the last point's variation and the rule that flagged
it, whether any earlier point was special cause, trial limits, the target against the
limits, how many unusually large jumps screening left out, and how many values were left out.

Colours follow NHS England's "Making Data Count" convention (blue improvement, orange
concern, purple neither, grey common cause), darkened where needed for 3:1 contrast,
and every point type also has its own marker shape and legend entry, and its words in
the table, so nothing rests on colour alone.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.utils.html import format_html

from amhe.analysis.charts import (
    NHS_BLUE,
    NHS_DARK_GREY,
    NHS_MID_GREY,
    NHS_PURPLE,
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
from amhe.stats import spc

SPC_CONCERN = "#b24a00"  # a darker NHS warm orange: 5:1 on white
SPC_TARGET = "#7c2855"  # NHS dark pink

POINT_STYLE = {
    spc.PointType.COMMON_CAUSE: ("Common cause", NHS_MID_GREY, "circle"),
    spc.PointType.IMPROVEMENT: ("Special cause: improvement", NHS_BLUE, "diamond"),
    spc.PointType.CONCERN: ("Special cause: concern", SPC_CONCERN, "square"),
    spc.PointType.NEUTRAL: ("Special cause: neither improvement nor concern", NHS_PURPLE, "triangle-up"),
}

RULE_WORDS = {
    spc.Rule.OUTSIDE_LIMITS: "outside the process limits",
    spc.Rule.TREND: "part of a trend",
    spc.Rule.TWO_IN_THREE: "two of three points near a process limit",
    spc.Rule.SHIFT: "part of a run on one side of the mean",
}

POLARITY_WORDS = {
    spc.Polarity.INCREASE: "Higher is better.",
    spc.Polarity.DECREASE: "Lower is better.",
    spc.Polarity.NEUTRAL: "Neither higher nor lower is better, so special causes are neither improvement nor concern.",
}


def plain_number(value: float) -> str:
    if value == int(value) and abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:,.1f}" if abs(value) >= 10 else f"{value:,.2f}"


@dataclass(frozen=True)
class Icon:
    """An SPC icon: its key (e.g. ``special_cause_concern_high``), its words and its SVG."""

    key: str
    label: str
    svg: str


# --------------------------------------------------------------------------- icons

# (words, circle colour, letter) for each variation icon.
VARIATION_ICONS = {
    "common_cause": ("Common cause variation: no sign of change", NHS_MID_GREY, ""),
    "special_cause_improvement_high": ("Special cause variation of improvement: higher values", NHS_BLUE, "H"),
    "special_cause_improvement_low": ("Special cause variation of improvement: lower values", NHS_BLUE, "L"),
    "special_cause_concern_high": ("Special cause variation of concern: higher values", SPC_CONCERN, "H"),
    "special_cause_concern_low": ("Special cause variation of concern: lower values", SPC_CONCERN, "L"),
    "special_cause_neutral_high": ("Special cause variation, neither improvement nor concern: higher", NHS_PURPLE, "H"),
    "special_cause_neutral_low": ("Special cause variation, neither improvement nor concern: lower", NHS_PURPLE, "L"),
}

ASSURANCE_ICONS = {
    spc.Assurance.CONSISTENT_PASS: ("Assurance: the process will consistently pass the target", NHS_BLUE, "P"),
    spc.Assurance.CONSISTENT_FAIL: ("Assurance: the process will consistently fail the target", SPC_CONCERN, "F"),
    spc.Assurance.INCONSISTENT: (
        "Assurance: the process will sometimes pass and sometimes fail the target",
        NHS_MID_GREY,
        "?",
    ),
}


def _svg(label: str, colour: str, letter: str, inner: str) -> str:
    """A 40 px round icon: a coloured ring, a drawing inside it and a letter."""
    letter_text = (
        format_html(
            '<text x="20" y="26" text-anchor="middle" font-family="Arial, sans-serif" font-size="15"'
            ' font-weight="bold" fill="{}">{}</text>',
            NHS_TEXT,
            letter,
        )
        if letter
        else ""
    )
    return format_html(
        '<svg class="amhe-spc-icon" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 40" width="40" height="40"'
        ' role="img" aria-label="{}" focusable="false"><title>{}</title>'
        '<circle cx="20" cy="20" r="17" fill="{}" stroke="{}" stroke-width="4"/>{}{}</svg>',
        label,
        label,
        NHS_WHITE,
        colour,
        inner,
        letter_text,
    )


def variation_icon(key: str) -> Icon:
    """The variation icon for ``spc.Chart.variation``: a ring with a wavy line for common
    cause, or with H (higher) or L (lower) and an arrow for a special cause."""
    label, colour, letter = VARIATION_ICONS[key]
    if not letter:
        inner = format_html(
            '<polyline points="9,22 14,17 19,23 24,16 29,21 32,18" fill="none" stroke="{}" stroke-width="2.5"/>',
            colour,
        )
    else:
        # A small arrow at the top, pointing up for H and down for L.
        points = "20,5 16,11 24,11" if letter == "H" else "20,11 16,5 24,5"
        inner = format_html('<polygon points="{}" fill="{}"/>', points, colour)
    return Icon(key, label, _svg(label, colour, letter, inner))


def assurance_icon(assurance: spc.Assurance | None) -> Icon | None:
    """The assurance icon: a ring with a target line and P (pass), F (fail) or ? (either)."""
    if assurance is None:
        return None
    label, colour, letter = ASSURANCE_ICONS[spc.Assurance(assurance)]
    inner = format_html(
        '<line x1="8" y1="31" x2="32" y2="31" stroke="{}" stroke-width="2.5" stroke-dasharray="3 2"/>', colour
    )
    return Icon(str(assurance), label, _svg(label, colour, letter, inner))


# --------------------------------------------------------------------------- the chart


@dataclass(frozen=True)
class SpcResult:
    """What a page shows: the chart (plot, table, sentence), the icons, and the numbers."""

    chart: Chart
    result: spc.Chart
    variation: Icon
    assurance: Icon | None
    sentences: tuple[str, ...]


def _run_length(points: Sequence[spc.Point], rule: spc.Rule) -> int:
    """How many points up to the last one in a row share its rule and direction."""
    last = points[-1]
    n = 0
    for point in reversed(points):
        if point.rule != rule or point.direction != last.direction or point.segment != last.segment:
            break
        n += 1
    return n


def _last_point_words(points: Sequence[spc.Point], fmt: Callable[[float], str]) -> str:
    last = points[-1]
    higher = last.direction == "high"
    if last.rule == spc.Rule.OUTSIDE_LIMITS:
        if last.value > last.upl:
            return f"it is above the upper process limit of {fmt(last.upl)}"
        return f"it is below the lower process limit of {fmt(last.lpl)}"
    if last.rule == spc.Rule.TREND:
        n = _run_length(points, spc.Rule.TREND)
        return f"{n} points in a row each {'higher' if higher else 'lower'} than the one before"
    if last.rule == spc.Rule.TWO_IN_THREE:
        side = "upper" if higher else "lower"
        return f"two of the last three points are more than two thirds of the way from the mean to the {side} limit"
    n = _run_length(points, spc.Rule.SHIFT)
    return f"{n} points in a row {'above' if higher else 'below'} the mean"


def _variation_sentence(points: Sequence[spc.Point], fmt) -> str:
    last = points[-1]
    special = [p for p in points if p.point_type != spc.PointType.COMMON_CAUSE]
    if not special:
        return "Only common cause variation: no sign of change."
    if last.point_type == spc.PointType.COMMON_CAUSE:
        earlier = len(special)
        return (
            f"The last point shows common cause variation; {earlier} earlier "
            f"{'point shows' if earlier == 1 else 'points show'} special cause variation (see the table)."
        )
    kind = {
        spc.PointType.IMPROVEMENT: "special cause variation of improvement",
        spc.PointType.CONCERN: "special cause variation of concern",
        spc.PointType.NEUTRAL: "special cause variation, neither improvement nor concern",
    }[last.point_type]
    return f"The last point shows {kind}: {_last_point_words(points, fmt)}."


def _assurance_sentence(result: spc.Chart, fmt) -> str:
    target = result.options.target
    if target is None:
        return ""
    if result.assurance is None:
        return f"The target is {fmt(target)}; with neither direction better, there is no assurance icon."
    return {
        spc.Assurance.CONSISTENT_PASS: f"The target of {fmt(target)} is beyond the process limits on the good side: "
        "if nothing changes, the process will consistently pass it.",
        spc.Assurance.CONSISTENT_FAIL: f"The target of {fmt(target)} is beyond the process limits on the bad side: "
        "if nothing changes, the process will consistently fail it.",
        spc.Assurance.INCONSISTENT: f"The target of {fmt(target)} lies between the process limits: "
        "the process will sometimes pass and sometimes fail it.",
    }[result.assurance]


def left_out_sentence(n: int) -> str:
    if not n:
        return ""
    if n == 1:
        return "1 value is suppressed or missing and is left out of the chart."
    return f"{n} values are suppressed or missing and are left out of the chart."


def _point_words(point: spc.Point) -> str:
    label = POINT_STYLE[point.point_type][0]
    return f"{label} ({RULE_WORDS[point.rule]})" if point.rule else label


def _line(x, y, name, colour, dash, *, legend: bool, group: str) -> dict:
    return _trace(
        "scatter",
        x=x,
        y=y,
        mode="lines",
        name=name,
        legendgroup=group,
        showlegend=legend,
        line={"color": colour, "width": 2, "dash": dash},
        hoverinfo="skip",
    )


def xmr_chart(
    labels: Sequence[str],
    values: Sequence[float],
    *,
    title: str,
    chart_id: str,
    value_label: str = "Value",
    options: spc.Options | None = None,
    rebase_at: Sequence[int] = (),
    left_out: int = 0,
    fmt: Callable[[float], str] = plain_number,
) -> SpcResult:
    """An XmR chart of `values`, one per period in `labels` (text, in time order).

    ``left_out`` is how many values (suppressed or missing) the caller left out; the
    sentence says so. Raises ValueError as :func:`amhe.stats.spc.xmr` does (fewer than
    two values, a rebase with fewer than two points after it).
    """
    options = options or spc.Options()
    result = spc.xmr(values, options=options, rebase_at=rebase_at)
    points = result.points
    x = [_text(label) for label in labels]

    traces = [
        _trace(
            "scatter",
            x=x,
            y=[p.value for p in points],
            mode="lines",
            name=_text(value_label),
            line={"color": NHS_DARK_GREY, "width": 2},
            hoverinfo="skip",
        )
    ]
    for number, segment in enumerate(result.segments):
        seg_x = x[segment.start : segment.end]
        first = number == 0
        traces.append(_line(seg_x, [segment.mean] * len(seg_x), "Mean", NHS_TEXT, "solid", legend=first, group="mean"))
        traces.append(
            _line(seg_x, [segment.upl] * len(seg_x), "Process limits", NHS_DARK_GREY, "dash", legend=first, group="pl")
        )
        traces.append(
            _line(seg_x, [segment.lpl] * len(seg_x), "Process limits", NHS_DARK_GREY, "dash", legend=False, group="pl")
        )
    if options.target is not None:
        traces.append(_line(x, [options.target] * len(x), "Target", SPC_TARGET, "dot", legend=True, group="target"))
    for point_type, (name, colour, symbol) in POINT_STYLE.items():
        chosen = [p for p in points if p.point_type == point_type]
        if not chosen:
            continue
        traces.append(
            _trace(
                "scatter",
                x=[x[p.index] for p in chosen],
                y=[p.value for p in chosen],
                mode="markers",
                name=name,
                marker={"color": colour, "symbol": symbol, "size": 11, "line": {"color": NHS_WHITE, "width": 1}},
                customdata=[[fmt(p.value), _point_words(p)] for p in chosen],
                hovertemplate="%{x}<br>%{customdata[0]}<br>%{customdata[1]}<extra></extra>",
            )
        )
    layout = _layout(
        420,
        showlegend=True,
        xaxis=_axis("Period", type="category"),
        yaxis=_axis(value_label),
    )
    layout["margin"] = {**layout["margin"], "t": 72}
    figure = _figure(traces, layout)

    columns = ["Period", value_label, "Mean", "Lower process limit", "Upper process limit", "Variation"]
    rows = [
        [
            str(labels[p.index]),
            fmt(p.value),
            fmt(p.mean),
            fmt(p.lpl),
            fmt(p.upl),
            _point_words(p) + (" (trial limits)" if p.trial else ""),
        ]
        for p in points
    ]

    sentences = [_variation_sentence(points, fmt)]
    if result.segments[-1].trial:
        sentences.append("Trial limits: fewer than 12 points.")
    if len(result.segments) > 1:
        starts = ", ".join(str(labels[s.start]) for s in result.segments[1:])
        sentences.append(f"The limits start again from {starts}.")
    screened = sum(s.screened_out for s in result.segments)
    if screened:
        jumps = "1 unusually large jump" if screened == 1 else f"{screened} unusually large jumps"
        sentences.append(f"Screening left out {jumps} between points when working out the limits.")
    sentences.append(_assurance_sentence(result, fmt))
    sentences.append(left_out_sentence(left_out))
    sentences = tuple(s for s in sentences if s)

    chart = Chart(
        id=chart_id,
        title=title,
        figure=figure,
        table=_table(
            f"{title}: every point with its mean, process limits and variation",
            columns,
            rows,
            [False, True, True, True, True, False],
        ),
        summary=" ".join(sentences),
        kind="Statistical process control chart",
    )
    return SpcResult(
        chart=chart,
        result=result,
        variation=variation_icon(result.variation),
        assurance=assurance_icon(result.assurance),
        sentences=sentences,
    )
