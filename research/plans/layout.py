"""Lay out a diagram of boxes in columns and draw it as SVG (2B driver diagrams
and theories of change). Pure: no Django, no database, no randomness, so the
same graph always gives the same picture, byte for byte.

The input is a graph whose nodes sit in columns (left to right) and whose
edges join nodes in neighbouring columns. `layout` places the boxes:

- each column is `BOX_WIDTH` wide with `COLUMN_GAP` between columns;
- within a column boxes are stacked from the top, in an order chosen to reduce
  crossing lines (barycentre ordering: a box sits near the average row of the
  boxes it is joined to in the column before, swept forwards, backwards and
  forwards again; the result is kept only if it crosses less than the order
  the nodes were given in);
- text is wrapped into lines of at most `WRAP` characters (a longer word is
  cut), and a box is as tall as its lines.

`render_svg` draws a Layout as an accessible SVG: role="img" with a <title>
and <desc>, every piece of text escaped (node text cannot open a tag, end a
CDATA section or break the XML), dark text on a white background so it
prints, presentation attributes only (no style attribute, for the strict CSP),
and kinds told apart by column headings and border weight, not colour alone.

`outline` turns the same graph into the nested list read by screen readers:
each node in full once, under its first parent, with "also serves" naming its
other parents.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from html import escape

MARGIN = 24
BOX_WIDTH = 240
COLUMN_GAP = 64
HEADING_SIZE = 16
HEADING_HEIGHT = 40  # from the top margin to the first box
FONT_SIZE = 14
LINE_HEIGHT = 18
PADDING = 10  # above the first line and below the last, inside a box
ROW_GAP = 16
WRAP = 28  # characters a line holds at FONT_SIZE in BOX_WIDTH less padding
CHAR_WIDTH = 7.5  # an average character at FONT_SIZE, for wrapping the notes
NOTES_GAP = 32  # between the lowest box and the notes' heading

TEXT_COLOUR = "#212b32"
LINE_COLOUR = "#425563"
BACKGROUND = "#ffffff"
FONT_FAMILY = "Arial, Helvetica, sans-serif"

_SVG_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")
# Characters XML 1.0 does not allow at all (they would make the file unreadable).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


# --- Input and output ----------------------------------------------------------------------


@dataclass(frozen=True)
class Node:
    """A box to place: `column` counts from 0 at the left. `badge` is an extra
    last line (e.g. which notes belong to it); `emphasis` draws a heavier border
    (the aim)."""

    key: str
    text: str
    column: int
    badge: str = ""
    emphasis: bool = False


@dataclass(frozen=True)
class Box:
    key: str
    column: int
    row: int
    x: int
    y: int
    width: int
    height: int
    lines: tuple[str, ...]
    emphasis: bool = False

    @property
    def left_middle(self) -> tuple[int, float]:
        return self.x, self.y + self.height / 2

    @property
    def right_middle(self) -> tuple[int, float]:
        return self.x + self.width, self.y + self.height / 2


@dataclass(frozen=True)
class Heading:
    text: str
    x: int
    y: int
    empty: bool  # no boxes under it: "None yet" is written below it


@dataclass(frozen=True)
class NoteLine:
    text: str
    y: int
    bold: bool = False


@dataclass(frozen=True)
class Layout:
    width: int
    height: int
    headings: tuple[Heading, ...]
    boxes: tuple[Box, ...]
    edges: tuple[tuple[str, str], ...]  # (left box key, right box key)
    notes: tuple[NoteLine, ...] = ()

    def box(self, key: str) -> Box:
        return next(b for b in self.boxes if b.key == key)


# --- Text ----------------------------------------------------------------------------------


def clean_text(text: str) -> str:
    """The text with characters XML cannot hold removed and runs of spaces,
    tabs and new lines made one space."""
    return " ".join(_NOT_XML.sub("", text or "").split())


def wrap(text: str, width: int = WRAP) -> list[str]:
    """`text` in lines of at most `width` characters, broken at spaces; a word
    longer than a line is cut into pieces of `width`. Never an empty list."""
    if width < 1:
        raise ValueError("a line must hold at least one character")
    lines: list[str] = []
    current = ""
    for word in clean_text(text).split(" "):
        while len(word) > width:
            if current:
                lines.append(current)
                current = ""
            lines.append(word[:width])
            word = word[width:]
        if not word:
            continue
        if not current:
            current = word
        elif len(current) + 1 + len(word) <= width:
            current = f"{current} {word}"
        else:
            lines.append(current)
            current = word
    if current or not lines:
        lines.append(current)
    return lines


def shorten(text: str, length: int = 60) -> str:
    """`text` cut at a word to at most `length` characters, with an ellipsis if cut."""
    text = clean_text(text)
    if len(text) <= length:
        return text
    cut = text[: length - 1].rsplit(" ", 1)[0] or text[: length - 1]
    return cut.rstrip(" ,.;:") + "…"


def _x(text: str) -> str:
    """Escaped for XML text and attribute values: <, >, &, quotes."""
    return escape(clean_text(text), quote=True)


# --- Ordering rows -------------------------------------------------------------------------


def _neighbours(edges: Iterable[tuple[str, str]]) -> dict[str, set[str]]:
    joined: dict[str, set[str]] = defaultdict(set)
    for a, b in edges:
        joined[a].add(b)
        joined[b].add(a)
    return joined


def crossings(columns: Sequence[Sequence[str]], edges: Iterable[tuple[str, str]]) -> int:
    """How many pairs of lines cross between neighbouring columns."""
    edges = list(edges)
    total = 0
    for left, right in zip(columns, columns[1:], strict=False):
        lpos = {k: i for i, k in enumerate(left)}
        rpos = {k: i for i, k in enumerate(right)}
        pairs = []
        for a, b in edges:
            if a in lpos and b in rpos:
                pairs.append((lpos[a], rpos[b]))
            elif b in lpos and a in rpos:
                pairs.append((lpos[b], rpos[a]))
        for i, (a1, b1) in enumerate(pairs):
            for a2, b2 in pairs[i + 1 :]:
                if (a1 - a2) * (b1 - b2) < 0:
                    total += 1
    return total


def _by_barycentre(column: list[str], reference: list[str], joined: Mapping[str, set[str]]) -> list[str]:
    """`column` sorted by the mean row of each node's neighbours in `reference`;
    nodes with none keep their place relative to each other, after the rest."""
    ref_row = {k: i for i, k in enumerate(reference)}
    here = {k: i for i, k in enumerate(column)}

    def sort_key(key):
        rows = [ref_row[n] for n in joined.get(key, ()) if n in ref_row]
        if not rows:
            return (1, 0.0, here[key])
        return (0, sum(rows) / len(rows), here[key])

    return sorted(column, key=sort_key)


def order_rows(columns: Sequence[Sequence[str]], edges: Iterable[tuple[str, str]]) -> list[list[str]]:
    """The columns' nodes reordered to reduce crossing lines (see the module's
    docstring). The given order is kept unless the sweeps cross less."""
    edges = list(edges)
    given = [list(c) for c in columns]
    joined = _neighbours(edges)
    rows = [list(c) for c in columns]
    last = len(rows) - 1
    for c in range(1, last + 1):
        rows[c] = _by_barycentre(rows[c], rows[c - 1], joined)
    for c in range(last - 1, -1, -1):
        rows[c] = _by_barycentre(rows[c], rows[c + 1], joined)
    for c in range(1, last + 1):
        rows[c] = _by_barycentre(rows[c], rows[c - 1], joined)
    if crossings(rows, edges) < crossings(given, edges):
        return rows
    return given


# --- Placing boxes -------------------------------------------------------------------------


def column_x(column: int) -> int:
    return MARGIN + column * (BOX_WIDTH + COLUMN_GAP)


def box_height(line_count: int) -> int:
    return 2 * PADDING + line_count * LINE_HEIGHT


def layout(
    nodes: Sequence[Node],
    edges: Iterable[tuple[str, str]],
    *,
    headings: Sequence[str],
    notes: Sequence[tuple[str, str]] = (),
    notes_heading: str = "Notes",
) -> Layout:
    """Place `nodes` (in the order given, which breaks ties) in `len(headings)`
    columns. `edges` join nodes in neighbouring columns; an edge to a node not
    given, or between columns that are not neighbours, is refused. `notes`
    are (marker, text) pairs written under the diagram, e.g. ("A1", "...")."""
    columns_count = len(headings)
    by_key = {n.key: n for n in nodes}
    if len(by_key) != len(nodes):
        raise ValueError("two nodes have the same key")
    for n in nodes:
        if not 0 <= n.column < columns_count:
            raise ValueError(f"node {n.key} is in column {n.column}, outside 0-{columns_count - 1}")
    placed_edges: list[tuple[str, str]] = []
    for a, b in edges:
        if a not in by_key or b not in by_key:
            raise ValueError(f"edge {a}-{b} joins a node that is not in the diagram")
        if abs(by_key[a].column - by_key[b].column) != 1:
            raise ValueError(f"edge {a}-{b} does not join neighbouring columns")
        placed_edges.append((a, b) if by_key[a].column < by_key[b].column else (b, a))
    placed_edges = sorted(set(placed_edges), key=lambda e: (by_key[e[0]].column, e))

    columns = [[n.key for n in nodes if n.column == c] for c in range(columns_count)]
    rows = order_rows(columns, placed_edges)

    top = MARGIN + HEADING_HEIGHT
    boxes: list[Box] = []
    bottom = top
    for c, keys in enumerate(rows):
        y = top
        for r, key in enumerate(keys):
            node = by_key[key]
            lines = wrap(node.text)
            if node.badge:
                lines += wrap(node.badge)
            height = box_height(len(lines))
            boxes.append(Box(key, c, r, column_x(c), y, BOX_WIDTH, height, tuple(lines), node.emphasis))
            y += height + ROW_GAP
        bottom = max(bottom, y - ROW_GAP if keys else top + LINE_HEIGHT)
    heading_y = MARGIN + HEADING_SIZE
    placed_headings = tuple(Heading(text, column_x(c), heading_y, empty=not rows[c]) for c, text in enumerate(headings))
    width = 2 * MARGIN + columns_count * BOX_WIDTH + max(columns_count - 1, 0) * COLUMN_GAP

    note_lines: list[NoteLine] = []
    if notes:
        note_wrap = max(WRAP, int((width - 2 * MARGIN) / CHAR_WIDTH))
        y = bottom + NOTES_GAP + HEADING_SIZE
        note_lines.append(NoteLine(notes_heading, y, bold=True))
        for marker, text in notes:
            for line in wrap(f"{marker} {text}", note_wrap):
                y += LINE_HEIGHT
                note_lines.append(NoteLine(line, y))
        bottom = y
    return Layout(
        width=width,
        height=bottom + MARGIN,
        headings=placed_headings,
        boxes=tuple(boxes),
        edges=tuple(placed_edges),
        notes=tuple(note_lines),
    )


# --- Drawing -------------------------------------------------------------------------------


def _num(value: float) -> str:
    """A coordinate as SVG writes it: whole numbers without a decimal point."""
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def render_svg(layout: Layout, *, title: str, description: str, svg_id: str, arrows: bool = False) -> str:
    """The layout as an SVG document (no XML declaration, so it can be placed in
    a page as it is). `svg_id` prefixes the ids inside it and must be a plain
    identifier. With `arrows`, each line ends in an arrowhead at its right box."""
    if not _SVG_ID.match(svg_id):
        raise ValueError("svg_id must start with a letter and hold only letters, digits, - and _")
    w, h = _num(layout.width), _num(layout.height)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" role="img" id="{svg_id}" '
        f'aria-labelledby="{svg_id}-title {svg_id}-desc" width="{w}" height="{h}" viewBox="0 0 {w} {h}" '
        f'font-family="{FONT_FAMILY}" font-size="{FONT_SIZE}">',
        f'<title id="{svg_id}-title">{_x(title)}</title>',
        f'<desc id="{svg_id}-desc">{_x(description)}</desc>',
    ]
    if arrows:
        out.append(
            f'<defs><marker id="{svg_id}-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" '
            f'markerHeight="8" orient="auto"><path d="M 0 0 L 10 5 L 0 10 z" fill="{LINE_COLOUR}"/></marker></defs>'
        )
    out.append(f'<rect x="0" y="0" width="{w}" height="{h}" fill="{BACKGROUND}"/>')
    for heading in layout.headings:
        out.append(
            f'<text x="{heading.x}" y="{heading.y}" font-size="{HEADING_SIZE}" font-weight="bold" '
            f'fill="{TEXT_COLOUR}">{_x(heading.text)}</text>'
        )
        if heading.empty:
            out.append(
                f'<text x="{heading.x}" y="{MARGIN + HEADING_HEIGHT + FONT_SIZE}" font-style="italic" '
                f'fill="{TEXT_COLOUR}">None yet</text>'
            )
    boxes = {b.key: b for b in layout.boxes}
    marker = f' marker-end="url(#{svg_id}-arrow)"' if arrows else ""
    out.append(f'<g fill="none" stroke="{LINE_COLOUR}" stroke-width="2">')
    for a, b in layout.edges:
        (x1, y1), (x2, y2) = boxes[a].right_middle, boxes[b].left_middle
        mid = (x1 + x2) / 2
        out.append(
            f'<path d="M {_num(x1)} {_num(y1)} C {_num(mid)} {_num(y1)} {_num(mid)} {_num(y2)} '
            f'{_num(x2)} {_num(y2)}"{marker}/>'
        )
    out.append("</g>")
    for box in layout.boxes:
        stroke = 3 if box.emphasis else 1.5
        out.append(
            f'<rect x="{box.x}" y="{box.y}" width="{box.width}" height="{box.height}" rx="4" '
            f'fill="{BACKGROUND}" stroke="{TEXT_COLOUR}" stroke-width="{_num(stroke)}"/>'
        )
        out.append(f'<text x="{box.x + PADDING}" y="{box.y + PADDING + FONT_SIZE}" fill="{TEXT_COLOUR}">')
        for i, line in enumerate(box.lines):
            dy = "0" if i == 0 else str(LINE_HEIGHT)
            out.append(f'<tspan x="{box.x + PADDING}" dy="{dy}">{_x(line)}</tspan>')
        out.append("</text>")
    for note in layout.notes:
        weight = f' font-size="{HEADING_SIZE}" font-weight="bold"' if note.bold else ""
        out.append(f'<text x="{MARGIN}" y="{note.y}"{weight} fill="{TEXT_COLOUR}">{_x(note.text)}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


# --- Cycles --------------------------------------------------------------------------------


def path_between(parents: Mapping[str, Iterable[str]], start: str, goal: str) -> list[str] | None:
    """A chain start -> parent -> ... -> goal following `parents`, or None.
    Used to refuse a parent that would make a loop (the parent already serves,
    through others, the node being changed)."""
    seen = {start}
    trail: dict[str, str] = {}
    frontier = [start]
    while frontier:
        key = frontier.pop(0)
        if key == goal:
            chain = [key]
            while chain[-1] != start:
                chain.append(trail[chain[-1]])
            return chain[::-1]
        for parent in sorted(parents.get(key, ())):
            if parent not in seen:
                seen.add(parent)
                trail[parent] = key
                frontier.append(parent)
    return None


# --- Text alternative ----------------------------------------------------------------------


@dataclass(frozen=True)
class OutlineNode:
    key: str
    kind: str  # e.g. "Primary driver"
    text: str
    also: str = "Also serves"  # how its other parents are introduced
    evidence: tuple[str, ...] = ()  # what supports it (e.g. references), named in full entries
    ideas: tuple[str, ...] = ()  # the ideas behind it (e.g. from NGT sessions), named in full entries


@dataclass
class OutlineItem:
    """One entry of the nested list. In full (`reference` False) the first time
    the node is met, with `also_serves` naming its other parents; afterwards a
    short `reference` back to it."""

    key: str
    kind: str
    text: str
    also_serves: tuple[str, ...] = ()
    reference: bool = False
    also: str = "Also serves"
    evidence: tuple[str, ...] = ()
    ideas: tuple[str, ...] = ()
    children: list[OutlineItem] = field(default_factory=list)


def _describe(node: OutlineNode) -> str:
    return f"{node.kind}: {shorten(node.text)}"


def outline(
    nodes: Sequence[OutlineNode], parents: Mapping[str, Sequence[str]], roots: Iterable[str]
) -> tuple[list[OutlineItem], list[OutlineItem]]:
    """The nested list: (from `roots`, nodes that reach no root). Children are
    listed in the order of `nodes`. A node with several parents is in full
    under the first parent met and a reference under the others."""
    by_key = {n.key: n for n in nodes}
    children: dict[str, list[str]] = defaultdict(list)
    for node in nodes:
        for parent in parents.get(node.key, ()):
            if parent in by_key:
                children[parent].append(node.key)
    done: set[str] = set()

    def visit(key: str, under: str | None) -> OutlineItem:
        node = by_key[key]
        if key in done:
            return OutlineItem(key, node.kind, shorten(node.text), reference=True)
        done.add(key)
        others = tuple(_describe(by_key[p]) for p in parents.get(key, ()) if p != under and p in by_key)
        item = OutlineItem(
            key,
            node.kind,
            clean_text(node.text),
            also_serves=others,
            also=node.also,
            evidence=tuple(clean_text(e) for e in node.evidence),
            ideas=tuple(clean_text(i) for i in node.ideas),
        )
        item.children = [visit(child, key) for child in children[key]]
        return item

    tree = [visit(key, None) for key in roots if key in by_key and key not in done]
    unlinked = [visit(n.key, None) for n in nodes if n.key not in done and not _has_parent(n.key, parents, by_key)]
    # Anything still unseen sits on a loop with no way in: list it rather than lose it.
    unlinked += [visit(n.key, None) for n in nodes if n.key not in done]
    return tree, unlinked


def _has_parent(key: str, parents: Mapping[str, Sequence[str]], by_key: Mapping[str, OutlineNode]) -> bool:
    return any(p in by_key for p in parents.get(key, ()))
