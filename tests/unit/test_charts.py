"""Unit tests for the Identify chart builders (pure Python, no Django, no database)."""

import json
import re

import pytest

from identify import charts as ch

SUPPRESSED_NOTE = "Suppressed: too few people to show safely, or hidden to stop a suppressed number being worked out"


def row(
    group,
    *,
    rate=None,
    lo=None,
    hi=None,
    ratio=None,
    rlo=None,
    rhi=None,
    count=None,
    population=None,
    share=None,
    population_share=None,
    reference=False,
    suppressed=False,
    dimension="ethnicity_high",
):
    return {
        "dimension": dimension,
        "group": group,
        "group_code": group[:5].upper(),
        "groups": {dimension: group},
        "count": count,
        "population": population,
        "share": share,
        "share_lower": None,
        "share_upper": None,
        "rate": rate,
        "rate_lower": lo,
        "rate_upper": hi,
        "rate_ratio": ratio,
        "rate_ratio_lower": rlo,
        "rate_ratio_upper": rhi,
        "reference": reference,
        "population_share": population_share,
        "relative_inequity": None,
        "suppressed": suppressed,
    }


@pytest.fixture
def rows():
    return [
        row(
            "White",
            rate=70.3,
            lo=68.9,
            hi=71.8,
            ratio=1.0,
            count=9000,
            population=12_800_000,
            share=0.7,
            population_share=0.8,
            reference=True,
        ),
        row(
            "Black or Black British",
            rate=239.4,
            lo=233.2,
            hi=245.3,
            ratio=3.41,
            rlo=3.2,
            rhi=3.6,
            count=2300,
            population=961_000,
            share=0.18,
            population_share=0.04,
        ),
        row(
            "Asian or Asian British",
            rate=71.0,
            lo=66.0,
            hi=76.0,
            ratio=1.01,
            rlo=0.94,
            rhi=1.08,
            count=700,
            population=986_000,
            share=0.06,
            population_share=0.09,
        ),
        row(
            "Mixed",
            rate=41.0,
            lo=35.0,
            hi=47.0,
            ratio=0.58,
            rlo=0.5,
            rhi=0.67,
            count=200,
            population=487_000,
            share=0.02,
            population_share=0.03,
        ),
        # The engine blanks suppressed values, but the builders must hide them even if it did not.
        row(
            "Other ethnic group",
            rate=5.5,
            lo=1.0,
            hi=9.0,
            ratio=0.08,
            rlo=0.01,
            rhi=0.5,
            count=4,
            population=72_500,
            share=0.0003,
            population_share=0.01,
            suppressed=True,
        ),
    ]


def first_trace(chart):
    return chart.figure["data"][0]


def test_figure_is_plain_json_without_the_default_template(rows):
    chart = ch.rates_chart(rows, 0.95)
    assert json.loads(json.dumps(chart.figure)) == chart.figure
    assert "template" not in chart.figure["layout"]
    assert chart.figure["layout"]["font"]["family"].startswith("Arial")
    assert chart.figure["layout"]["dragmode"] is False


# --------------------------------------------------------------------------- rates


def test_rates_chart_sorted_with_ci_error_bars_and_reference_marked(rows):
    chart = ch.rates_chart(rows, 0.95)
    trace = first_trace(chart)
    assert trace["type"] == "bar" and trace["orientation"] == "h"
    assert trace["y"] == [
        "Black or Black British",
        "Asian or Asian British",
        "White (reference)",
        "Mixed",
    ]
    assert trace["x"] == [239.4, 71.0, 70.3, 41.0]
    error = trace["error_x"]
    assert error["symmetric"] is False
    assert error["array"] == pytest.approx([245.3 - 239.4, 76.0 - 71.0, 71.8 - 70.3, 47.0 - 41.0])
    assert error["arrayminus"] == pytest.approx([239.4 - 233.2, 71.0 - 66.0, 70.3 - 68.9, 41.0 - 35.0])
    # The reference bar differs by colour and by its label.
    assert trace["marker"]["color"][2] == ch.NHS_DARK_GREY
    assert trace["marker"]["color"][0] == ch.NHS_BLUE
    assert chart.confidence == "95% confidence intervals"
    assert chart.kind == "Bar chart"


