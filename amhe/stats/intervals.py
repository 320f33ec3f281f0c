"""Confidence intervals for the statistics OHID publishes on Fingertips.

Every function here follows a published Office for Health Improvement and
Disparities (OHID, formerly Public Health England) method and says which one
in its docstring.  The reference implementation is the R package
PHEindicatormethods (ukhsa-collaboration/PHEindicatormethods); function names
in that package are given so a reviewer can compare line by line.

Sources
-------
[CI]   OHID / PHE Public Health Data Science. "Technical Guide: Confidence
       Intervals" (version 25 May 2018), appendices 1 (Byar's method),
       2 (chi-squared exact method), 3 (Wilson score), 4 (Dobson's method);
       now the "Confidence intervals" chapter of the Fingertips Public Health
       Technical Guidance.
[DSR]  OHID. "Technical Guide: Direct standardisation" (Fingertips Public
       Health Technical Guidance, DSR chapter).
[PIM]  PHEindicatormethods (R): ``wilson_lower``, ``wilson_upper``,
       ``byars_lower``, ``byars_upper``, ``phe_proportion``, ``phe_rate``,
       ``phe_dsr`` / ``calculate_dsr``, ``phe_mean``.
[W]    Wilson EB. Probable inference, the law of succession, and statistical
       inference. J Am Stat Assoc 1927;22:209-212.
[NA]   Newcombe RG, Altman DG. Proportions and their differences. In Altman DG
       et al. (eds) Statistics with confidence, 2nd edn. BMJ Books 2000: 46-48.
[BD]   Breslow NE, Day NE. Statistical methods in cancer research, volume II:
       The design and analysis of cohort studies. IARC 1987 (Byar's method).
[AB]   Armitage P, Berry G. Statistical methods in medical research, 4th edn.
       Blackwell 2002 (exact Poisson limits via the chi-squared distribution).
[D]    Dobson AJ, Kuulasmaa K, Eberle E, Scherer J. Confidence intervals for
       weighted sums of Poisson parameters. Stat Med 1991;10:457-462.
[RG]   Rothman KJ, Greenland S, Lash TL. Modern Epidemiology, 3rd edn.
       Lippincott 2008, ch. 14 (Wald interval for the log rate ratio).

Conventions
-----------
* ``confidence`` is a fraction in (0, 1): 0.95 or 0.998 (the two levels
  Fingertips uses; see :data:`CONFIDENCE_LEVELS`).  Percentages such as 95 are
  rejected rather than guessed at.
* Undefined results are ``None`` (in the scalar functions) or ``nan`` (in the
  numpy-vectorised ``*_intervals`` functions), never an exception: a zero
  denominator in one cell of a breakdown is data, not a bug.  Invalid input
  (negative counts, more successes than trials) raises ``ValueError``.
* Pure Python + numpy/scipy.special only: no Django, ORM, pandas or plotting.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy import special

__all__ = [
    "CONFIDENCE_LEVELS",
    "DSR_MIN_EVENTS",
    "ESP2013",
    "EXACT_POISSON_BELOW",
    "Estimate",
    "byars_lower",
    "byars_upper",
    "dsr",
    "exact_poisson_lower",
    "exact_poisson_upper",
    "mean",
    "mean_from_summary",
    "proportion",
    "rate",
    "rate_intervals",
    "rate_ratio",
    "wilson_intervals",
    "wilson_lower",
    "wilson_upper",
    "z_value",
]

#: The two confidence levels Fingertips publishes (95% and 99.8%).
CONFIDENCE_LEVELS = (0.95, 0.998)

#: Crude rates use exact Poisson limits below this many events, Byar's at or
#: above it ([CI] directory of methods; ``phe_rate`` uses ``x < 10``).
EXACT_POISSON_BELOW = 10

#: A directly standardised rate is not published when the total number of
#: events is below this ([DSR]; ``phe_dsr``: "dsr NA for total count < 10";
#: evidence: Morris JK et al. Popul Health Metr 2018;16:9).
DSR_MIN_EVENTS = 10

#: European Standard Population 2013, 19 five-year bands 0-4 ... 85-89, 90+
#: (Eurostat 2013; the ``esp2013`` data set in PHEindicatormethods).
ESP2013 = (
    5000,
    5500,
    5500,
    5500,
    6000,
    6000,
    6500,
    7000,
    7000,
    7000,
    7000,
    6500,
    6000,
    5500,
    5000,
    4000,
    2500,
    1500,
    1000,
)


@dataclass(frozen=True, slots=True)
class Estimate:
    """A point estimate with its lower and upper confidence limits.

    Any field may be ``None`` when it is undefined (for example a proportion of
    a zero total, or the limits of a rate ratio with a zero count).
    """

    value: float | None
    lower: float | None
    upper: float | None


_EMPTY = Estimate(None, None, None)


# --------------------------------------------------------------------------
# z


@lru_cache(maxsize=64)
def _z(confidence: float) -> float:
    return float(special.ndtri(confidence + (1.0 - confidence) / 2.0))


def z_value(confidence: float) -> float:
    """Two-sided standard normal critical value for ``confidence``.

    ``z = Phi^-1(confidence + (1 - confidence) / 2)``, i.e. ``qnorm`` as in
    PHEindicatormethods' internal ``zscore``:
    0.95 -> 1.959963985, 0.998 -> 3.090232306.

    Raises ``ValueError`` unless ``0 < confidence < 1``.
    """
    c = float(confidence)
    if not 0.0 < c < 1.0:
        raise ValueError(f"confidence must be a fraction strictly between 0 and 1, got {confidence!r}")
    return _z(c)


# --------------------------------------------------------------------------
# Proportions: Wilson score


def _check_count(name: str, x: float) -> float:
    x = float(x)
    if math.isnan(x) or x < 0:
        raise ValueError(f"{name} must be a non-negative number, got {x!r}")
    return x


def wilson_lower(successes: float, total: float, confidence: float = 0.95) -> float:
    """Lower Wilson score limit of a proportion ([W], [NA]; [CI] appendix 3).

    ``(2x + z^2 - z*sqrt(z^2 + 4x(1 - x/n))) / (2(n + z^2))`` -- the formula of
    PHEindicatormethods ``wilson_lower``.  ``total`` must be > 0.
    """
    z = z_value(confidence)
    x, n = float(successes), float(total)
    return (2 * x + z * z - z * math.sqrt(z * z + 4 * x * (1 - x / n))) / 2 / (n + z * z)


def wilson_upper(successes: float, total: float, confidence: float = 0.95) -> float:
    """Upper Wilson score limit of a proportion ([W], [NA]; [CI] appendix 3).

    ``(2x + z^2 + z*sqrt(z^2 + 4x(1 - x/n))) / (2(n + z^2))`` --
    PHEindicatormethods ``wilson_upper``.  ``total`` must be > 0.
    """
    z = z_value(confidence)
    x, n = float(successes), float(total)
    return (2 * x + z * z + z * math.sqrt(z * z + 4 * x * (1 - x / n))) / 2 / (n + z * z)


def proportion(successes: int, total: int, confidence: float = 0.95) -> Estimate:
    """Proportion ``successes / total`` with Wilson score limits.

    Method: Wilson score interval ([W]; [NA]), the OHID method for proportions
    ([CI] appendix 3); PHEindicatormethods ``phe_proportion`` (multiplier 1).
    The limits lie in [0, 1] and are defined for 0 and for ``total`` successes.

    * ``total == 0`` -> ``Estimate(None, None, None)``.
    * negative input or ``successes > total`` -> ``ValueError``.

    Multiply all three fields by 100 for a percentage.
    """
    x = _check_count("successes", successes)
    n = _check_count("total", total)
    if x > n:
        raise ValueError(f"successes ({successes}) cannot exceed total ({total})")
    if n == 0:
        return _EMPTY
    return Estimate(x / n, wilson_lower(x, n, confidence), wilson_upper(x, n, confidence))


def wilson_intervals(
    successes: np.ndarray | Sequence[float],
    totals: np.ndarray | Sequence[float],
    confidence: float = 0.95,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Vectorised :func:`proportion`: arrays ``(value, lower, upper)``.

    Same Wilson score formula ([W]; PHEindicatormethods ``wilson_lower`` /
    ``wilson_upper``).  Entries with ``total == 0`` are ``nan``.  Raises
    ``ValueError`` if any count is negative or any ``successes > totals``.
    """
    z = z_value(confidence)
    x = np.asarray(successes, dtype=float)
    n = np.asarray(totals, dtype=float)
    if np.any(x < 0) or np.any(n < 0):
        raise ValueError("counts must be non-negative")
    if np.any(x > n):
        raise ValueError("successes cannot exceed totals")
    with np.errstate(divide="ignore", invalid="ignore"):
        ok = n > 0
        safe_n = np.where(ok, n, 1.0)
        value = np.where(ok, x / safe_n, np.nan)
        root = z * np.sqrt(z * z + 4 * x * (1 - x / safe_n))
        denom = 2 * (safe_n + z * z)
        lower = np.where(ok, (2 * x + z * z - root) / denom, np.nan)
        upper = np.where(ok, (2 * x + z * z + root) / denom, np.nan)
    return value, lower, upper


