"""Small-number disclosure control for counts shown or exported.

Every count that leaves the uploading analyst's own view -- pages seen by
other project members, exports, charts, downloads -- goes through a
:class:`SuppressionRule`.  The analyst who uploaded the data may use
``RULES["none"]``; nobody else may.

Rules
-----
``nhs``
    NHS Digital (now NHS England) statistical disclosure control as applied
    to Mental Health Services Data Set and Hospital Episode Statistics
    outputs: counts of 1 to 7 are suppressed (shown as ``*``) and all other
    counts are rounded to the nearest 5.  0 is shown as 0 (a true zero is not
    disclosive and rounding never turns a non-zero count into 0: the smallest
    count shown, 8, rounds to 10).
``nhs_lt10``
    Counts of 1 to 9 suppressed, no rounding: the common "fewer than 10"
    convention (e.g. OHID small-number practice, and the DSR threshold).
``none``
    No suppression or rounding.  Only for the uploading analyst.

Primary and secondary suppression
---------------------------------
*Primary* suppression hides the small counts themselves.  *Secondary*
(complementary) suppression stops a hidden count being recovered by
subtraction: if a margin -- a set of cells whose total is also published,
e.g. all ethnic groups of one sex, each row and each column of a two-way
table, or the grand total -- has exactly one hidden cell and its total is
shown, that cell is ``total - sum(others)``.  :func:`suppress_table` then also
hides the non-zero visible cell of that margin with the smallest *shown*
(rounded) count (ties: the first in the margin's order, so the choice
depends on nothing a reader cannot see), and repeats over all margins until nothing changes,
because hiding a cell in a row can leave a column with a single hidden cell.

Limits (read before relying on it)
----------------------------------
* With rounding to 5 (``nhs``) the published totals and cells are themselves
  rounded, so subtraction recovers a hidden value only to within the
  accumulated rounding error (each rounded number is within +/-2 of the
  truth); some inference is still possible -- e.g. a hidden cell whose
  margin's rounded total minus rounded visible cells is 3 is known to lie in
  roughly 0..9.  Rounding plus suppression is the NHS Digital standard, not a
  guarantee against every attack.
* Only the margins you pass are protected.  Totals that are not modelled as a
  margin, overlapping tables published separately, or the same data cut two
  ways on different pages ("differencing") are not detected.  Pass every
  total you publish.
* Margin totals are themselves counts and must be shown through
  :func:`display_count`: a total of 1..7 is hidden, and this module treats a
  margin whose total is hidden as not needing protection.  A margin total
  that is hidden but derivable from *other* totals (e.g. grand total minus
  the other row totals) is not modelled: model it by listing the cells of
  that larger margin too.
* The greedy choice (smallest visible cell) keeps information loss low but
  is not optimal; it is what most hand-applied NHS SDC does.
* A margin with a single cell cannot be protected by hiding another cell;
  :func:`unprotected_margins` reports any margin left with exactly one hidden
  cell and a shown total, so the caller can hide that total.

Rates, ratios and percentages
-----------------------------
A rate, proportion, ratio or index whose numerator **or denominator** is a
suppressed count is not shown either: it would let the count be recovered
(count = rate x population).  That is the caller's job; use
:func:`is_publishable` on every count that feeds a derived figure.  A derived
figure that is shown is computed from the *published* (rounded) counts and
published totals, never from the true counts: a share of the true count shown
to full precision beside its rounded count gives the true count back
(share x total), and so does a rate (rate x population / 100,000).  See
docs/adr/0008-published-figures-from-published-counts.md.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

__all__ = [
    "RULES",
    "SuppressionRule",
    "display_count",
    "format_count",
    "get_rule",
    "is_primary_suppressed",
    "is_publishable",
    "suppress_table",
    "unprotected_margins",
]


@dataclass(frozen=True, slots=True)
class SuppressionRule:
    """A small-number disclosure-control rule.

    ``primary_max``: counts from 1 to ``primary_max`` inclusive are
    suppressed; 0 is always shown.  ``round_to``: ``None`` or the base that
    every shown non-zero count is rounded to (5 for the NHS rule), half up.
    ``symbol``: what a suppressed count is shown as.
    """

    key: str
    name: str
    description: str
    primary_max: int
    round_to: int | None = None
    symbol: str = "*"

    def __post_init__(self) -> None:
        if self.primary_max < 0:
            raise ValueError("primary_max cannot be negative")
        if self.round_to is not None and self.round_to < 1:
            raise ValueError("round_to must be None or a positive integer")


RULES: dict[str, SuppressionRule] = {
    "nhs": SuppressionRule(
        key="nhs",
        name="NHS Digital rule",
        description=(
            "Counts of 1 to 7 are suppressed (shown as *); all other counts are rounded to the "
            "nearest 5. 0 is shown as 0."
        ),
        primary_max=7,
        round_to=5,
    ),
    "nhs_lt10": SuppressionRule(
        key="nhs_lt10",
        name="Fewer than 10 suppressed",
        description="Counts of 1 to 9 are suppressed (shown as *); other counts are shown unrounded.",
        primary_max=9,
        round_to=None,
    ),
    "none": SuppressionRule(
        key="none",
        name="No suppression",
        description="All counts shown exactly. Only for the analyst who uploaded the data.",
        primary_max=0,
        round_to=None,
    ),
}


def get_rule(rule: SuppressionRule | str) -> SuppressionRule:
    """The rule itself, or the rule registered in :data:`RULES` under a key."""
    if isinstance(rule, SuppressionRule):
        return rule
    try:
        return RULES[rule]
    except KeyError:
        raise ValueError(f"unknown suppression rule {rule!r}; expected one of {sorted(RULES)}") from None


def _as_count(count: float) -> float:
    value = float(count)
    if math.isnan(value) or value < 0:
        raise ValueError(f"a count must be a non-negative number, got {count!r}")
    return value


def is_primary_suppressed(count: float, rule: SuppressionRule | str) -> bool:
    """True when ``count`` is in 1..``primary_max`` (0 is never suppressed).

    Non-integer counts (e.g. fractional weights) are suppressed when
    ``0 < count < primary_max + 1``.
    """
    r = get_rule(rule)
    value = _as_count(count)
    return 0 < value < r.primary_max + 1


def is_publishable(count: float, rule: SuppressionRule | str) -> bool:
    """Whether ``count`` may be shown (and so whether a rate, proportion or
    ratio with this count as numerator or denominator may be shown)."""
    return not is_primary_suppressed(count, rule)


def display_count(count: float, rule: SuppressionRule | str) -> int | None:
    """The count as it may be shown under ``rule``; ``None`` means suppressed.

    Suppressed: 1..``primary_max``.  Otherwise rounded half up to the nearest
    ``round_to`` if the rule rounds (NHS: 8 -> 10, 12 -> 10, 13 -> 15,
    0 -> 0), else returned as an integer.  Raises ``ValueError`` for negative
    or NaN counts.
    """
    r = get_rule(rule)
    value = _as_count(count)
    if 0 < value < r.primary_max + 1:
        return None
    if r.round_to:
        return int(math.floor(value / r.round_to + 0.5)) * r.round_to
    return int(round(value))


def format_count(count: float, rule: SuppressionRule | str) -> str:
    """:func:`display_count` as text, with the rule's symbol when suppressed."""
    shown = display_count(count, rule)
    return get_rule(rule).symbol if shown is None else f"{shown:,}"