def test_rates_chart_never_plots_a_suppressed_group(rows):
    chart = ch.rates_chart(rows)
    trace = first_trace(chart)
    assert all("Other ethnic group" not in label for label in trace["y"])
    assert 5.5 not in trace["x"]
    assert "5.5" not in json.dumps(chart.figure)
    table = {r[0]: r for r in chart.table["rows"]}
    assert table["Other ethnic group"] == ["Other ethnic group", "*", "72,500", "*", "*"]
    assert chart.footnotes == (f"* {SUPPRESSED_NOTE}.",)


def test_rates_table_formatting(rows):
    chart = ch.rates_chart(rows, 0.95)
    assert chart.table["columns"] == [
        "Ethnic group",
        "People",
        "Population",
        "Rate per 100,000",
        "95% confidence interval",
    ]
    table = {r[0]: r for r in chart.table["rows"]}
    assert table["White (reference)"] == ["White (reference)", "9,000", "12,800,000", "70.3", "68.9 to 71.8"]
    assert table["Black or Black British"] == ["Black or Black British", "2,300", "961,000", "239", "233 to 245"]
    assert chart.table["numeric"] == [False, True, True, True, True]
    assert chart.table["caption"].startswith(chart.title)
    assert chart.table_body[0][0] == ("White (reference)", False)
    assert chart.table_head[1] == ("People", True)


def test_rates_summary_wording(rows):
    chart = ch.rates_chart(rows, 0.95)
    assert chart.summary == (
        "Of the groups shown, Black or Black British people had the highest rate, 239 per 100,000 "
        "(95% confidence interval 233 to 245), 3.4 times the rate for White people. "
        "Rates could not be shown for 1 group because the numbers were too small."
    )


def test_rates_summary_counts_suppressed_groups_and_never_mentions_their_values(rows):
    rows.append(row("Gypsy or Irish Traveller", rate=None, count=None, population=5000, suppressed=True))
    chart = ch.rates_chart(rows, "90%")
    assert chart.summary.endswith("Rates could not be shown for 2 groups because the numbers were too small.")
    assert "90% confidence interval" in chart.summary
    assert "Other ethnic group" not in chart.summary and "5.5" not in chart.summary


def test_rates_summary_when_everything_is_suppressed():
    chart = ch.rates_chart([row("White", suppressed=True), row("Mixed", suppressed=True)])
    assert chart.summary == "Rates could not be shown for any group because the numbers were too small."
    assert first_trace(chart)["x"] == []


def test_rates_summary_similar_when_the_highest_ratio_interval_includes_1():
    rows = [
        row("White", rate=100.0, lo=95.0, hi=105.0, ratio=1.0, reference=True),
        row("Mixed", rate=103.0, lo=90.0, hi=116.0, ratio=1.03, rlo=0.9, rhi=1.16),
    ]
    assert ch.rates_chart(rows).summary == (
        "Mixed people had the highest rate, 103 per 100,000 (95% confidence interval 90 to 116), "
        "similar to the rate for White people. Its confidence interval overlaps with that for White people, "
        "so the difference may be down to chance."
    )


# --------------------------------------------------------------------------- forest plot


def test_forest_plot_log_axis_line_at_1_and_reference_marked(rows):
    chart = ch.rate_ratio_forest(rows, "White", 0.95)
    layout = chart.figure["layout"]
    assert layout["xaxis"]["type"] == "log"
    assert 1 in layout["xaxis"]["tickvals"]
    line = layout["shapes"][0]
    assert line["type"] == "line" and line["x0"] == 1 and line["x1"] == 1 and line["yref"] == "paper"
    groups, reference = chart.figure["data"]
    assert groups["type"] == "scatter" and groups["mode"] == "markers"
    assert groups["x"] == [3.41, 1.01, 0.58]
    assert groups["error_x"]["array"] == pytest.approx([3.6 - 3.41, 1.08 - 1.01, 0.67 - 0.58])
    assert groups["error_x"]["arrayminus"] == pytest.approx([3.41 - 3.2, 1.01 - 0.94, 0.58 - 0.5])
    # "similar" is an open marker: a shape difference, not just colour.
    assert groups["marker"]["symbol"] == ["circle", "circle-open", "circle"]
    assert reference["x"] == [1.0] and reference["y"] == ["White (reference)"]
    assert reference["marker"]["symbol"] == "diamond"
    assert "0.08" not in json.dumps(chart.figure)
    assert chart.kind == "Forest plot"