# --------------------------------------------------------------------------
# Counts and crude rates: Byar's and exact Poisson


def byars_lower(events: float, confidence: float = 0.95) -> float:
    """Byar's approximation to the lower Poisson limit of a count ([BD]).

    ``O * (1 - 1/(9O) - z/(3 sqrt(O)))^3`` ([CI] appendix 1; PHEindicatormethods
    ``byars_lower``).  Accurate to within 0.2% of the exact limit for O >= 10
    at 95% ([CI]); use :func:`exact_poisson_lower` below that.  Returns 0 for
    ``events == 0`` and never a negative number (PHEindicatormethods returns
    NA where the approximation goes negative; 0 is the exact limit there).
    """
    o = _check_count("events", events)
    if o == 0:
        return 0.0
    z = z_value(confidence)
    return max(0.0, o * (1 - 1 / (9 * o) - z / (3 * math.sqrt(o))) ** 3)


def byars_upper(events: float, confidence: float = 0.95) -> float:
    """Byar's approximation to the upper Poisson limit of a count ([BD]).

    ``(O+1) * (1 - 1/(9(O+1)) + z/(3 sqrt(O+1)))^3`` ([CI] appendix 1;
    PHEindicatormethods ``byars_upper``).
    """
    o = _check_count("events", events) + 1
    z = z_value(confidence)
    return o * (1 - 1 / (9 * o) + z / (3 * math.sqrt(o))) ** 3


