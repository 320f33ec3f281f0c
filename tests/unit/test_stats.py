"""amhe.stats against published reference values.

Reference sources used below (quoted numbers are copied from them):

[VIG]  PHEindicatormethods, vignette "Introduction to PHEindicatormethods"
       (Georgina Anderson, 2018-04-26; inst/doc/IntroductiontoPHEindicatormethods.html
       in ukhsa-collaboration/PHEindicatormethods).  Printed output of
       ``phe_proportion``, ``phe_rate`` and ``phe_mean`` on the data frame
       obs = 68, 86, 18, 29, 99, 74, 8, 94; pop = 174, 189, 179, 107, 102, 102, 155, 114.
[DSRV] PHEindicatormethods, vignette "PHEindicatormethods DSR function"
       (inst/doc/DSR-vignette.html), section "Zero deaths for a specific age band
       within a small geography": ``phe_dsr(df3, dths, pop)`` with esp2013 ->
       value 8283.016, lowercl 6570.819, uppercl 10289.65.
[CI]   OHID/PHE "Technical Guide: Confidence Intervals" (25 May 2018): "Byar's
       method is within 0.2% of the exact value for numerators of 10 or more"
       (95% limits).
[POIS] Exact 95% Poisson limits for small counts as tabulated in standard texts
       (e.g. Armitage & Berry, Statistical Methods in Medical Research):
       0 -> (0, 3.689), 1 -> (0.0253, 5.572), 9 -> (4.115, 17.08), 10 -> (4.795, 18.39).
[ESP]  Eurostat, Revision of the European Standard Population (2013): 19 bands
       summing to 100,000.

No test here touches the database.
"""

import math

import numpy as np
import pytest
from scipy import stats as scipy_stats

from amhe.stats import (
    CONFIDENCE_LEVELS,
    DSR_MIN_EVENTS,
    ESP2013,
    Estimate,
    byars_lower,
    byars_upper,
    dsr,
    exact_poisson_lower,
    exact_poisson_upper,
    mean,
    mean_from_summary,
    proportion,
    rate,
    rate_intervals,
    rate_ratio,
    relative_inequity_index,
    relative_ranks,
    slope_index_of_inequality,
    wilson_intervals,
    z_value,
)

# [VIG] input data
OBS = [68, 86, 18, 29, 99, 74, 8, 94]
POP = [174, 189, 179, 107, 102, 102, 155, 114]

# [VIG] phe_proportion(df, obs, pop): value, lowercl, uppercl (95%)
PROPORTION_95 = [
    (0.3908046, 0.32141284, 0.46491370),
    (0.4550265, 0.38563304, 0.52621164),
    (0.1005587, 0.06455836, 0.15334331),
    (0.2710280, 0.19583556, 0.36209159),
    (0.9705882, 0.91706943, 0.98994755),
    (0.7254902, 0.63189437, 0.80271793),
    (0.0516129, 0.02638210, 0.09853151),
    (0.8245614, 0.74449994, 0.88346241),
]
# [VIG] phe_proportion(df, obs, pop, confidence=99.8)
PROPORTION_998 = [
    (0.3908046, 0.28504658, 0.5079248),
    (0.4550265, 0.34795803, 0.5664210),
    (0.1005587, 0.05014823, 0.1914304),
    (0.2710280, 0.16118061, 0.4183973),
    (0.9705882, 0.86653064, 0.9940736),
    (0.7254902, 0.57419464, 0.8381782),
    (0.0516129, 0.01832319, 0.1369464),
    (0.8245614, 0.69079867, 0.9081514),
]
# [VIG] phe_rate(df, obs, pop): rate per 100,000, 95%
RATE_95_PER_100000 = [
    (39080.46, 30346.142, 49544.53),
    (45502.65, 36395.152, 56196.03),
    (10055.87, 5956.701, 15893.43),
    (27102.80, 18147.416, 38925.56),
    (97058.82, 78882.763, 118166.76),
    (72549.02, 56964.372, 91079.88),
    (5161.29, 2228.279, 10169.80),  # 8 events: "Exact" method
    (82456.14, 66631.239, 100906.46),
]
# [VIG] phe_rate(df, obs, pop, confidence=99.8, multiplier=100)
RATE_998_PER_100 = [
    (39.08046, 26.042038, 56.07105),
    (45.50265, 31.822578, 62.81142),
    (10.05587, 4.259916, 19.77478),
    (27.10280, 14.132552, 46.57906),
    (97.05882, 69.665053, 131.16634),
    (72.54902, 49.230487, 102.60273),
    (5.16129, 1.271493, 13.64916),  # 8 events: "Exact" method
    (82.45614, 58.634753, 112.28780),
]

