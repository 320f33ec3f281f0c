"""Reads of core settings that every step app shares.

Step apps read organisation settings through these functions, never through
the model fields, so that a default or a fallback is decided in one place.
"""

from amhe import stats
from amhe.stats import SuppressionRule


def suppression_rule_for(project) -> SuppressionRule:
    """The small-number suppression rule of the project's organisation.

    The NHS Digital rule unless the organisation chose another in the admin; an
    unknown key (a rule since withdrawn) also falls back to the NHS rule, so a
    figure is never shown unprotected by mistake.
    """
    return stats.RULES.get(project.organisation.suppression_rule, stats.RULES["nhs"])