def test_forest_summary_higher_similar_lower(rows):
    chart = ch.rate_ratio_forest(rows, "White")
    assert chart.summary == (
        "Compared with White people, the rate was higher for Black or Black British people, "
        "similar for Asian or Asian British people and lower for Mixed people. "
        "Rate ratios could not be shown for 1 group because the numbers were too small."
    )


def test_forest_table_verdicts_and_suppression(rows):
    chart = ch.rate_ratio_forest(rows, "White")
    table = {r[0]: r for r in chart.table["rows"]}
    assert table["White (reference)"] == ["White (reference)", "1.00", "Not available", "Reference group"]
    assert table["Black or Black British"] == ["Black or Black British", "3.41", "3.20 to 3.60", "Higher"]
    assert table["Asian or Asian British"][3] == "Similar"
    assert table["Mixed"][3] == "Lower"
    assert table["Other ethnic group"] == ["Other ethnic group", "*", "*", "*"]
    assert chart.footnotes == (f"* {SUPPRESSED_NOTE}.",)


@pytest.mark.parametrize(
    ("ratio", "lower", "upper", "verdict"),
    [
        (1.5, 1.1, 2.0, "higher"),
        (1.5, 0.9, 2.0, "similar"),
        (0.97, 0.95, 1.0, "similar"),  # the interval touches 1
        (0.5, 0.4, 0.7, "lower"),
    ],
)
def test_ratio_verdict_is_similar_when_the_interval_includes_1(ratio, lower, upper, verdict):
    assert ch._ratio_verdict({"rate_ratio": ratio, "rate_ratio_lower": lower, "rate_ratio_upper": upper}) == verdict


# --------------------------------------------------------------------------- share vs population


def test_share_vs_population_paired_bars(rows):
    chart = ch.share_vs_population(rows)
    records, population = chart.figure["data"]
    assert chart.figure["layout"]["barmode"] == "group"
    assert records["name"] == "Share of records" and population["name"] == "Share of population"
    assert records["x"] == pytest.approx([70.0, 18.0, 6.0, 2.0])
    assert population["x"] == pytest.approx([80.0, 4.0, 9.0, 3.0])
    assert records["text"] == ["70.0%", "18.0%", "6.0%", "2.0%"]
    # Not by colour alone: the population bars are hatched, and the legend names both.
    assert population["marker"]["pattern"]["shape"] == "/"
    assert chart.figure["layout"]["showlegend"] is True
    assert len(records["y"]) == 4  # the suppressed group is not plotted
    table = {r[0]: r for r in chart.table["rows"]}
    assert table["Other ethnic group"] == ["Other ethnic group", "*", "*", "1.0%"]
    assert chart.summary == (
        "Of the groups shown, the biggest difference was for Black or Black British people: 18.0% of records "
        "compared with 4.0% of the population. Shares could not be shown for 1 group because the numbers "
        "were too small."
    )


# --------------------------------------------------------------------------- heat map


@pytest.fixture
def cells():
    def cell(eth, sex, rate, *, suppressed=False):
        return {
            "dimension": "ethnicity_high×sex",
            "group": f"{eth}, {sex}",
            "group_code": f"{eth[:1]}{sex[:1]}",
            "groups": {"ethnicity_high": eth, "sex": sex},
            "count": None if suppressed else 1000,
            "rate": rate,
            "rate_lower": None if rate is None else rate - 10,
            "rate_upper": None if rate is None else rate + 10,
            "suppressed": suppressed,
            "reference": False,
        }

    return [
        cell("White", "Female", 1160.0),
        cell("White", "Male", 141.5),
        cell("Black or Black British", "Female", 190.0),
        cell("Black or Black British", "Male", 1288.0),
        cell("Mixed", "Female", 12.0, suppressed=True),
        cell("Mixed", "Male", 201.0),
        {"dimension": "ethnicity_high", "group": "White", "groups": {"ethnicity_high": "White"}, "rate": 9.0},
    ]


