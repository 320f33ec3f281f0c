"""Static charts for progress reports, drawn on the server without a browser.

The pages draw their charts with plotly.js from a figure dict (amhe.analysis.charts and
spc_charts build it, with the chart's table and sentence, from the published, suppressed
figures). A report cannot run JavaScript, so this module draws the same figure dict as a
plain picture: a list of shapes (:func:`shapes`), written out as SVG (:func:`to_svg`, for
the PDF) or as PNG with Pillow (:func:`to_png`, for Word). Pure: no Django, no models.

Two layouts cover the report's charts:

* categories down the side, numbers across: bars (grouped when several traces) or
  markers, each with its confidence interval as an error bar, on a linear or log axis
  (rates, shares, outcome and score charts; the rate-ratio forest plot);
* periods across, numbers up: lines and markers (SPC charts: values, mean, process
  limits, target, and the special-cause points);
* numbers across (linear or log), numbers up: lines and markers (funnel plots: the
  comparator's line, the 95% and 99.8% limits, the comparators and the project).

Anything else (a heatmap) gives None: the report shows its table and sentence only.
Every marker kind keeps its shape, and every trace its name in the legend, so nothing
rests on colour alone; every chart goes with its table and sentence in the report.
"""

from __future__ import annotations

import html
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

WIDTH = 680
FONT = 11
TEXT = "#212b32"
GRID = "#d8dde0"
AXIS = "#425563"
FONT_FAMILY = "DejaVu Sans, Arial, sans-serif"
CHAR = 0.58  # average glyph width as a share of the font size (DejaVu Sans)


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    h: float
    fill: str
    outline: str = ""


@dataclass(frozen=True)
class Line:
    points: tuple[tuple[float, float], ...]
    colour: str
    width: float = 1.0
    dash: str = "solid"  # solid, dash or dot


@dataclass(frozen=True)
class Marker:
    x: float
    y: float
    symbol: str  # circle, circle-open, diamond, square, triangle-up
    colour: str
    size: float = 8.0


@dataclass(frozen=True)
class Text:
    x: float
    y: float
    text: str
    anchor: str = "start"  # start, middle, end
    size: float = FONT
    bold: bool = False


Shape = Rect | Line | Marker | Text


@dataclass(frozen=True)
class Drawing:
    width: float
    height: float
    shapes: tuple[Shape, ...]


def _lines(label) -> list[str]:
    """A figure's label as plain text lines (figure text is escaped, with ``<br>`` breaks)."""
    return [html.unescape(part) for part in str(label).split("<br>")]


def _plain(label) -> str:
    return " ".join(_lines(label))


def _width(text: str, size: float = FONT) -> float:
    return len(text) * size * CHAR


def _nice_step(span: float, ticks: int = 5) -> float:
    raw = span / max(ticks, 1)
    power = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * power:
            return factor * power
    return 10 * power


def _linear_ticks(low: float, high: float) -> list[float]:
    if high <= low:
        high = low + 1
    step = _nice_step(high - low)
    start = math.floor(low / step + 1e-9) * step
    stop = math.ceil(high / step - 1e-9) * step
    ticks = []
    value = start
    while value <= stop + step * 1e-9:
        ticks.append(round(value, 10))
        value += step
    return ticks


def _log_ticks(low: float, high: float) -> list[float]:
    candidates = [0.1, 0.2, 0.25, 0.5, 1, 2, 4, 5, 10, 20, 50, 100]
    return [t for t in candidates if low <= t <= high] or [1]


def _tick_text(value: float, suffix: str = "") -> str:
    if value == int(value):
        return f"{int(value):,}{suffix}"
    return f"{value:,.2f}".rstrip("0").rstrip(".") + suffix


def _colours(marker: dict, n: int, default: str) -> list[str]:
    colour = (marker or {}).get("color", default)
    if isinstance(colour, list):
        return [c or default for c in colour] + [default] * (n - len(colour))
    return [colour if isinstance(colour, str) and colour.startswith("#") else default] * n


def _symbols(marker: dict, n: int) -> list[str]:
    symbol = (marker or {}).get("symbol", "circle")
    if isinstance(symbol, list):
        return symbol + ["circle"] * (n - len(symbol))
    return [symbol] * n


def _errors(trace: dict, axis: str, values: Sequence) -> tuple[list, list]:
    error = trace.get(f"error_{axis}") or {}
    plus = error.get("array") or [None] * len(values)
    minus = error.get("arrayminus") or plus
    return list(plus), list(minus)


