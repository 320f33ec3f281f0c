"""Funnel limits and better / similar / worse (amhe.stats.funnel) against published
reference values.

Reference values: the test data of the R package PHEindicatormethods (OHID / UKHSA,
ukhsa-collaboration/PHEindicatormethods), which implements the Fingertips funnel
plot method:

* proportions: tests/testthat/testdata_funnel_prop_outputs.csv at commit
  63894a99103ffc9e0a3e8a15644200a3abb95669 (limits in per cent around a baseline
  of 80.642448%, the pooled average of testdata_funnel_prop_inputs.csv);
* rates: tests/testthat/testdata_funnel_rate_outputs.csv at commit
  39d5df1f793223db24173db8971ba3c2f834b8d8 (DSR per 100,000, baseline
  116.1720835, three years of data: a row gives the count, the one-year population
  at which each limit passes through that count, and the limit).

The significance column of testdata_funnel_prop_inputs.csv (commit
3352ce5d861197880cae0ccb329a0ce50424bfda) gives the published band of named PCTs.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from amhe.stats import funnel
from amhe.stats.funnel import Band, Kind, Polarity, Verdict

PROPORTION_BASELINE = 0.80642448

# Population, Lower2s0025limit, Upper2s0025limit, Lower3s0001limit, Upper3s0001limit (per cent)
PROPORTION_ROWS = [
    (1, 3.204264, 100, 0, 100),
    (3, 35.933491, 100, 10.150815, 100),
    (18, 62.390093, 98.894803, 51.864359, 100),
    (41, 68.548635, 92.73626, 61.574398, 99.710497),
    (102, 72.974925, 88.309971, 68.553233, 92.731663),
    (1008, 78.203374, 83.081521, 76.796814, 84.488082),
    (9998, 79.867989, 81.416907, 79.421375, 81.863521),
    (110000, 80.408963, 80.875933, 80.274317, 81.010578),
]

RATE_BASELINE = 116.1720835 / 100_000
RATE_YEARS = 3

# Events, lower_2s_population_1_year, lower_2s_limit, upper_2s_population_1_year, upper_2s_limit,
# lower_3s_population_1_year, lower_3s_limit, upper_3s_population_1_year, upper_3s_limit
RATE_ROWS = [
    (1, 1598.675694, 20.85059119, 7.264481402, 4588.535848, 2649.348525, 12.58170943, 0.287087625, 116108.569),
    (10, 5276.757672, 63.17010446, 1375.943768, 242.2579623, 6924.776769, 48.13632908, 849.4639547, 392.4043292),
    (99, 34583.45945, 95.42133877, 23087.10848, 142.9369123, 38382.78582, 85.97604186, 20393.92315, 161.8129075),
    (
        1360,
        411529.9259,
        110.158048,
        369759.5622,
        122.6021934,
        424043.2424,
        106.9073359,
        358342.3275,
        126.5084525,
    ),
]


@pytest.mark.parametrize(("n", "lo95", "hi95", "lo998", "hi998"), PROPORTION_ROWS)
def test_proportion_limits_match_phe(n, lo95, hi95, lo998, hi998):
    low, high = funnel.proportion_limits(PROPORTION_BASELINE, n, 0.95)
    assert low * 100 == pytest.approx(lo95, abs=1e-5)
    assert high * 100 == pytest.approx(hi95, abs=1e-5)
    low, high = funnel.proportion_limits(PROPORTION_BASELINE, n, 0.998)
    assert low * 100 == pytest.approx(lo998, abs=1e-5)
    assert high * 100 == pytest.approx(hi998, abs=1e-5)


@pytest.mark.parametrize("row", RATE_ROWS)
def test_rate_limits_match_phe(row):
    _, pop_lo95, lo95, pop_hi95, hi95, pop_lo998, lo998, pop_hi998, hi998 = row
    per = 100_000
    # PHE's bisection stops at 1e-7 on a transformed scale: agree to 1 part in 10^5.
    assert funnel.rate_limits(RATE_BASELINE, pop_lo95 * RATE_YEARS, 0.95)[0] * per == pytest.approx(lo95, rel=1e-5)
    assert funnel.rate_limits(RATE_BASELINE, pop_hi95 * RATE_YEARS, 0.95)[1] * per == pytest.approx(hi95, rel=1e-5)
    assert funnel.rate_limits(RATE_BASELINE, pop_lo998 * RATE_YEARS, 0.998)[0] * per == pytest.approx(lo998, rel=1e-5)
    assert funnel.rate_limits(RATE_BASELINE, pop_hi998 * RATE_YEARS, 0.998)[1] * per == pytest.approx(hi998, rel=1e-5)


@pytest.mark.parametrize(
    ("area", "numerator", "denominator", "published"),
    [
        ("New Forest PCT", 35078.4880, 41980, "High (0.001)"),
        ("Norwich PCT", 24803.6256, 31824, "Low (0.001)"),
        ("South Gloucestershire PCT", 50050.7443, 61921, "Not significant"),
        ("West Norfolk PCT", 26789.2380, 33012, "High (0.025)"),
        ("North Devon PCT", 30277.5312, 37828, "Low (0.025)"),
        ("Leeds West PCT", 21667.1616, 26869, "Not significant"),
    ],
)
def test_funnel_band_matches_phe_significance(area, numerator, denominator, published):
    expected = {
        "High (0.001)": Band.HIGH_998,
        "High (0.025)": Band.HIGH_95,
        "Low (0.001)": Band.LOW_998,
        "Low (0.025)": Band.LOW_95,
        "Not significant": Band.WITHIN,
    }[published]
    assert funnel.funnel_band(Kind.PROPORTION, PROPORTION_BASELINE, numerator, denominator) is expected, area


def test_rate_lower_limit_is_zero_where_no_count_can_be_low():
    # Expected count 3: even 0 events has P(X <= 0) = e^-3 = 0.0498 > 0.025.
    assert funnel.rate_limits(0.001, 3000, 0.95)[0] == 0.0
    assert funnel.rate_limits(0.001, 3000, 0.95)[1] > 0.001


@pytest.mark.parametrize(
    ("numerator", "denominator", "polarity", "expected"),
    [
        (600, 1000, Polarity.HIGHER, Verdict.BETTER),
        (600, 1000, Polarity.LOWER, Verdict.WORSE),
        (600, 1000, Polarity.NEITHER, Verdict.HIGHER),
        (400, 1000, Polarity.HIGHER, Verdict.WORSE),
        (400, 1000, Polarity.LOWER, Verdict.BETTER),
        (400, 1000, Polarity.NEITHER, Verdict.LOWER),
        (510, 1000, Polarity.HIGHER, Verdict.SIMILAR),
        (510, 1000, Polarity.NEITHER, Verdict.SIMILAR),
    ],
)
def test_verdict_follows_polarity(numerator, denominator, polarity, expected):
    assert funnel.compare(Kind.PROPORTION, numerator, denominator, 0.5, polarity).verdict is expected


def test_comparison_uses_the_wilson_interval():
    # Wilson 95%: 530/1000 is 0.4990 to 0.5607 (contains 0.5); 531/1000 is 0.50001 to 0.5618.
    assert funnel.compare(Kind.PROPORTION, 530, 1000, 0.5, Polarity.HIGHER).verdict is Verdict.SIMILAR
    assert funnel.compare(Kind.PROPORTION, 531, 1000, 0.5, Polarity.HIGHER).verdict is Verdict.BETTER


def test_rate_comparison_uses_exact_and_byars_limits():
    # 5 events in 1,000: exact 95% limits 1.62 to 11.67 per 1,000 contain 10 per 1,000.
    assert funnel.compare(Kind.RATE, 5, 1000, 0.01, Polarity.LOWER).verdict is Verdict.SIMILAR
    # 239 per 100,000 with 5,693 events is clearly above 80.7 per 100,000.
    result = funnel.compare(Kind.RATE, 5693, 2_381_000, 80.7 / 100_000, Polarity.LOWER)
    assert result.side is Verdict.HIGHER
    assert result.verdict is Verdict.WORSE


@pytest.mark.parametrize(
    ("kind", "numerator", "denominator"),
    [(Kind.PROPORTION, 11, 10), (Kind.PROPORTION, -1, 10), (Kind.RATE, 5, 0), (Kind.RATE, -2, 100)],
)
def test_bad_figures_are_refused(kind, numerator, denominator):
    with pytest.raises(ValueError):
        funnel.compare(kind, numerator, denominator, 0.5, Polarity.HIGHER)


@given(
    target=st.floats(min_value=0.01, max_value=0.99),
    n=st.integers(min_value=20, max_value=100_000),
    share=st.floats(min_value=0, max_value=1),
)
def test_outside_the_95_funnel_exactly_when_the_interval_leaves_out_the_target(target, n, share):
    """The PHE proportion funnel is the Wilson interval turned round, so the two tests agree."""
    x = round(share * n)
    band = funnel.funnel_band(Kind.PROPORTION, target, x, n)
    side = funnel.compare(Kind.PROPORTION, x, n, target, Polarity.NEITHER).side
    lo, hi = funnel.proportion_limits(target, n)
    if min(abs(x / n - lo), abs(x / n - hi)) < 1e-9:
        return  # on a limit: either answer is right to rounding
    assert (band is Band.WITHIN) == (side is Verdict.SIMILAR)


@given(
    kind=st.sampled_from(list(Kind)),
    target=st.floats(min_value=0.01, max_value=0.9),
    small=st.integers(min_value=10, max_value=5_000),
    factor=st.integers(min_value=2, max_value=50),
)
def test_limits_narrow_as_the_size_grows(kind, target, small, factor):
    lo_small, hi_small = funnel.limits(kind, target, small, 0.95)
    lo_big, hi_big = funnel.limits(kind, target, small * factor, 0.95)
    assert lo_small <= lo_big + 1e-12 <= target + 1e-12
    assert target <= hi_big + 1e-12 <= hi_small + 1e-12
    lo998, hi998 = funnel.limits(kind, target, small, 0.998)
    assert lo998 <= lo_small + 1e-12 and hi_small <= hi998 + 1e-12


@given(
    numerator=st.integers(min_value=0, max_value=5_000),
    extra=st.integers(min_value=1, max_value=5_000),
    target=st.floats(min_value=0.01, max_value=0.99),
)
def test_mirroring_the_polarity_mirrors_the_verdict(numerator, extra, target):
    denominator = numerator + extra
    up = funnel.compare(Kind.PROPORTION, numerator, denominator, target, Polarity.HIGHER).verdict
    down = funnel.compare(Kind.PROPORTION, numerator, denominator, target, Polarity.LOWER).verdict
    swap = {Verdict.BETTER: Verdict.WORSE, Verdict.WORSE: Verdict.BETTER, Verdict.SIMILAR: Verdict.SIMILAR}
    assert down is swap[up]


def test_curve_spans_the_sizes_on_a_log_scale():
    points = funnel.curve(Kind.PROPORTION, 0.5, 10, 10_000, points=4)
    assert [round(p.size) for p in points] == [10, 100, 1000, 10000]
    assert all(p.lower_998 <= p.lower_95 <= 0.5 <= p.upper_95 <= p.upper_998 for p in points)


def test_pooled_average():
    assert funnel.pooled([(10, 100), (30, 100)]) == 0.2
    assert funnel.pooled([]) is None