def test_heatmap_leaves_suppressed_cells_empty_and_annotates_values(cells):
    chart = ch.intersection_heatmap(cells, "ethnicity_high", "sex")
    trace = first_trace(chart)
    assert trace["type"] == "heatmap"
    assert trace["x"] == ["Female", "Male"]
    assert trace["y"] == ["White", "Black or Black British", "Mixed"]
    assert trace["z"] == [[1160.0, 141.5], [190.0, 1288.0], [None, 201.0]]
    assert trace["hoverongaps"] is False
    notes = {(a["y"], a["x"]): a["text"] for a in chart.figure["layout"]["annotations"]}
    assert notes[("White", "Female")] == "1,160"
    assert notes[("Mixed", "Female")] == "*"
    assert notes[("Mixed", "Male")] == "201"
    assert "12.0" not in json.dumps(chart.figure)
    assert chart.table["columns"] == ["Ethnic group by sex", "Female", "Male"]
    assert chart.table["rows"][2] == ["Mixed", "*", "201 (191 to 211)"]
    assert chart.table["rows"][0] == ["White", "1,160 (1,150 to 1,170)", "142 (132 to 152)"]
    assert chart.footnotes == (f"* {SUPPRESSED_NOTE}.",)
    assert chart.summary == (
        "Of the combinations shown, the highest rate was 1,288 per 100,000 (95% confidence interval 1,278 to "
        "1,298), for people recorded as Black or Black British and Male. Values could not be shown for "
        "1 combination because the numbers were too small."
    )


def test_heatmap_text_contrasts_with_its_cell(cells):
    chart = ch.intersection_heatmap(cells, "ethnicity_high", "sex")
    notes = {(a["y"], a["x"]): a["font"]["color"] for a in chart.figure["layout"]["annotations"]}
    assert notes[("Black or Black British", "Male")] == ch.NHS_WHITE  # darkest cell
    assert notes[("White", "Male")] == ch.NHS_TEXT  # palest cell


def test_heatmap_rejects_unknown_values(cells):
    with pytest.raises(ValueError, match="value must be one of"):
        ch.intersection_heatmap(cells, "ethnicity_high", "sex", value="median")


# --------------------------------------------------------------------------- data quality


def test_quality_completeness_stacks_to_100_and_treats_missing_keys_as_0():
    report = {
        "fields": {
            "ethnicity": {
                "label": "Ethnicity",
                "rows": 12345,
                "completeness": 0.93,
                "validity": 0.98,
                "not_stated": 0.05,
                "not_known": 0.02,
                "other": 0.06,
                "invalid": 0.01,
            },
            "sex": {"label": "Sex", "rows": 12345, "completeness": 1.0},
        }
    }
    chart = ch.quality_completeness(report)
    data = chart.figure["data"]
    assert chart.figure["layout"]["barmode"] == "stack"
    assert [t["name"] for t in data] == [
        "Specific, valid value",
        "Vague “any other”",
        "Not stated",
        "Not known",
        "Invalid",
        "Missing",
    ]
    assert all(t["orientation"] == "h" for t in data)
    ethnicity = [t["x"][0] for t in data]
    assert ethnicity == pytest.approx([79.0, 6.0, 5.0, 2.0, 1.0, 7.0])
    assert sum(ethnicity) == pytest.approx(100)
    assert [t["x"][1] for t in data] == pytest.approx([100, 0, 0, 0, 0, 0])
    # Segments differ by pattern as well as colour.
    assert len({t["marker"].get("pattern", {}).get("shape", "") for t in data}) == 6
    assert chart.table["rows"][0] == ["Ethnicity", "12,345", "93.0%", "98.0%", "5.0%", "2.0%", "6.0%", "1.0%"]
    na = "Not available"
    assert chart.table["rows"][1] == ["Sex", "12,345", "100.0%", na, na, na, na, na]
    assert chart.summary == (
        "Sex had the most records with a specific, valid value (100%) and Ethnicity the fewest (79%)."
    )
    assert chart.footnotes == ()


def test_quality_completeness_with_no_fields():
    chart = ch.quality_completeness({})
    assert chart.summary == "No characteristic fields were checked."
    assert chart.table["rows"] == []


