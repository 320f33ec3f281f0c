"""Statistical process control: XmR charts in NHS England's "Making Data Count" method.

Pure: the standard library only, so Evaluate's charts, the board reports and the
``spc`` command all compute a series the same way, without a database.

The method (NHS England and NHS Improvement, "Making Data Count: strengthening your
decisions", 2019, and its SPC guidance; the rules as NHS-R's NHSRplotthedots package
applies them, with the differences noted below):

* the centre line is the mean of the points (of each segment, see rebasing);
* a moving range is the absolute difference between a point and the one before it,
  and the process limits are the mean +/- 2.66 x the mean moving range;
* moving-range screening: a moving range at or above 3.267 x the mean moving range
  is left out and the mean moving range worked out again from the rest. It is on by
  default and can be switched off, because NHS England's Excel tools do not screen;
* "near" lines are two thirds of the way from the mean to each limit;
* special-cause rules, in priority order (each point records the first that flags it):
  1. ``outside_limits``: a point above the upper or below the lower process limit;
  2. ``trend``: 7 points (configurable) each higher, or each lower, than the one
     before; a point equal to the one before breaks it; every point of the run is flagged;
  3. ``two_in_three``: two of three consecutive points beyond the same near line
     (both above the upper one or both below the lower one); only those points are
     flagged. (NHSRplotthedots also asks the third point to be on the same side of
     the mean; the issue this implements does not, so neither does this module.)
  4. ``shift``: 7 points (configurable) in a row on the same side of the mean; a point
     exactly on the mean breaks the run; every point of the run is flagged;
* a flagged point is a special cause of improvement or of concern according to the
  measure's polarity (higher is better, lower is better), or neutral when neither is:
  a point of a trend by the trend's direction (a rising trend is an improvement where
  higher is better, even while below the mean), any other by its side of the mean;
* rebasing at chosen dates: the limits and the rules start again from each date;
* limits worked out from fewer than 12 points are "trial limits".

The variation icon reads the last point; the assurance icon compares the target with
the last segment's process limits (target beyond the limit on the good side: the
process consistently passes; beyond the one on the bad side: consistently fails;
between them: inconsistent; nothing without a target or with neutral polarity).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

#: Process limits sit this many mean moving ranges from the mean (3 / d2, d2 = 1.128).
LIMIT_FACTOR = 2.66
#: A moving range at or above this many mean moving ranges is screened out (D4 for n = 2).
SCREEN_FACTOR = 3.267
#: Limits from fewer points than this are trial limits.
TRIAL_BELOW = 12


class Polarity(StrEnum):
    INCREASE = "increase"  # higher is better
    DECREASE = "decrease"  # lower is better
    NEUTRAL = "neutral"


class PointType(StrEnum):
    COMMON_CAUSE = "common_cause"
    IMPROVEMENT = "special_cause_improvement"
    CONCERN = "special_cause_concern"
    NEUTRAL = "special_cause_neutral"


class Rule(StrEnum):
    OUTSIDE_LIMITS = "outside_limits"
    TREND = "trend"
    TWO_IN_THREE = "two_in_three"
    SHIFT = "shift"


class Assurance(StrEnum):
    CONSISTENT_PASS = "consistent_pass"  # noqa: S105 - not a password
    CONSISTENT_FAIL = "consistent_fail"
    INCONSISTENT = "inconsistent"


@dataclass(frozen=True)
class Options:
    polarity: Polarity = Polarity.INCREASE
    screen: bool = True
    trend_length: int = 7
    shift_length: int = 7
    target: float | None = None

    def __post_init__(self):
        object.__setattr__(self, "polarity", Polarity(self.polarity))
        for name in ("trend_length", "shift_length"):
            if getattr(self, name) < 2:
                raise ValueError(f"{name.replace('_', ' ')} must be at least 2 points")
        if self.target is not None and not math.isfinite(self.target):
            raise ValueError("The target must be a number")


@dataclass(frozen=True)
class Point:
    index: int
    value: float
    segment: int
    mean: float
    lpl: float
    upl: float
    near_lpl: float
    near_upl: float
    moving_range: float | None
    point_type: PointType
    rule: Rule | None
    trial: bool
    # "high" or "low": the side of the mean, or for a point of a trend the trend's direction.
    direction: str = "high"

    @property
    def side(self) -> str:
        """Where the point sits against its mean: "high", "low" or "on" the mean."""
        return "high" if self.value > self.mean else "low" if self.value < self.mean else "on"


@dataclass(frozen=True)
class Segment:
    start: int  # index of its first point
    end: int  # index after its last point
    mean: float
    mean_moving_range: float
    screened_out: int  # moving ranges left out by screening
    trial: bool

    @property
    def lpl(self) -> float:
        return self.mean - LIMIT_FACTOR * self.mean_moving_range

    @property
    def upl(self) -> float:
        return self.mean + LIMIT_FACTOR * self.mean_moving_range


@dataclass(frozen=True)
class Chart:
    points: list[Point]
    segments: list[Segment]
    options: Options
    variation: str = field(default="")
    assurance: Assurance | None = None

    def as_dict(self, dates: Sequence[Any] | None = None) -> dict:
        """The chart as plain data (the ``spc`` command's JSON)."""
        rows = []
        for point in self.points:
            row = {
                "date": (dates[point.index] if dates is not None else point.index),
                "value": point.value,
                "mean": point.mean,
                "lpl": point.lpl,
                "upl": point.upl,
                "near_lpl": point.near_lpl,
                "near_upl": point.near_upl,
                "point_type": str(point.point_type),
                "rule": str(point.rule) if point.rule else None,
                "trial_limits": point.trial,
            }
            rows.append(row)
        return {
            "points": rows,
            "variation": self.variation,
            "assurance": str(self.assurance) if self.assurance else None,
            "screening": self.options.screen,
            "polarity": str(self.options.polarity),
            "target": self.options.target,
        }


def mean_moving_range(values: Sequence[float], *, screen: bool = True) -> tuple[float, int]:
    """The mean moving range of `values` and how many moving ranges screening left out."""
    ranges = [abs(b - a) for a, b in zip(values, values[1:], strict=False)]
    if not ranges:
        raise ValueError("At least two points are needed for a moving range")
    average = math.fsum(ranges) / len(ranges)
    if not screen or average == 0:
        return average, 0
    kept = [r for r in ranges if r < SCREEN_FACTOR * average]
    return math.fsum(kept) / len(kept), len(ranges) - len(kept)


def _segment(values: Sequence[float], start: int, end: int, screen: bool) -> Segment:
    part = values[start:end]
    centre = math.fsum(part) / len(part)
    spread, screened = mean_moving_range(part, screen=screen)
    return Segment(start, end, centre, spread, screened, trial=len(part) < TRIAL_BELOW)


def _runs(flags: list[int], length: int) -> list[bool]:
    """Which positions belong to a run of at least `length` equal, non-zero flags."""
    marked = [False] * len(flags)
    start = 0
    for i in range(1, len(flags) + 1):
        if i == len(flags) or flags[i] != flags[start]:
            if flags[start] != 0 and i - start >= length:
                for j in range(start, i):
                    marked[j] = True
            start = i
    return marked


def _segment_rules(values: Sequence[float], segment: Segment, options: Options) -> tuple[list[Rule | None], list[int]]:
    """Each point's first special-cause rule (or None), and the direction of the trend
    each point belongs to (0 if none)."""
    part = values[segment.start : segment.end]
    n = len(part)
    upl, lpl = segment.upl, segment.lpl
    near = (2 / 3) * (segment.upl - segment.mean)
    near_upl, near_lpl = segment.mean + near, segment.mean - near

    outside = [v > upl or v < lpl for v in part]
    # Trend: a run of `trend_length` points each strictly above (or below) the one before.
    steps = [0] + [(b > a) - (b < a) for a, b in zip(part, part[1:], strict=False)]
    trend = [0] * n  # +1 a point of a rising run, -1 of a falling one
    start = 1
    for i in range(2, n + 1):
        if i == n or steps[i] != steps[start]:
            # steps[start:i] are equal: points start-1 .. i-1 rise (or fall) throughout.
            if steps[start] != 0 and (i - start) + 1 >= options.trend_length:
                for j in range(start - 1, i):
                    trend[j] = trend[j] or steps[start]
            start = i
    # Two in three beyond the same near line: flag only the points beyond it.
    beyond = [1 if v > near_upl else -1 if v < near_lpl else 0 for v in part]
    two_in_three = [False] * n
    for i in range(n):
        window = range(i, min(i + 3, n))
        for side in (1, -1):
            hits = [j for j in window if beyond[j] == side]
            if len(hits) >= 2:
                for j in hits:
                    two_in_three[j] = True
    # Shift: a run of `shift_length` points on one side of the mean; on the mean breaks it.
    sides = [(v > segment.mean) - (v < segment.mean) for v in part]
    shift = _runs(sides, options.shift_length)

    rules: list[Rule | None] = []
    for i in range(n):
        for rule, flags in (
            (Rule.OUTSIDE_LIMITS, outside),
            (Rule.TREND, trend),
            (Rule.TWO_IN_THREE, two_in_three),
            (Rule.SHIFT, shift),
        ):
            if flags[i]:
                rules.append(rule)
                break
        else:
            rules.append(None)
    return rules, trend


def _point_type(value: float, mean: float, rule: Rule | None, polarity: Polarity, direction: int) -> PointType:
    """A point of a trend is typed by the trend's `direction` (+1 rising, -1 falling);
    any other flagged point by its side of the mean."""
    if rule is None:
        return PointType.COMMON_CAUSE
    if polarity == Polarity.NEUTRAL:
        return PointType.NEUTRAL
    high = direction > 0 if rule == Rule.TREND else value > mean
    good = high if polarity == Polarity.INCREASE else not high
    return PointType.IMPROVEMENT if good else PointType.CONCERN


def variation_of(point: Point, polarity: Polarity) -> str:
    """The variation icon's name from the last point: common cause, or special cause
    of improvement, concern or neither, high or low."""
    if point.point_type == PointType.COMMON_CAUSE:
        return "common_cause"
    return f"{point.point_type}_{point.direction}"


def assurance_of(segment: Segment, options: Options) -> Assurance | None:
    if options.target is None or options.polarity == Polarity.NEUTRAL:
        return None
    increasing = options.polarity == Polarity.INCREASE
    if options.target > segment.upl:
        return Assurance.CONSISTENT_FAIL if increasing else Assurance.CONSISTENT_PASS
    if options.target < segment.lpl:
        return Assurance.CONSISTENT_PASS if increasing else Assurance.CONSISTENT_FAIL
    return Assurance.INCONSISTENT


def xmr(values: Sequence[float], *, options: Options = Options(), rebase_at: Sequence[int] = ()) -> Chart:
    """An XmR chart of `values` (in time order). `rebase_at` lists the indexes at which
    the limits and rules start again; each segment needs at least two points."""
    values = [float(v) for v in values]
    if any(not math.isfinite(v) for v in values):
        raise ValueError("Every value must be a finite number")
    if len(values) < 2:
        raise ValueError("At least two points are needed for an XmR chart")
    starts = sorted(set(rebase_at) | {0})
    if any(not 0 <= s < len(values) for s in starts):
        raise ValueError("A rebase falls outside the series")
    bounds = [*starts, len(values)]
    segments = []
    for number, (start, end) in enumerate(zip(bounds, bounds[1:], strict=False)):
        if end - start < 2:
            raise ValueError(
                f"Segment {number + 1} (from point {start + 1}) has fewer than two points: move or remove that rebase"
            )
        segments.append(_segment(values, start, end, options.screen))

    points: list[Point] = []
    for number, segment in enumerate(segments):
        rules, trends = _segment_rules(values, segment, options)
        near = (2 / 3) * (segment.upl - segment.mean)
        for offset, rule in enumerate(rules):
            i = segment.start + offset
            value = values[i]
            if rule == Rule.TREND:
                direction = trends[offset]
            else:
                direction = 1 if value > segment.mean else -1
            point_type = _point_type(value, segment.mean, rule, options.polarity, direction)
            points.append(
                Point(
                    index=i,
                    value=value,
                    segment=number,
                    mean=segment.mean,
                    lpl=segment.lpl,
                    upl=segment.upl,
                    near_lpl=segment.mean - near,
                    near_upl=segment.mean + near,
                    moving_range=None if offset == 0 else abs(value - values[i - 1]),
                    point_type=point_type,
                    rule=rule,
                    trial=segment.trial,
                    direction="high" if direction > 0 else "low",
                )
            )
    return Chart(
        points=points,
        segments=segments,
        options=options,
        variation=variation_of(points[-1], options.polarity),
        assurance=assurance_of(segments[-1], options),
    )
