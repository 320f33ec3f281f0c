"""Scoring a nominal group technique (NGT) session: pure Python, no Django.

Each participant ranks their top N ideas. Their first choice gets N points,
the next N - 1, and so on down to 1 point for their Nth choice; a participant
who ranks fewer than N ideas still gives N points to their first choice (the
points follow the position, not how many they chose).

An idea merged into another as a duplicate passes its points to the idea it
was merged into (following a chain of merges to the idea that survives). A
participant who ranked both an idea and its duplicate counts once for the
surviving idea, with the points of their better placing, so merging never
lets one person score an idea twice.

Ideas are ordered by total points, then by the number of participants who
ranked them, then by their number; ideas level on both points and rankers
share a place (1, 2, 2, 4).

The split by participant group shows a group only when at least
`MIN_GROUP_RANKERS` of its participants ranked (so no one's choices can be
picked out). Smaller groups are pooled as "other groups" when together they
reach that number. When they do not, showing every other group apart would give
them away (the totals minus the shown groups), so they are pooled with the
smallest shown group other than lived experience (which stays visible, the
point of the split); when no such group is left to pool them with, the results
are not split at all.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

MIN_GROUP_RANKERS = 3
OTHER_GROUPS = "other_groups"
#: The group kept apart whenever it can be: the split exists to show these voices.
LIVED_EXPERIENCE = "lived"


@dataclass(frozen=True)
class Ballot:
    """One participant's ranking: `choices` are idea ids, first choice first."""

    group: str
    choices: tuple[object, ...]


@dataclass(frozen=True)
class Tally:
    points: int = 0
    rankers: int = 0


@dataclass
class IdeaScore:
    idea: object
    points: int = 0
    rankers: int = 0
    by_group: dict[str, Tally] = field(default_factory=dict)
    place: int = 0


@dataclass(frozen=True)
class Split:
    """Which groups the results show: `groups` (in the order given, with "other
    groups" last when small groups are pooled), or none when `split` is False."""

    split: bool
    groups: tuple[str, ...]
    pooled: tuple[str, ...]  # the small groups counted in "other groups", or left unsplit
    rankers: dict[str, int]  # participants who ranked, by shown group
    # A group big enough to show that took in the small ones (first in `pooled`), if any.
    host: str | None = None


def points(position: int, n: int) -> int:
    """Points for the idea at `position` (1 = first choice) of a top-`n` ranking."""
    if not 1 <= position <= n:
        raise ValueError(f"A top-{n} ranking has no position {position}")
    return n - position + 1


def surviving(idea, merged_into: Mapping) -> object:
    """The idea `idea` ends up as after following its merges (a loop is refused)."""
    seen = {idea}
    while idea in merged_into and merged_into[idea] is not None:
        idea = merged_into[idea]
        if idea in seen:
            raise ValueError("Ideas merged into each other in a loop")
        seen.add(idea)
    return idea


def ballot_points(ballot: Ballot, n: int, merged_into: Mapping) -> dict[object, int]:
    """{surviving idea: points} for one ballot, a duplicate counting once at its best."""
    if len(ballot.choices) > n:
        raise ValueError(f"A top-{n} ranking has {len(ballot.choices)} choices")
    if len(set(ballot.choices)) != len(ballot.choices):
        raise ValueError("An idea is ranked twice in one ballot")
    given: dict[object, int] = {}
    for position, idea in enumerate(ballot.choices, start=1):
        target = surviving(idea, merged_into)
        given[target] = max(given.get(target, 0), points(position, n))
    return given


def score(
    ballots: Iterable[Ballot],
    *,
    n: int,
    ideas: Sequence = (),
    merged_into: Mapping | None = None,
    groups: Sequence[str] = (),
) -> list[IdeaScore]:
    """Every surviving idea's score, best first. `ideas` (in their own order) are
    listed even with no points; merged ones are left out. `by_group` holds a Tally
    for each of `groups` and each group found in the ballots."""
    merged_into = dict(merged_into or {})
    scores: dict[object, IdeaScore] = {}
    for idea in ideas:
        if merged_into.get(idea) is None:
            scores[idea] = IdeaScore(idea=idea)
    ballots = list(ballots)
    all_groups = list(dict.fromkeys([*groups, *(b.group for b in ballots)]))
    for ballot in ballots:
        for idea, given in ballot_points(ballot, n, merged_into).items():
            entry = scores.setdefault(idea, IdeaScore(idea=idea))
            entry.points += given
            entry.rankers += 1
            tally = entry.by_group.get(ballot.group, Tally())
            entry.by_group[ballot.group] = Tally(tally.points + given, tally.rankers + 1)
    order = {idea: i for i, idea in enumerate(scores)}
    ranked = sorted(scores.values(), key=lambda s: (-s.points, -s.rankers, order[s.idea]))
    for i, entry in enumerate(ranked):
        entry.by_group = {group: entry.by_group.get(group, Tally()) for group in all_groups}
        before = ranked[i - 1] if i else None
        level = before is not None and (before.points, before.rankers) == (entry.points, entry.rankers)
        entry.place = before.place if level else i + 1
    return ranked


def split(ballots: Iterable[Ballot], groups: Sequence[str] = (), minimum: int = MIN_GROUP_RANKERS) -> Split:
    """Which groups may be shown apart (see the module's docstring)."""
    counts = Counter(b.group for b in ballots)
    order = list(dict.fromkeys([*groups, *counts]))
    shown = [g for g in order if counts[g] >= minimum]
    small = tuple(g for g in order if 0 < counts[g] < minimum)
    pooled_count = sum(counts[g] for g in small)
    if small and pooled_count < minimum:
        hosts = [g for g in shown if g != LIVED_EXPERIENCE]
        if len(shown) < 2 or not hosts:
            return Split(split=False, groups=(), pooled=small, rankers={})
        host = min(reversed(hosts), key=lambda g: counts[g])  # the smallest; the last of equals
        shown.remove(host)
        small = (host, *small)
        pooled_count += counts[host]
    else:
        host = None
    rankers = {g: counts[g] for g in shown}
    if small:
        rankers[OTHER_GROUPS] = pooled_count
        shown.append(OTHER_GROUPS)
    return Split(split=bool(shown), groups=tuple(shown), pooled=small, rankers=rankers, host=host)


def group_tally(entry: IdeaScore, the_split: Split) -> list[Tally]:
    """The idea's tallies for the split's groups, "other groups" pooling the small ones."""
    tallies = []
    for group in the_split.groups:
        if group == OTHER_GROUPS:
            pooled = [entry.by_group.get(g, Tally()) for g in the_split.pooled]
            tallies.append(Tally(sum(t.points for t in pooled), sum(t.rankers for t in pooled)))
        else:
            tallies.append(entry.by_group.get(group, Tally()))
    return tallies