# --------------------------------------------------------------------------- formatting


@pytest.mark.parametrize(
    ("value", "expected"),
    [(1234567.0, "1,234,567"), (7.6, "8"), (None, "Not available")],
)
def test_format_int(value, expected):
    assert ch.format_int(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(12345.6, "12,346"), (239.4, "239"), (70.34, "70.3"), (5.678, "5.68"), (float("nan"), "Not available")],
)
def test_format_rate(value, expected):
    assert ch.format_rate(value) == expected


@pytest.mark.parametrize(("confidence", "label"), [(0.95, "95%"), (99, "99%"), ("90%", "90%"), (0.999, "99.9%")])
def test_confidence_label(confidence, label):
    assert ch.confidence_label(confidence) == label


def test_chart_ids_are_distinct_and_alt_points_to_the_table(rows, cells):
    built = [
        ch.rates_chart(rows),
        ch.rate_ratio_forest(rows),
        ch.share_vs_population(rows),
        ch.intersection_heatmap(cells, "ethnicity_high", "sex"),
        ch.quality_completeness({"fields": {}}),
    ]
    assert len({c.id for c in built}) == len(built)
    assert built[0].figure_id == f"{built[0].id}-figure"
    assert built[0].alt == f"Bar chart: {built[0].title}. Described above; the data is in the table below."


def test_figures_use_no_tag_that_plotly_draws_with_a_style_attribute(rows, cells):
    """plotly.js draws <b>, <i>, <sup>, <sub>, <a> and <span> with style="...", which the strict CSP blocks."""
    rows[1]["group"] = "Black <b>or</b> Black British"
    built = [
        ch.rates_chart(rows),
        ch.rate_ratio_forest(rows),
        ch.share_vs_population(rows),
        ch.intersection_heatmap(cells, "ethnicity_high", "sex"),
        ch.quality_completeness({"fields": {"x": {"label": "<i>X</i>", "completeness": 1}}}),
    ]
    for chart in built:
        tags = set(re.findall(r"</?[a-z]+", json.dumps(chart.figure)))
        assert tags <= {"<br", "<extra", "</extra"}, (chart.id, tags)
    assert "Black &lt;b&gt;or&lt;/b&gt; Black<br>British" in built[0].figure["data"][0]["y"]
    # The table is plain text: the template escapes it.
    assert "Black <b>or</b> Black British" in [r[0] for r in built[0].table["rows"]]


# --- Outcome and score charts (added with the dashboard's outcome sections) -----------


def _outcome_rows():
    return [
        {
            "dimension": "ethnicity_high",
            "group": "White",
            "kind": "valid",
            "count": 50,
            "outcome_n": 50,
            "outcome": 0.6,
            "outcome_lower": 0.46,
            "outcome_upper": 0.72,
            "score_n": 50,
            "score_mean": 16.0,
            "score_lower": 14.5,
            "score_upper": 17.5,
            "suppressed": False,
        },
        {
            "dimension": "ethnicity_high",
            "group": "Black or Black British",
            "kind": "valid",
            "count": 20,
            "outcome_n": 20,
            "outcome": 0.25,
            "outcome_lower": 0.11,
            "outcome_upper": 0.47,
            "score_n": 20,
            "score_mean": 5.0,
            "score_lower": 3.9,
            "score_upper": 6.1,
            "suppressed": False,
        },
        {
            "dimension": "ethnicity_high",
            "group": "Mixed",
            "kind": "valid",
            "count": None,
            "outcome_n": None,
            "outcome": None,
            "outcome_lower": None,
            "outcome_upper": None,
            "score_n": None,
            "score_mean": None,
            "score_lower": None,
            "score_upper": None,
            "suppressed": True,
        },
    ]


def test_outcome_chart_plots_proportions_with_intervals_and_hides_suppressed_groups():
    chart = ch.outcome_chart(_outcome_rows(), 0.95)
    bar = chart.figure["data"][0]
    assert list(bar["x"]) == [60.0, 25.0]
    assert list(bar["error_x"]["array"]) == pytest.approx([12.0, 22.0])
    assert list(bar["error_x"]["arrayminus"]) == pytest.approx([14.0, 14.0])
    assert chart.summary == (
        "Of the groups shown, White people had the highest proportion with the outcome, 60.0%. "
        "Its confidence interval overlaps with that for Black or Black British people, so the difference "
        "may be down to chance. Outcomes could not be shown for 1 group because the numbers were too small."
    )
    assert chart.table["rows"][2] == ["Mixed", "*", "*", "*"]
    assert chart.table["rows"][1][1:] == ["20", "25.0%", "11.0% to 47.0%"]