def exact_poisson_lower(events: float, confidence: float = 0.95) -> float:
    """Exact lower Poisson limit of a count ([AB]; [CI] appendix 2).

    ``chi2_inv(alpha/2, 2O) / 2`` -- as ``phe_rate`` computes
    ``qchisq((1-confidence)/2, 2*x)/2``; evaluated as the inverse regularised
    incomplete gamma function.  0 for ``events == 0``.
    """
    o = _check_count("events", events)
    if o == 0:
        return 0.0
    z_value(confidence)  # validates
    return float(special.gammaincinv(o, (1 - confidence) / 2))


def exact_poisson_upper(events: float, confidence: float = 0.95) -> float:
    """Exact upper Poisson limit of a count ([AB]; [CI] appendix 2).

    ``chi2_inv(1 - alpha/2, 2O + 2) / 2`` -- ``phe_rate``'s
    ``qchisq(confidence+(1-confidence)/2, 2*x+2)/2``.  For ``events == 0`` at
    95% this is -ln(0.025) = 3.689.
    """
    o = _check_count("events", events)
    z_value(confidence)  # validates
    return float(special.gammaincinv(o + 1, confidence + (1 - confidence) / 2))


def rate(events: float, population: float, confidence: float = 0.95, per: float = 100_000) -> Estimate:
    """Crude rate ``events / population * per`` with OHID confidence limits.

    Method ([CI] directory of methods; PHEindicatormethods ``phe_rate``):
    exact Poisson limits from the chi-squared distribution ([AB]) when
    ``events < 10``, Byar's approximation ([BD]) when ``events >= 10``.  The
    limits of the count are divided by the population and multiplied by
    ``per``; the population is treated as fixed.

    * ``population <= 0`` (or missing) -> ``Estimate(None, None, None)``.
    * ``events < 0`` -> ``ValueError``.
    * ``events == 0`` -> value 0, lower 0, upper 3.689/population*per at 95%.
    """
    o = _check_count("events", events)
    if population is None or not population > 0:
        return _EMPTY
    scale = per / float(population)
    if o < EXACT_POISSON_BELOW:
        low, high = exact_poisson_lower(o, confidence), exact_poisson_upper(o, confidence)
    else:
        low, high = byars_lower(o, confidence), byars_upper(o, confidence)
    return Estimate(o * scale, low * scale, high * scale)


