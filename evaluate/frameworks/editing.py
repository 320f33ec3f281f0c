"""An organisation's own framework written as plain text, pure Python: the rating
scale, the score bands and the sections with their items, one a line, so an
organisation's admin can write or change them in three text boxes (and copy a
shipped one to start from). :func:`parse` turns the text into data, naming the
box and line of any problem; :func:`as_text` writes a framework back as text.

Rating scale, a level a line: ``0 | Undeveloped | the evidence this rating needs``.
Bands (optional), a band a line: ``8 | Developing`` (the lowest total it starts at).
Sections and items::

    # 1 | Commissioned or provided services
    1A | Patients have required levels of access to the service | what to do when it is rated low

A line starting ``#`` is a section (its code and title); the lines under it are
its items (code, title, and, if wanted, its own action when rated low: otherwise
the framework's). Codes are unique within their section.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from evaluate.frameworks import scoring

MAX_LEVELS = 11
MAX_SECTIONS = 30
MAX_ITEMS = 200


class TextProblems(ValueError):
    """``problems`` maps a box (``levels``, ``bands``, ``structure``) to its messages."""

    def __init__(self, problems: dict[str, list[str]]):
        super().__init__("; ".join(m for ms in problems.values() for m in ms))
        self.problems = problems


@dataclass
class Item:
    code: str
    title: str
    low_action: str = ""


@dataclass
class Section:
    code: str
    title: str
    items: list[Item] = field(default_factory=list)


@dataclass
class Parsed:
    levels: list[tuple[int, str, str]]
    bands: list[dict]
    sections: list[Section]


def _parts(line: str) -> list[str]:
    return [" ".join(part.split()) for part in line.split("|")]


def _lines(text: str):
    for number, line in enumerate((text or "").splitlines(), start=1):
        if line.strip():
            yield number, line.strip()


def parse(*, levels: str, bands: str, structure: str, low_rating: int) -> Parsed:
    problems: dict[str, list[str]] = {"levels": [], "bands": [], "structure": []}
    found_levels: list[tuple[int, str, str]] = []
    for number, line in _lines(levels):
        parts = _parts(line)
        if len(parts) < 2 or not parts[0].isdigit() or not parts[1]:
            problems["levels"].append(
                f"Line {number}: write a level as its score, a bar and its name, e.g. '2 | Achieving | evidence'"
            )
            continue
        found_levels.append((int(parts[0]), parts[1][:80], " | ".join(parts[2:])))
    values = [v for v, _, _ in found_levels]
    if not problems["levels"]:
        if not 2 <= len(found_levels) <= MAX_LEVELS:
            problems["levels"].append(f"Give from 2 to {MAX_LEVELS} rating levels, one a line")
        elif len(set(values)) != len(values):
            problems["levels"].append("Each rating level needs a different score")
        elif low_rating not in values:
            problems["levels"].append("The rating counted as low must be one of the levels' scores")
    found_bands: list[dict] = []
    for number, line in _lines(bands):
        parts = _parts(line)
        if len(parts) != 2 or not parts[0].isdigit() or not parts[1]:
            problems["bands"].append(f"Line {number}: write a band as the total it starts at, a bar and its name")
            continue
        found_bands.append({"from": int(parts[0]), "label": parts[1][:80]})
    sections: list[Section] = []
    for number, line in _lines(structure):
        if line.startswith("#"):
            parts = _parts(line[1:])
            if len(parts) != 2 or not parts[0] or not parts[1] or len(parts[0]) > 10:
                problems["structure"].append(
                    f"Line {number}: write a section as '# code | title' (a code of up to 10 characters)"
                )
                continue
            if any(s.code.casefold() == parts[0].casefold() for s in sections):
                problems["structure"].append(f"Line {number}: there is already a section {parts[0]}")
                continue
            sections.append(Section(parts[0], parts[1][:200]))
            continue
        parts = _parts(line)
        if not sections:
            problems["structure"].append(f"Line {number}: start with a section line, '# code | title'")
            continue
        if len(parts) < 2 or not parts[0] or not parts[1] or len(parts[0]) > 10:
            problems["structure"].append(
                f"Line {number}: write an item as 'code | title', and '| action when rated low' if wanted"
            )
            continue
        section = sections[-1]
        if any(i.code.casefold() == parts[0].casefold() for i in section.items):
            problems["structure"].append(f"Line {number}: section {section.code} already has an item {parts[0]}")
            continue
        section.items.append(Item(parts[0], parts[1][:400], " | ".join(parts[2:])))
    if not problems["structure"]:
        n_items = sum(len(s.items) for s in sections)
        if not sections or any(not s.items for s in sections):
            problems["structure"].append("Give at least one section, each with at least one item")
        elif len(sections) > MAX_SECTIONS or n_items > MAX_ITEMS:
            problems["structure"].append(f"A framework can have up to {MAX_SECTIONS} sections and {MAX_ITEMS} items")
    if found_bands and not problems["bands"] and not problems["levels"] and not problems["structure"]:
        maximum = max(values) * sum(len(s.items) for s in sections)
        try:
            scoring.check_bands(found_bands, maximum)
        except ValueError as exc:
            problems["bands"].append(str(exc))
    problems = {box: found for box, found in problems.items() if found}
    if problems:
        raise TextProblems(problems)
    return Parsed(sorted(found_levels), found_bands, sections)


def as_text(framework, *, levels, sections) -> dict[str, str]:
    """The framework's levels, bands and sections as the three boxes' text."""
    default = _default_action(sections)
    lines = []
    for section in sections:
        lines.append(f"# {section.code} | {section.title}")
        for item in section.items.all():
            action = f" | {item.low_action}" if item.low_action and item.low_action != default else ""
            lines.append(f"{item.code} | {item.title}{action}")
    return {
        "levels": "\n".join(
            f"{level.value} | {level.label}" + (f" | {level.evidence_required}" if level.evidence_required else "")
            for level in levels
        ),
        "bands": "\n".join(f"{band['from']} | {band['label']}" for band in framework.bands or []),
        "structure": "\n".join(lines),
        "low_action": default,
    }


def _default_action(sections) -> str:
    """The action most items share (the framework's), as the shipped frameworks give one to all."""
    actions = [item.low_action for section in sections for item in section.items.all() if item.low_action]
    return max(set(actions), key=actions.count) if actions else ""