def test_score_chart_shows_means():
    chart = ch.score_chart(_outcome_rows(), 0.95)
    assert list(chart.figure["data"][0]["x"]) == [16.0, 5.0]
    assert chart.summary.startswith("Of the groups shown, White people had the highest mean score, 16.0.")
    assert chart.table["columns"][1:] == ["Scores", "Mean score", "95% confidence interval"]


def test_figures_are_checked_by_plotly_where_validation_is_on(settings):
    from identify.charts import _figure, _trace

    settings.AMHE_VALIDATE_CHARTS = True
    good = _figure([_trace("bar", orientation="h", x=[1, 2], y=["a", "b"])], {"height": 300})
    assert good == {
        "data": [{"type": "bar", "orientation": "h", "x": [1, 2], "y": ["a", "b"]}],
        "layout": {"height": 300},
    }
    with pytest.raises(ValueError):
        _figure([_trace("bar", x=[1], colour="red")], {})  # not a plotly property
    with pytest.raises(ValueError, match="plotly would draw a different figure"):
        _figure([_trace("bar", x=[1], marker={"color": None})], {})  # plotly drops the None: not what is served


def test_charts_use_only_the_trace_types_in_the_plotly_bundle():
    """The vendored plotly.js is a partial bundle: a trace type it lacks would leave the chart undrawn."""
    from django.conf import settings as django_settings

    from identify.charts import PLOTLY_TRACES, _trace

    entry = (django_settings.BASE_DIR / "frontend" / "plotly-partial.js").read_text()
    bundled = set(re.findall(r'require\("plotly\.js/lib/(\w+)"\)', entry)) - {"core"}
    assert bundled == PLOTLY_TRACES
    assert _trace("heatmap", z=[[1]]) == {"type": "heatmap", "z": [[1]]}
    with pytest.raises(ValueError, match="bundled without 'pie' traces"):
        _trace("pie", values=[1])


def test_the_vendored_plotly_bundle_builds_no_code_from_strings():
    """script-src has no 'unsafe-eval': the bundle may not use eval or the Function constructor
    (scripts/build-frontend.sh refuses to build one that does; this catches a swapped file)."""
    from django.conf import settings as django_settings

    bundle = (django_settings.BASE_DIR / "static" / "vendor" / "plotly" / "plotly-partial.min.js").read_text()
    assert "window.Plotly=" in bundle
    assert not re.search(r"new\s+Function\s*\(|(^|[^\w$.])(Function|eval)\s*\(", bundle)


def test_figures_are_not_rebuilt_through_plotly_where_validation_is_off(settings, monkeypatch):
    import numpy as np

    from identify import charts

    settings.AMHE_VALIDATE_CHARTS = False
    monkeypatch.setattr(charts.go, "Figure", lambda *a, **k: pytest.fail("graph_objects used in production"))
    figure = charts._figure([charts._trace("bar", x=np.array([1.5, 2.0]), y=("a", "b"))], {})
    assert figure == {"data": [{"type": "bar", "x": [1.5, 2.0], "y": ["a", "b"]}], "layout": {}}


# --- Honest sentences for small numbers (issue 9, item 2) -----------------------------


def test_highest_rate_is_only_of_the_groups_shown_when_one_is_suppressed(rows):
    """A suppressed group's rate might be higher still: the summary must not call the top
    plotted group the highest outright."""
    summary = ch.rates_chart(rows).summary
    assert summary.startswith("Of the groups shown, Black or Black British people had the highest rate, 239")
    unsuppressed = [r for r in rows if not r["suppressed"]]
    assert ch.rates_chart(unsuppressed).summary.startswith("Black or Black British people had the highest rate")