# R prints 7 significant digits: agree to 1e-6 relative (plus a hair for rounding).
PRINTED = 1.5e-6


def close(actual, expected, rel=PRINTED):
    return actual == pytest.approx(expected, rel=rel)


# --------------------------------------------------------------------------
# z


def test_z_values_for_fingertips_levels():
    assert CONFIDENCE_LEVELS == (0.95, 0.998)
    assert z_value(0.95) == pytest.approx(1.959963984540054, rel=1e-12)
    assert z_value(0.998) == pytest.approx(3.090232306167813, rel=1e-12)


@pytest.mark.parametrize("bad", [0, 1, -0.5, 1.5, 95, 99.8])
def test_z_value_rejects_confidence_outside_unit_interval(bad):
    with pytest.raises(ValueError):
        z_value(bad)


# --------------------------------------------------------------------------
# Proportions (Wilson)


@pytest.mark.parametrize(("index", "expected"), list(enumerate(PROPORTION_95)))
def test_proportion_matches_phe_proportion_95(index, expected):
    got = proportion(OBS[index], POP[index], 0.95)
    assert close(got.value, expected[0])
    assert close(got.lower, expected[1])
    assert close(got.upper, expected[2])


@pytest.mark.parametrize(("index", "expected"), list(enumerate(PROPORTION_998)))
def test_proportion_matches_phe_proportion_998(index, expected):
    got = proportion(OBS[index], POP[index], 0.998)
    assert close(got.value, expected[0])
    assert close(got.lower, expected[1])
    assert close(got.upper, expected[2])


def test_proportion_edges():
    assert proportion(0, 0) == Estimate(None, None, None)
    zero = proportion(0, 50)
    z = z_value(0.95)
    assert zero.value == 0 and zero.lower == pytest.approx(0, abs=1e-15)
    assert zero.upper == pytest.approx(z * z / (50 + z * z))  # Wilson upper limit at x = 0
    full = proportion(50, 50, 0.998)
    assert full.value == 1 and full.upper == pytest.approx(1)
    assert 0 < full.lower < 1
    # one success in a tiny total still gives a sensible interval inside [0, 1]
    tiny = proportion(1, 2, 0.998)
    assert 0 < tiny.lower < 0.5 < tiny.upper < 1
    with pytest.raises(ValueError):
        proportion(6, 5)
    with pytest.raises(ValueError):
        proportion(-1, 5)


def test_wilson_intervals_vectorised_matches_scalar():
    x = np.array(OBS + [0, 0, 5])
    n = np.array(POP + [0, 10, 5])
    for confidence in CONFIDENCE_LEVELS:
        value, lower, upper = wilson_intervals(x, n, confidence)
        for i in range(len(x)):
            scalar = proportion(int(x[i]), int(n[i]), confidence)
            if scalar.value is None:
                assert math.isnan(value[i]) and math.isnan(lower[i]) and math.isnan(upper[i])
            else:
                assert value[i] == pytest.approx(scalar.value, rel=1e-12)
                assert lower[i] == pytest.approx(scalar.lower, rel=1e-12, abs=1e-15)
                assert upper[i] == pytest.approx(scalar.upper, rel=1e-12)
    with pytest.raises(ValueError):
        wilson_intervals([3], [2])


# --------------------------------------------------------------------------
# Crude rates (exact < 10, Byar's >= 10)


@pytest.mark.parametrize(("index", "expected"), list(enumerate(RATE_95_PER_100000)))
def test_rate_matches_phe_rate_95(index, expected):
    got = rate(OBS[index], POP[index], 0.95, per=100_000)
    assert close(got.value, expected[0])
    assert close(got.lower, expected[1])
    assert close(got.upper, expected[2])