def rate_intervals(
    events: np.ndarray | Sequence[float],
    populations: np.ndarray | Sequence[float],
    confidence: float = 0.95,
    per: float = 100_000,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Vectorised :func:`rate`: arrays ``(value, lower, upper)``.

    Same method as :func:`rate` ([CI]; ``phe_rate``): exact chi-squared limits
    below 10 events, Byar's at 10 or more.  Entries whose population is not
    > 0 are ``nan``.  Raises ``ValueError`` for negative events.
    """
    z = z_value(confidence)
    o = np.asarray(events, dtype=float)
    p = np.asarray(populations, dtype=float)
    if np.any(o < 0) or np.any(np.isnan(o)):
        raise ValueError("events must be non-negative numbers")
    with np.errstate(divide="ignore", invalid="ignore"):
        ok = p > 0
        scale = np.where(ok, per / np.where(ok, p, 1.0), np.nan)
        small = o < EXACT_POISSON_BELOW
        # exact (chi-squared) limits
        ex_low = np.where(o > 0, special.gammaincinv(np.where(o > 0, o, 1.0), (1 - confidence) / 2), 0.0)
        ex_high = special.gammaincinv(o + 1, confidence + (1 - confidence) / 2)
        # Byar's
        safe_o = np.where(o > 0, o, 1.0)
        by_low = np.maximum(0.0, safe_o * (1 - 1 / (9 * safe_o) - z / (3 * np.sqrt(safe_o))) ** 3)
        o1 = o + 1
        by_high = o1 * (1 - 1 / (9 * o1) + z / (3 * np.sqrt(o1))) ** 3
        lower = np.where(small, ex_low, by_low) * scale
        upper = np.where(small, ex_high, by_high) * scale
        value = o * scale
    return value, lower, upper


# --------------------------------------------------------------------------
# Rate ratio


def rate_ratio(
    events_a: float,
    population_a: float,
    events_b: float,
    population_b: float,
    confidence: float = 0.95,
) -> Estimate:
    """Ratio of two crude rates, ``(a / pa) / (b / pb)``, with log-scale limits.

    Method: the standard large-sample (Wald) interval for the log rate ratio of
    two independent Poisson counts, ``exp(ln RR +/- z * sqrt(1/a + 1/b))``
    ([RG] ch. 14; the variance of ln(count) is approximately 1/count).  Group
    ``b`` is the comparator (for a group against "all other people", pass the
    complement, not the total that contains ``a``: the formula assumes the two
    counts are independent).  A statistician should note that with small
    counts this interval is approximate; Fingertips itself compares areas by
    overlapping intervals rather than by ratios.

    Edge cases (documented choice):

    * either population <= 0, or ``b == 0`` -> ``Estimate(None, None, None)``
      (a rate is undefined or the ratio is infinite);
    * ``a == 0`` (``b > 0``) -> ``Estimate(0.0, None, None)``: the ratio is 0
      but the log-scale interval is undefined;
    * negative counts -> ``ValueError``.
    """
    a = _check_count("events_a", events_a)
    b = _check_count("events_b", events_b)
    if population_a is None or population_b is None or not (population_a > 0 and population_b > 0):
        return _EMPTY
    if b == 0:
        return _EMPTY
    ratio = (a / float(population_a)) / (b / float(population_b))
    if a == 0:
        return Estimate(0.0, None, None)
    half = z_value(confidence) * math.sqrt(1 / a + 1 / b)
    log_ratio = math.log(ratio)
    return Estimate(ratio, math.exp(log_ratio - half), math.exp(log_ratio + half))


# --------------------------------------------------------------------------
# Directly standardised rates: Dobson


def dsr(
    events_by_band: Sequence[float | None],
    population_by_band: Sequence[float],
    standard_by_band: Sequence[float] = ESP2013,
    confidence: float = 0.95,
    per: float = 100_000,
) -> Estimate:
    """Directly age-standardised rate with Dobson confidence limits.

    Method ([DSR]; [CI] appendix 4; PHEindicatormethods ``phe_dsr`` /
    ``calculate_dsr`` with independent events):

    * ``DSR = sum(w_i * O_i / n_i) / sum(w_i) * per`` where ``w_i`` is the
      standard population, ``O_i`` events and ``n_i`` population in band i;
    * ``var(DSR) = sum(w_i^2 * O_i / n_i^2) / sum(w_i)^2``;
    * limits (Dobson et al. 1991 [D]) with ``O = sum(O_i)``:
      ``DSR + sqrt(var(DSR) / O) * (O_lower - O) * per`` and likewise for the
      upper limit, where ``O_lower`` / ``O_upper`` are Byar's limits for the
      total count ([BD]) -- exactly what ``phe_dsr`` does (Byar's is always
      used because DSRs on fewer than 10 events are not published).

    Returns ``Estimate(None, None, None)`` -- "not published" -- when the total
    number of events is below :data:`DSR_MIN_EVENTS` (10), as OHID guidance
    and ``phe_dsr`` do, or when any band has a population that is not > 0
    (the band's rate, and so the DSR, is undefined).  ``None`` events in a
    band count as 0 (as ``phe_dsr``'s ``na.zero``).  The three sequences must
    be in the same band order; the default standard is :data:`ESP2013`.
    Raises ``ValueError`` for mismatched lengths or negative events.
    """
    if not (len(events_by_band) == len(population_by_band) == len(standard_by_band)):
        raise ValueError("events, populations and standard populations must have the same number of bands")
    events = [0.0 if e is None else _check_count("events", e) for e in events_by_band]
    total = sum(events)
    if total < DSR_MIN_EVENTS:
        return _EMPTY
    if any(p is None or not p > 0 for p in population_by_band):
        return _EMPTY
    weighted = 0.0
    sq = 0.0
    for o, n, w in zip(events, population_by_band, standard_by_band, strict=True):
        ratio = float(w) / float(n)
        weighted += o * ratio
        sq += o * ratio * ratio
    total_std = float(sum(standard_by_band))
    value = weighted / total_std * per
    var = sq / total_std**2
    factor = math.sqrt(var / total) * per
    lower = value + factor * (byars_lower(total, confidence) - total)
    upper = value + factor * (byars_upper(total, confidence) - total)
    return Estimate(value, lower, upper)


# --------------------------------------------------------------------------
# Means: Student's t


def mean_from_summary(mean: float, sd: float, n: int, confidence: float = 0.95) -> Estimate:
    """Mean with Student's t limits from a summary (mean, sample SD, n).

    ``mean +/- t(1 - alpha/2, n - 1) * sd / sqrt(n)`` ([CI] directory of
    methods; PHEindicatormethods ``phe_mean``, which uses ``qt`` and the
    sample standard deviation ``sd`` with n - 1 denominator).

    * ``n == 0`` -> ``Estimate(None, None, None)``;
    * ``n == 1`` -> the value with ``None`` limits (no variance estimate).
    """
    if n is None or n <= 0:
        return _EMPTY
    if n == 1 or sd is None:
        return Estimate(float(mean), None, None)
    z_value(confidence)  # validates
    t = float(special.stdtrit(n - 1, confidence + (1 - confidence) / 2))
    half = t * float(sd) / math.sqrt(n)
    return Estimate(float(mean), float(mean) - half, float(mean) + half)


def mean(values: Sequence[float], confidence: float = 0.95) -> Estimate:
    """Arithmetic mean of ``values`` with Student's t confidence limits.

    Method as :func:`mean_from_summary` ([CI]; ``phe_mean``), using the sample
    standard deviation (n - 1 denominator).  Empty input -> all ``None``; one
    value -> the value with ``None`` limits.
    """
    data = np.asarray(values, dtype=float)
    n = int(data.size)
    if n == 0:
        return _EMPTY
    m = float(data.mean())
    sd = float(data.std(ddof=1)) if n > 1 else None
    return mean_from_summary(m, sd, n, confidence)
