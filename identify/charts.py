"""Accessible charts for the Identify 1A dashboards (pure Python: no Django, no ORM).

Each builder takes data shaped as below and returns a :class:`Chart`: a Plotly
figure as a plain JSON-ready dict, plus the same numbers as a formatted table
and a plain-English summary. Render one with the chart component::

    {% include "_components/chart.html" with chart=chart %}

The table and summary are the accessible content (and what shows without
JavaScript); the plot is drawn by ``static/js/charts.mjs`` with the vendored,
CSP-safe plotly.js bundle.

Breakdown rows (from the breakdown engine), one dict per group::

    {
        "dimension": "ethnicity_high",       # or "ethnicity_high×sex" for an intersection
        "group": "Black or Black British",   # human label
        "group_code": "BLACK",
        "groups": {"ethnicity_high": "Black or Black British", "sex": "Male"},  # intersections
        "count": 1234.0, "population": 516000.0,
        "share": 0.12, "share_lower": 0.11, "share_upper": 0.13,          # proportions, 0 to 1
        "rate": 239.1, "rate_lower": 233.0, "rate_upper": 245.4,         # per 100,000
        "rate_ratio": 3.4, "rate_ratio_lower": 3.2, "rate_ratio_upper": 3.6,
        "reference": False,                  # True for the reference group
        "population_share": 0.04,            # proportion, 0 to 1
        "relative_inequity": 2.0,
        "suppressed": False,
    }

Values are floats or ``None`` (not applicable, or suppressed). A suppressed row
is never plotted, its count-based cells show "*" in the table whatever they hold
(with :data:`SUPPRESSED_FOOTNOTE`), and summaries never mention its values.

Quality report (for :func:`quality_completeness`)::

    {
        "fields": {
            "ethnicity": {
                "label": "Ethnicity",
                "rows": 12345,          # records checked
                "completeness": 0.93,   # share of records with any value
                "validity": 0.98,       # share of the values present that are valid codes (table only)
                "not_stated": 0.05,     # share of records: the person chose not to say
                "not_known": 0.02,      # share of records: not known / not asked
                "other": 0.06,          # share of records: a vague "any other" category
                "invalid": 0.01,        # share of records: a value that is not a valid code
                ...                     # other keys are ignored
            },
        }
    }

All shares are proportions of all records (0 to 1). A missing key counts as 0 in
the chart; the table says "Not available" for it.
Not stated, not known, "any other" and invalid are parts of the complete
records, so the chart stacks: specific valid value (completeness minus those
four), vague "any other", not stated, not known, invalid, and missing
(1 minus completeness), adding to 100%.
"""

from __future__ import annotations

import html
import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import plotly.graph_objects as go
import plotly.io as pio
from django.conf import settings
from plotly.utils import PlotlyJSONEncoder

SUPPRESSED = "*"
NOT_AVAILABLE = "Not available"
SUPPRESSED_FOOTNOTE = (
    "Suppressed: too few people to show safely, or hidden to stop a suppressed number being worked out"
)
PER = "per 100,000"

# NHS identity colours (https://www.england.nhs.uk/nhsidentity/identity-guidelines/colours/).
# Each one used for a mark has at least 3:1 contrast with the page background (white or NHS.UK grey)
# (WCAG 1.4.11); meaning never rests on colour alone (labels, markers, patterns).
NHS_BLUE = "#005eb8"
NHS_DARK_BLUE = "#003087"
NHS_LIGHT_BLUE = "#41b6e6"  # fill only, with dark text on it
NHS_DARK_GREY = "#425563"
NHS_MID_GREY = "#768692"
NHS_PALE_GREY = "#d8dde0"  # gridlines only (NHS.UK frontend grey-4)
NHS_TEXT = "#212b32"  # NHS.UK frontend text colour
NHS_WHITE = "#ffffff"
NHS_PURPLE = "#330072"
NHS_DARK_PINK = "#7c2855"
NHS_RED = "#d5281b"  # NHS.UK frontend error colour

FONT_FAMILY = 'Arial, "Liberation Sans", "Helvetica Neue", Helvetica, sans-serif'  # as frontend/amhe.scss

DIMENSION_LABELS = {
    "ethnicity": "ethnic group",
    "ethnicity_high": "ethnic group",
    "ethnicity_detailed": "ethnic group",
    "sex": "sex",
    "gender": "gender",
    "age_band": "age group",
    "age_group": "age group",
    "imd_quintile": "deprivation quintile",
    "imd_decile": "deprivation decile",
    "sexual_orientation": "sexual orientation",
    "religion": "religion",
    "disability": "disability",
}


@dataclass(frozen=True)
class Chart:
    """A chart ready for ``templates/_components/chart.html``.

    ``table`` is ``{"caption": str, "columns": [str], "rows": [[str]], "numeric": [bool]}``:
    every cell a formatted string, the first cell of a row its header, and
    ``numeric`` saying which columns hold numbers (right-aligned).
    """

    id: str
    title: str
    figure: dict
    table: dict
    summary: str
    confidence: str | None = None  # e.g. "95% confidence intervals", when the chart shows them
    kind: str = "Chart"  # e.g. "Bar chart": starts the plot's text alternative
    footnotes: tuple[str, ...] = field(default=())  # shown under the table, e.g. the suppression note

    @property
    def figure_id(self) -> str:
        """Id of the ``json_script`` element holding the figure."""
        return f"{self.id}-figure"

    @property
    def table_head(self) -> list[tuple[str, bool]]:
        """``(text, numeric)`` for each column header, for the template."""
        numeric = self.table.get("numeric") or []
        return [(c, i < len(numeric) and bool(numeric[i])) for i, c in enumerate(self.table["columns"])]

    @property
    def table_body(self) -> list[list[tuple[str, bool]]]:
        """Rows of ``(text, numeric)`` cells, for the template; the first cell is the row header."""
        numeric = self.table.get("numeric") or []
        return [[(c, i < len(numeric) and bool(numeric[i])) for i, c in enumerate(row)] for row in self.table["rows"]]

    @property
    def alt(self) -> str:
        """Short text alternative for the drawn plot: it points to the summary and table."""
        return f"{self.kind}: {self.title}. Described above; the data is in the table below."


# --------------------------------------------------------------------------- formatting


def confidence_label(confidence: float | int | str) -> str:
    """``0.95``, ``95`` or ``"95%"`` → ``"95%"``."""
    if isinstance(confidence, str):
        text = confidence.strip().rstrip("%").strip()
        value = float(text)
    else:
        value = float(confidence)
    if value <= 1:
        value *= 100
    return f"{value:g}%"


def _num(value) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) or math.isinf(number) else number


def format_int(value) -> str:
    """Whole number with thousands separators: ``12345.0`` → ``"12,345"``."""
    number = _num(value)
    return NOT_AVAILABLE if number is None else f"{round(number):,}"


def _rate_decimals(value: float) -> int:
    size = abs(value)
    return 0 if size >= 100 else 1 if size >= 10 else 2


def format_rate(value, decimals: int | None = None) -> str:
    """Rate per 100,000: whole numbers from 100, 1 decimal from 10, else 2; thousands separators."""
    number = _num(value)
    if number is None:
        return NOT_AVAILABLE
    places = _rate_decimals(number) if decimals is None else decimals
    return f"{number:,.{places}f}"


def format_percent(value, decimals: int = 1) -> str:
    """A proportion (0 to 1) as a percentage: ``0.1234`` → ``"12.3%"``."""
    number = _num(value)
    return NOT_AVAILABLE if number is None else f"{number * 100:,.{decimals}f}%"


def format_ratio(value, decimals: int = 2) -> str:
    number = _num(value)
    return NOT_AVAILABLE if number is None else f"{number:,.{decimals}f}"


def _interval(lower, upper, fmt) -> str:
    lo, hi = _num(lower), _num(upper)
    if lo is None or hi is None:
        return NOT_AVAILABLE
    return f"{fmt(lo)} to {fmt(hi)}"


def _rate_fmt(point):
    places = _rate_decimals(point) if point is not None else None
    return lambda v: format_rate(v, places)


# --------------------------------------------------------------------------- words


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.replace("×", "-by-").lower()).strip("-")


def _dimension_parts(dimension: str) -> list[str]:
    return [part.strip() for part in str(dimension or "").split("×") if part.strip()]


