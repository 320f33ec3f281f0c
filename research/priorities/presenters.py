"""What the 2C priority pages show: the impact/effort matrix and the panel's
views as they may be published.

Vote counts are figures about people, so every member sees them through the
project's small-number suppression rule (amhe.core.selectors
.suppression_rule_for; amhe.stats.suppression), as the 1B survey results and
focus-group make-up are: the three counts (support, neutral, do not support)
add up to the number of views, which is shown too, so a hidden count cannot be
worked out from the total and the others (primary and secondary suppression,
amhe.stats.suppress_table). Names are never shown.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from amhe import stats
from amhe.stats import SuppressionRule
from research.models import Priority, PriorityView
from research.models.priorities import Level

IMPACT_ROWS = [Level.HIGH, Level.MEDIUM, Level.LOW]
EFFORT_COLUMNS = [Level.LOW, Level.MEDIUM, Level.HIGH]


@dataclass
class MatrixRow:
    impact: str  # label
    cells: list[list[Priority]]


@dataclass
class Matrix:
    columns: list[str]  # effort labels
    rows: list[MatrixRow]
    empty: bool


def matrix(priorities: Iterable[Priority]) -> Matrix:
    """A 3x3 table: impact high to low down the side, effort low to high across,
    each priority in its cell in the order given."""
    cells = {(impact, effort): [] for impact in IMPACT_ROWS for effort in EFFORT_COLUMNS}
    count = 0
    for priority in priorities:
        cells[(priority.impact, priority.effort)].append(priority)
        count += 1
    return Matrix(
        columns=[f"{effort.label} effort" for effort in EFFORT_COLUMNS],
        rows=[
            MatrixRow(impact=f"{impact.label} impact", cells=[cells[(impact, effort)] for effort in EFFORT_COLUMNS])
            for impact in IMPACT_ROWS
        ],
        empty=count == 0,
    )


@dataclass(frozen=True)
class VoteCount:
    label: str
    shown: str  # the count as it may be published, or the rule's symbol


@dataclass(frozen=True)
class PanelViews:
    total: str
    counts: tuple[VoteCount, ...]
    any_hidden: bool
    given: int  # the true number of views, only to say whether there are any

    @property
    def summary(self) -> str:
        return ", ".join(f"{count.label}: {count.shown}" for count in self.counts)


def panel_views(votes: Iterable[str], rule: SuppressionRule) -> PanelViews:
    """The number of views and the count of each vote, as they may be shown."""
    tally = Counter(votes)
    counts = {vote: tally.get(vote, 0) for vote in PriorityView.Vote.values}
    total = sum(counts.values())
    hidden = stats.suppress_table(counts, [list(counts)], rule)
    shown_total = stats.format_count(total, rule)
    rows = tuple(
        VoteCount(label=label, shown=rule.symbol if hidden[vote] else stats.format_count(counts[vote], rule))
        for vote, label in PriorityView.Vote.choices
    )
    return PanelViews(total=shown_total, counts=rows, any_hidden=any(hidden.values()), given=total)


@dataclass(frozen=True)
class PriorityRow:
    priority: Priority
    views: PanelViews
    own_vote: str | None  # the viewer's own vote, if they gave one


def priority_rows(priorities: Iterable[Priority], rule: SuppressionRule, own_votes: dict) -> list[PriorityRow]:
    """Each priority with its panel views (from views prefetched with the priorities)."""
    return [
        PriorityRow(
            priority=priority,
            views=panel_views((view.vote for view in priority.views.all()), rule),
            own_vote=own_votes.get(priority.pk),
        )
        for priority in priorities
    ]


def rule_sentence(rule: SuppressionRule) -> str:
    if rule.primary_max == 0:
        return "All numbers of views are shown exactly: your organisation's rule does not hide small numbers."
    rounding = f" Other numbers are rounded to the nearest {rule.round_to}." if rule.round_to else ""
    return (
        f"To protect panel members, numbers of views from 1 to {rule.primary_max} are not shown (they show as "
        f"{rule.symbol}).{rounding} Another number may be hidden too, so that a hidden one cannot be worked out "
        "from the total."
    )
