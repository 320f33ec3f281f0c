"""Risk scoring on the 5 x 5 NHS risk matrix (3C). Pure Python: no Django.

Score = likelihood x consequence (impact), each rated 1 to 5, so a score is one
of the 14 products 1, 2, 3, 4, 5, 6, 8, 9, 10, 12, 15, 16, 20, 25. The bands
and the descriptors are those of the National Patient Safety Agency's "A risk
matrix for risk managers" (NPSA, January 2008), which most NHS trusts' risk
management policies adopt: 1-3 low, 4-6 moderate, 8-12 high, 15-25 extreme.
Likelihood: 1 rare, 2 unlikely, 3 possible, 4 likely, 5 almost certain.
Consequence: 1 negligible, 2 minor, 3 moderate, 4 major, 5 catastrophic.
(Some trusts call the 15-25 band "significant" or "very high"; the cut points
are the same.)
"""

from __future__ import annotations

from dataclasses import dataclass

RATINGS = (1, 2, 3, 4, 5)
LIKELIHOOD = {1: "Rare", 2: "Unlikely", 3: "Possible", 4: "Likely", 5: "Almost certain"}
IMPACT = {1: "Negligible", 2: "Minor", 3: "Moderate", 4: "Major", 5: "Catastrophic"}


@dataclass(frozen=True)
class Band:
    code: str
    label: str
    lowest: int
    highest: int
    tag: str  # the NHS.UK tag class the band is shown with (always with its label)


BANDS: tuple[Band, ...] = (
    Band("low", "Low", 1, 3, "nhsuk-tag--green"),
    Band("moderate", "Moderate", 4, 6, "nhsuk-tag--yellow"),
    Band("high", "High", 8, 12, "nhsuk-tag--orange"),
    Band("extreme", "Extreme", 15, 25, "nhsuk-tag--red"),
)
SCORES = frozenset(likelihood * impact for likelihood in RATINGS for impact in RATINGS)


def check_rating(value, what: str = "Likelihood") -> int:
    """`value` as a rating from 1 to 5, or ValueError saying what is wrong."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{what} must be a whole number from 1 to 5")
    if value not in RATINGS:
        raise ValueError(f"{what} must be from 1 to 5")
    return value


def score(likelihood: int, impact: int) -> int:
    """Likelihood x impact, each checked to be from 1 to 5."""
    return check_rating(likelihood, "Likelihood") * check_rating(impact, "Impact")


def band(value: int) -> Band:
    """The band of a score on the matrix; ValueError for a number no cell has (7, 11, 26...)."""
    if value not in SCORES:
        raise ValueError(f"{value} is not a score on the 5 x 5 matrix")
    return next(item for item in BANDS if item.lowest <= value <= item.highest)


def matrix() -> list[list[tuple[int, int, int, Band]]]:
    """The matrix's cells as rows of (likelihood, impact, score, band), likelihood 5
    (almost certain) at the top and impact 1 (negligible) on the left, as it is printed."""
    return [[(lk, im, lk * im, band(lk * im)) for im in RATINGS] for lk in reversed(RATINGS)]