def dimension_label(dimension: str) -> str:
    """Plain words for a dimension key: ``"ethnicity_high×sex"`` → ``"ethnic group and sex"``."""
    parts = _dimension_parts(dimension)
    words = [DIMENSION_LABELS.get(part, part.replace("_", " ")) for part in parts]
    return _and(words) if words else "group"


def _and(items: Sequence[str]) -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _label(row: Mapping) -> str:
    label = row.get("group")
    if label:
        return str(label)
    groups = row.get("groups") or {}
    if groups:
        return ", ".join(str(v) for v in groups.values())
    return str(row.get("group_code") or "Unknown")


def _who(row: Mapping) -> str:
    """A noun phrase for the people in a row's group, for summaries."""
    label = _label(row)
    dimension = str(row.get("dimension") or "")
    if "×" in dimension:
        groups = row.get("groups") or {}
        return "people recorded as " + _and([str(v) for v in groups.values()] or [label])
    if dimension.startswith("ethnic"):
        return f"{label} people"
    if dimension.startswith("age") and label[:1].isdigit():
        return f"people aged {label}"
    return f"the {label} group"


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def _groups(n: int) -> str:
    return "1 group" if n == 1 else f"{n} groups"


def _suppression_sentence(n: int, what: str, noun: str = "group") -> str:
    if not n:
        return ""
    counted = f"1 {noun}" if n == 1 else f"{n} {noun}s"
    return f"{what} could not be shown for {counted} because the numbers were too small."


def _join(*sentences: str) -> str:
    return " ".join(s for s in sentences if s)


def _times(ratio: float) -> str:
    text = f"{ratio:.1f}"
    return "twice" if text == "2.0" else f"{text} times"


# Summaries never claim more than the numbers shown: a suppressed group might
# have had the highest value, so "highest" is then "of the groups shown"; and a
# group is only said to stand apart from another when their confidence
# intervals do not overlap.
def _lead(who: str, n_hidden: int, noun: str = "group") -> str:
    """The start of a "highest" sentence: capitalised, or after "Of the groups shown," when some are hidden."""
    return f"Of the {noun}s shown, {who}" if n_hidden else _capitalise(who)


def _bounds(row: Mapping, lower: str, upper: str) -> tuple[float, float] | None:
    lo, hi = _num(row.get(lower)), _num(row.get(upper))
    return None if lo is None or hi is None else (lo, hi)


def intervals_overlap(a: Mapping, b: Mapping, lower: str, upper: str) -> bool:
    """Whether two rows' confidence intervals overlap (touching counts). Without both
    intervals nothing can be said to differ, so that counts as overlapping."""
    first, second = _bounds(a, lower, upper), _bounds(b, lower, upper)
    if first is None or second is None:
        return True
    return first[0] <= second[1] and second[0] <= first[1]


def _not_clearly_apart(
    top: Mapping, others: Sequence[Mapping], lower: str, upper: str, name, noun: str = "group"
) -> str:
    """A sentence naming the others whose intervals overlap the top one's ("" if none do)."""
    rivals = [name(r) for r in others if intervals_overlap(top, r, lower, upper)]
    if not rivals:
        return ""
    if len(rivals) == 1:
        return f"Its confidence interval overlaps with that for {rivals[0]}, so the difference may be down to chance."
    listed = _and(rivals) if len(rivals) <= 3 else f"{len(rivals)} other {noun}s"
    return f"Its confidence interval overlaps with those for {listed}, so the differences may be down to chance."


# --------------------------------------------------------------------------- figures


def _layout(height: int, **extra) -> dict:
    layout = {
        "font": {"family": FONT_FAMILY, "size": 16, "color": NHS_TEXT},
        "paper_bgcolor": "rgba(0,0,0,0)",  # the page's own background shows through
        "plot_bgcolor": "rgba(0,0,0,0)",
        "height": height,
        "autosize": True,
        "margin": {"l": 8, "r": 24, "t": 16, "b": 56, "pad": 4},
        "dragmode": False,  # no zoom or pan: hover only (the modebar is off, so no reset)
        "hovermode": "closest",
        "hoverlabel": {
            "bgcolor": NHS_WHITE,
            "bordercolor": NHS_TEXT,
            "font": {"family": FONT_FAMILY, "size": 16, "color": NHS_TEXT},
            "align": "left",
        },
        "showlegend": False,
        "legend": {
            "orientation": "h",
            "x": 0,
            "xanchor": "left",
            "y": 1.0,
            "yanchor": "bottom",
            "traceorder": "normal",
            "itemclick": False,
            "itemdoubleclick": False,
            "font": {"size": 14},
        },
    }
    layout.update(extra)
    return layout


# Axis titles are centred under the plot area, which on a phone can be a third
# of the chart's width (long group names take the rest), and plotly.js never
# wraps them: so they are broken into short lines, the longest no wider than
# about half of a 390 px phone's plot area and margin (automargin makes room).
AXIS_TITLE_WIDTH = 22


def _axis(title: str = "", **extra) -> dict:
    axis = {
        "title": {"text": _wrap(title, AXIS_TITLE_WIDTH) if title else "", "font": {"size": 14}},
        "tickfont": {"size": 14, "color": NHS_TEXT},
        "gridcolor": NHS_PALE_GREY,
        "linecolor": NHS_DARK_GREY,
        "zerolinecolor": NHS_DARK_GREY,
        "fixedrange": True,
        "automargin": True,
    }
    axis.update(extra)
    return axis


# The trace types static/vendor/plotly/plotly-partial.min.js can draw: the bundle
# has only these (frontend/plotly-partial.js, built by `make frontend`), to keep
# chart pages light. A new kind of chart needs its trace type added to both.
PLOTLY_TRACES = frozenset({"bar", "heatmap", "scatter"})


def _trace(kind: str, **properties) -> dict:
    """A trace as a plain dict (properties left as None are not set)."""
    if kind not in PLOTLY_TRACES:
        raise ValueError(f"plotly.js is bundled without {kind!r} traces: add it to frontend/plotly-partial.js")
    return {"type": kind, **{key: value for key, value in properties.items() if value is not None}}


def _plain(value):
    """JSON-ready: numpy numbers and arrays, tuples and the like as plotly.js reads them."""
    return json.loads(json.dumps(value, cls=PlotlyJSONEncoder))


def _figure(data: list, layout: dict) -> dict:
    """The figure as a plain JSON-ready dict.

    Building it through plotly.graph_objects validates every property, but
    costs about 10 ms a chart, 40% of a results page with 15 charts. So
    graph_objects check it where settings.AMHE_VALIDATE_CHARTS is on (the test
    suite and DEBUG): an unknown or badly typed property raises, and so does any
    difference between the validated figure and the plain one served."""
    figure = _plain({"data": data, "layout": layout})
    if getattr(settings, "AMHE_VALIDATE_CHARTS", False):
        checked = json.loads(pio.to_json(go.Figure(data=data, layout=layout), validate=True, engine="json"))
        checked["layout"].pop("template", None)  # styling is explicit; keep the page small
        if checked != figure:
            raise ValueError(f"plotly would draw a different figure: {checked!r} != {figure!r}")
    return figure


def _text(label: str) -> str:
    """Text for a figure. plotly.js reads figure text as pseudo-HTML and draws <b>, <i>, <sup>,
    <sub>, <a> and <span> with a style attribute, which style-src 'self' blocks: so escape
    labels from the data, and use no tag but ``<br>`` in templates."""
    return html.escape(str(label), quote=False)


def _wrap(label: str, width: int = 26) -> str:
    """Break a long tick label into lines (Plotly's ``<br>``), escaped (see :func:`_text`)."""
    lines, line = [], ""
    for word in str(label).split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    if line:
        lines.append(line)
    return "<br>".join(_text(line) for line in lines) or _text(label)


def _height(n: int, per: int = 44, base: int = 140) -> int:
    return max(260, base + per * max(n, 1))


def _table(caption: str, columns: list[str], rows: list[list[str]], numeric: list[bool]) -> dict:
    return {"caption": caption, "columns": columns, "rows": rows, "numeric": numeric}


def _footnotes(rows: Iterable[Iterable[str]]) -> tuple[str, ...]:
    suppressed = any(SUPPRESSED in cells for cells in rows)
    return (f"{SUPPRESSED} {SUPPRESSED_FOOTNOTE}.",) if suppressed else ()


def _is_suppressed(row: Mapping) -> bool:
    return bool(row.get("suppressed"))


