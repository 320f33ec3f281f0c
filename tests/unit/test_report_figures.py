"""Static charts for progress reports (reports.figures): the page's chart drawn without a
browser, as SVG for the PDF and PNG for Word. Every plotted value lands inside the plot
where its axis says; a suppressed group is not drawn; the text alternative is the SVG's
title; a kind of chart it does not draw gives None (the report keeps its table)."""

from __future__ import annotations

import io
import re
from xml.etree import ElementTree

from PIL import Image

from amhe.analysis import charts, spc_charts
from amhe.stats import spc
from reports import figures

SVG = "{http://www.w3.org/2000/svg}"
VALUES = [50.0, 52.0, 49.0, 51.0, 50.5, 48.0, 53.0, 50.0, 49.5, 51.5, 57.0, 58.5]
LABELS = [f"M{n:02d}" for n in range(1, 13)]


def spc_chart():
    return spc_charts.xmr_chart(
        LABELS, VALUES, title="Recovery rate over time", chart_id="t", options=spc.Options(target=55.0)
    )


def share_rows():
    def row(group, count, share, suppressed=False):
        return {
            "dimension": "ethnicity_high",
            "group": group,
            "group_code": group.upper(),
            "kind": "valid",
            "count": None if suppressed else count,
            "share": None if suppressed else share,
            "share_lower": None if suppressed else share * 0.8,
            "share_upper": None if suppressed else share * 1.2,
            "suppressed": suppressed,
        }

    return [row("White", 900, 0.6), row("Black", 400, 0.3), row("Hidden group", None, None, suppressed=True)]


def texts(picture: figures.Drawing) -> list[str]:
    return [s.text for s in picture.shapes if isinstance(s, figures.Text)]


def test_an_spc_chart_draws_every_point_where_its_axis_says():
    result = spc_chart()
    picture = figures.drawing(result.chart.figure)
    markers = [s for s in picture.shapes if isinstance(s, figures.Marker) and s.y > 40]  # not the legend's
    assert len(markers) == len(VALUES)
    # The y axis's tick labels and grid lines give the scale: each marker sits at its value.
    ticks = {
        float(t.text.replace(",", "")): t.y - 4
        for t in picture.shapes
        if isinstance(t, figures.Text) and t.anchor == "end" and re.fullmatch(r"[\d.,]+", t.text)
    }
    (low, y_low), (high, y_high) = min(ticks.items()), max(ticks.items())
    assert low <= min(VALUES) and high >= max(VALUES)
    for marker in sorted(markers, key=lambda m: m.x):
        value = low + (y_low - marker.y) / (y_low - y_high) * (high - low)
        assert abs(value - VALUES[sorted(markers, key=lambda m: m.x).index(marker)]) < 0.01
    # Left to right in time order, every period and the legend's words drawn as text.
    xs = [m.x for m in sorted(markers, key=lambda m: m.x)]
    assert xs == sorted(xs) and len(set(xs)) == len(VALUES)
    words = texts(picture)
    assert {"Mean", "Process limits", "Target", "Common cause"} <= set(words)
    assert "M01" in words
    # The special-cause points keep their own shapes, not only their colour.
    kinds = {p.point_type for p in result.result.points}
    assert len({m.symbol for m in markers}) == len(kinds)


def test_a_suppressed_group_is_not_drawn():
    chart = charts.shares_chart(share_rows(), 0.95)
    picture = figures.drawing(chart.figure)
    assert "Hidden group" not in " ".join(texts(picture))
    assert len([s for s in picture.shapes if isinstance(s, figures.Rect)]) == 2  # White and Black only
    assert any(r[0] == "Hidden group" and "*" in r for r in chart.table["rows"])  # the table says so


def test_the_svg_is_one_element_with_its_text_alternative_as_title():
    chart = spc_chart().chart
    svg = figures.to_svg(figures.drawing(chart.figure), f"{chart.title}. {chart.summary} <&>")
    root = ElementTree.fromstring(svg)  # noqa: S314 (our own SVG)
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    assert root.find(f"{SVG}title").text == f"{chart.title}. {chart.summary} <&>"
    assert len(root.findall(f"{SVG}polygon")) + len(root.findall(f"{SVG}circle")) >= len(VALUES)


def test_labels_from_the_data_are_text_not_markup():
    rows = share_rows()
    rows[0]["group"] = '<script>alert(1)</script>=HYPERLINK("http://x")'
    svg = figures.to_svg(figures.drawing(charts.shares_chart(rows, 0.95).figure), "alt")
    root = ElementTree.fromstring(svg)  # noqa: S314 (our own SVG, still well-formed)
    assert not root.findall(f".//{SVG}script")
    assert any("<script>" in (t.text or "") for t in root.iter(f"{SVG}text"))


def test_the_png_has_the_drawings_size():
    picture = figures.drawing(spc_chart().chart.figure)
    image = Image.open(io.BytesIO(figures.to_png(picture, scale=2)))
    assert image.format == "PNG"
    assert image.size == (round(picture.width * 2), round(picture.height * 2))
    assert len(image.getcolors(maxcolors=1 << 16) or []) > 2  # something was drawn


def test_a_heatmap_is_not_drawn():
    figure = {"data": [{"type": "heatmap", "z": [[1, 2]], "x": ["a", "b"], "y": ["c"]}], "layout": {}}
    assert figures.drawing(figure) is None


def test_a_funnel_plot_places_each_figure_by_its_size():
    from amhe.analysis import funnel_charts
    from amhe.analysis.funnel_charts import Figure

    figures_ = [Figure("Leeds", 170, 380, own=True), Figure("Peer A", 450, 940), Figure("Peer B", 600, 10000)]
    chart = funnel_charts.funnel_chart(
        "proportion", figures_, target=0.505, polarity="higher", title="Recovery", chart_id="t"
    ).chart
    picture = figures.drawing(chart.figure)
    plotted = [s for s in picture.shapes if isinstance(s, figures.Marker) and s.y > 40]
    assert len(plotted) == len(figures_)
    own = next(m for m in plotted if m.symbol == "diamond")
    peers = sorted((m for m in plotted if m is not own), key=lambda m: m.x)
    assert peers[0].x < peers[1].x and own.x < peers[0].x  # 380 < 940 < 10,000 people
    # On the log axis, 10 times the size is the same distance wherever it starts.
    ticks = {
        t.text: t.x
        for t in picture.shapes
        if isinstance(t, figures.Text) and t.text in ("200", "2,000", "1,000", "10,000")
    }
    assert abs((ticks["2,000"] - ticks["200"]) - (ticks["10,000"] - ticks["1,000"])) < 0.01
    assert {"England", "95% limits", "99.8% limits", "This project", "Comparators"} <= set(texts(picture))
