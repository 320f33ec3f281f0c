"""Does a new priority or idea overlap an existing initiative? (Research 2A/2C)

Pure Python, no Django: it takes plain values and returns plain values, so it
can be tested by hand and used for priorities, ideas or anything else with a
text and the people it is for.

Two things overlap when both hold:

1. **the same people**: they share a focus population or a characteristic of
   the taxonomy (for example both are about race, or both about carers); and
2. **similar words**: their words, lower-cased, stemmed (a light suffix
   stripper, below) and without common words, have a Jaccard similarity
   (shared words / all words) of at least `THRESHOLD`, or share at least
   `MIN_SHARED` words.

A text says what something is about in a few words, so a small Jaccard figure
already means a lot; `MIN_SHARED` catches a long description that shares a
handful of distinctive words with a short one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

THRESHOLD = 0.2
MIN_SHARED = 3
MIN_WORD = 3  # shorter words are too common to say anything

# Common English words, and words nearly every text in this app uses (they say
# nothing about whether two pieces of work are the same).
STOPWORDS = frozenset(
    """
    a about above after again against all also am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from further had
    has have having he her here hers him his how i if in into is it its itself just me more most my
    no nor not now of off on once only or other our ours out over own same she should so some such
    than that the their theirs them then there these they this those through to too under until up
    very was we were what when where which while who whom why will with would you your yours
    new make made get use used using within across around per via make will
    mental health nhs people person service services local area project work working improve better
    """.split()
)

# (suffix, replacement), the first that fits is used, once; the stem must keep
# at least MIN_WORD letters. Enough to make "supporting", "supported" and
# "supports" one word, and "services"/"service" another; not a full stemmer.
_SUFFIXES: tuple[tuple[str, str], ...] = (
    ("ational", "ate"),
    ("isation", "ise"),
    ("ization", "ise"),
    ("ations", ""),
    ("ation", ""),
    ("ments", ""),
    ("ment", ""),
    ("ness", ""),
    ("ings", ""),
    ("ing", ""),
    ("ies", "y"),
    ("ied", "y"),
    ("ers", ""),
    ("er", ""),
    ("ed", ""),
    ("es", ""),
    ("s", ""),
    ("e", ""),
)

_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")


def stem(word: str) -> str:
    """`word` (lower case) without one common ending: "supporting" -> "support",
    "carers" -> "car", "services" -> "servic", "service" -> "servic"."""
    if word.endswith("ss"):
        return word
    for suffix, replacement in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) + len(replacement) >= MIN_WORD:
            return word[: len(word) - len(suffix)] + replacement
    return word


def words(text: str) -> dict[str, str]:
    """{stem: the first word in `text` with that stem} for the words that count:
    letters only, lower case, at least MIN_WORD long, not a stop word."""
    found: dict[str, str] = {}
    for match in _WORD.finditer((text or "").casefold()):
        word = match.group().replace("'", "")
        if len(word) < MIN_WORD or word in STOPWORDS:
            continue
        found.setdefault(stem(word), word)
    return found


def jaccard(a: Iterable[str], b: Iterable[str]) -> float:
    """|a ∩ b| / |a ∪ b|; 0 when both are empty."""
    a, b = set(a), set(b)
    union = a | b
    return len(a & b) / len(union) if union else 0.0


@dataclass(frozen=True)
class Candidate:
    """Something that may already do what is proposed (an existing initiative)."""

    id: object
    name: str
    text: str  # its name, description and who it serves
    characteristics: frozenset[str] = frozenset()
    populations: frozenset[object] = frozenset()


@dataclass(frozen=True)
class Overlap:
    candidate: Candidate
    similarity: float
    shared_words: tuple[str, ...]  # as written in the new text, in alphabetical order
    shared_characteristics: tuple[str, ...] = field(default=())
    shared_populations: tuple[object, ...] = field(default=())


def find_overlaps(
    text: str,
    *,
    characteristics: Iterable[str] = (),
    populations: Iterable[object] = (),
    candidates: Sequence[Candidate],
    threshold: float = THRESHOLD,
    min_shared: int = MIN_SHARED,
) -> list[Overlap]:
    """The candidates that overlap the new `text` for the same people, most similar first
    (ties: in the order given)."""
    new_words = words(text)
    characteristics = set(characteristics)
    populations = set(populations)
    found = []
    for candidate in candidates:
        shared_characteristics = tuple(sorted(characteristics & set(candidate.characteristics)))
        shared_populations = tuple(sorted(populations & set(candidate.populations), key=str))
        if not shared_characteristics and not shared_populations:
            continue
        their_words = words(candidate.text)
        shared = set(new_words) & set(their_words)
        similarity = jaccard(new_words, their_words)
        if similarity < threshold and len(shared) < min_shared:
            continue
        found.append(
            Overlap(
                candidate=candidate,
                similarity=similarity,
                shared_words=tuple(sorted(new_words[s] for s in shared)),
                shared_characteristics=shared_characteristics,
                shared_populations=shared_populations,
            )
        )
    order = {id(o): i for i, o in enumerate(found)}
    return sorted(found, key=lambda o: (-o.similarity, order[id(o)]))