def _cell(row: Mapping, text: str) -> str:
    """``"*"`` for a count-based cell of a suppressed row, whatever it holds."""
    return SUPPRESSED if _is_suppressed(row) else text


def _single_rows(rows: Iterable[Mapping]) -> list[Mapping]:
    return [dict(r) for r in rows]


# --------------------------------------------------------------------------- rates


def rates_chart(
    rows: Iterable[Mapping],
    confidence: float | int | str = 0.95,
    *,
    title: str | None = None,
    chart_id: str | None = None,
) -> Chart:
    """Rate per 100,000 by group: horizontal bars, highest at the top, with confidence-interval error bars.

    The reference group's bar is dark grey and its label says "(reference)".
    """
    rows = _single_rows(rows)
    conf = confidence_label(confidence)
    dimension = rows[0].get("dimension", "") if rows else ""
    dim_words = dimension_label(dimension)
    title = title or f"Rate per 100,000 people by {dim_words}"
    chart_id = chart_id or f"chart-rates-{_slug(dimension) or 'groups'}"

    plotted = [r for r in rows if not _is_suppressed(r) and _num(r.get("rate")) is not None]
    plotted.sort(key=lambda r: _num(r.get("rate")), reverse=True)
    suppressed = [r for r in rows if _is_suppressed(r)]

    labels, values, plus, minus, colours, hover = [], [], [], [], [], []
    for r in plotted:
        rate = _num(r["rate"])
        lower, upper = _num(r.get("rate_lower")), _num(r.get("rate_upper"))
        labels.append(_wrap(_label(r) + (" (reference)" if r.get("reference") else "")))
        values.append(rate)
        plus.append(None if upper is None else max(upper - rate, 0.0))
        minus.append(None if lower is None else max(rate - lower, 0.0))
        colours.append(NHS_DARK_GREY if r.get("reference") else NHS_BLUE)
        fmt = _rate_fmt(rate)
        hover.append(
            [fmt(rate), _interval(lower, upper, fmt), format_int(r.get("count")), format_int(r.get("population"))]
        )

    trace = _trace(
        "bar",
        orientation="h",
        x=values,
        y=labels,
        marker={"color": colours, "line": {"width": 0}},
        error_x={
            "type": "data",
            "symmetric": False,
            "array": plus,
            "arrayminus": minus,
            "color": NHS_TEXT,
            "thickness": 2,
            "width": 6,
        },
        customdata=hover,
        hovertemplate=(
            f"%{{y}}<br>%{{customdata[0]}} {PER}<br>{conf} confidence interval: %{{customdata[1]}}"
            "<br>%{customdata[2]} people, population %{customdata[3]}<extra></extra>"
        ),
        name="Rate per 100,000",
    )
    figure = _figure(
        [trace],
        _layout(
            _height(len(plotted)),
            xaxis=_axis(f"Rate per 100,000 people (lines show {conf} confidence intervals)", rangemode="tozero"),
            yaxis=_axis(autorange="reversed", showgrid=False),
            bargap=0.35,
        ),
    )

    columns = [
        _capitalise(dim_words),
        "People",
        "Population",
        "Rate per 100,000",
        f"{conf} confidence interval",
    ]
    table_rows = []
    for r in rows:
        fmt = _rate_fmt(_num(r.get("rate")))
        table_rows.append(
            [
                _label(r) + (" (reference)" if r.get("reference") else ""),
                _cell(r, format_int(r.get("count"))),
                format_int(r.get("population")),
                _cell(r, fmt(r.get("rate"))),
                _cell(r, _interval(r.get("rate_lower"), r.get("rate_upper"), fmt)),
            ]
        )

    return Chart(
        id=chart_id,
        title=title,
        figure=figure,
        table=_table(
            f"{title}, with {conf} confidence intervals", columns, table_rows, [False, True, True, True, True]
        ),
        summary=_rates_summary(plotted, rows, conf, len(suppressed)),
        confidence=f"{conf} confidence intervals",
        kind="Bar chart",
        footnotes=_footnotes(table_rows),
    )


def _rates_summary(plotted: list[Mapping], rows: list[Mapping], conf: str, n_suppressed: int) -> str:
    hidden = _suppression_sentence(n_suppressed, "Rates")
    if not plotted:
        if n_suppressed:
            return "Rates could not be shown for any group because the numbers were too small."
        return "There were no rates to show."
    top = plotted[0]
    rate = _num(top["rate"])
    fmt = _rate_fmt(rate)
    sentence = f"{_lead(_who(top), n_suppressed)} had the highest rate, {fmt(rate)} {PER}"
    interval = _interval(top.get("rate_lower"), top.get("rate_upper"), fmt)
    if interval != NOT_AVAILABLE:
        sentence += f" ({conf} confidence interval {interval})"
    reference = next((r for r in rows if r.get("reference")), None)
    ratio = _num(top.get("rate_ratio"))
    if top.get("reference"):
        sentence += ". This is the reference group"
    elif reference is not None and ratio is not None:
        verdict = _ratio_verdict(top)
        if verdict == "similar":
            sentence += f", similar to the rate for {_who(reference)}"
        elif verdict == "higher":
            sentence += f", {_times(ratio)} the rate for {_who(reference)}"
    apart = _not_clearly_apart(top, plotted[1:], "rate_lower", "rate_upper", _who)
    return _join(sentence + ".", apart, hidden)


# --------------------------------------------------------------------------- rate ratios


TOO_FEW = "too few to compare"


def _ratio_verdict(row: Mapping) -> str:
    """ "higher", "similar" or "lower" than the reference: "similar" when the interval includes 1.
    Without an interval (a count of 0, say) the ratio alone shows nothing: "too few to compare"."""
    lower, upper = _num(row.get("rate_ratio_lower")), _num(row.get("rate_ratio_upper"))
    if lower is None or upper is None:
        return TOO_FEW
    if lower > 1:
        return "higher"
    if upper < 1:
        return "lower"
    return "similar"


def _log_ticks(low: float, high: float) -> list[float]:
    """Readable ticks for a log axis: powers of 2 (and 1) spanning the data."""
    low, high = max(min(low, 1.0), 1e-6), max(high, 1.0)
    start = math.floor(math.log2(low))
    stop = math.ceil(math.log2(high))
    ticks = [2.0**k for k in range(start, stop + 1)]
    if len(ticks) > 9:  # very wide: powers of 10 instead
        ticks = [10.0**k for k in range(math.floor(math.log10(low)), math.ceil(math.log10(high)) + 1)]
    return ticks


def _tick_text(value: float) -> str:
    return f"{value:g}" if value >= 0.01 else f"{value:.0e}"