@pytest.mark.parametrize(("index", "expected"), list(enumerate(RATE_998_PER_100)))
def test_rate_matches_phe_rate_998(index, expected):
    got = rate(OBS[index], POP[index], 0.998, per=100)
    assert close(got.value, expected[0])
    assert close(got.lower, expected[1])
    assert close(got.upper, expected[2])


@pytest.mark.parametrize(
    ("events", "lower", "upper"),
    [(0, 0.0, 3.689), (1, 0.0253, 5.572), (9, 4.115, 17.08), (10, 4.795, 18.39)],
)
def test_exact_poisson_limits_match_tables(events, lower, upper):
    assert exact_poisson_lower(events) == pytest.approx(lower, abs=5e-4)
    assert exact_poisson_upper(events) == pytest.approx(upper, rel=5e-4)


def test_exact_limits_agree_with_chi_squared_definition():
    # phe_rate: qchisq((1-c)/2, 2x)/2 and qchisq(c+(1-c)/2, 2x+2)/2
    for c in CONFIDENCE_LEVELS:
        for x in range(1, 10):
            assert exact_poisson_lower(x, c) == pytest.approx(scipy_stats.chi2.ppf((1 - c) / 2, 2 * x) / 2, rel=1e-10)
            assert exact_poisson_upper(x, c) == pytest.approx(
                scipy_stats.chi2.ppf(c + (1 - c) / 2, 2 * x + 2) / 2, rel=1e-10
            )


def test_byars_within_0_2_percent_of_exact_from_10_events():
    # [CI]: "Byar's method is within 0.2% of the exact value for numerators of 10 or more"
    for x in range(10, 2001):
        assert abs(byars_lower(x) / exact_poisson_lower(x) - 1) < 0.002
        assert abs(byars_upper(x) / exact_poisson_upper(x) - 1) < 0.002


@pytest.mark.parametrize("confidence", CONFIDENCE_LEVELS)
def test_rate_switches_method_between_9_and_10_events(confidence):
    pop = 12_345
    nine = rate(9, pop, confidence)
    assert nine.lower == pytest.approx(exact_poisson_lower(9, confidence) / pop * 100_000, rel=1e-12)
    assert nine.upper == pytest.approx(exact_poisson_upper(9, confidence) / pop * 100_000, rel=1e-12)
    ten = rate(10, pop, confidence)
    z = z_value(confidence)
    byars_low = 10 * (1 - 1 / 90 - z / (3 * math.sqrt(10))) ** 3
    byars_high = 11 * (1 - 1 / 99 + z / (3 * math.sqrt(11))) ** 3
    assert ten.lower == pytest.approx(byars_low / pop * 100_000, rel=1e-12)
    assert ten.upper == pytest.approx(byars_high / pop * 100_000, rel=1e-12)
    assert ten.lower != pytest.approx(exact_poisson_lower(10, confidence) / pop * 100_000, rel=1e-6)


def test_rate_edges():
    assert rate(5, 0) == Estimate(None, None, None)
    assert rate(5, -3) == Estimate(None, None, None)
    assert rate(0, None) == Estimate(None, None, None)
    zero = rate(0, 1000, per=1000)
    assert zero.value == 0 and zero.lower == 0
    assert zero.upper == pytest.approx(-math.log(0.025))  # 3.689 per 1000
    assert rate(0, 1000, 0.998, per=1).upper == pytest.approx(-math.log(0.001) / 1000)
    small_population = rate(3, 7)  # a tiny denominator is still a valid rate
    assert small_population.value == pytest.approx(3 / 7 * 100_000)
    assert small_population.lower < small_population.value < small_population.upper
    with pytest.raises(ValueError):
        rate(-1, 100)


def test_rate_intervals_vectorised_matches_scalar():
    events = np.array([0, 1, 8, 9, 10, 11, 68, 1045, 5])
    pops = np.array([100, 100, 155, 100, 100, 100, 174, 5000, 0])
    for confidence in CONFIDENCE_LEVELS:
        value, lower, upper = rate_intervals(events, pops, confidence, per=1000)
        for i in range(len(events)):
            scalar = rate(int(events[i]), int(pops[i]), confidence, per=1000)
            if scalar.value is None:
                assert math.isnan(value[i]) and math.isnan(lower[i]) and math.isnan(upper[i])
            else:
                assert value[i] == pytest.approx(scalar.value, rel=1e-12)
                assert lower[i] == pytest.approx(scalar.lower, rel=1e-10, abs=1e-15)
                assert upper[i] == pytest.approx(scalar.upper, rel=1e-10)


