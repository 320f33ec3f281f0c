"""amhe.analysis.spc_charts: the XmR chart as a figure, table and sentence, and the icons."""

import re

import pytest

from amhe.analysis import spc_charts
from amhe.analysis.charts import PLOTLY_TRACES
from amhe.stats import spc

LABELS = [f"M{i + 1}" for i in range(20)]
# Twelve points of common cause variation only (limits about 6.7 to 14.4).
BASE = [10, 12, 11, 9, 10, 12, 11, 10, 9, 11, 12, 10]


def build(values, **options):
    rebase_at = options.pop("rebase_at", ())
    left_out = options.pop("left_out", 0)
    return spc_charts.xmr_chart(
        LABELS[: len(values)],
        values,
        title="Test measure over time",
        chart_id="spc-test",
        options=spc.Options(**options),
        rebase_at=rebase_at,
        left_out=left_out,
    )


def test_steady_series_says_only_common_cause_and_trial_limits():
    result = build(BASE[:8])
    assert result.sentences == (
        "Only common cause variation: no sign of change.",
        "Trial limits: fewer than 12 points.",
    )
    assert result.chart.summary == " ".join(result.sentences)
    assert result.variation.key == "common_cause"
    assert result.assurance is None


def test_shift_at_the_end_names_the_run_length_and_its_side():
    values = [*BASE, 12.5, 13, 12.5, 13, 12.5, 13, 12.5]
    result = build(values, polarity="decrease")
    last = result.result.points[-1]
    assert last.rule == spc.Rule.SHIFT
    assert result.sentences[0] == (
        "The last point shows special cause variation of concern: 7 points in a row above the mean."
    )
    assert result.variation.key == "special_cause_concern_high"
    assert "Trial limits" not in result.chart.summary


def test_point_beyond_the_limit_names_the_limit():
    result = build([*BASE, 3], polarity="increase")
    lpl = result.result.points[-1].lpl
    assert result.sentences[0] == (
        "The last point shows special cause variation of concern: "
        f"it is below the lower process limit of {spc_charts.plain_number(lpl)}."
    )
    assert result.variation.key == "special_cause_concern_low"
    assert 'aria-label="Special cause variation of concern: lower values"' in result.variation.svg
    assert ">L</text>" in result.variation.svg


def test_earlier_special_cause_with_a_common_last_point_is_said_plainly():
    result = build([*BASE, 20, 10], polarity="increase")
    assert result.result.points[-1].point_type == spc.PointType.COMMON_CAUSE
    assert result.sentences[0] == (
        "The last point shows common cause variation; 1 earlier point shows special cause variation (see the table)."
    )


def test_neutral_polarity_never_says_improvement_or_concern_and_has_no_assurance():
    result = build([*BASE, 20], polarity="neutral", target=12)
    assert "neither improvement nor concern" in result.sentences[0]
    assert "of improvement" not in result.chart.summary and "of concern" not in result.chart.summary
    assert result.assurance is None
    assert "no assurance icon" in result.chart.summary


@pytest.mark.parametrize(
    ("polarity", "target", "key", "letter"),
    [
        ("increase", 5, "consistent_pass", "P"),
        ("increase", 20, "consistent_fail", "F"),
        ("decrease", 20, "consistent_pass", "P"),
        ("increase", 10.5, "inconsistent", "?"),
    ],
)
def test_assurance_icon_and_sentence(polarity, target, key, letter):
    result = build(BASE, polarity=polarity, target=target)
    assert result.assurance.key == key
    assert f">{letter}</text>" in result.assurance.svg
    assert 'role="img"' in result.assurance.svg
    assert f"<title>{result.assurance.label}</title>" in result.assurance.svg
    assert f"The target of {spc_charts.plain_number(target)}" in result.chart.summary
    target_traces = [t for t in result.chart.figure["data"] if t.get("name") == "Target"]
    assert target_traces and set(target_traces[0]["y"]) == {target}


def test_every_variation_icon_has_words_a_shape_and_a_letter_where_special():
    for key, (label, _colour, letter) in spc_charts.VARIATION_ICONS.items():
        icon = spc_charts.variation_icon(key)
        assert icon.label == label
        assert f'aria-label="{label}"' in icon.svg and f"<title>{label}</title>" in icon.svg
        if key == "common_cause":
            assert "<text" not in icon.svg and "<polyline" in icon.svg
        else:
            assert f">{letter}</text>" in icon.svg and "<polygon" in icon.svg
            assert letter == ("H" if key.endswith("_high") else "L")