def rate_ratio_forest(
    rows: Iterable[Mapping],
    reference_label: str | None = None,
    confidence: float | int | str = 0.95,
    *,
    title: str | None = None,
    chart_id: str | None = None,
) -> Chart:
    """Forest plot: each group's rate ratio against the reference group, with its confidence
    interval, on a log x axis with a dashed line at 1. The reference group is a grey diamond at 1
    labelled "(reference)"; groups are labelled higher, similar or lower in the table.
    """
    rows = _single_rows(rows)
    conf = confidence_label(confidence)
    dimension = rows[0].get("dimension", "") if rows else ""
    dim_words = dimension_label(dimension)
    reference = next((r for r in rows if r.get("reference")), None)
    if reference_label is None:
        reference_label = _label(reference) if reference is not None else "the reference group"
    ref_who = _who(reference) if reference is not None else reference_label
    title = title or f"Rate ratios by {dim_words}, compared with {reference_label}"
    chart_id = chart_id or f"chart-rate-ratios-{_slug(dimension) or 'groups'}"

    with_ratio = [
        r for r in rows if not r.get("reference") and not _is_suppressed(r) and _num(r.get("rate_ratio")) is not None
    ]
    # A ratio with no interval (a group with no records, say) cannot be placed on a log
    # axis and shows nothing: it is left off the plot and called too few to compare.
    compared = [r for r in with_ratio if _ratio_verdict(r) != TOO_FEW]
    too_few = [r for r in with_ratio if _ratio_verdict(r) == TOO_FEW]
    compared.sort(key=lambda r: _num(r.get("rate_ratio")), reverse=True)
    suppressed = [r for r in rows if _is_suppressed(r) and not r.get("reference")]

    labels, values, plus, minus, hover, symbols = [], [], [], [], [], []
    for r in compared:
        ratio = _num(r["rate_ratio"])
        lower, upper = _num(r.get("rate_ratio_lower")), _num(r.get("rate_ratio_upper"))
        verdict = _ratio_verdict(r)
        labels.append(_wrap(_label(r)))
        values.append(ratio)
        plus.append(None if upper is None else max(upper - ratio, 0.0))
        minus.append(None if lower is None else max(ratio - lower, 0.0))
        symbols.append("circle" if verdict != "similar" else "circle-open")
        hover.append([format_ratio(ratio), _interval(lower, upper, format_ratio), verdict])
    traces = [
        _trace(
            "scatter",
            x=values,
            y=labels,
            mode="markers",
            marker={"color": NHS_BLUE, "size": 12, "symbol": symbols, "line": {"width": 2, "color": NHS_BLUE}},
            error_x={
                "type": "data",
                "symmetric": False,
                "array": plus,
                "arrayminus": minus,
                "color": NHS_BLUE,
                "thickness": 2,
                "width": 6,
            },
            customdata=hover,
            hovertemplate=(
                "%{y}<br>Rate ratio %{customdata[0]}<br>"
                f"{conf} confidence interval: %{{customdata[1]}}<br>%{{customdata[2]}}<extra></extra>"
            ),
            name="Rate ratio",
        )
    ]
    all_labels = list(labels)
    if reference is not None:
        ref_label = _wrap(f"{reference_label} (reference)")
        all_labels.append(ref_label)
        traces.append(
            _trace(
                "scatter",
                x=[1.0],
                y=[ref_label],
                mode="markers",
                marker={"color": NHS_DARK_GREY, "size": 14, "symbol": "diamond"},
                hovertemplate=f"%{{y}}<br>Reference group: every rate ratio compares with {_text(reference_label)}"
                "<extra></extra>",
                name="Reference group",
            )
        )

    bounds = [v for r in compared for v in (_num(r.get("rate_ratio_lower")), _num(r.get("rate_ratio_upper"))) if v]
    bounds += [v for v in values if v]
    ticks = _log_ticks(min(bounds, default=0.5), max(bounds, default=2.0))
    lo, hi = math.log10(ticks[0]) - 0.05, math.log10(ticks[-1]) + 0.05
    layout = _layout(
        _height(len(all_labels)),
        xaxis=_axis(
            f"Rate ratio, log scale (lines show {conf} confidence intervals)",
            type="log",
            range=[lo, hi],
            tickvals=ticks,
            ticktext=[_tick_text(t) for t in ticks],
            zeroline=False,
        ),
        yaxis=_axis(autorange="reversed", categoryorder="array", categoryarray=all_labels, gridcolor=NHS_PALE_GREY),
        margin={"l": 8, "r": 24, "t": 40, "b": 56, "pad": 4},
        shapes=[
            {
                "type": "line",
                "xref": "x",
                "yref": "paper",
                "x0": 1,
                "x1": 1,
                "y0": 0,
                "y1": 1,
                "line": {"color": NHS_DARK_GREY, "width": 2, "dash": "dash"},
            }
        ],
        annotations=[
            {
                "xref": "x",
                "yref": "paper",
                "x": 0,
                "y": 1,
                "yanchor": "bottom",
                "xanchor": "right",
                "showarrow": False,
                "text": "← lower rate ",
                "font": {"size": 14, "color": NHS_TEXT},
            },
            {
                "xref": "x",
                "yref": "paper",
                "x": 0,
                "y": 1,
                "yanchor": "bottom",
                "xanchor": "left",
                "showarrow": False,
                "text": " higher rate →",
                "font": {"size": 14, "color": NHS_TEXT},
            },
        ],
    )
    figure = _figure(traces, layout)

    columns = [_capitalise(dim_words), "Rate ratio", f"{conf} confidence interval", f"Compared with {reference_label}"]
    table_rows = []
    for r in rows:
        if r.get("reference"):
            table_rows.append([f"{_label(r)} (reference)", "1.00", NOT_AVAILABLE, "Reference group"])
            continue
        has_ratio = _num(r.get("rate_ratio")) is not None
        table_rows.append(
            [
                _label(r),
                _cell(r, format_ratio(r.get("rate_ratio"))),
                _cell(r, _interval(r.get("rate_ratio_lower"), r.get("rate_ratio_upper"), format_ratio)),
                _cell(r, _capitalise(_ratio_verdict(r)) if has_ratio else NOT_AVAILABLE),
            ]
        )

    return Chart(
        id=chart_id,
        title=title,
        figure=figure,
        table=_table(f"{title}, with {conf} confidence intervals", columns, table_rows, [False, True, True, False]),
        summary=_forest_summary(compared, ref_who, len(suppressed), too_few),
        confidence=f"{conf} confidence intervals",
        kind="Forest plot",
        footnotes=_footnotes(table_rows),
    )


def _forest_summary(compared: list[Mapping], ref_who: str, n_suppressed: int, too_few: Sequence[Mapping] = ()) -> str:
    hidden = _suppression_sentence(n_suppressed, "Rate ratios")

    def name(r: Mapping) -> str:
        return _who(r) if _who(r).endswith("people") else _label(r)

    def listed(names: list[str]) -> str:
        return _and(names) if len(names) <= 3 else _groups(len(names))

    few = ""
    if too_few:
        few = f"There were too few records to compare {listed([name(r) for r in too_few])} with {ref_who}."
    if not compared:
        if too_few:
            return _join(few, hidden)
        if n_suppressed:
            return "Rate ratios could not be shown for any group because the numbers were too small."
        return "There were no rate ratios to show."
    by_verdict: dict[str, list[str]] = {"higher": [], "similar": [], "lower": []}
    for r in compared:
        by_verdict[_ratio_verdict(r)].append(name(r))
    parts = []
    for verdict in ("higher", "similar", "lower"):
        names = by_verdict[verdict]
        if not names:
            continue
        parts.append(f"{verdict} for {listed(names)}")
    return _join(f"Compared with {ref_who}, the rate was {_and(parts)}.", few, hidden)


def ratio_verdict(row: Mapping) -> str:
    """Public: "higher", "similar", "lower" or "too few to compare" (see :func:`_ratio_verdict`)."""
    return _ratio_verdict(row)


def group_phrase(row: Mapping) -> str:
    """Public: a noun phrase for the people in a row's group ("Black or Black British people")."""
    return _who(row)


def ratio_difference_sentence(row: Mapping, reference_who: str, conf: str) -> str:
    """One plain sentence for a rate ratio whose interval excludes 1, e.g. "The rate for
    Black people was 3.4 times that for White people (95% confidence interval 3.2 to 3.6)."."""
    ratio = _num(row["rate_ratio"])
    places = 1 if ratio >= 1 else 2

    def fmt(value: float) -> str:
        return f"{value:,.{places}f}"

    interval = _interval(row.get("rate_ratio_lower"), row.get("rate_ratio_upper"), fmt)
    size = _times(ratio) if ratio >= 1 else f"{fmt(ratio)} times"
    return f"The rate for {_who(row)} was {size} that for {reference_who} ({conf} confidence interval {interval})."


def slope_sentence(summary: Mapping, confidence: float | int | str = 0.95) -> str:
    """Plain words for the slope index of inequality across deprivation deciles (signed
    positive when rates are higher in more deprived areas), saying a gradient only when
    its interval excludes 0. "" when there is none."""
    sii = _num(summary.get("sii"))
    if sii is None:
        return ""
    conf = confidence_label(confidence)
    lower, upper = _num(summary.get("sii_lower")), _num(summary.get("sii_upper"))
    text = f"Slope index of inequality across deprivation deciles: {sii:,.1f} {PER}"
    if lower is not None and upper is not None:
        text += f" ({conf} confidence interval {lower:,.1f} to {upper:,.1f})"
    rii = _num(summary.get("rii"))
    text += f"; relative index of inequality {rii:,.2f}." if rii is not None else "."
    if lower is None or upper is None:
        verdict = "With no interval, this shows no clear gradient with deprivation."
    elif lower > 0:
        verdict = "Rates were higher in more deprived areas: the interval does not include 0."
    elif upper < 0:
        verdict = "Rates were lower in more deprived areas: the interval does not include 0."
    else:
        verdict = "The interval includes 0, so this shows no clear gradient with deprivation."
    return _join(text, verdict)


# --------------------------------------------------------------------------- share vs population