def _num(value) -> float | None:
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _legend(entries: list[tuple[str, str, str]], top: float) -> tuple[list[Shape], float]:
    """Legend entries (name, kind, colour) in rows across the top; returns shapes and height."""
    shapes: list[Shape] = []
    x, y = 8.0, top + 10
    for name, kind, colour in entries:
        width = 26 + _width(name) + 14
        if x + width > WIDTH - 8 and x > 8:
            x, y = 8.0, y + 18
        if kind == "line":
            shapes.append(Line(((x, y), (x + 18, y)), colour, 2, "solid"))
        elif kind.startswith("line-"):
            shapes.append(Line(((x, y), (x + 18, y)), colour, 2, kind[5:]))
        elif kind == "bar":
            shapes.append(Rect(x, y - 5, 18, 10, colour))
        else:
            shapes.append(Marker(x + 9, y, kind, colour))
        shapes.append(Text(x + 24, y + 4, name))
        x += width
    return shapes, (y - top + 14) if entries else 0


def _categories_down(figure: dict) -> Drawing | None:
    traces = figure["data"]
    layout = figure.get("layout", {})
    xaxis = layout.get("xaxis", {})
    log = xaxis.get("type") == "log"
    labels: list[str] = []
    for trace in traces:
        for label in trace.get("y") or []:
            if label not in labels:
                labels.append(label)
    if not labels:
        return None
    bars = [t for t in traces if t["type"] == "bar"]
    n_bars = max(len(bars), 1)
    # The range: every value and interval end (and the layout's range, if set).
    ends: list[float] = []
    for trace in traces:
        xs = trace.get("x") or []
        plus, minus = _errors(trace, "x", xs)
        for value, p, m in zip(xs, plus, minus, strict=False):
            value = _num(value)
            if value is None:
                continue
            ends.append(value)
            if _num(p) is not None:
                ends.append(value + _num(p))
            if _num(m) is not None:
                ends.append(value - _num(m))
    if not ends:
        return None
    if log:
        positive = [e for e in ends if e > 0] or [1.0]
        low, high = min(min(positive), 0.8), max(max(positive), 1.25)
        low, high = low / 1.15, high * 1.15
        ticks = _log_ticks(low, high)
    else:
        low = min(0.0, min(ends))
        high = max(ends)
        if xaxis.get("range"):
            low, high = (float(v) for v in xaxis["range"])
        ticks = _linear_ticks(low, high * 1.05 if high > 0 else 1)
        low, high = min(low, ticks[0]), max(high, ticks[-1])
    suffix = xaxis.get("ticksuffix", "")

    label_lines = [_lines(label) for label in labels]
    left = min(max((_width(line) for lines in label_lines for line in lines), default=40) + 16, WIDTH * 0.38)
    right = 56.0
    legend_entries = []
    if layout.get("showlegend") or len(traces) > 1:
        for trace in traces:
            if trace.get("name") and trace.get("showlegend", True):
                kind = "bar" if trace["type"] == "bar" else _symbols(trace.get("marker"), 1)[0]
                legend_entries.append((_plain(trace["name"]), kind, _colours(trace.get("marker"), 1, AXIS)[0]))
    legend, legend_height = _legend(legend_entries, 0)
    top = legend_height + 8
    band = max(18.0 * n_bars + 14, 16.0 * max(len(lines) for lines in label_lines) + 8)
    plot_h = band * len(labels)
    axis_title = _plain(xaxis.get("title", {}).get("text", "")) if isinstance(xaxis.get("title"), dict) else ""
    height = top + plot_h + 40 + (16 if axis_title else 0)
    x0, x1 = left, WIDTH - right

    def sx(value: float) -> float:
        if log:
            value = max(value, low)
            return x0 + (math.log(value) - math.log(low)) / (math.log(high) - math.log(low)) * (x1 - x0)
        return x0 + (value - low) / (high - low) * (x1 - x0)

    shapes: list[Shape] = list(legend)
    for tick in ticks:
        x = sx(tick)
        shapes.append(Line(((x, top), (x, top + plot_h)), GRID, 1))
        shapes.append(Text(x, top + plot_h + 14, _tick_text(tick, suffix), "middle", FONT - 1))
    if log:
        shapes.append(Line(((sx(1), top), (sx(1), top + plot_h)), AXIS, 1.5, "dash"))
    shapes.append(Line(((x0, top + plot_h), (x1, top + plot_h)), AXIS, 1))
    shapes.append(Line(((x0, top), (x0, top + plot_h)), AXIS, 1))
    if axis_title:
        shapes.append(Text((x0 + x1) / 2, top + plot_h + 32, axis_title, "middle", FONT - 1))
    for index, lines in enumerate(label_lines):
        centre = top + band * index + band / 2
        first = centre - (len(lines) - 1) * 7 + 4
        for number, line in enumerate(lines):
            shapes.append(Text(x0 - 8, first + number * 14, line, "end"))

    bar_number = 0
    for trace in traces:
        xs, ys = trace.get("x") or [], trace.get("y") or []
        colours = _colours(trace.get("marker"), len(xs), "#005eb8")
        plus, minus = _errors(trace, "x", xs)
        texts = trace.get("text") if isinstance(trace.get("text"), list) else None
        if trace["type"] == "bar":
            slot = bar_number
            bar_number += 1
        for i, (value, label) in enumerate(zip(xs, ys, strict=False)):
            value = _num(value)
            if value is None or label not in labels:
                continue
            band_top = top + band * labels.index(label)
            if trace["type"] == "bar":
                bar_h = (band - 14) / n_bars
                y = band_top + 7 + slot * bar_h
                centre = y + bar_h / 2
                start, end = sorted((sx(max(low, 0.0) if not log else low), sx(value)))
                shapes.append(Rect(start, y + 1, max(end - start, 0.5), bar_h - 2, colours[i]))
                if texts and i < len(texts) and texts[i]:
                    shapes.append(Text(end + 4, centre + 4, _plain(texts[i]), "start", FONT - 1))
            else:
                centre = band_top + band / 2
            p, m = _num(plus[i] if i < len(plus) else None), _num(minus[i] if i < len(minus) else None)
            if p is not None or m is not None:
                a, b = sx(value - (m or 0)), sx(value + (p or 0))
                shapes.append(Line(((a, centre), (b, centre)), TEXT if trace["type"] == "bar" else colours[i], 1.5))
                for end in (a, b):
                    shapes.append(Line(((end, centre - 4), (end, centre + 4)), TEXT, 1.5))
            if trace["type"] != "bar":
                shapes.append(Marker(sx(value), centre, _symbols(trace.get("marker"), len(xs))[i], colours[i], 9))
    return Drawing(WIDTH, height, tuple(shapes))