def test_highest_rate_says_when_its_interval_overlaps_the_next():
    rows = [
        row("White", rate=100.0, lo=95.0, hi=105.0, ratio=1.0, reference=True),
        row("Mixed", rate=150.0, lo=120.0, hi=180.0, ratio=1.5, rlo=1.2, rhi=1.8),
        row("Asian or Asian British", rate=140.0, lo=110.0, hi=170.0, ratio=1.4, rlo=1.1, rhi=1.7),
    ]
    assert ch.rates_chart(rows).summary == (
        "Mixed people had the highest rate, 150 per 100,000 (95% confidence interval 120 to 180), "
        "1.5 times the rate for White people. Its confidence interval overlaps with that for "
        "Asian or Asian British people, so the difference may be down to chance."
    )
    rows[2].update(rate=60.0, rate_lower=50.0, rate_upper=70.0)  # clearly lower: no caveat
    assert "overlaps" not in ch.rates_chart(rows).summary


def test_a_zero_count_is_too_few_to_compare_not_lower():
    """A group with no records has a rate ratio of 0 and no interval: it shows nothing."""
    rows = [
        row("White", rate=100.0, lo=95.0, hi=105.0, ratio=1.0, count=500, reference=True),
        row("Mixed", rate=150.0, lo=120.0, hi=180.0, ratio=1.5, rlo=1.2, rhi=1.8, count=100),
        row("Gypsy or Irish Traveller", rate=0.0, lo=0.0, hi=60.0, ratio=0.0, count=0),
    ]
    assert ch._ratio_verdict(rows[2]) == "too few to compare"
    chart = ch.rate_ratio_forest(rows, "White")
    table = {r[0]: r for r in chart.table["rows"]}
    assert table["Gypsy or Irish Traveller"][2:] == ["Not available", "Too few to compare"]
    assert chart.figure["data"][0]["x"] == [1.5]  # not drawn at 0 on a log axis
    assert "lower" not in chart.summary
    assert chart.summary == (
        "Compared with White people, the rate was higher for Mixed people. "
        "There were too few records to compare Gypsy or Irish Traveller people with White people."
    )
    only_zero = ch.rate_ratio_forest([rows[0], rows[2]], "White")
    assert only_zero.summary == (
        "There were too few records to compare Gypsy or Irish Traveller people with White people."
    )


def test_a_ratio_without_an_interval_is_not_called_so_many_times_the_reference():
    rows = [
        row("White", rate=100.0, lo=95.0, hi=105.0, ratio=1.0, reference=True),
        row("Mixed", rate=300.0, lo=90.0, hi=700.0, ratio=3.0),  # no interval for the ratio
    ]
    summary = ch.rates_chart(rows).summary
    assert "times the rate" not in summary and "similar" not in summary


def test_interval_charts_say_of_the_groups_shown_and_when_intervals_overlap():
    chart = ch.outcome_chart(_outcome_rows(), 0.95)
    assert chart.summary == (
        "Of the groups shown, White people had the highest proportion with the outcome, 60.0%. "
        "Its confidence interval overlaps with that for Black or Black British people, so the difference "
        "may be down to chance. Outcomes could not be shown for 1 group because the numbers were too small."
    )
    # Apart (14.5 to 17.5 against 3.9 to 6.1), and nothing hidden: a plain claim.
    shown = [r for r in _outcome_rows() if not r["suppressed"]]
    assert ch.score_chart(shown).summary == "White people had the highest mean score, 16.0."


def test_share_of_records_summary_is_of_the_groups_shown(rows):
    assert ch.share_vs_population(rows).summary.startswith("Of the groups shown, the biggest difference was for")


def test_heatmap_highest_is_of_the_combinations_shown_and_overlap_is_said(cells):
    summary = ch.intersection_heatmap(cells, "ethnicity_high", "sex").summary
    assert summary.startswith("Of the combinations shown, the highest rate was 1,288 per 100,000")
    cells[0]["rate"] = 1280.0  # White, Female: 1,270 to 1,290 overlaps 1,278 to 1,298
    cells[0].update(rate_lower=1270.0, rate_upper=1290.0)
    unsuppressed = [c for c in cells if not c.get("suppressed")]
    assert ch.intersection_heatmap(unsuppressed, "ethnicity_high", "sex").summary == (
        "The highest rate was 1,288 per 100,000 (95% confidence interval 1,278 to 1,298), for people recorded "
        "as Black or Black British and Male. Its confidence interval overlaps with that for people recorded as "
        "White and Female, so the difference may be down to chance."
    )