def share_vs_population(
    rows: Iterable[Mapping],
    *,
    title: str | None = None,
    chart_id: str | None = None,
) -> Chart:
    """Each group's share of records next to its share of the population: paired horizontal bars,
    labelled with their percentages (records solid blue, population grey with diagonal hatching).
    """
    rows = _single_rows(rows)
    dimension = rows[0].get("dimension", "") if rows else ""
    dim_words = dimension_label(dimension)
    title = title or f"Share of records and of the population by {dim_words}"
    chart_id = chart_id or f"chart-share-{_slug(dimension) or 'groups'}"

    # Compare like with like: the share among records whose group has a population
    # figure (records with ethnicity not stated, say, have none), when given.
    rows = [{**r, "share": r["case_share"]} if r.get("case_share") is not None else r for r in rows]
    if any(_num(r.get("population_share")) is not None for r in rows):
        rows = [r for r in rows if _num(r.get("population_share")) is not None]
    plotted = [r for r in rows if not _is_suppressed(r) and _num(r.get("share")) is not None]
    suppressed = [r for r in rows if _is_suppressed(r)]
    labels = [_wrap(_label(r) + (" (reference)" if r.get("reference") else "")) for r in plotted]
    share = [_num(r.get("share")) * 100 for r in plotted]
    population = [
        None if _num(r.get("population_share")) is None else _num(r["population_share"]) * 100 for r in plotted
    ]
    traces = [
        _trace(
            "bar",
            orientation="h",
            name="Share of records",
            x=share,
            y=labels,
            text=[format_percent(v / 100) for v in share],
            textposition="outside",
            cliponaxis=False,
            marker={"color": NHS_BLUE},
            hovertemplate="%{y}<br>Share of records: %{text}<extra></extra>",
        ),
        _trace(
            "bar",
            orientation="h",
            name="Share of population",
            x=population,
            y=labels,
            text=[NOT_AVAILABLE if v is None else format_percent(v / 100) for v in population],
            textposition="outside",
            cliponaxis=False,
            marker={
                "color": NHS_DARK_GREY,
                "pattern": {
                    "shape": "/",
                    "fillmode": "overlay",
                    "bgcolor": NHS_DARK_GREY,
                    "fgcolor": NHS_WHITE,
                    "size": 8,
                    "solidity": 0.2,
                },
            },
            hovertemplate="%{y}<br>Share of population: %{text}<extra></extra>",
        ),
    ]
    top = max([*share, *(p for p in population if p is not None)], default=10.0)
    layout = _layout(
        _height(len(plotted), per=64),
        barmode="group",
        bargap=0.3,
        bargroupgap=0.05,
        showlegend=True,
        xaxis=_axis("Percentage", ticksuffix="%", range=[0, top * 1.2 + 1]),
        yaxis=_axis(autorange="reversed", showgrid=False),
        margin={"l": 8, "r": 24, "t": 72, "b": 56, "pad": 4},
    )
    figure = _figure(traces, layout)

    columns = [_capitalise(dim_words), "People", "Share of records", "Share of population"]
    table_rows = [
        [
            _label(r) + (" (reference)" if r.get("reference") else ""),
            _cell(r, format_int(r.get("count"))),
            _cell(r, format_percent(r.get("share"))),
            format_percent(r.get("population_share")),
        ]
        for r in rows
    ]
    return Chart(
        id=chart_id,
        title=title,
        figure=figure,
        table=_table(title, columns, table_rows, [False, True, True, True]),
        summary=_share_summary(plotted, len(suppressed)),
        kind="Bar chart",
        footnotes=_footnotes(table_rows),
    )


def _share_summary(plotted: list[Mapping], n_suppressed: int) -> str:
    hidden = _suppression_sentence(n_suppressed, "Shares")
    if not plotted:
        if n_suppressed:
            return "Shares could not be shown for any group because the numbers were too small."
        return "There were no shares to show."
    compared = [r for r in plotted if _num(r.get("population_share"))]
    if not compared:
        return _join("There was no population share to compare with.", hidden)

    def gap(r):  # how far apart the two shares are, as a ratio (so small groups count too)
        return abs(math.log(max(_num(r["share"]), 1e-9) / _num(r["population_share"])))

    top = max(compared, key=gap)
    share, pop = format_percent(top["share"]), format_percent(top["population_share"])
    if share == pop:
        each = "Each group shown" if n_suppressed else "Each group"
        sentence = f"{each}'s share of records matched its share of the population."
    else:
        sentence = (
            f"{_lead('the biggest difference', n_suppressed)} was for {_who(top)}: "
            f"{share} of records compared with {pop} of the population."
        )
    return _join(sentence, hidden)


# --------------------------------------------------------------------------- intersections

_HEAT_VALUES = {
    # value key: (words, formatter of a value, lower key, upper key)
    "rate": ("Rate per 100,000", None, "rate_lower", "rate_upper"),
    "share": ("Share of records", format_percent, "share_lower", "share_upper"),
    "rate_ratio": ("Rate ratio", format_ratio, "rate_ratio_lower", "rate_ratio_upper"),
    "count": ("People", format_int, None, None),
}
_HEAT_SCALE = [(0.0, "#c8e0f4"), (0.5, NHS_LIGHT_BLUE), (1.0, NHS_DARK_BLUE)]  # pale blue to NHS dark blue


def _hex_rgb(colour: str) -> tuple[int, int, int]:
    colour = colour.lstrip("#")
    return int(colour[0:2], 16), int(colour[2:4], 16), int(colour[4:6], 16)


def _scale_colour(t: float) -> tuple[int, int, int]:
    t = min(max(t, 0.0), 1.0)
    for (t0, c0), (t1, c1) in zip(_HEAT_SCALE, _HEAT_SCALE[1:], strict=False):
        if t <= t1:
            f = 0 if t1 == t0 else (t - t0) / (t1 - t0)
            a, b = _hex_rgb(c0), _hex_rgb(c1)
            return tuple(round(x + (y - x) * f) for x, y in zip(a, b, strict=True))
    return _hex_rgb(_HEAT_SCALE[-1][1])


def _luminance(rgb: tuple[int, int, int]) -> float:
    def channel(c):
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _text_on(rgb: tuple[int, int, int]) -> str:
    """Dark or white text, whichever contrasts more with the cell."""
    lum = _luminance(rgb)
    dark = _luminance(_hex_rgb(NHS_TEXT))
    return NHS_TEXT if (lum + 0.05) / (dark + 0.05) >= 1.05 / (lum + 0.05) else NHS_WHITE


