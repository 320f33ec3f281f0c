"""Funnel plots and benchmarking against a comparator (England), pure Python.

A funnel plot shows each area's figure against its size (the denominator), with
control limits around a target (the England value, or the average of the areas)
that narrow as the size grows: a figure outside the 95% limits is unusually high
or low at 95%, outside the 99.8% limits at 99.8%.

Methods
-------
[PHE]  OHID / Public Health England, Fingertips Public Health Technical Guidance,
       "Funnel plots" and "Confidence intervals"; implemented in the R package
       PHEindicatormethods (ukhsa-collaboration/PHEindicatormethods, R/Funnels.R
       and R/utils.R: ``calculate_funnel_limits``, ``sigma_adjustment``,
       ``poisson_funnel``, ``assign_funnel_significance``).
[S]    Spiegelhalter DJ. Funnel plots for comparing institutional performance.
       Statistics in Medicine 2005;24:1185-1202 (limits as a function of the
       size, drawn around a target; 95% and 99.8% as the two levels).

* Proportions: the PHE limits are the Wilson score interval turned round. For a
  size ``n`` the limits are the proportions whose 95% (or 99.8%) Wilson interval
  just reaches the target ([PHE] ``sigma_adjustment``, closed form). So a figure
  lies outside the funnel exactly when its own Wilson interval leaves out the
  target, the same test as the confidence-interval comparison below.
* Rates: exact Poisson limits ([PHE] ``poisson_funnel``). For a population ``N``
  and a target rate ``t`` per person, the expected count is ``mu = t * N``; the
  lower limit is the rate ``O / N`` of the (continuous) count ``O`` whose exact
  upper Poisson limit equals ``mu`` (``P(X <= O | mu) = alpha/2``, the upper
  tail of the regularised gamma function), the upper limit the one whose exact
  lower limit equals ``mu`` (``P(X >= O | mu) = alpha/2``). PHE computes the same
  curve parametrised by the count rather than the population, and with a
  bisection; this solves the gamma-function equation for the count instead, so
  the curve can be read at any population. Below a count the lower limit cannot
  reach (``mu < -ln(alpha/2)``) the lower limit is 0.

Better / similar / worse ([PHE] "Confidence intervals": comparisons with a
benchmark; Fingertips' "Better / Similar / Worse than England"): the figure's own
95% interval (Wilson for a proportion, exact Poisson below 10 events and Byar's
from 10 for a rate: :mod:`amhe.stats.intervals`) is compared with the England
value, treated as fixed. Interval above it: higher; below it: lower; containing
it: similar. The measure's polarity turns higher or lower into better or worse;
a measure with no better direction stays higher / similar / lower.

``confidence`` is a fraction: 0.95 or 0.998. Sizes and counts must not be
negative; a proportion's numerator may not exceed its denominator.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from scipy import optimize, special

from amhe.stats import intervals

__all__ = [
    "LEVELS",
    "Band",
    "Comparison",
    "CurvePoint",
    "Kind",
    "Polarity",
    "Verdict",
    "compare",
    "curve",
    "funnel_band",
    "limits",
    "pooled",
    "proportion_limits",
    "rate_limits",
    "verdict",
]

#: The two levels of a funnel plot ([S]; Fingertips): about 2 and 3 standard deviations.
LEVELS = (0.95, 0.998)


class Kind(StrEnum):
    PROPORTION = "proportion"
    RATE = "rate"


class Polarity(StrEnum):
    HIGHER = "higher"  # higher is better
    LOWER = "lower"  # lower is better
    NEITHER = "neither"  # no better direction (or closer to a value, which a single figure cannot tell)


class Verdict(StrEnum):
    BETTER = "better"
    SIMILAR = "similar"
    WORSE = "worse"
    HIGHER = "higher"
    LOWER = "lower"
    NOT_COMPARED = "not_compared"


class Band(StrEnum):
    """Where a figure lies on a funnel plot."""

    HIGH_998 = "above_998"
    HIGH_95 = "above_95"
    WITHIN = "within_95"
    LOW_95 = "below_95"
    LOW_998 = "below_998"


def _alpha(confidence: float) -> float:
    intervals.z_value(confidence)  # validates 0 < confidence < 1
    return (1.0 - float(confidence)) / 2.0


def _size(name: str, value: float) -> float:
    value = float(value)
    if math.isnan(value) or value <= 0:
        raise ValueError(f"{name} must be a positive number, got {value!r}")
    return value


# ---------------------------------------------------------------------------- limits


def proportion_limits(target: float, n: float, confidence: float = 0.95) -> tuple[float, float]:
    """Lower and upper funnel limits (proportions, 0 to 1) at size ``n`` around ``target``.

    [PHE] ``sigma_adjustment`` with ``p = confidence + (1 - confidence) / 2`` and
    multiplier 1, clipped to [0, 1] as ``calculate_funnel_limits`` clips to 0 and 100.
    """
    p0 = float(target)
    if not 0.0 <= p0 <= 1.0:
        raise ValueError(f"a target proportion must be between 0 and 1, got {target!r}")
    n = _size("n", n)
    z2 = intervals.z_value(confidence) ** 2
    first = p0 * (n / z2 + 1)
    root = (-8 * p0 * (n / z2 + 1)) ** 2 - 64 * (1 / z2 + 1 / n) * p0 * (n * (p0 * (n / z2 + 2) - 1) + z2 * (p0 - 1))
    adj = math.sqrt(max(root, 0.0))
    last = 1 / z2 + 1 / n
    low = (first - adj / 8) / last / n
    high = (first + adj / 8) / last / n
    return max(0.0, low), min(1.0, high)


def _count_for_upper_tail(mu: float, alpha: float) -> float:
    """The (continuous) count O with P(X <= O | mu) = alpha, i.e. Q(O + 1, mu) = alpha;
    -1 when there is none (P(X <= 0 | mu) = exp(-mu) is already above alpha)."""
    if math.exp(-mu) <= alpha:
        # P(X <= O) rises with O from exp(-mu) at O = 0 to 1: a root exists.
        high = max(10.0, mu)
        while special.gammaincc(high + 1, mu) < alpha:
            high *= 2
        return optimize.brentq(lambda o: special.gammaincc(o + 1, mu) - alpha, 0.0, high, xtol=1e-12, rtol=1e-14)
    return -1.0


def _count_for_lower_tail(mu: float, alpha: float) -> float:
    """The (continuous) count O with P(X >= O | mu) = alpha, i.e. P(O, mu) = alpha."""
    low = 1e-12
    high = max(10.0, 2 * mu + 10)
    while special.gammainc(high, mu) > alpha:
        high *= 2
    return optimize.brentq(lambda o: special.gammainc(o, mu) - alpha, low, high, xtol=1e-12, rtol=1e-14)


def rate_limits(target: float, population: float, confidence: float = 0.95) -> tuple[float, float]:
    """Lower and upper funnel limits for a rate (per person) at ``population`` around
    ``target`` (per person): exact Poisson limits as [PHE] ``poisson_funnel``.
    Multiply by 100,000 for a rate per 100,000."""
    t = float(target)
    if math.isnan(t) or t < 0:
        raise ValueError(f"a target rate cannot be negative, got {target!r}")
    population = _size("population", population)
    alpha = _alpha(confidence)
    mu = t * population
    if mu == 0:
        return 0.0, 0.0
    low_count = _count_for_upper_tail(mu, alpha)
    high_count = _count_for_lower_tail(mu, alpha)
    return max(0.0, low_count) / population, high_count / population


def limits(kind: Kind | str, target: float, size: float, confidence: float = 0.95) -> tuple[float, float]:
    """Funnel limits for either kind (proportion: 0 to 1; rate: per person)."""
    if Kind(kind) is Kind.PROPORTION:
        return proportion_limits(target, size, confidence)
    return rate_limits(target, size, confidence)


@dataclass(frozen=True, slots=True)
class CurvePoint:
    size: float
    lower_95: float
    upper_95: float
    lower_998: float
    upper_998: float


def curve(kind: Kind | str, target: float, smallest: float, largest: float, points: int = 100) -> list[CurvePoint]:
    """The funnel's limits at ``points`` sizes spread evenly on a log scale from
    ``smallest`` to ``largest`` (as [PHE] spreads its 100 plotting points), for drawing."""
    smallest = _size("smallest", smallest)
    largest = max(_size("largest", largest), smallest)
    if points < 2 or largest == smallest:
        sizes = [smallest] if largest == smallest else [smallest, largest]
    else:
        step = (math.log(largest) - math.log(smallest)) / (points - 1)
        sizes = [math.exp(math.log(smallest) + i * step) for i in range(points)]
    out = []
    for size in sizes:
        lo95, hi95 = limits(kind, target, size, 0.95)
        lo998, hi998 = limits(kind, target, size, 0.998)
        out.append(CurvePoint(size, lo95, hi95, lo998, hi998))
    return out


def funnel_band(kind: Kind | str, target: float, numerator: float, denominator: float) -> Band:
    """Where ``numerator / denominator`` lies against the funnel at its own size
    ([PHE] ``assign_funnel_significance``: outside 99.8% first, then 95%)."""
    value = _value(kind, numerator, denominator)
    lo95, hi95 = limits(kind, target, denominator, 0.95)
    lo998, hi998 = limits(kind, target, denominator, 0.998)
    if value < lo998:
        return Band.LOW_998
    if value > hi998:
        return Band.HIGH_998
    if value < lo95:
        return Band.LOW_95
    if value > hi95:
        return Band.HIGH_95
    return Band.WITHIN


# ---------------------------------------------------------------------------- comparison


def _value(kind: Kind | str, numerator: float, denominator: float) -> float:
    x = float(numerator)
    n = _size("denominator", denominator)
    if math.isnan(x) or x < 0:
        raise ValueError(f"a numerator cannot be negative, got {numerator!r}")
    if Kind(kind) is Kind.PROPORTION and x > n:
        raise ValueError(f"a numerator ({numerator}) cannot be larger than its denominator ({denominator})")
    return x / n


@dataclass(frozen=True, slots=True)
class Comparison:
    """A figure against a comparator value: its value and interval (per person or 0
    to 1), the side of the comparator its interval lies on, and the verdict."""

    value: float
    lower: float
    upper: float
    side: Verdict  # HIGHER, SIMILAR or LOWER
    verdict: Verdict
    confidence: float


def verdict(side: Verdict, polarity: Polarity | str) -> Verdict:
    """Higher / similar / lower turned into better / similar / worse by polarity."""
    polarity = Polarity(polarity)
    if side is Verdict.SIMILAR or polarity is Polarity.NEITHER:
        return side
    good = Verdict.HIGHER if polarity is Polarity.HIGHER else Verdict.LOWER
    return Verdict.BETTER if side is good else Verdict.WORSE


def compare(
    kind: Kind | str,
    numerator: float,
    denominator: float,
    comparator: float,
    polarity: Polarity | str,
    confidence: float = 0.95,
) -> Comparison:
    """Compare ``numerator / denominator`` with ``comparator`` (same scale: 0 to 1
    for a proportion, per person for a rate) by the figure's own interval."""
    value = _value(kind, numerator, denominator)
    if Kind(kind) is Kind.PROPORTION:
        estimate = intervals.proportion(numerator, denominator, confidence)
    else:
        estimate = intervals.rate(numerator, denominator, confidence, per=1)
    lower, upper = float(estimate.lower), float(estimate.upper)
    target = float(comparator)
    if lower > target:
        side = Verdict.HIGHER
    elif upper < target:
        side = Verdict.LOWER
    else:
        side = Verdict.SIMILAR
    return Comparison(value, lower, upper, side, verdict(side, polarity), float(confidence))


def pooled(figures: Sequence[tuple[float, float]]) -> float | None:
    """The average of several areas, sum of numerators over sum of denominators
    ([PHE] ``calculate_funnel_limits``' baseline); None without any denominator."""
    total = sum(d for _, d in figures)
    return None if total <= 0 else sum(x for x, _ in figures) / total