def test_table_has_every_point_with_limits_and_words():
    result = build([*BASE, 20], polarity="increase")
    table = result.chart.table
    assert table["columns"] == ["Period", "Value", "Mean", "Lower process limit", "Upper process limit", "Variation"]
    assert [row[0] for row in table["rows"]] == LABELS[:13]
    last = result.result.points[-1]
    assert table["rows"][-1] == [
        "M13",
        "20.0",
        spc_charts.plain_number(last.mean),
        spc_charts.plain_number(last.lpl),
        spc_charts.plain_number(last.upl),
        "Special cause: improvement (outside the process limits)",
    ]
    assert table["rows"][0][-1] == "Common cause"


def test_trial_limits_are_marked_in_the_table():
    result = build([10, 11, 10, 12])
    assert all(row[-1].endswith("(trial limits)") for row in result.chart.table["rows"])


def test_figure_uses_bundled_traces_and_shapes_as_well_as_colours():
    result = build([*BASE, 30, 2], polarity="increase")
    data = result.chart.figure["data"]
    assert {t["type"] for t in data} <= PLOTLY_TRACES
    markers = [t for t in data if t.get("mode") == "markers"]
    names = [t["name"] for t in markers]
    assert names == ["Common cause", "Special cause: improvement", "Special cause: concern"]
    symbols = [t["marker"]["symbol"] for t in markers]
    assert len(set(symbols)) == len(symbols)
    assert result.chart.figure["layout"]["showlegend"] is True
    # Every point is drawn exactly once as a marker.
    assert sum(len(t["x"]) for t in markers) == 14


def test_rebase_draws_a_mean_per_segment_and_says_where_it_starts():
    values = [10, 11, 10, 11, 10, 11, 20, 21, 20, 21, 20, 21]
    result = build(values, rebase_at=[6])
    means = [t for t in result.chart.figure["data"] if t.get("legendgroup") == "mean"]
    assert [t["x"] for t in means] == [LABELS[:6], LABELS[6:12]]
    assert [t["showlegend"] for t in means] == [True, False]
    assert "The limits start again from M7." in result.sentences


def test_left_out_values_are_counted_in_the_sentence():
    assert "1 value is suppressed or missing and is left out of the chart." in build([1, 2, 3], left_out=1).sentences
    assert "3 values are suppressed" in build([1, 2, 3], left_out=3).chart.summary
    assert not any("suppressed" in s for s in build([1, 2, 3]).sentences)


def test_labels_are_escaped_in_the_figure_and_too_few_points_raise():
    result = spc_charts.xmr_chart(["<b>Jan</b>", "Feb"], [1, 2], title="T", chart_id="c")
    assert result.chart.figure["data"][0]["x"][0] == "&lt;b&gt;Jan&lt;/b&gt;"
    with pytest.raises(ValueError, match="two points"):
        spc_charts.xmr_chart(["Jan"], [1], title="T", chart_id="c")


def test_svg_has_no_script_or_style():
    for key in spc_charts.VARIATION_ICONS:
        svg = spc_charts.variation_icon(key).svg
        assert not re.search(r"<script|style=|on\w+=", svg)


def test_trend_at_the_end_says_how_many_points_and_which_way():
    result = build([*BASE, 9.5, 10, 10.5, 11, 11.5, 12, 12.5], polarity="increase")
    assert result.sentences[0] == (
        "The last point shows special cause variation of improvement: "
        "7 points in a row each higher than the one before."
    )
    assert result.variation.key == "special_cause_improvement_high"


@pytest.mark.parametrize(
    ("extra", "side", "kind"), [([14, 14.2], "upper", "improvement"), ([7, 6.8], "lower", "concern")]
)
def test_two_in_three_at_the_end_says_which_limit(extra, side, kind):
    result = build([*BASE, *extra], polarity="increase")
    assert result.result.points[-1].rule == spc.Rule.TWO_IN_THREE
    assert result.sentences[0] == (
        f"The last point shows special cause variation of {kind}: two of the last three points are more than "
        f"two thirds of the way from the mean to the {side} limit."
    )


def test_screening_says_how_many_jumps_it_left_out():
    values = [10, 11, 10, 11, 10, 30, 11, 10, 11, 10, 11, 10, 11]
    on = build(values)
    off = build(values, screen=False)
    assert on.result.segments[0].screened_out == 2
    assert "Screening left out 2 unusually large jumps between points when working out the limits." in on.sentences
    assert not any("Screening" in s for s in off.sentences)
    assert on.result.segments[0].upl < off.result.segments[0].upl
