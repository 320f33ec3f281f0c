"""amhe.stats.spc against NHS-R's NHSRplotthedots (github.com/nhs-r-community/NHSRplotthedots).

Where its tests pin numbers for data we hold, these reproduce them; where they pin a rule's
behaviour on a small series, these check ours gives the same. Only results are compared:
none of its code is used. Our documented differences (amhe/stats/spc.py) are set to match
where they matter: screening is on in both by default; our trend and shift lengths are 7,
as its are; its two-in-three also asks the third point to be on the same side of the mean,
ours does not (the cases below do not depend on that); points of a trend are typed by the
trend's direction in ours (the A&E charts have no trend; the trend cases check only which rule flags a point).
"""

import csv
import math
from collections import defaultdict
from pathlib import Path

import pytest

from amhe.stats import spc

# NHSRplotthedots' `ae_all()`: attendances summed over every organisation and type, by month, from
# NHSRdatasets' ae_attendances (nhs-r-community/NHSRdatasets @ 7fe35a54a3aa380ad6008d872ae465d092aa11b0,
# data/ae_attendances.rda; CC0, underlying data OGL v3). The 36 monthly totals are kept here; where the
# whole file is on this machine (/work/shared/data/public/nhsr_ae_attendances.csv), they are checked against it.
MONTHLY = Path(__file__).resolve().parent / "data" / "nhsr_ae_all_attendances_monthly.csv"
SHARED = Path("/work/shared/data/public/nhsr_ae_attendances.csv")


def ae_all() -> tuple[list[str], list[float]]:
    with MONTHLY.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [r["period"] for r in rows], [float(r["attendances"]) for r in rows]


def test_monthly_totals_are_the_sums_of_the_published_file():
    if not SHARED.exists():
        pytest.skip("the whole ae_attendances file is not on this machine")
    totals: dict[str, float] = defaultdict(float)
    with SHARED.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            totals[row["period"]] += float(row["attendances"])
    periods, values = ae_all()
    assert periods == sorted(totals)
    assert values == [totals[p] for p in periods]


def _limits(chart):
    return [x for s in chart.segments for x in (s.mean, s.lpl, s.upl)]


# tests/testthat/_snaps/integration_tests.md @ 0c096d813e16e4fe606c37eb70020e74a5dcbbe8, written by
# tests/testthat/test-integration_tests.R at the same commit: "ae_all attendances spc returns expected
# values" (ptd_spc(ae_all(), attendances, period), improvement "increase", screen_outliers TRUE) and
# "... with rebase" (rebase = 2017-04-01). The snapshot is R's serialised data frame; its mean, lpl
# and upl columns (big-endian doubles) decode to the values below, and its point_type column is
# "common_cause" for all 36 months in both.
PINNED = {
    # mean, lower and upper process limit of each segment
    "no rebase": [2000538.9444444445, 1731844.3644444444, 2269233.5244444446],
    "rebase 2017-04-01": [
        *(1946858.4166666667, 1639947.374848485, 2253769.4584848485),
        *(2027379.2083333333, 1772921.0639855072, 2281837.3526811595),
    ],
}


def test_ae_all_attendances_matches_the_snapshot():
    periods, values = ae_all()
    assert len(values) == 36 and periods[0] == "2016-04-01"
    assert values[:3] == [1867781.0, 2070340.0, 1958802.0]  # the snapshot's first y values
    chart = spc.xmr(values, options=spc.Options(polarity="increase", screen=True))
    assert _limits(chart) == pytest.approx(PINNED["no rebase"], rel=1e-12)
    assert {p.point_type for p in chart.points} == {spc.PointType.COMMON_CAUSE}
    assert chart.variation == "common_cause"


def test_ae_all_attendances_rebased_matches_the_snapshot():
    periods, values = ae_all()
    chart = spc.xmr(values, options=spc.Options(polarity="increase"), rebase_at=[periods.index("2017-04-01")])
    assert _limits(chart) == pytest.approx(PINNED["rebase 2017-04-01"], rel=1e-12)
    assert [s.end - s.start for s in chart.segments] == [12, 24]
    assert {p.point_type for p in chart.points} == {spc.PointType.COMMON_CAUSE}