def _decade_ticks(low: float, high: float) -> list[float]:
    ticks = []
    power = 10 ** math.floor(math.log10(low))
    while power <= high * 10:
        ticks.extend(t for t in (power, 2 * power, 5 * power) if low <= t <= high)
        power *= 10
    return ticks or [low, high]


def _across(figure: dict, *, numeric: bool) -> Drawing | None:
    """Lines and markers against periods (categories) or, with `numeric`, a number
    (linear or log: a funnel plot's denominators)."""
    traces = figure["data"]
    layout = figure.get("layout", {})
    xaxis, yaxis = layout.get("xaxis", {}), layout.get("yaxis", {})
    periods: list = []
    for trace in traces:
        for label in trace.get("x") or []:
            if label not in periods and (not numeric or _num(label) is not None):
                periods.append(label)
    values = [_num(v) for t in traces for v in (t.get("y") or [])]
    values = [v for v in values if v is not None]
    if not periods or not values:
        return None
    if yaxis.get("rangemode") == "tozero":
        values.append(0.0)
    ticks = _linear_ticks(min(values), max(values))
    low, high = ticks[0], ticks[-1]
    if high == low:
        high = low + 1
    legend_entries, seen = [], set()
    for trace in traces:
        name = _plain(trace.get("name", ""))
        if not name or name in seen or trace.get("showlegend") is False:
            continue
        seen.add(name)
        if trace.get("mode") == "lines":
            line = trace.get("line") or {}
            dash = line.get("dash", "solid")
            legend_entries.append((name, "line" if dash == "solid" else f"line-{dash}", line.get("color", AXIS)))
        else:
            marker = trace.get("marker") or {}
            legend_entries.append((name, _symbols(marker, 1)[0], _colours(marker, 1, AXIS)[0]))
    legend, legend_height = _legend(legend_entries, 0)
    y_title = _plain(yaxis.get("title", {}).get("text", "")) if isinstance(yaxis.get("title"), dict) else ""
    tick_texts = [_tick_text(t) for t in ticks]
    left = max(_width(t) for t in tick_texts) + 16
    top = legend_height + 12 + (20 if y_title else 0)
    plot_h = 220.0
    x0, x1 = left, WIDTH - 16
    height = top + plot_h + 44

    log = numeric and xaxis.get("type") == "log" and min(_num(p) for p in periods) > 0
    if numeric:
        x_low, x_high = min(_num(p) for p in periods), max(_num(p) for p in periods)
        x_ticks = _decade_ticks(x_low, x_high) if log else _linear_ticks(x_low, x_high)
        if not log:
            x_low, x_high = x_ticks[0], x_ticks[-1]
        if x_high == x_low:
            x_high = x_low * 10 if log else x_low + 1

    def sx(x) -> float:
        if not numeric:
            return x0 + (position[x] + 0.5) * (x1 - x0) / len(periods)
        value = _num(x)
        if log:
            return x0 + (math.log(value) - math.log(x_low)) / (math.log(x_high) - math.log(x_low)) * (x1 - x0)
        return x0 + (value - x_low) / (x_high - x_low) * (x1 - x0)

    def sy(value: float) -> float:
        return top + plot_h - (value - low) / (high - low) * plot_h

    shapes: list[Shape] = list(legend)
    if y_title:
        shapes.append(Text(8, top - 12, y_title, "start", FONT - 1))
    for tick, text in zip(ticks, tick_texts, strict=True):
        shapes.append(Line(((x0, sy(tick)), (x1, sy(tick))), GRID, 1))
        shapes.append(Text(x0 - 6, sy(tick) + 4, text, "end", FONT - 1))
    shapes.append(Line(((x0, top + plot_h), (x1, top + plot_h)), AXIS, 1))
    shapes.append(Line(((x0, top), (x0, top + plot_h)), AXIS, 1))
    position = {label: index for index, label in enumerate(periods)}
    if numeric:
        for tick in x_ticks:
            shapes.append(Line(((sx(tick), top), (sx(tick), top + plot_h)), GRID, 1))
            shapes.append(Text(sx(tick), top + plot_h + 14, _tick_text(tick), "middle", FONT - 1))
    else:
        longest = max(_width(_plain(p), FONT - 1) for p in periods) + 8
        every = max(1, math.ceil(longest / ((x1 - x0) / len(periods))))
        for index, period in enumerate(periods):
            if index % every == 0:
                shapes.append(Text(sx(period), top + plot_h + 14, _plain(period), "middle", FONT - 1))
    x_title = _plain(xaxis.get("title", {}).get("text", "")) if isinstance(xaxis.get("title"), dict) else ""
    shapes.append(Text((x0 + x1) / 2, top + plot_h + 34, x_title or "Period", "middle", FONT - 1))
    for trace in traces:
        points = [
            (sx(x), sy(_num(y)))
            for x, y in zip(trace.get("x") or [], trace.get("y") or [], strict=False)
            if _num(y) is not None and x in position
        ]
        if not points:
            continue
        if trace.get("mode") == "lines":
            line = trace.get("line") or {}
            shapes.append(
                Line(tuple(points), line.get("color", AXIS), float(line.get("width", 2)), line.get("dash", "solid"))
            )
        else:
            marker = trace.get("marker") or {}
            colours = _colours(marker, len(points), AXIS)
            symbols = _symbols(marker, len(points))
            for (x, y), colour, symbol in zip(points, colours, symbols, strict=False):
                shapes.append(Marker(x, y, symbol, colour, 8))
    return Drawing(WIDTH, height, tuple(shapes))


