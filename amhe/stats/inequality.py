"""Measures of inequality between groups.

Sources
-------
[LL]   Low A, Low A. Measuring the gap: quantifying and comparing local health
       inequalities. J Public Health 2004;26:388-395.
[SII]  OHID / PHE. "Slope index of inequality (SII) and relative index of
       inequality (RII)", Fingertips Public Health Technical Guidance
       (formerly PHE "Calculating the slope index of inequality").
[PIM]  PHEindicatormethods (R), ``phe_sii`` and its internal helpers
       ``FindXValues`` (relative ranks) and ``SimulationFunc`` (confidence
       limits by simulation).
[CI]   OHID / PHE. "Technical Guide: Confidence Intervals", appendix 8
       (simulated confidence intervals).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Literal

import numpy as np

from .intervals import z_value

__all__ = [
    "SII_DEFAULT_REPETITIONS",
    "SII_DEFAULT_SEED",
    "SII_MAX_GROUPS",
    "SII_MIN_GROUPS",
    "relative_inequity_index",
    "relative_ranks",
    "slope_index_of_inequality",
]

#: ``phe_sii`` default number of simulations.
SII_DEFAULT_REPETITIONS = 100_000
#: Fixed seed so that the simulated limits are reproducible run to run.
SII_DEFAULT_SEED = 20040388
#: ``phe_sii`` refuses fewer than 5 or more than 100 quantiles.
SII_MIN_GROUPS = 5
SII_MAX_GROUPS = 100

ValueType = Literal["normal", "rate", "proportion"]

_SII_KEYS = ("sii", "sii_lower", "sii_upper", "rii", "rii_lower", "rii_upper")


def relative_inequity_index(share_of_cases: float | None, share_of_population: float | None) -> float | None:
    """Ratio of a group's share of cases to its share of the population.

    ``RII_e = (cases_g / cases_total) / (population_g / population_total)``

    This is the "representation ratio" (also called a disproportionality or
    relative representation ratio; e.g. "Black people are N times as likely
    to be detained as the population as a whole" in the Mental Health Act
    statistics and the NHS England Advancing Mental Health Equalities
    Strategy).  Algebraically it equals the group's rate divided by the rate
    in the whole population, ``(cases_g / population_g) / (cases_total /
    population_total)``, i.e. a rate ratio against the overall rate (not
    against the rest of the population).  1 means proportionate
    representation; above 1 over-representation, below 1 under-representation.

    Both shares must be on the same scale (both fractions, or both
    percentages).  Returns ``None`` when either share is missing or the
    population share is not > 0.  Raises ``ValueError`` for negative shares.

    No confidence interval is given here: the group is part of the total, so
    the two shares are not independent.  Use
    :func:`amhe.stats.intervals.rate_ratio` of the group against the *rest*
    of the population when an interval is needed.
    """
    if share_of_cases is None or share_of_population is None:
        return None
    cases = float(share_of_cases)
    pop = float(share_of_population)
    if math.isnan(cases) or math.isnan(pop):
        return None
    if cases < 0 or pop < 0:
        raise ValueError("shares cannot be negative")
    if pop == 0:
        return None
    return cases / pop


def relative_ranks(populations: Sequence[float]) -> np.ndarray:
    """Relative rank (ridit) of each ordered group: the midpoint of its slice
    of the cumulative population distribution.

    Group 1 with 12% of the population has rank 0.06; group 2 with 10% has
    0.12 + 0.05 = 0.17 ([SII]; PHEindicatormethods ``FindXValues``).
    """
    pops = np.asarray(populations, dtype=float)
    share = pops / pops.sum()
    return np.cumsum(share) - share / 2


def _empty() -> dict[str, float | None]:
    return dict.fromkeys(_SII_KEYS)


def _transform(values: np.ndarray, value_type: ValueType) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        if value_type == "rate":
            return np.log(values)
        if value_type == "proportion":
            return np.log(values / (1 - values))
    return values


def _back_transform(values: np.ndarray, value_type: ValueType) -> np.ndarray:
    if value_type == "rate":
        return np.exp(values)
    if value_type == "proportion":
        return 1 / (1 + np.exp(-values))
    return values


def slope_index_of_inequality(
    values: Sequence[float | None],
    populations: Sequence[float],
    confidence: float = 0.95,
    *,
    standard_errors: Sequence[float] | None = None,
    lower_95: Sequence[float] | None = None,
    upper_95: Sequence[float] | None = None,
    value_type: ValueType = "normal",
    multiplier: float = 1.0,
    repetitions: int = SII_DEFAULT_REPETITIONS,
    seed: int | None = SII_DEFAULT_SEED,
) -> dict[str, float | None]:
    """Slope index of inequality (SII) and relative index of inequality (RII).

    Method ([LL]; [SII]; PHEindicatormethods ``phe_sii``):

    1. Groups are taken **in the order given**, which must run from most to
       least deprived (IMD decile 1 = most deprived ... 10 = least deprived).
    2. Each group's relative rank ``b`` is the midpoint of its slice of the
       cumulative population; ``a`` is its population share.
    3. ``Y * sqrt(a) = alpha * sqrt(a) + beta * b * sqrt(a)`` is fitted by least
       squares without intercept (``lm(yvals ~ sqrt_a + b_sqrt_a - 1)``): a
       population-weighted regression of the value on relative rank.
    4. ``SII = beta * multiplier``: the fitted value at the least deprived end
       (rank 1) minus the fitted value at the most deprived end (rank 0).
       **Sign**: with groups ordered most -> least deprived, an indicator that
       is higher in deprived groups (e.g. mortality, detention rates) has a
       *negative* SII.  Fingertips often reports the gap as a positive number
       for such indicators; pass ``multiplier=-1`` to get that convention.
    5. ``RII = (alpha + beta) / alpha = Y1 / Y0``, the ratio of the fitted
       values at the least and most deprived ends (PHE's definition; other
       literature defines the RII as SII / mean, which this is not).  With a
       negative multiplier the RII is inverted (``phe_sii``).

    Confidence limits follow ``phe_sii`` / ``SimulationFunc`` ([CI] appendix
    8): each group's value is redrawn ``repetitions`` times from a normal
    distribution with its standard error -- on the log scale for
    ``value_type="rate"`` and the logit scale for ``"proportion"``, then back
    transformed -- the regression is refitted to every draw and the
    ``(1-confidence)/2`` and ``1-(1-confidence)/2`` order statistics are the
    limits.  A numpy generator seeded with ``seed`` (default
    :data:`SII_DEFAULT_SEED`) makes the limits reproducible; they will not be
    bit-identical to R's (different generator) but agree within simulation
    error.  Standard errors come from ``standard_errors`` or, if absent, from
    95% limits as ``(upper - lower) / (2 * 1.96)`` on the transformed scale,
    as ``phe_sii`` does.  With neither, only the point estimates are returned.

    Returns a dict with keys ``sii, sii_lower, sii_upper, rii, rii_lower,
    rii_upper``; all ``None`` when the SII cannot be calculated: fewer than 5
    or more than 100 groups (``phe_sii``'s limits), a missing value, or a
    population that is not > 0 (``phe_sii`` drops such areas).  Limits are
    ``None`` when no standard errors are available or they are not finite
    (e.g. a zero rate on the log scale).  The RII is ``None`` when the fitted
    value at rank 0 is 0.

    The SII assumes a roughly linear gradient; the function does not test
    linearity (see [SII] on checking it).
    """
    if value_type not in ("normal", "rate", "proportion"):
        raise ValueError("value_type must be 'normal', 'rate' or 'proportion'")
    if len(values) != len(populations):
        raise ValueError("values and populations must have the same length")
    z_value(confidence)  # validates confidence
    if repetitions < 1:
        raise ValueError("repetitions must be at least 1")
    k = len(values)
    if not SII_MIN_GROUPS <= k <= SII_MAX_GROUPS:
        return _empty()
    if any(v is None for v in values) or any(p is None for p in populations):
        return _empty()
    y = np.asarray(values, dtype=float)
    pops = np.asarray(populations, dtype=float)
    if not np.all(np.isfinite(y)) or not np.all(np.isfinite(pops)) or np.any(pops <= 0):
        return _empty()

    a = pops / pops.sum()
    b = relative_ranks(pops)
    sqrt_a = np.sqrt(a)
    design = np.vstack([sqrt_a, b * sqrt_a])  # 2 x k, as ``m`` in SimulationFunc
    # (X'X)^-1 X': the least-squares solution operator; applied to sqrt(a)*Y.
    solver = np.linalg.solve(design @ design.T, design)
    alpha, beta = solver @ (sqrt_a * y)

    result = _empty()
    result["sii"] = float(beta * multiplier)
    rii = None if alpha == 0 else float((alpha + beta) / alpha)
    if rii is not None and multiplier < 0:
        rii = None if rii == 0 else 1 / rii
    result["rii"] = rii

    se = _standard_errors(k, value_type, standard_errors, lower_95, upper_95)
    centre = _transform(y, value_type)
    if se is None or not np.all(np.isfinite(se)) or np.any(se < 0) or not np.all(np.isfinite(centre)):
        return result

    rng = np.random.default_rng(seed)
    draws = centre + rng.standard_normal((repetitions, k)) * se
    draws = _back_transform(draws, value_type)
    params = (draws * sqrt_a) @ solver.T  # repetitions x 2: (alpha, beta)
    sims_sii = params[:, 1] * multiplier
    upper_q = confidence + (1 - confidence) / 2
    # phe_sii: sorted results at positions round(reps*(1-q)) and round(reps*q)
    # (1-based; R's round() is round-half-even, as Python's).
    lo_pos = min(max(round(repetitions * (1 - upper_q)), 1), repetitions) - 1
    hi_pos = min(max(round(repetitions * upper_q), 1), repetitions) - 1
    result["sii_lower"], result["sii_upper"] = _order_stats(sims_sii, lo_pos, hi_pos)

    if rii is not None:
        with np.errstate(divide="ignore", invalid="ignore"):
            sims_rii = (params[:, 0] + params[:, 1]) / params[:, 0]
            if multiplier < 0:
                sims_rii = 1 / sims_rii
        if np.all(np.isfinite(sims_rii)):
            result["rii_lower"], result["rii_upper"] = _order_stats(sims_rii, lo_pos, hi_pos)
    return result


def _order_stats(sims: np.ndarray, lo_pos: int, hi_pos: int) -> tuple[float, float]:
    part = np.partition(sims, (lo_pos, hi_pos))
    return float(part[lo_pos]), float(part[hi_pos])


def _standard_errors(
    k: int,
    value_type: ValueType,
    standard_errors: Sequence[float] | None,
    lower_95: Sequence[float] | None,
    upper_95: Sequence[float] | None,
) -> np.ndarray | None:
    if standard_errors is not None:
        if len(standard_errors) != k or any(s is None for s in standard_errors):
            raise ValueError("standard_errors must have one entry per group")
        return np.asarray(standard_errors, dtype=float)
    if lower_95 is None or upper_95 is None:
        return None
    if len(lower_95) != k or len(upper_95) != k:
        raise ValueError("lower_95 and upper_95 must have one entry per group")
    if any(v is None for v in lower_95) or any(v is None for v in upper_95):
        return None
    low = _transform(np.asarray(lower_95, dtype=float), value_type)
    high = _transform(np.asarray(upper_95, dtype=float), value_type)
    # phe_sii: se = (upper_cl - lower_cl) / qnorm(0.975) / 2, hard-coded at 95%.
    return (high - low) / z_value(0.95) / 2