def test_ae_all_screening_changes_nothing_here_as_no_moving_range_is_screened():
    # A check on our side: with no moving range at or above 3.267 x the mean, both agree.
    _, values = ae_all()
    on = spc.xmr(values, options=spc.Options(screen=True)).segments[0]
    off = spc.xmr(values, options=spc.Options(screen=False)).segments[0]
    assert on.screened_out == 0 and math.isclose(on.lpl, off.lpl)


# tests/testthat/test-ptd_spc_standard.R @ 2ec4e36851c074e231445e94db78e8cd24e6352b: "it only reports
# special cause for 2 of 3 points close to limits when they are on the same side of the mean".
def test_two_points_near_opposite_limits_are_common_cause():
    values = [1.0, -1.0] * 8
    values[14], values[15] = 5.5, -5.5
    chart = spc.xmr(values)
    assert [p.point_type for p in chart.points[-2:]] == [spc.PointType.COMMON_CAUSE] * 2


# tests/testthat/test-ptd_calculate_point_type.R @ 0b49a46faa87622267a3792ae3a90156090c8add: the rules on
# short series. Ours flags every point of a run (theirs marks the run's end, then its other points).
def _rules(values, polarity="increase"):
    return [p.rule for p in spc.xmr(values, options=spc.Options(polarity=polarity, screen=False)).points]


def test_seven_points_on_one_side_and_six_are_not_enough():
    # ptd_seven_point_one_side_mean(c(rep(1, 8), -1)): a run of 8 on one side (here above a mean
    # pulled down by a low last point); 6 in a row are not a shift.
    rules = _rules([2, 2.1, 2, 2.1, 2, 2.1, 2, 2.1, -10])
    assert rules[:8].count(spc.Rule.SHIFT) == 8
    rules = _rules([2, 2.1, 2, 2.1, 2, 2.1, -10, 2, -10])
    assert spc.Rule.SHIFT not in rules


OUT, T, W, N = "outside_limits", "trend", "two_in_three", None


@pytest.mark.parametrize(
    ("values", "rules"),
    [
        # ptd_seven_point_trend(1:6): too short for a trend.
        ([1, 2, 3, 4, 5, 6], [N] * 6),
        # c(1:3, 3:6): a tie breaks it (the ends are beyond limits this tight, not a trend).
        ([1, 2, 3, 3, 4, 5, 6], [OUT, N, N, N, N, W, OUT]),
        # 1:7 and 7:1: all seven in the trend (the ends are flagged first as outside the limits).
        ([1, 2, 3, 4, 5, 6, 7], [OUT, T, T, T, T, T, OUT]),
        ([7, 6, 5, 4, 3, 2, 1], [OUT, T, T, T, T, T, OUT]),
        # c(2, 1:7, 3) and c(2, 7:1, 3): the trend and nothing either side of it.
        ([2, 1, 2, 3, 4, 5, 6, 7, 3], [N, T, T, T, T, T, T, T, N]),
        ([2, 7, 6, 5, 4, 3, 2, 1, 3], [N, T, T, T, T, T, T, T, N]),
    ],
)
def test_seven_point_trend(values, rules):
    assert [r and str(r) for r in _rules(values)] == rules


# tests/testthat/test-ptd_calculate_assurance_type.R @ 47af41fdbf71eb2edc7aa06e614fd78be1622984: target 4
# against limits (1, 3), (5, 7) and (1, 5).
@pytest.mark.parametrize(
    ("polarity", "expected"),
    [
        ("increase", ["consistent_fail", "consistent_pass", "inconsistent"]),
        ("decrease", ["consistent_pass", "consistent_fail", "inconsistent"]),
        ("neutral", [None, None, None]),
    ],
)
def test_assurance_against_the_limits(polarity, expected):
    got = []
    for lpl, mean, upl in [(1, 2, 3), (5, 6, 7), (1, 4, 5)]:
        # Our segments hold the mean and the mean moving range; these limits are symmetric but
        # for the last, so build each from its mean and upper limit and check the lower.
        spread = (upl - mean) / spc.LIMIT_FACTOR
        segment = spc.Segment(0, 2, float(mean), spread, 0, trial=True)
        if (lpl, mean, upl) != (1, 4, 5):
            assert segment.lpl == pytest.approx(lpl)
        result = spc.assurance_of(segment, spc.Options(polarity=polarity, target=4))
        got.append(None if result is None else str(result))
    assert got == expected


def test_no_target_gives_no_assurance():
    assert spc.xmr([1, 2, 3], options=spc.Options(polarity="increase")).assurance is None