def drawing(figure: dict) -> Drawing | None:
    """The figure as shapes, or None for a kind of chart this does not draw."""
    traces = figure.get("data") or []
    if not traces or any(t.get("type") not in ("bar", "scatter") for t in traces):
        return None
    first = traces[0]
    if first.get("orientation") == "h" or (
        first.get("y") and all(isinstance(v, str) for v in first["y"] if v is not None)
    ):
        return _categories_down(figure)
    if first.get("x") and all(isinstance(v, str) for v in first["x"] if v is not None):
        return _across(figure, numeric=False)
    if first.get("x") and all(isinstance(v, int | float) for v in first["x"] if v is not None):
        return _across(figure, numeric=True)
    return None


# --- SVG --------------------------------------------------------------------------------

DASHES = {"dash": "6 4", "dot": "2 3"}


def _marker_points(symbol: str, x: float, y: float, r: float) -> list[tuple[float, float]] | None:
    if symbol.startswith("diamond"):
        return [(x, y - r * 1.3), (x + r * 1.3, y), (x, y + r * 1.3), (x - r * 1.3, y)]
    if symbol.startswith("square"):
        return [(x - r, y - r), (x + r, y - r), (x + r, y + r), (x - r, y + r)]
    if symbol.startswith("triangle"):
        return [(x, y - r * 1.3), (x + r * 1.2, y + r), (x - r * 1.2, y + r)]
    return None