def _total_is_shown(counts: Mapping[Hashable, float], margin: Sequence[Hashable], rule: SuppressionRule) -> bool:
    return display_count(sum(counts[c] for c in margin), rule) is not None


def suppress_table(
    counts: Mapping[Hashable, float],
    margins: Iterable[Sequence[Hashable]],
    rule: SuppressionRule | str,
) -> dict[Hashable, bool]:
    """Which cells to hide: primary plus secondary suppression.

    ``counts`` maps a cell id to its true count.  ``margins`` lists groups of
    cell ids whose total is also published (see the module docstring).
    Returns ``{cell id: True if suppressed}`` for every cell in ``counts``.

    Algorithm:

    1. primary: cells with a count in 1..``rule.primary_max``;
    2. secondary: for each margin in the order given, if exactly one of its
       cells is suppressed and its total is shown (``display_count`` of the
       total is not ``None``), also suppress its smallest visible non-zero
       cell, smallest by its shown (rounded) count (ties: first in the
       margin's order); if every visible cell is 0,
       the smallest visible zero cell instead (the total then only bounds
       the pair);
    3. repeat step 2 over all margins until a full pass changes nothing.

    Deterministic for a given input order.  Every suppressed cell stays
    suppressed, so the loop ends after at most ``len(counts)`` passes.  See
    :func:`unprotected_margins` for margins that could not be protected
    (single-cell margins).  Raises ``ValueError`` for a margin naming an
    unknown cell or for negative counts.
    """
    r = get_rule(rule)
    margin_list = [list(m) for m in margins]
    for m in margin_list:
        for cell in m:
            if cell not in counts:
                raise ValueError(f"margin names unknown cell {cell!r}")
    suppressed = {cell: is_primary_suppressed(value, r) for cell, value in counts.items()}
    if r.primary_max == 0:
        return suppressed
    shown_total = [_total_is_shown(counts, m, r) for m in margin_list]

    changed = True
    while changed:
        changed = False
        for m, total_shown in zip(margin_list, shown_total, strict=True):
            if not total_shown:
                continue
            hidden = sum(1 for cell in m if suppressed[cell])
            if hidden != 1:
                continue
            visible = [(i, cell) for i, cell in enumerate(m) if not suppressed[cell]]
            if not visible:
                continue
            # Smallest by the *shown* (rounded) count, so which cell is hidden
            # says nothing about true counts that round the same way (ADR 0008).
            non_zero = [(display_count(counts[cell], r), i, cell) for i, cell in visible if counts[cell] > 0]
            pool = non_zero or [(display_count(counts[cell], r), i, cell) for i, cell in visible]
            _, _, chosen = min(pool, key=lambda item: (item[0], item[1]))
            suppressed[chosen] = True
            changed = True
    return suppressed


def unprotected_margins(
    counts: Mapping[Hashable, float],
    margins: Iterable[Sequence[Hashable]],
    suppressed: Mapping[Hashable, bool],
    rule: SuppressionRule | str,
) -> list[int]:
    """Indices of margins whose total is shown but that have exactly one
    suppressed cell -- i.e. whose hidden cell can be recovered by subtraction.

    After :func:`suppress_table` this is empty except for margins that cannot
    be protected by hiding another cell (a margin of one cell); the caller
    must then hide those margins' totals.
    """
    r = get_rule(rule)
    bad = []
    for index, margin in enumerate(margins):
        m = list(margin)
        if sum(1 for cell in m if suppressed[cell]) == 1 and _total_is_shown(counts, m, r):
            bad.append(index)
    return bad