def intersection_heatmap(
    rows: Iterable[Mapping],
    row_dim: str,
    col_dim: str,
    value: str = "rate",
    confidence: float | int | str = 0.95,
    *,
    title: str | None = None,
    chart_id: str | None = None,
) -> Chart:
    """Heat map of ``value`` ("rate", "share", "rate_ratio" or "count") over two characteristics.

    Rows are intersection rows whose ``groups`` name both ``row_dim`` and ``col_dim``. Every cell
    is annotated with its value, so colour is never the only cue and no colour bar is needed;
    suppressed or missing cells are left empty (suppressed ones marked "*").
    """
    if value not in _HEAT_VALUES:
        raise ValueError(f"value must be one of {', '.join(_HEAT_VALUES)}, not {value!r}")
    words, fmt, lower_key, upper_key = _HEAT_VALUES[value]
    conf = confidence_label(confidence)
    rows = [dict(r) for r in rows if row_dim in (r.get("groups") or {}) and col_dim in (r.get("groups") or {})]
    row_words, col_words = dimension_label(row_dim), dimension_label(col_dim)
    title = title or f"{words} by {row_words} and {col_words}"
    chart_id = chart_id or f"chart-heatmap-{_slug(row_dim)}-by-{_slug(col_dim)}-{_slug(value)}"

    row_labels: list[str] = []
    col_labels: list[str] = []
    cells: dict[tuple[str, str], Mapping] = {}
    for r in rows:
        rl, cl = str(r["groups"][row_dim]), str(r["groups"][col_dim])
        if rl not in row_labels:
            row_labels.append(rl)
        if cl not in col_labels:
            col_labels.append(cl)
        cells[(rl, cl)] = r

    def shown(r: Mapping | None) -> float | None:
        return None if r is None or _is_suppressed(r) else _num(r.get(value))

    def fmt_value(v: float | None) -> str:
        return (format_rate(v) if fmt is None else fmt(v)) if v is not None else NOT_AVAILABLE

    z = [[shown(cells.get((rl, cl))) for cl in col_labels] for rl in row_labels]
    x_text, y_text = [_text(c) for c in col_labels], [_text(r) for r in row_labels]
    present = [v for line in z for v in line if v is not None]
    zmin, zmax = (min(present), max(present)) if present else (0.0, 1.0)
    if value == "rate_ratio" and present:
        zmin = min(zmin, 1.0)

    annotations = []
    hover = []
    for i, rl in enumerate(row_labels):
        hover_row = []
        for j, cl in enumerate(col_labels):
            r = cells.get((rl, cl))
            v = z[i][j]
            if r is not None and _is_suppressed(r):
                text, colour = SUPPRESSED, NHS_TEXT
            elif v is None:
                text, colour = "", NHS_TEXT
            else:
                text = fmt_value(v)
                t = 0.5 if zmax == zmin else (v - zmin) / (zmax - zmin)
                colour = _text_on(_scale_colour(t))
            hover_row.append(text or NOT_AVAILABLE)
            if text:
                annotations.append(
                    {
                        "x": x_text[j],
                        "y": y_text[i],
                        "xref": "x",
                        "yref": "y",
                        "text": text,
                        "showarrow": False,
                        "font": {"size": 14, "color": colour},
                    }
                )
        hover.append(hover_row)

    trace = _trace(
        "heatmap",
        z=z,
        x=x_text,
        y=y_text,
        zmin=zmin,
        zmax=zmax,
        colorscale=[[t, c] for t, c in _HEAT_SCALE],
        hoverongaps=False,
        xgap=3,
        ygap=3,
        customdata=hover,
        hovertemplate=f"%{{y}}, %{{x}}<br>{words}: %{{customdata}}<extra></extra>",
        # No colour bar: plotly.js 4.1 sets style="" on its fill, which style-src 'self' blocks
        # (a CSP error in the console). Every cell is annotated with its value instead.
        showscale=False,
    )
    layout = _layout(
        max(260, 120 + 56 * max(len(row_labels), 1)),
        xaxis=_axis(_capitalise(col_words), side="bottom", showgrid=False, type="category"),
        yaxis=_axis(autorange="reversed", showgrid=False, type="category"),
        annotations=annotations,
        plot_bgcolor=NHS_WHITE,  # empty cells are white, paler than any value's colour
    )
    figure = _figure([trace], layout)

    with_interval = lower_key is not None
    columns = [f"{_capitalise(row_words)} by {col_words}", *col_labels]
    table_rows = []
    for rl in row_labels:
        line = [rl]
        for cl in col_labels:
            r = cells.get((rl, cl))
            if r is None:
                line.append(NOT_AVAILABLE)
                continue
            v = _num(r.get(value))
            text = fmt_value(v)
            if with_interval and v is not None:
                ifmt = _rate_fmt(v) if fmt is None else fmt
                interval = _interval(r.get(lower_key), r.get(upper_key), ifmt)
                if interval != NOT_AVAILABLE:
                    text += f" ({interval})"
            line.append(_cell(r, text))
        table_rows.append(line)

    caption = title + (f", with {conf} confidence intervals in brackets" if with_interval else "")
    n_suppressed = sum(1 for r in cells.values() if _is_suppressed(r))
    return Chart(
        id=chart_id,
        title=title,
        figure=figure,
        table=_table(caption, columns, table_rows, [False] + [True] * len(col_labels)),
        summary=_heatmap_summary(cells, value, words, fmt_value, lower_key, upper_key, conf, n_suppressed),
        confidence=f"{conf} confidence intervals" if with_interval else None,
        kind="Heat map",
        footnotes=_footnotes(table_rows),
    )


def _heatmap_summary(cells, value, words, fmt_value, lower_key, upper_key, conf, n_suppressed) -> str:
    hidden = _suppression_sentence(n_suppressed, "Values", noun="combination")
    shown = [r for r in cells.values() if not _is_suppressed(r) and _num(r.get(value)) is not None]
    if not shown:
        if n_suppressed:
            return "Values could not be shown for any combination because the numbers were too small."
        return "There were no values to show."

    def who(r: Mapping) -> str:
        return "people recorded as " + _and([str(x) for x in (r.get("groups") or {}).values()])

    shown.sort(key=lambda r: _num(r.get(value)), reverse=True)
    v = _num(shown[0][value])
    tops = [r for r in shown if fmt_value(_num(r[value])) == fmt_value(v)]  # equal as shown: a tie
    text = fmt_value(v) + (f" {PER}" if value == "rate" else "")
    if lower_key and len(tops) == 1:
        ifmt = _rate_fmt(v) if value == "rate" else (format_percent if value == "share" else format_ratio)
        interval = _interval(tops[0].get(lower_key), tops[0].get(upper_key), ifmt)
        if interval != NOT_AVAILABLE:
            text += f" ({conf} confidence interval {interval})"
    noun = "number of people" if value == "count" else words[:1].lower() + words[1:]
    noun = noun.replace(" per 100,000", "")
    start = _lead(f"the highest {noun}", n_suppressed, noun="combination")
    if len(tops) > 1:
        listed = _and([who(r) for r in tops]) if len(tops) <= 3 else f"{len(tops)} combinations"
        return _join(f"{start} was {text}, for {listed}.", hidden)
    apart = ""
    if lower_key:
        apart = _not_clearly_apart(tops[0], shown[1:], lower_key, upper_key, who, noun="combination")
    return _join(f"{start} was {text}, for {who(tops[0])}.", apart, hidden)


# --------------------------------------------------------------------------- data quality

_QUALITY_SEGMENTS = (
    # (key, legend label, colour, pattern shape)
    ("usable", "Specific, valid value", NHS_BLUE, ""),
    ("other", "Vague “any other”", NHS_DARK_PINK, "/"),
    ("not_stated", "Not stated", NHS_PURPLE, "."),
    ("not_known", "Not known", NHS_MID_GREY, "x"),
    ("invalid", "Invalid", NHS_RED, "\\"),
    ("missing", "Missing", NHS_TEXT, "-"),
)


def _share(field: Mapping, key: str) -> float:
    value = _num(field.get(key))
    return 0.0 if value is None else min(max(value, 0.0), 1.0)


def quality_segments(field: Mapping) -> dict[str, float]:
    """The six stacked shares for one field (see the module docstring); they add up to 1."""
    complete = _share(field, "completeness")
    parts = {key: _share(field, key) for key in ("other", "not_stated", "not_known", "invalid")}
    return {"usable": max(complete - sum(parts.values()), 0.0), **parts, "missing": 1.0 - complete}


def quality_completeness(
    report: Mapping,
    *,
    title: str = "Completeness and validity of each characteristic",
    chart_id: str = "chart-quality-completeness",
) -> Chart:
    """Per characteristic field: stacked horizontal bars of specific valid values, vague
    "any other", not stated, not known, invalid and missing, as percentages of records.
    """
    fields = list((report.get("fields") or {}).items())
    labels = [_wrap(str(f.get("label") or key.replace("_", " ").capitalize())) for key, f in fields]
    segments = [quality_segments(f) for _, f in fields]

    traces = []
    for key, name, colour, shape in _QUALITY_SEGMENTS:
        values = [s[key] * 100 for s in segments]
        marker = {"color": colour, "line": {"color": NHS_WHITE, "width": 1}}
        if shape:
            marker["pattern"] = {
                "shape": shape,
                "fillmode": "overlay",
                "bgcolor": colour,
                "fgcolor": NHS_WHITE,
                "size": 8,
                "solidity": 0.25,
            }
        traces.append(
            _trace(
                "bar",
                orientation="h",
                name=name,
                x=values,
                y=labels,
                marker=marker,
                text=[format_percent(v / 100, 0) if v >= 8 else "" for v in values] if key == "usable" else None,
                textposition="inside" if key == "usable" else None,
                insidetextanchor="middle" if key == "usable" else None,
                textfont={"color": NHS_WHITE} if key == "usable" else None,
                customdata=[format_percent(v / 100) for v in values],
                hovertemplate=f"%{{y}}<br>{name}: %{{customdata}}<extra></extra>",
            )
        )
    layout = _layout(
        _height(len(fields), per=48, base=170),
        barmode="stack",
        bargap=0.3,
        showlegend=True,
        xaxis=_axis("Percentage of records", ticksuffix="%", range=[0, 100], dtick=20),
        yaxis=_axis(autorange="reversed", showgrid=False),
        margin={"l": 8, "r": 24, "t": 96, "b": 56, "pad": 4},
    )
    figure = _figure(traces, layout)

    columns = [
        "Characteristic",
        "Records",
        "Complete",
        "Valid",
        "Not stated",
        "Not known",
        "Vague “any other”",
        "Invalid",
    ]
    table_rows = [
        [
            str(f.get("label") or key.replace("_", " ").capitalize()),
            format_int(f.get("rows")),
            *(
                format_percent(_share(f, k)) if _num(f.get(k)) is not None else NOT_AVAILABLE
                for k in ("completeness", "validity", "not_stated", "not_known", "other", "invalid")
            ),
        ]
        for key, f in fields
    ]
    return Chart(
        id=chart_id,
        title=title,
        figure=figure,
        table=_table(f"{title}, as percentages of records", columns, table_rows, [False] + [True] * 7),
        summary=_quality_summary(fields, segments),
        kind="Stacked bar chart",
        footnotes=(),
    )