def _svg_shape(shape: Shape) -> str:
    if isinstance(shape, Rect):
        outline = f' stroke="{shape.outline}"' if shape.outline else ""
        return (
            f'<rect x="{shape.x:.1f}" y="{shape.y:.1f}" width="{shape.w:.1f}" height="{shape.h:.1f}" '
            f'fill="{shape.fill}"{outline}/>'
        )
    if isinstance(shape, Line):
        points = " ".join(f"{x:.1f},{y:.1f}" for x, y in shape.points)
        dash = f' stroke-dasharray="{DASHES[shape.dash]}"' if shape.dash in DASHES else ""
        return f'<polyline points="{points}" fill="none" stroke="{shape.colour}" stroke-width="{shape.width}"{dash}/>'
    if isinstance(shape, Marker):
        r = shape.size / 2
        open_ = shape.symbol.endswith("-open")
        fill = "#ffffff" if open_ else shape.colour
        polygon = _marker_points(shape.symbol, shape.x, shape.y, r)
        if polygon:
            points = " ".join(f"{x:.1f},{y:.1f}" for x, y in polygon)
            return f'<polygon points="{points}" fill="{fill}" stroke="{shape.colour}" stroke-width="1.5"/>'
        return (
            f'<circle cx="{shape.x:.1f}" cy="{shape.y:.1f}" r="{r:.1f}" fill="{fill}" '
            f'stroke="{shape.colour}" stroke-width="1.5"/>'
        )
    weight = ' font-weight="bold"' if shape.bold else ""
    return (
        f'<text x="{shape.x:.1f}" y="{shape.y:.1f}" text-anchor="{shape.anchor}" font-size="{shape.size}"{weight}>'
        f"{escape(shape.text)}</text>"
    )


def to_svg(picture: Drawing, alt: str) -> str:
    """The drawing as an SVG element whose <title> is its text alternative."""
    body = "".join(_svg_shape(s) for s in picture.shapes)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{picture.width:.0f}" '
        f'height="{picture.height:.0f}" viewBox="0 0 {picture.width:.0f} {picture.height:.0f}" '
        f'font-family="{FONT_FAMILY}" fill="{TEXT}"><title>{escape(alt)}</title>{body}</svg>'
    )


# --- PNG (Word) -------------------------------------------------------------------------

FONT_FILES = ("DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def _font(size: float):
    from PIL import ImageFont

    for name in FONT_FILES:
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    return ImageFont.load_default(size)


def _dashed(draw, points, colour, width, dash: str, scale: float) -> None:
    if dash not in DASHES:
        draw.line(points, fill=colour, width=max(1, round(width)), joint="curve")
        return
    on, off = (float(v) * scale for v in DASHES[dash].split())
    for (xa, ya), (xb, yb) in zip(points, points[1:], strict=False):
        length = math.hypot(xb - xa, yb - ya)
        travelled = 0.0
        while travelled < length:
            end = min(travelled + on, length)
            t0, t1 = travelled / length, end / length
            draw.line(
                [(xa + (xb - xa) * t0, ya + (yb - ya) * t0), (xa + (xb - xa) * t1, ya + (yb - ya) * t1)],
                fill=colour,
                width=max(1, round(width)),
            )
            travelled = end + off


def to_png(picture: Drawing, scale: float = 2.0) -> bytes:
    """The drawing as a PNG (Pillow), `scale` times its size in CSS pixels."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (round(picture.width * scale), round(picture.height * scale)), "#ffffff")
    draw = ImageDraw.Draw(image)
    fonts: dict[float, object] = {}
    for shape in picture.shapes:
        if isinstance(shape, Rect):
            box = [shape.x * scale, shape.y * scale, (shape.x + shape.w) * scale, (shape.y + shape.h) * scale]
            draw.rectangle(box, fill=shape.fill, outline=shape.outline or None)
        elif isinstance(shape, Line):
            points = [(x * scale, y * scale) for x, y in shape.points]
            _dashed(draw, points, shape.colour, shape.width * scale, shape.dash, scale)
        elif isinstance(shape, Marker):
            r = shape.size / 2 * scale
            x, y = shape.x * scale, shape.y * scale
            fill = "#ffffff" if shape.symbol.endswith("-open") else shape.colour
            polygon = _marker_points(shape.symbol, x, y, r)
            if polygon:
                draw.polygon(polygon, fill=fill, outline=shape.colour, width=max(1, round(1.5 * scale)))
            else:
                draw.ellipse(
                    [x - r, y - r, x + r, y + r], fill=fill, outline=shape.colour, width=max(1, round(1.5 * scale))
                )
        else:
            size = shape.size * scale
            font = fonts.setdefault(size, _font(size))
            anchor = {"start": "ls", "middle": "ms", "end": "rs"}[shape.anchor]
            draw.text((shape.x * scale, shape.y * scale), shape.text, fill=TEXT, font=font, anchor=anchor)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
