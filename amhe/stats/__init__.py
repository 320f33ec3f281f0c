"""Pure statistics for AMHE: OHID (Fingertips) methods and disclosure control.

No Django, ORM, pandas or plotting here -- only the standard library, numpy
and scipy.special -- so the functions can be called thousands of times per
breakdown and tested without a database.

* :mod:`amhe.stats.intervals` -- proportions (Wilson), crude rates (exact
  Poisson / Byar's), rate ratios, directly standardised rates (Dobson), means
  (Student's t); each cites its OHID / PHEindicatormethods source.
* :mod:`amhe.stats.inequality` -- slope and relative index of inequality
  (``phe_sii``) and the representation ratio.
* :mod:`amhe.stats.suppression` -- small-number suppression (NHS rule,
  fewer-than-10, none), rounding, secondary suppression.
"""

from .inequality import (
    SII_DEFAULT_REPETITIONS,
    SII_DEFAULT_SEED,
    relative_inequity_index,
    relative_ranks,
    slope_index_of_inequality,
)
from .intervals import (
    CONFIDENCE_LEVELS,
    DSR_MIN_EVENTS,
    ESP2013,
    EXACT_POISSON_BELOW,
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
    wilson_intervals,
    wilson_lower,
    wilson_upper,
    z_value,
)
from .suppression import (
    RULES,
    SuppressionRule,
    display_count,
    format_count,
    get_rule,
    is_primary_suppressed,
    is_publishable,
    suppress_table,
    unprotected_margins,
)

__all__ = [
    "CONFIDENCE_LEVELS",
    "DSR_MIN_EVENTS",
    "ESP2013",
    "EXACT_POISSON_BELOW",
    "RULES",
    "SII_DEFAULT_REPETITIONS",
    "SII_DEFAULT_SEED",
    "Estimate",
    "SuppressionRule",
    "byars_lower",
    "byars_upper",
    "display_count",
    "dsr",
    "exact_poisson_lower",
    "exact_poisson_upper",
    "format_count",
    "get_rule",
    "is_primary_suppressed",
    "is_publishable",
    "mean",
    "mean_from_summary",
    "proportion",
    "rate",
    "rate_intervals",
    "rate_ratio",
    "relative_inequity_index",
    "relative_ranks",
    "slope_index_of_inequality",
    "suppress_table",
    "unprotected_margins",
    "wilson_intervals",
    "wilson_lower",
    "wilson_upper",
    "z_value",
]
