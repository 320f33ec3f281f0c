"""Scoring PREMs and PROMs, pure Python (no Django): an instrument's definition
as a plain dict (JSON, as stored on a survey's copy of the instrument), checked
by :func:`problems`, and one response's score by :func:`score`.

A definition::

    {"name": "PHQ-9", "stem": "...", "items": ["...", ...],
     "options": [{"label": "Not at all", "score": 0}, ...],   # every item's answers; "score": None
                                                               # for an answer that is not scored
                                                               # ("Don't know")
     "method": "sum" | "mean" | "share",
     "reverse": [0-based item numbers],                        # sum and mean: scored the other way
     "max_missing": 1,                                         # items that may be left unanswered
     "bands": [{"low": 0, "high": 4, "label": "Minimal"}, ...],  # sum only, covering the range
     "positive": [0, 1],                                       # share: the answers that count as positive
     "higher_is_better": false}

Missing items (our rule, not the instruments' authors'): a response with more
than `max_missing` items unanswered gets no score. A sum with some items
unanswered (at most `max_missing`) is prorated: the mean of the answered items
times the number of items, rounded to the nearest whole number (halves up), so
it stays a whole number in the instrument's range. A mean is the mean of the
answered items. A share instrument has one item: its answer is positive, not
positive, or (unanswered or an answer that is not scored, such as "Don't
know") left out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

SUM, MEAN, SHARE = "sum", "mean", "share"
METHODS = (SUM, MEAN, SHARE)
MAX_ITEMS = 40
MAX_OPTIONS = 11


@dataclass(frozen=True)
class Score:
    """One response's result: `value` (the score, or 1.0 / 0.0 for a share
    instrument's positive / not positive answer), None when there is no score."""

    value: float | None
    answered: int
    band: str = ""

    @property
    def scored(self) -> bool:
        return self.value is not None


def scored_options(definition: dict) -> list[int]:
    return [o["score"] for o in definition["options"] if o.get("score") is not None]


def score_range(definition: dict) -> tuple[float, float]:
    """The lowest and highest score a response can have."""
    if definition["method"] == SHARE:
        return 0.0, 1.0
    scores = scored_options(definition)
    low, high = min(scores), max(scores)
    if definition["method"] == SUM:
        n = len(definition["items"])
        return float(low * n), float(high * n)
    return float(low), float(high)


def band_of(definition: dict, value: float | None) -> str:
    if value is None:
        return ""
    for band in definition.get("bands") or []:
        if band["low"] <= value <= band["high"]:
            return band["label"]
    return ""


def _round_half_up(value: float) -> int:
    return int(Decimal(repr(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def score(definition: dict, answers: Sequence[int | None]) -> Score:
    """The score of one response from its answers: for each item, the index of
    the option chosen, or None when the item was not answered."""
    items = definition["items"]
    if len(answers) != len(items):
        raise ValueError(f"{len(items)} answers expected, {len(answers)} given")
    options = definition["options"]
    method = definition["method"]
    if method == SHARE:
        choice = answers[0]
        if choice is None or options[choice].get("score") is None:
            return Score(None, 0)
        return Score(1.0 if choice in set(definition.get("positive") or []) else 0.0, 1)
    scores = scored_options(definition)
    low, high = min(scores), max(scores)
    reverse = set(definition.get("reverse") or [])
    values = []
    for index, choice in enumerate(answers):
        if choice is None or options[choice].get("score") is None:
            continue
        value = options[choice]["score"]
        values.append(low + high - value if index in reverse else value)
    answered = len(values)
    if not values or len(items) - answered > int(definition.get("max_missing") or 0):
        return Score(None, answered)
    if method == SUM:
        total = sum(values) if answered == len(items) else _round_half_up(sum(values) / answered * len(items))
        return Score(float(total), answered, band_of(definition, total))
    mean = sum(values) / answered
    return Score(mean, answered, band_of(definition, mean))


# --------------------------------------------------------------------------- checking a definition


def problems(definition: dict) -> list[str]:
    """What is wrong with a definition, in plain words (empty when it can be used)."""
    found: list[str] = []
    items = [str(item).strip() for item in definition.get("items") or []]
    if not definition.get("name", "").strip():
        found.append("Enter a name for the instrument")
    if not items or any(not item for item in items):
        found.append("Enter the items (questions), one a line")
    elif len(items) > MAX_ITEMS:
        found.append(f"An instrument can have at most {MAX_ITEMS} items")
    method = definition.get("method")
    if method not in METHODS:
        found.append("Choose how the items are scored")
        return found
    options = definition.get("options") or []
    labels = [str(o.get("label", "")).strip() for o in options]
    if not 2 <= len(options) <= MAX_OPTIONS:
        found.append(f"Give from 2 to {MAX_OPTIONS} answers")
    if any(not label for label in labels):
        found.append("Every answer needs its wording")
    if len({label.casefold() for label in labels}) != len(labels):
        found.append("Each answer must be different")
    for option in options:
        value = option.get("score")
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            found.append(f"The score of '{option.get('label')}' must be a whole number")
    scored = [o.get("score") for o in options if isinstance(o.get("score"), int)]
    if len(set(scored)) < 2 and method != SHARE:
        found.append("At least two answers need different scores")
    n = len(items)
    reverse = definition.get("reverse") or []
    if method == SHARE:
        if n != 1:
            found.append("A share instrument has exactly one item")
        positive = definition.get("positive") or []
        if not positive or any(not isinstance(i, int) or not 0 <= i < len(options) for i in positive):
            found.append("Choose which answers count as positive")
        elif any(options[i].get("score") is None for i in positive):
            found.append("An answer that is not scored cannot count as positive")
        if reverse or definition.get("bands"):
            found.append("A share instrument has no reverse-scored items or bands")
        return found
    if any(not isinstance(i, int) or not 0 <= i < n for i in reverse):
        found.append(f"Reverse-scored items must be item numbers from 1 to {n}")
    max_missing = definition.get("max_missing", 0)
    if not isinstance(max_missing, int) or not 0 <= max_missing < max(n, 1):
        found.append(f"Items that may be missing must be from 0 to {max(n - 1, 0)}")
    bands = definition.get("bands") or []
    if bands:
        if method != SUM:
            found.append("Bands can only be given for a total (sum) score")
        elif len(scored) >= 2 and not found:
            found.extend(_band_problems(bands, score_range(definition)))
    return found


def _band_problems(bands: list[dict], bounds: tuple[float, float]) -> list[str]:
    low, high = bounds
    ordered = sorted(bands, key=lambda b: b["low"])
    if any(not str(b.get("label", "")).strip() for b in ordered):
        return ["Every band needs a name"]
    if any(b["low"] > b["high"] for b in ordered):
        return ["A band's lowest score must not be above its highest"]
    if ordered[0]["low"] != low or ordered[-1]["high"] != high:
        return [f"The bands must run from {low:g} to {high:g}, the lowest and highest total"]
    for before, after in zip(ordered, ordered[1:], strict=False):
        if after["low"] != before["high"] + 1:
            return [f"The bands must follow on with no gap or overlap: {before['high']:g} then {after['low']:g}"]
    return []