# --------------------------------------------------------------------------
# Rate ratio


@pytest.mark.parametrize("confidence", CONFIDENCE_LEVELS)
def test_rate_ratio_log_scale_interval(confidence):
    got = rate_ratio(41, 28_010, 15, 19_017, confidence)
    expected = (41 / 28_010) / (15 / 19_017)
    half = z_value(confidence) * math.sqrt(1 / 41 + 1 / 15)
    assert got.value == pytest.approx(expected, rel=1e-12)
    assert got.lower == pytest.approx(expected * math.exp(-half), rel=1e-12)
    assert got.upper == pytest.approx(expected * math.exp(half), rel=1e-12)
    # symmetric on the log scale
    assert math.log(got.value) - math.log(got.lower) == pytest.approx(math.log(got.upper) - math.log(got.value))


def test_rate_ratio_edges():
    assert rate_ratio(0, 100, 5, 100) == Estimate(0.0, None, None)
    assert rate_ratio(5, 100, 0, 100) == Estimate(None, None, None)
    assert rate_ratio(5, 0, 5, 100) == Estimate(None, None, None)
    assert rate_ratio(5, 100, 5, 0) == Estimate(None, None, None)
    assert rate_ratio(10, 100, 10, 100).value == pytest.approx(1.0)
    with pytest.raises(ValueError):
        rate_ratio(-1, 100, 5, 100)


# --------------------------------------------------------------------------
# Directly standardised rates (Dobson)

AGE_BANDS = [0, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90]
# [DSRV] pops2 and deaths2 (no deaths in the 10-14, 15-19 and 20-24 bands)
DSRV_POP = [30, 35, 35, 35, 40, 40, 45, 50, 50, 50, 60, 60, 70, 75, 70, 60, 20, 20, 15]
DSRV_DEATHS = dict(
    zip(
        [0, 5, 25, 30, 35, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90],
        [1, 1, 1, 1, 3, 3, 3, 3, 10, 10, 10, 10, 8, 8, 8, 8],
        strict=True,
    )
)


def test_esp2013_is_the_published_standard():
    assert len(ESP2013) == 19
    assert sum(ESP2013) == 100_000
    assert ESP2013[0] == 5000 and ESP2013[-1] == 1000


def test_dsr_matches_phe_dsr_vignette_95():
    deaths = [DSRV_DEATHS.get(age, 0) for age in AGE_BANDS]
    got = dsr(deaths, DSRV_POP, ESP2013, 0.95)
    assert close(got.value, 8283.016)
    assert close(got.lower, 6570.819)
    assert close(got.upper, 10289.65)
    # missing age bands given as None count as zero (phe_dsr's na.zero)
    with_none = dsr([DSRV_DEATHS.get(age) for age in AGE_BANDS], DSRV_POP)
    assert with_none == got


def test_dsr_998_uses_dobson_with_byars_total():
    # No 99.8% DSR is printed in the vignettes; check the Dobson formula term by term.
    deaths = [DSRV_DEATHS.get(age, 0) for age in AGE_BANDS]
    got = dsr(deaths, DSRV_POP, ESP2013, 0.998)
    total = sum(deaths)
    w = np.array(ESP2013, float)
    o = np.array(deaths, float)
    n = np.array(DSRV_POP, float)
    value = (o * w / n).sum() / w.sum() * 100_000
    var = (o * (w / n) ** 2).sum() / w.sum() ** 2
    assert got.value == pytest.approx(8283.016, rel=PRINTED)
    assert got.lower == pytest.approx(value + math.sqrt(var / total) * (byars_lower(total, 0.998) - total) * 1e5)
    assert got.upper == pytest.approx(value + math.sqrt(var / total) * (byars_upper(total, 0.998) - total) * 1e5)
    # wider than the published 95% interval (6570.819, 10289.65)
    assert got.lower < 6570.819 < got.value < 10289.65 < got.upper