def test_heatmap_counts_that_tie_as_shown_are_named_together():
    cells = [
        {"groups": {"theme": "Waiting", "sex": "Female"}, "count": 10, "suppressed": False},
        {"groups": {"theme": "Waiting", "sex": "Male"}, "count": 10, "suppressed": False},
        {"groups": {"theme": "Staff", "sex": "Female"}, "count": 5, "suppressed": False},
    ]
    assert ch.intersection_heatmap(cells, "theme", "sex", value="count").summary == (
        "The highest number of people was 10, for people recorded as Waiting and Female "
        "and people recorded as Waiting and Male."
    )


def _answer(label, count, share, lower, upper, **extra):
    return {"label": label, "count": count, "share": share, "share_lower": lower, "share_upper": upper, **extra}


def test_answers_summary_is_of_the_answers_shown_and_says_when_intervals_overlap():
    rows = [
        _answer("Agree", 20, 0.4, 0.27, 0.54),
        _answer("Disagree", 15, 0.3, 0.19, 0.44),
        {"label": "Neither", "count": None, "share": None, "suppressed": True},
    ]
    assert ch.survey_answers_chart(rows, title="Answers", chart_id="c").summary == (
        "Of the answers shown, the most common answer was Agree, chosen by 40% of the people asked. "
        "Its confidence interval overlaps with that for Disagree, so the difference may be down to chance. "
        "Figures could not be shown for 1 answer because the numbers were too small."
    )
    # More than half chose one answer: no hidden answer can have been chosen more often.
    rows[0].update(share=0.6, share_lower=0.46, share_upper=0.72)
    rows[1].update(share=0.1, share_lower=0.04, share_upper=0.21)
    assert ch.survey_answers_chart(rows, title="Answers", chart_id="c").summary.startswith(
        "Most people asked (60%) chose Agree."
    )


def test_themes_summary_is_of_the_themes_shown_when_one_is_hidden():
    rows = [{"label": "Staff", "count": 10}, {"label": "Language", "count": None, "suppressed": True}]
    summary = ch.survey_answers_chart(rows, title="Themes", chart_id="t", style="theme").summary
    assert summary.startswith("Of the themes shown, the most common theme was Staff, in 10 answers.")


def test_quality_summary_compares_percentages_as_shown():
    """93.4% and 93.2% are both shown as 93%: neither has "the most"."""
    report = {
        "fields": {
            "ethnicity": {"label": "Ethnicity", "completeness": 0.934},
            "sex": {"label": "Sex", "completeness": 0.932},
            "age": {"label": "Age", "completeness": 0.5},
        }
    }
    assert ch.quality_completeness(report).summary == (
        "Ethnicity and Sex had the most records with a specific, valid value (93%) and Age the fewest (50%)."
    )
    report["fields"]["age"]["completeness"] = 0.931
    assert ch.quality_completeness(report).summary == (
        "Every characteristic had a specific, valid value in 93% of records."
    )


@pytest.mark.parametrize(
    ("summary", "verdict"),
    [
        ({"sii": 80.0, "sii_lower": 60.0, "sii_upper": 100.0, "rii": 2.1}, "Rates were higher in more deprived areas"),
        ({"sii": -30.0, "sii_lower": -50.0, "sii_upper": -10.0, "rii": 0.6}, "Rates were lower in more deprived areas"),
        ({"sii": 12.0, "sii_lower": -5.0, "sii_upper": 29.0, "rii": 1.1}, "The interval includes 0, so this shows no"),
        ({"sii": 12.0, "sii_lower": None, "sii_upper": None, "rii": None}, "With no interval, this shows no clear"),
    ],
)
def test_slope_sentence_says_a_gradient_only_when_its_interval_excludes_0(summary, verdict):
    text = ch.slope_sentence(summary, 0.95)
    assert text.startswith("Slope index of inequality across deprivation deciles: ")
    assert verdict in text
    assert " to )" not in text and "None" not in text
    assert ch.slope_sentence({}) == ""