def _quality_summary(fields, segments) -> str:
    if not fields:
        return "No characteristic fields were checked."
    named = [
        (str(f.get("label") or key.replace("_", " ").capitalize()), s["usable"])
        for (key, f), s in zip(fields, segments, strict=True)
    ]
    if len(named) == 1:
        label, usable = named[0]
        return f"{label}: {format_percent(usable, 0)} of records had a specific, valid value."
    # Compared as shown (whole percentages): 93.4% and 93.2% are both 93%, a tie.
    shown = [(label, format_percent(usable, 0), usable) for label, usable in named]
    best = max(shown, key=lambda x: x[2])[1]
    worst = min(shown, key=lambda x: x[2])[1]
    if best == worst:
        return f"Every characteristic had a specific, valid value in {best} of records."
    most = _and([label for label, text, _ in shown if text == best])
    fewest = _and([label for label, text, _ in shown if text == worst])
    return f"{most} had the most records with a specific, valid value ({best}) and {fewest} the fewest ({worst})."


def _interval_chart(
    rows: Iterable[Mapping],
    confidence: float | int | str,
    *,
    value: str,
    lower: str,
    upper: str,
    scale: float,
    fmt,
    title: str | None,
    chart_id: str | None,
    slug: str,
    axis_title: str,
    column: str,
    count_column: tuple[str, str],
    summary: str,
    what: str,
    tick_suffix: str = "",
) -> Chart:
    """Horizontal bars of one estimate per group with its confidence interval:
    the shared shape of the share, outcome and score charts. The default title is
    `axis_title` by the characteristic; the default id is chart-`slug`-<dimension>."""
    rows = _single_rows(rows)
    conf = confidence_label(confidence)
    dimension = rows[0].get("dimension", "") if rows else ""
    dim_words = dimension_label(dimension)
    title = title or f"{axis_title} by {dim_words}"
    chart_id = chart_id or f"chart-{slug}-{_slug(dimension) or 'groups'}"
    plotted = [r for r in rows if not _is_suppressed(r) and _num(r.get(value)) is not None]
    suppressed = [r for r in rows if _is_suppressed(r)]
    values = [_num(r[value]) * scale for r in plotted]
    plus = [
        None if _num(r.get(upper)) is None else max(_num(r[upper]) * scale - v, 0.0)
        for r, v in zip(plotted, values, strict=True)
    ]
    minus = [
        None if _num(r.get(lower)) is None else max(v - _num(r[lower]) * scale, 0.0)
        for r, v in zip(plotted, values, strict=True)
    ]
    trace = _trace(
        "bar",
        orientation="h",
        x=values,
        y=[_wrap(_label(r)) for r in plotted],
        marker={"color": [NHS_MID_GREY if r.get("kind") not in ("valid", "other") else NHS_BLUE for r in plotted]},
        error_x={
            "type": "data",
            "symmetric": False,
            "array": plus,
            "arrayminus": minus,
            "color": NHS_TEXT,
            "thickness": 2,
            "width": 6,
        },
        text=[fmt(_num(r[value])) for r in plotted],
        hovertemplate=f"%{{y}}<br>{column}: %{{text}}<extra></extra>",
        name=column,
    )
    figure = _figure(
        [trace],
        _layout(
            _height(len(plotted)),
            xaxis=_axis(
                f"{axis_title} (lines show {conf} confidence intervals)", ticksuffix=tick_suffix, rangemode="tozero"
            ),
            yaxis=_axis(autorange="reversed", showgrid=False),
            bargap=0.35,
        ),
    )
    count_key, count_label = count_column
    columns = [_capitalise(dim_words), count_label, column, f"{conf} confidence interval"]
    table_rows = [
        [
            _label(r),
            _cell(r, format_int(r.get(count_key))),
            _cell(r, fmt(r.get(value))),
            _cell(r, _interval(r.get(lower), r.get(upper), fmt)),
        ]
        for r in rows
    ]
    if plotted:
        ranked = sorted(plotted, key=lambda r: _num(r[value]), reverse=True)
        top = ranked[0]
        text = _join(
            summary.format(who=_lead(_who(top), len(suppressed)), value=fmt(_num(top[value]))),
            _not_clearly_apart(top, ranked[1:], lower, upper, _who),
            _suppression_sentence(len(suppressed), what),
        )
    else:
        text = f"{what} could not be shown for any group because the numbers were too small."
    return Chart(
        id=chart_id,
        title=title,
        figure=figure,
        table=_table(f"{title}, with {conf} confidence intervals", columns, table_rows, [False, True, True, True]),
        summary=text,
        confidence=f"{conf} confidence intervals",
        kind="Bar chart",
        footnotes=_footnotes(table_rows),
    )


def shares_chart(
    rows: Iterable[Mapping],
    confidence: float | int | str = 0.95,
    *,
    title: str | None = None,
    chart_id: str | None = None,
) -> Chart:
    """Each group's share of all records, with Wilson confidence intervals: for
    breakdowns with no population denominators (so no rates)."""
    return _interval_chart(
        rows,
        confidence,
        value="share",
        lower="share_lower",
        upper="share_upper",
        scale=100,
        fmt=format_percent,
        title=title,
        chart_id=chart_id,
        slug="shares",
        axis_title="Share of records",
        column="Share of records",
        count_column=("count", "People"),
        summary="{who} made up the largest share of records, {value}.",
        what="Shares",
        tick_suffix="%",
    )


def outcome_chart(
    rows: Iterable[Mapping],
    confidence: float | int | str = 0.95,
    *,
    title: str | None = None,
    chart_id: str | None = None,
) -> Chart:
    """The proportion of each group with the outcome (for example recovered),
    out of those whose outcome was recorded, with Wilson confidence intervals."""
    return _interval_chart(
        rows,
        confidence,
        value="outcome",
        lower="outcome_lower",
        upper="outcome_upper",
        scale=100,
        fmt=format_percent,
        title=title,
        chart_id=chart_id,
        slug="outcome",
        axis_title="Proportion with the outcome",
        column="With the outcome",
        count_column=("outcome_n", "Outcome recorded"),
        summary="{who} had the highest proportion with the outcome, {value}.",
        what="Outcomes",
        tick_suffix="%",
    )


def _format_score(value) -> str:
    return NOT_AVAILABLE if _num(value) is None else f"{_num(value):,.1f}"


def score_chart(
    rows: Iterable[Mapping],
    confidence: float | int | str = 0.95,
    *,
    title: str | None = None,
    chart_id: str | None = None,
) -> Chart:
    """Mean score (PREM or PROM) by group, with t-distribution confidence intervals."""
    return _interval_chart(
        rows,
        confidence,
        value="score_mean",
        lower="score_lower",
        upper="score_upper",
        scale=1,
        fmt=_format_score,
        title=title,
        chart_id=chart_id,
        slug="score",
        axis_title="Mean score",
        column="Mean score",
        count_column=("score_n", "Scores"),
        summary="{who} had the highest mean score, {value}.",
        what="Scores",
    )


# --------------------------------------------------------------------------- survey results (Identify 1B)

# Words for the equality characteristics survey results break down by (added, not changed).
DIMENSION_LABELS.setdefault("gender_same", "gender identity same as sex registered at birth")
DIMENSION_LABELS.setdefault("carer", "unpaid carer")
DIMENSION_LABELS.setdefault("theme", "theme")

_ANSWER_STYLES = {
    # style: (first column, count column, percentage column)
    "single": ("Answer", "People", "Percentage of people asked"),
    "multiple": ("Answer", "People", "Percentage of people asked"),
    "theme": ("Theme", "Answers", None),
}


