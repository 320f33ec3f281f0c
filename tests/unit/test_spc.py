"""XmR charts in the Making Data Count method (amhe.stats.spc): hand-worked examples
for the limits, screening, each special-cause rule, polarity, rebasing, trial limits and
the icons, then properties that hold for every series."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from amhe.stats import spc
from amhe.stats.spc import Assurance, Options, PointType, Rule

ALTERNATING = [4, 6] * 10  # mean 5, every moving range 2


def rules(chart):
    return {p.index: p.rule for p in chart.points if p.rule is not None}


def test_mean_moving_range_and_limits_by_hand():
    # Mean 58 / 5 = 11.6; moving ranges 2, 1, 2, 1: mean 1.5; limits 11.6 +/- 2.66 x 1.5 = 3.99.
    chart = spc.xmr([10, 12, 11, 13, 12])
    (segment,) = chart.segments
    assert segment.mean == pytest.approx(11.6)
    assert segment.mean_moving_range == pytest.approx(1.5)
    first = chart.points[0]
    assert (first.lpl, first.upl) == (pytest.approx(7.61), pytest.approx(15.59))
    # Near lines two thirds of the way: 11.6 +/- 2.66.
    assert (first.near_lpl, first.near_upl) == (pytest.approx(8.94), pytest.approx(14.26))
    assert [p.moving_range for p in chart.points] == [None, 2, 1, 2, 1]
    assert all(p.point_type == PointType.COMMON_CAUSE for p in chart.points)
    assert chart.variation == "common_cause"
    assert all(p.trial for p in chart.points)  # 5 points: trial limits


def test_screening_leaves_out_moving_ranges_at_or_above_3267_times_the_mean():
    values = [10, 11, 10, 11, 10, 30, 10, 11, 10, 11]
    # Moving ranges: 1, 1, 1, 1, 20, 20, 1, 1, 1: mean 47 / 9 = 5.22; 3.267 x 5.22 = 17.06,
    # so both 20s go and the mean of the seven 1s is 1.
    assert spc.mean_moving_range(values, screen=False) == (pytest.approx(47 / 9), 0)
    assert spc.mean_moving_range(values) == (1.0, 2)
    screened = spc.xmr(values)
    assert screened.points[0].upl == pytest.approx(12.4 + 2.66)
    unscreened = spc.xmr(values, options=Options(screen=False))
    assert unscreened.points[0].upl == pytest.approx(12.4 + 2.66 * 47 / 9)
    # A moving range exactly at the threshold is left out too.
    assert spc.mean_moving_range([0, 1, 0, 1, 0, 3.267 * 1.5]) != spc.mean_moving_range([0, 1, 0, 1, 0], screen=False)


@pytest.mark.parametrize(
    "polarity, expected",
    [
        ("increase", PointType.IMPROVEMENT),
        ("decrease", PointType.CONCERN),
        ("neutral", PointType.NEUTRAL),
    ],
)
def test_a_point_beyond_a_limit_is_typed_by_polarity(polarity, expected):
    # Mean 300 / 25 = 12; the two moving ranges around the 60 (45 and 55) are screened out,
    # leaving a mean moving range of 10: limits -14.6 and 38.6, near lines -5.7 and 29.7.
    values = [5, 15] * 8 + [60] + [15, 5] * 4
    chart = spc.xmr(values, options=Options(polarity=polarity))
    assert (chart.segments[0].mean, chart.segments[0].mean_moving_range, chart.segments[0].screened_out) == (12, 10, 2)
    assert rules(chart) == {16: Rule.OUTSIDE_LIMITS}
    assert chart.points[16].point_type == expected


def test_a_trend_of_seven_is_flagged_whole_and_typed_by_its_direction():
    values = [0, 10, 0, 10, 4, 4.5, 5, 5.5, 6, 6.5, 7, 0, 10]
    # Mean 68.5 / 13 = 5.27; limits far away (mean moving range 56 / 12 = 4.67); points 4 to
    # 10 rise throughout: 7 points. The first three sit below the mean, yet a rising trend
    # is an improvement where higher is better.
    chart = spc.xmr(values)
    assert rules(chart) == dict.fromkeys(range(4, 11), Rule.TREND)
    assert {chart.points[i].point_type for i in range(4, 11)} == {PointType.IMPROVEMENT}
    lower_is_better = spc.xmr(values, options=Options(polarity="decrease"))
    assert {lower_is_better.points[i].point_type for i in range(4, 11)} == {PointType.CONCERN}
    # A tie breaks the run: 5.5 becomes 5 (equal to the point before).
    tied = [0, 10, 0, 10, 4, 4.5, 5, 5, 6, 6.5, 7, 0, 10]
    assert rules(spc.xmr(tied)) == {}
    # Run lengths are configurable: after the tie, 5, 6, 6.5 and 7 rise together (4 points).
    assert rules(spc.xmr(tied, options=Options(trend_length=4))) == dict.fromkeys(range(7, 11), Rule.TREND)
    assert rules(spc.xmr(tied, options=Options(trend_length=5))) == {}


def test_two_of_three_beyond_the_same_near_line_flags_only_those_points():
    values = [*ALTERNATING, 10, 5, 10, 6, 4]
    # Mean 135 / 25 = 5.4; moving ranges 19 x 2, 4, 5, 5, 4, 2: mean 58 / 24 = 2.417;
    # near upper line 5.4 + (2/3) x 2.66 x 2.417 = 9.69, upper limit 11.83: the two 10s
    # are beyond the near line (not the limit) within three points; the 5 between is not flagged.
    chart = spc.xmr(values)
    assert chart.points[20].near_upl == pytest.approx(9.686, abs=1e-3)
    assert rules(chart) == {20: Rule.TWO_IN_THREE, 22: Rule.TWO_IN_THREE}
    assert chart.points[20].point_type == PointType.IMPROVEMENT
    # One beyond the upper near line and one beyond the lower: not the same side, no flag.
    opposite = [*ALTERNATING, 10, 5, 0.5, 6, 4]
    assert rules(spc.xmr(opposite)) == {}


def test_a_shift_of_seven_on_one_side_of_the_mean_and_a_point_on_the_mean_breaks_it():
    high, low = [6, 6.5, 6, 6.5, 6, 6.5, 6], [4, 3.5, 4, 3.5, 4, 3.5, 4]
    values = [2, 8] * 4 + high + low  # 110 / 22: the mean is exactly 5
    chart = spc.xmr(values)
    assert chart.segments[0].mean == 5
    # The last 8 of the opening pairs is above the mean too, so the high run is points 7 to 14.
    assert rules(chart) == dict.fromkeys(range(7, 22), Rule.SHIFT)
    assert {chart.points[i].point_type for i in range(7, 15)} == {PointType.IMPROVEMENT}
    assert {chart.points[i].point_type for i in range(15, 22)} == {PointType.CONCERN}
    assert chart.variation == "special_cause_concern_low"
    # One point of each run exactly on the mean (the mean stays 5): no run of 7 is left.
    broken = [2, 8] * 4 + [6, 6.5, 6, 5, 6, 6.5, 6] + [4, 3.5, 4, 5, 4, 3.5, 4]
    assert spc.xmr(broken).segments[0].mean == 5
    assert rules(spc.xmr(broken)) == {}
    assert spc.xmr(broken).variation == "common_cause"


def test_rules_in_priority_order_a_point_beyond_a_limit_in_a_trend_records_the_limit():
    values = [5, 5.1, 4.9, 5, 5.1, 4.9, 5, 5.2, 5.4, 5.6, 5.8, 6, 6.2, 9]
    chart = spc.xmr(values)
    assert chart.points[13].rule == Rule.OUTSIDE_LIMITS
    assert {chart.points[i].rule for i in range(6, 13)} >= {Rule.TREND}


def test_rebasing_restarts_the_limits_and_the_rules():
    values = [10, 11] * 3 + [20, 21] * 3
    whole = spc.xmr(values)
    assert rules(whole)  # one mean across a step change: runs on both sides
    rebased = spc.xmr(values, rebase_at=[6])
    assert [s.mean for s in rebased.segments] == [10.5, 20.5]
    assert rebased.points[0].upl == pytest.approx(10.5 + 2.66) and rebased.points[6].upl == pytest.approx(20.5 + 2.66)
    assert rules(rebased) == {}
    assert {p.segment for p in rebased.points[6:]} == {1}
    with pytest.raises(ValueError, match="fewer than two points"):
        spc.xmr(values, rebase_at=[11])


def test_trial_limits_below_twelve_points():
    assert not any(p.trial for p in spc.xmr(ALTERNATING[:12]).points)
    assert all(p.trial for p in spc.xmr(ALTERNATING[:11]).points)
    # Each segment on its own after a rebase.
    chart = spc.xmr(ALTERNATING + ALTERNATING[:4], rebase_at=[20])
    assert [p.trial for p in chart.points] == [False] * 20 + [True] * 4


@pytest.mark.parametrize(
    "polarity, target, expected",
    [
        ("increase", 20, Assurance.CONSISTENT_FAIL),  # above the upper limit 15.59
        ("increase", 5, Assurance.CONSISTENT_PASS),  # below the lower limit 7.61
        ("increase", 12, Assurance.INCONSISTENT),
        ("decrease", 20, Assurance.CONSISTENT_PASS),
        ("decrease", 5, Assurance.CONSISTENT_FAIL),
        ("decrease", 15.59, Assurance.INCONSISTENT),
        ("neutral", 20, None),
        ("increase", None, None),
    ],
)
def test_assurance_against_the_target(polarity, target, expected):
    chart = spc.xmr([10, 12, 11, 13, 12], options=Options(polarity=polarity, target=target))
    assert chart.assurance == expected


def test_variation_icon_reads_the_last_point():
    high = [5, 15] * 8 + [60]
    low = [5, 15] * 8 + [-40]
    assert spc.xmr(high).variation == "special_cause_improvement_high"
    assert spc.xmr(high, options=Options(polarity="decrease")).variation == "special_cause_concern_high"
    assert spc.xmr(low, options=Options(polarity="decrease")).variation == "special_cause_improvement_low"
    assert spc.xmr(low, options=Options(polarity="neutral")).variation == "special_cause_neutral_low"
    assert spc.xmr([5, 15] * 8).variation == "common_cause"


@pytest.mark.parametrize(
    "values, kwargs, message",
    [
        ([1], {}, "At least two points"),
        ([1, float("nan")], {}, "finite number"),
        ([1, 2, 3], {"rebase_at": [5]}, "outside the series"),
    ],
)
def test_bad_series_are_refused_with_a_reason(values, kwargs, message):
    with pytest.raises(ValueError, match=message):
        spc.xmr(values, **kwargs)


def test_bad_options_are_refused():
    with pytest.raises(ValueError, match="at least 2 points"):
        Options(trend_length=1)
    with pytest.raises(ValueError, match="must be a number"):
        Options(target=float("inf"))
    with pytest.raises(ValueError):
        Options(polarity="sideways")


# --- Properties ---------------------------------------------------------------------

series = st.lists(st.integers(min_value=-1000, max_value=1000), min_size=2, max_size=40)
options = st.builds(
    Options,
    polarity=st.sampled_from(["increase", "decrease", "neutral"]),
    screen=st.booleans(),
    trend_length=st.integers(min_value=2, max_value=9),
    shift_length=st.integers(min_value=2, max_value=9),
)


def _signature(chart):
    return [(p.rule, p.point_type) for p in chart.points]


@settings(max_examples=200, deadline=None)
@given(series, options)
def test_every_point_is_typed_consistently(values, opts):
    chart = spc.xmr(values, options=opts)
    assert len(chart.points) == len(values)
    for point in chart.points:
        assert point.lpl <= point.near_lpl <= point.mean <= point.near_upl <= point.upl
        assert (point.rule is None) == (point.point_type == PointType.COMMON_CAUSE)
        beyond = point.value > point.upl or point.value < point.lpl
        assert beyond == (point.rule == Rule.OUTSIDE_LIMITS)
        if point.near_lpl <= point.value <= point.near_upl:
            assert point.rule in (None, Rule.TREND, Rule.SHIFT)
        if opts.polarity == "neutral" and point.rule is not None:
            assert point.point_type == PointType.NEUTRAL
    screened, _ = spc.mean_moving_range(values, screen=True)
    assert screened <= spc.mean_moving_range(values, screen=False)[0]


@settings(max_examples=200, deadline=None)
@given(series, options)
def test_doubling_every_value_changes_no_point_type(values, opts):
    # Multiplying by 2 is exact in binary floating point, so every comparison is kept.
    assert _signature(spc.xmr([2 * v for v in values], options=opts)) == _signature(spc.xmr(values, options=opts))


@settings(max_examples=200, deadline=None)
@given(series, st.booleans())
def test_a_mirrored_series_with_the_opposite_polarity_is_typed_the_same(values, screen):
    up = spc.xmr(values, options=Options(polarity="increase", screen=screen))
    down = spc.xmr([-v for v in values], options=Options(polarity="decrease", screen=screen))
    assert _signature(up) == _signature(down)