def test_dsr_not_published_below_10_events():
    assert DSR_MIN_EVENTS == 10
    pops = [1000] * 19
    nine = [0] * 19
    nine[-1] = 9
    assert dsr(nine, pops) == Estimate(None, None, None)
    ten = [0] * 19
    ten[-1] = 10
    got = dsr(ten, pops)
    # 10 events / 1000 people in the 90+ band, weight 1000 of 100,000
    assert got.value == pytest.approx(10 / 1000 * 1000 / 100_000 * 100_000)
    assert got.lower < got.value < got.upper
    assert dsr([0] * 19, pops) == Estimate(None, None, None)


def test_dsr_of_uniform_rate_equals_crude_rate():
    # If every band has the same rate the DSR equals it, whatever the standard.
    pops = [2000 + 100 * i for i in range(19)]
    deaths = [p // 100 for p in pops]
    assert dsr(deaths, pops).value == pytest.approx(1000.0)
    assert dsr(deaths, pops, per=100).value == pytest.approx(1.0)


def test_dsr_edges():
    with pytest.raises(ValueError):
        dsr([1, 2], [10, 10, 10], [1, 1, 1])
    with pytest.raises(ValueError):
        dsr([-1] + [5] * 18, [100] * 19)
    pops = [100] * 19
    pops[3] = 0
    assert dsr([5] * 19, pops) == Estimate(None, None, None)


# --------------------------------------------------------------------------
# Means (Student's t)


def test_mean_matches_phe_mean_95():
    # [VIG] phe_mean(df, obs): value 59.5, lowercl 29.45637, uppercl 89.54363
    got = mean(OBS)
    assert got.value == pytest.approx(59.5)
    assert close(got.lower, 29.45637)
    assert close(got.upper, 89.54363)


def test_mean_matches_phe_mean_998_grouped():
    # [VIG] df grouped by year, confidence 0.998 (tibble prints 3 significant digits):
    # 2015: value_sum 201, count 4, stdev 32.1, value 50.2, lowercl -114, uppercl 214
    # 2016: value_sum 275, count 4, stdev 41.9, value 68.8, lowercl -145, uppercl 283
    y2015 = mean(OBS[:4], 0.998)
    y2016 = mean(OBS[4:], 0.998)
    assert y2015.value == pytest.approx(201 / 4)
    assert y2016.value == pytest.approx(275 / 4)
    assert y2015.lower == pytest.approx(-114, abs=0.5) and y2015.upper == pytest.approx(214, abs=0.5)
    assert y2016.lower == pytest.approx(-145, abs=0.5) and y2016.upper == pytest.approx(283, abs=0.5)


def test_mean_from_summary_matches_mean():
    data = np.array(OBS, float)
    for confidence in CONFIDENCE_LEVELS:
        assert mean_from_summary(data.mean(), data.std(ddof=1), len(data), confidence) == mean(OBS, confidence)


def test_mean_edges():
    assert mean([]) == Estimate(None, None, None)
    assert mean([4.0]) == Estimate(4.0, None, None)
    assert mean_from_summary(3.0, 1.0, 0) == Estimate(None, None, None)
    same = mean([2, 2, 2])
    assert same == Estimate(2.0, 2.0, 2.0)


# --------------------------------------------------------------------------
# Representation ratio


def test_relative_inequity_index():
    # 30% of detentions, 10% of the population: three times over-represented
    assert relative_inequity_index(0.30, 0.10) == pytest.approx(3.0)
    assert relative_inequity_index(30, 10) == pytest.approx(3.0)
    # equals the group's rate over the overall rate
    cases_g, cases_t, pop_g, pop_t = 45, 300, 12_000, 150_000
    assert relative_inequity_index(cases_g / cases_t, pop_g / pop_t) == pytest.approx(
        (cases_g / pop_g) / (cases_t / pop_t)
    )
    assert relative_inequity_index(0.1, 0) is None
    assert relative_inequity_index(None, 0.1) is None
    assert relative_inequity_index(0, 0.2) == 0
    with pytest.raises(ValueError):
        relative_inequity_index(-0.1, 0.2)


# --------------------------------------------------------------------------
# Slope index of inequality

# phe_sii's documented example (PHEindicatormethods R/SII_function.R @examples), Area1
SII_POP = [7291, 7997, 6105, 7666, 5790, 6934, 5918, 5974, 7147, 7534]
SII_VALUE = [75.9, 78.3, 83.8, 83.6, 80.5, 81.1, 81.7, 84.2, 80.6, 86.3]
SII_LOWER = [72.7, 75.3, 80.9, 80.2, 77.1, 78, 79, 81.4, 75.8, 83.2]
SII_UPPER = [79.1, 81.4, 86.8, 87.1, 83.8, 84.2, 84.4, 86.9, 85.4, 89.4]
SII_SE = [1.64, 1.58, 1.51, 1.78, 1.7, 1.56, 1.37, 1.4, 2.43, 1.57]


def weighted_regression(values, populations):
    """Independent closed form of phe_sii's lm(Y*sqrt(a) ~ sqrt(a) + b*sqrt(a) - 1):
    population-weighted least squares of Y on relative rank b."""
    a = np.asarray(populations, float) / np.sum(populations)
    b = np.cumsum(a) - a / 2
    y = np.asarray(values, float)
    b_bar, y_bar = (a * b).sum(), (a * y).sum()
    slope = (a * (b - b_bar) * (y - y_bar)).sum() / (a * (b - b_bar) ** 2).sum()
    return y_bar - slope * b_bar, slope


def test_relative_ranks_follow_phe_definition():
    # [SII] worked text: 12% of the population -> 0.06; next 10% -> 0.12 + 0.05 = 0.17
    ranks = relative_ranks([12, 10, 78])
    assert ranks[0] == pytest.approx(0.06)
    assert ranks[1] == pytest.approx(0.17)
    assert ranks[2] == pytest.approx(0.22 + 0.39)


def test_sii_exactly_linear_gradient():
    # Published worked example (dceasimR::calc_rii docs, same Low & Low regression):
    # 5 equal groups with values 60, 63, 66, 69, 72 -> SII 15, intercept 58.5.
    got = slope_index_of_inequality([60, 63, 66, 69, 72], [1, 1, 1, 1, 1])
    assert got["sii"] == pytest.approx(15.0)
    assert got["rii"] == pytest.approx((58.5 + 15) / 58.5)
    assert got["sii_lower"] is None and got["rii_upper"] is None  # no standard errors supplied


def test_sii_point_estimate_matches_weighted_regression():
    intercept, slope = weighted_regression(SII_VALUE, SII_POP)
    got = slope_index_of_inequality(SII_VALUE, SII_POP, standard_errors=SII_SE)
    assert got["sii"] == pytest.approx(slope, rel=1e-10)
    assert got["rii"] == pytest.approx((intercept + slope) / intercept, rel=1e-10)
    # life expectancy rises towards the least deprived end: positive SII
    assert got["sii"] > 0 and got["rii"] > 1


@pytest.mark.parametrize("confidence", CONFIDENCE_LEVELS)
def test_sii_simulated_limits_match_analytic_normal_limits(confidence):
    # For value_type "normal" the simulated SII is exactly normal with variance
    # sum(c_i^2 se_i^2), c = the regression's weights; the simulated order
    # statistics must agree with sii +/- z * sd within simulation error.
    a = np.asarray(SII_POP, float) / sum(SII_POP)
    b = relative_ranks(SII_POP)
    design = np.vstack([np.sqrt(a), b * np.sqrt(a)])
    weights = (np.linalg.inv(design @ design.T) @ design)[1] * np.sqrt(a)
    sd = math.sqrt(((weights * np.asarray(SII_SE)) ** 2).sum())
    got = slope_index_of_inequality(SII_VALUE, SII_POP, confidence, standard_errors=SII_SE)
    half = z_value(confidence) * sd
    tolerance = 0.02 * half if confidence == 0.95 else 0.04 * half
    assert got["sii_lower"] == pytest.approx(got["sii"] - half, abs=tolerance)
    assert got["sii_upper"] == pytest.approx(got["sii"] + half, abs=tolerance)
    assert got["rii_lower"] < got["rii"] < got["rii_upper"]


def test_sii_confidence_limits_from_95_limits_equal_those_from_se():
    # phe_sii derives se = (upper - lower) / 1.96 / 2; these example limits imply
    # almost exactly the example's standard errors ("gives the same result").
    from_se = slope_index_of_inequality(SII_VALUE, SII_POP, standard_errors=SII_SE)
    from_cl = slope_index_of_inequality(SII_VALUE, SII_POP, lower_95=SII_LOWER, upper_95=SII_UPPER)
    assert from_cl["sii"] == from_se["sii"]
    assert from_cl["sii_lower"] == pytest.approx(from_se["sii_lower"], rel=0.02)
    assert from_cl["sii_upper"] == pytest.approx(from_se["sii_upper"], rel=0.02)


def test_sii_is_reproducible_with_fixed_seed():
    first = slope_index_of_inequality(SII_VALUE, SII_POP, standard_errors=SII_SE)
    second = slope_index_of_inequality(SII_VALUE, SII_POP, standard_errors=SII_SE)
    assert first == second
    other = slope_index_of_inequality(SII_VALUE, SII_POP, standard_errors=SII_SE, seed=7)
    assert other["sii"] == first["sii"] and other["sii_lower"] != first["sii_lower"]


def test_sii_sign_convention_and_negative_multiplier():
    # Decile 1 = most deprived. A rate higher in deprived deciles gives a negative
    # SII; multiplier -1 reports the gap as positive and inverts the RII (phe_sii).
    rates = [900, 820, 760, 700, 650, 610, 580, 540, 510, 480]
    pops = [10_000] * 10
    events = [r * p / 100_000 for r, p in zip(rates, pops, strict=True)]
    low = [rate(e, p).lower for e, p in zip(events, pops, strict=True)]
    high = [rate(e, p).upper for e, p in zip(events, pops, strict=True)]
    plain = slope_index_of_inequality(rates, pops, value_type="rate", lower_95=low, upper_95=high, repetitions=20_000)
    flipped = slope_index_of_inequality(
        rates, pops, value_type="rate", lower_95=low, upper_95=high, multiplier=-1, repetitions=20_000
    )
    assert plain["sii"] < 0 and plain["rii"] < 1
    assert flipped["sii"] == pytest.approx(-plain["sii"])
    assert flipped["rii"] == pytest.approx(1 / plain["rii"])
    assert plain["sii_lower"] < plain["sii"] < plain["sii_upper"] < 0
    # same draws (same seed); phe_sii's order-statistic positions round(R*q) are
    # not exactly mirror images of each other, so the flipped limits agree to
    # within one order statistic rather than exactly.
    assert flipped["sii_lower"] == pytest.approx(-plain["sii_upper"], rel=5e-3)
    assert flipped["sii_upper"] == pytest.approx(-plain["sii_lower"], rel=5e-3)
    assert flipped["rii_lower"] == pytest.approx(1 / plain["rii_upper"], rel=5e-3)


def test_sii_proportions_use_logit_scale():
    props = [0.30, 0.28, 0.26, 0.25, 0.22, 0.20, 0.19, 0.17, 0.15, 0.12]
    n = [2000] * 10
    est = [proportion(round(p * m), m) for p, m in zip(props, n, strict=True)]
    got = slope_index_of_inequality(
        [e.value for e in est],
        n,
        0.998,
        value_type="proportion",
        lower_95=[e.lower for e in est],
        upper_95=[e.upper for e in est],
        multiplier=100,
    )
    assert got["sii"] == pytest.approx(100 * weighted_regression([e.value for e in est], n)[1])
    assert got["sii_lower"] < got["sii"] < got["sii_upper"]


def test_sii_not_calculated_for_invalid_groups():
    empty = dict.fromkeys(("sii", "sii_lower", "sii_upper", "rii", "rii_lower", "rii_upper"))
    assert slope_index_of_inequality([1, 2, 3, 4], [1, 1, 1, 1]) == empty  # phe_sii needs 5..100
    assert slope_index_of_inequality([1, 2, None, 4, 5], [1] * 5) == empty
    assert slope_index_of_inequality([1, 2, 3, 4, 5], [1, 1, 0, 1, 1]) == empty
    with pytest.raises(ValueError):
        slope_index_of_inequality([1, 2, 3, 4, 5], [1] * 4)
    with pytest.raises(ValueError):
        slope_index_of_inequality([1, 2, 3, 4, 5], [1] * 5, value_type="odds")
    # a zero rate cannot go on the log scale: point estimate yes, limits no
    zero_rate = slope_index_of_inequality(
        [0, 2, 3, 4, 5], [1] * 5, value_type="rate", standard_errors=[0.1] * 5, repetitions=1000
    )
    assert zero_rate["sii"] is not None and zero_rate["sii_lower"] is None