def survey_answers_chart(
    rows: Iterable[Mapping],
    confidence: float | int | str = 0.95,
    *,
    title: str,
    chart_id: str,
    style: str = "single",
) -> Chart:
    """The answers to one survey question, in the question's own order (scales
    keep theirs): the percentage of the people asked choosing each answer, with
    Wilson confidence intervals (styles "single" and "multiple"), or the number
    of answers carrying each theme (style "theme", counts only).

    Rows, already suppressed: ``{"label", "count", "share", "share_lower",
    "share_upper", "suppressed", "no_answer"}``; ``count`` is the count as
    shown (rounded) and ``share`` a proportion of the people asked. The "no
    answer" row is drawn in grey and never named as the most common answer.
    Percentages are whole numbers. The summary uses shown figures only.
    """
    if style not in _ANSWER_STYLES:
        raise ValueError(f"style must be one of {', '.join(_ANSWER_STYLES)}, not {style!r}")
    first, count_words, percent_words = _ANSWER_STYLES[style]
    rows = [dict(r) for r in rows]
    conf = confidence_label(confidence)
    counts_only = percent_words is None

    def pct(value) -> str:
        return format_percent(value, 0)

    key = "count" if counts_only else "share"
    plotted = [r for r in rows if not _is_suppressed(r) and _num(r.get(key)) is not None]
    scale = 1 if counts_only else 100
    values = [_num(r[key]) * scale for r in plotted]
    trace = {
        "orientation": "h",
        "x": values,
        "y": [_wrap(str(r["label"])) for r in plotted],
        "marker": {"color": [NHS_MID_GREY if r.get("no_answer") else NHS_BLUE for r in plotted]},
        "text": [format_int(v) if counts_only else pct(v / 100) for v in values],
        "textposition": "none",  # for the hover only: drawn in the bar, it would clash with the interval
        "hovertemplate": "%{y}<br>%{text}<extra></extra>",
        "name": count_words if counts_only else percent_words,
    }
    if not counts_only:
        trace["error_x"] = {
            "type": "data",
            "symmetric": False,
            "array": [
                None if _num(r.get("share_upper")) is None else max(_num(r["share_upper"]) * 100 - v, 0.0)
                for r, v in zip(plotted, values, strict=True)
            ],
            "arrayminus": [
                None if _num(r.get("share_lower")) is None else max(v - _num(r["share_lower"]) * 100, 0.0)
                for r, v in zip(plotted, values, strict=True)
            ],
            "color": NHS_TEXT,
            "thickness": 2,
            "width": 6,
        }
        xaxis = _axis(f"{percent_words} (lines show {conf} confidence intervals)", ticksuffix="%", range=[0, 100])
    else:
        xaxis = _axis(count_words, rangemode="tozero")
    figure = _figure(
        [_trace("bar", **trace)],
        _layout(_height(len(plotted)), xaxis=xaxis, yaxis=_axis(autorange="reversed", showgrid=False), bargap=0.35),
    )
    if counts_only:
        columns, numeric = [first, count_words], [False, True]
        table_rows = [[str(r["label"]), _cell(r, format_int(r.get("count")))] for r in rows]
        caption = title
    else:
        columns = [first, count_words, percent_words, f"{conf} confidence interval"]
        numeric = [False, True, True, True]
        table_rows = [
            [
                str(r["label"]),
                _cell(r, format_int(r.get("count"))),
                _cell(r, pct(r.get("share"))),
                _cell(r, _interval(r.get("share_lower"), r.get("share_upper"), pct)),
            ]
            for r in rows
        ]
        caption = f"{title}: {percent_words.lower()}, with {conf} confidence intervals"
    hidden = sum(1 for r in rows if _is_suppressed(r) and not r.get("no_answer"))
    return Chart(
        id=chart_id,
        title=title,
        figure=figure,
        table=_table(caption, columns, table_rows, numeric),
        summary=_answers_summary([r for r in plotted if not r.get("no_answer")], hidden, style, rows),
        confidence=None if counts_only else f"{conf} confidence intervals",
        kind="Bar chart",
        footnotes=_footnotes(table_rows),
    )


def _answers_summary(plotted: list[Mapping], n_hidden: int, style: str, rows: list[Mapping]) -> str:
    noun = "theme" if style == "theme" else "answer"
    hidden = _suppression_sentence(n_hidden, "Figures", noun=noun)
    if not plotted:
        if n_hidden:
            return f"Figures could not be shown for any {noun} because the numbers were too small."
        if style == "theme":
            return "No themes have been coded yet."
        if any(_num(r.get("count")) for r in rows) or any(_is_suppressed(r) for r in rows):
            return "No one chose any of the answers."
        return "No one has answered this question yet."
    if style == "theme":
        top = max(_num(r["count"]) for r in plotted)
        tops = [str(r["label"]) for r in plotted if _num(r["count"]) == top]
        if len(tops) > 1:
            start = _lead(f"the most common themes were {_and(tops)}", n_hidden, noun)
            return _join(f"{start}, each in {format_int(top)} answers.", hidden)
        return _join(
            f"{_lead(f'the most common theme was {tops[0]}', n_hidden, noun)}, in {format_int(top)} answers.", hidden
        )
    top_share = max(_num(r["share"]) for r in plotted)
    top_value = format_percent(top_share, 0)
    top_rows = [r for r in plotted if format_percent(_num(r["share"]), 0) == top_value]
    tops = [str(r["label"]) for r in top_rows]
    others = [r for r in plotted if r not in top_rows]
    apart = ""
    if top_share == 0:
        # Shown as 0%: a hidden answer may still have been chosen.
        sentence = "None of the answers shown was chosen." if n_hidden else "No one chose any of the answers."
    elif len(tops) > 1:
        start = _lead(_and(tops), n_hidden, noun)
        sentence = f"{start} were chosen most often, each by {top_value} of the people asked."
    elif style != "multiple" and top_share > 0.5:
        # More than half: no other answer, shown or hidden, can have been chosen more often.
        sentence = f"Most people asked ({top_value}) chose {tops[0]}."
    else:
        if style == "multiple":
            start = _lead(f"the answer chosen most often was {tops[0]}", n_hidden, noun)
            sentence = f"{start}, by {top_value} of the people asked (they could choose more than one)."
        else:
            start = _lead(f"the most common answer was {tops[0]}", n_hidden, noun)
            sentence = f"{start}, chosen by {top_value} of the people asked."
        apart = _not_clearly_apart(
            top_rows[0], others, "share_lower", "share_upper", lambda r: str(r["label"]), noun="answer"
        )
    return _join(sentence, apart, hidden)


def survey_choice_by_group_chart(
    rows: Iterable[Mapping],
    confidence: float | int | str = 0.95,
    *,
    title: str | None = None,
    chart_id: str | None = None,
) -> Chart:
    """The percentage of each group choosing one answer to a survey question,
    out of the group's people asked it, with Wilson confidence intervals.
    Rows are breakdown rows with ``outcome`` (0 to 1) and ``outcome_n`` (the
    number asked, as shown), already suppressed."""
    return _interval_chart(
        rows,
        confidence,
        value="outcome",
        lower="outcome_lower",
        upper="outcome_upper",
        scale=100,
        fmt=format_percent,
        title=title,
        chart_id=chart_id,
        slug="chose",
        axis_title="Percentage who chose this answer",
        column="Chose this answer",
        count_column=("outcome_n", "People asked"),
        summary="{who} were the most likely to choose it, {value}.",
        what="Percentages",
        tick_suffix="%",
    )


def survey_respondents_chart(
    rows: Iterable[Mapping],
    confidence: float | int | str = 0.95,
    *,
    title: str | None = None,
    chart_id: str | None = None,
) -> Chart:
    """Who responded to a survey: each group's share of the people who
    submitted a response, with Wilson confidence intervals (breakdown rows,
    already suppressed)."""
    return _interval_chart(
        rows,
        confidence,
        value="share",
        lower="share_lower",
        upper="share_upper",
        scale=100,
        fmt=format_percent,
        title=title,
        chart_id=chart_id,
        slug="respondents",
        axis_title="Share of the people who responded",
        column="Share of the people who responded",
        count_column=("count", "People"),
        summary="{who} made up the largest share of the people who responded, {value}.",
        what="Shares",
        tick_suffix="%",
    )
