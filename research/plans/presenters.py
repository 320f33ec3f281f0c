"""2B diagrams as pages and files show them: the SVG picture (drawn by the pure
research.plans.layout), its nested-list text alternative, and the boxes
grouped by kind for the editing list."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify

from research.models import Diagram, DiagramNode
from research.models.plans import PLURALS, TOP_KINDS
from research.plans import layout

NOT_LINKED = "Not linked yet"


@dataclass
class Picture:
    svg: str
    title: str
    description: str
    tree: list[layout.OutlineItem]
    unlinked: list[layout.OutlineItem]

    @property
    def inline_svg(self) -> SafeString:
        # Every piece of text in it was escaped by layout.render_svg.
        return mark_safe(self.svg)  # noqa: S308


@dataclass
class NodeGroup:
    kind: str
    heading: str
    rows: list[tuple[DiagramNode, list[str]]]  # (box, what it serves)

    @property
    def add_text(self) -> str:
        """The 'add' link's words, or "" when no more can be added (one aim)."""
        label = DiagramNode.Kind(self.kind).label.lower()
        if self.kind in TOP_KINDS:
            return "" if self.rows else f"Add the {label}"
        return f"Add a{'n' if label[0] in 'aeiou' else ''} {label}"


def columns(diagram: Diagram) -> tuple[str, ...]:
    """The kinds drawn in columns, left to right: a driver diagram reads from the
    aim on the left; a theory of change from activities on the left to the
    long-term outcome on the right."""
    if diagram.kind == Diagram.Kind.CHANGE:
        return tuple(reversed(diagram.levels))
    return diagram.levels


def _counts(diagram: Diagram, nodes: list[DiagramNode]) -> str:
    parts = []
    for kind in diagram.node_kinds:
        n = sum(1 for node in nodes if node.kind == kind)
        if n:
            name = DiagramNode.Kind(kind).label.lower()
            parts.append(f"{n} {PLURALS[kind].lower() if n != 1 else name}")
    return ", ".join(parts) if parts else "no boxes yet"


def description(diagram: Diagram, nodes: list[DiagramNode]) -> str:
    how = (
        "Arrows lead from each box to the boxes it leads to, from activities on the left to the long-term outcome "
        "on the right."
        if diagram.kind == Diagram.Kind.CHANGE
        else "Lines join each box to the boxes it serves, from the aim on the left to the change ideas on the right."
    )
    return f"{diagram.get_kind_display()} with {_counts(diagram, nodes)}. {how} A text version follows the diagram."


def _markers(diagram: Diagram, nodes: list[DiagramNode]) -> dict[int, str]:
    """'A1', 'A2', 'I1'... for each assumption and indicator, in the order added."""
    markers: dict[int, str] = {}
    for kind in diagram.attachment_kinds:
        letter = DiagramNode.Kind(kind).label[0]
        for i, node in enumerate((n for n in nodes if n.kind == kind), start=1):
            markers[node.pk] = f"{letter}{i}"
    return markers


def picture(diagram: Diagram, nodes: list[DiagramNode]) -> Picture:
    """The diagram drawn (nodes from research.plans.selectors.diagram_nodes)."""
    drawn = columns(diagram)
    column_of = {kind: c for c, kind in enumerate(drawn)}
    markers = _markers(diagram, nodes)
    notes_for: dict[int, list[str]] = {}
    for node in nodes:
        if node.pk in markers:
            for parent in node.parent_ids:
                notes_for.setdefault(parent, []).append(markers[node.pk])
    chain = [n for n in nodes if n.kind in column_of]
    chain_ids = {n.pk for n in chain}
    boxes = []
    for node in chain:
        badge = ""
        if node.kind not in TOP_KINDS and not any(p in chain_ids for p in node.parent_ids):
            badge = f"({NOT_LINKED})"
        if node.pk in notes_for:
            badge = " ".join(filter(None, [badge, "See " + ", ".join(notes_for[node.pk])]))
        boxes.append(
            layout.Node(
                key=str(node.pk),
                text=node.label,
                column=column_of[node.kind],
                badge=badge,
                emphasis=node.kind in TOP_KINDS,
            )
        )
    edges = [(str(node.pk), str(p)) for node in chain for p in node.parent_ids if p in chain_ids]
    notes = [
        (f"{markers[n.pk]} {DiagramNode.Kind(n.kind).label}:", n.label)
        for kind in diagram.attachment_kinds
        for n in nodes
        if n.kind == kind
    ]
    placed = layout.layout(
        boxes,
        edges,
        headings=[PLURALS[k] for k in drawn],
        notes=notes,
        notes_heading="Assumptions and indicators",
    )
    desc = description(diagram, nodes)
    title = f"{diagram.get_kind_display()}: {diagram.title}"
    svg = layout.render_svg(
        placed,
        title=title,
        description=desc,
        svg_id=f"diagram-{diagram.pk}",
        arrows=diagram.kind == Diagram.Kind.CHANGE,
    )
    tree, unlinked = text_alternative(diagram, nodes)
    return Picture(svg=svg, title=title, description=desc, tree=tree, unlinked=unlinked)


def text_alternative(diagram: Diagram, nodes: list[DiagramNode]):
    """(nested list from the top box, boxes not linked to it), for layout.outline."""
    order = {kind: i for i, kind in enumerate(diagram.node_kinds)}
    ordered = sorted(nodes, key=lambda n: (order.get(n.kind, len(order)), n.pk))
    outline_nodes = [
        layout.OutlineNode(
            str(n.pk),
            DiagramNode.Kind(n.kind).label,
            n.label,
            also="Also belongs to" if n.kind in diagram.attachment_kinds else "Also serves",
            evidence=tuple(reference.title for reference in n.references.all()),
            ideas=tuple(idea.text for idea in n.ngt_ideas.all()),
        )
        for n in ordered
    ]
    parents = {str(n.pk): [str(p) for p in n.parent_ids] for n in nodes}
    roots = [str(n.pk) for n in ordered if n.kind in TOP_KINDS]
    return layout.outline(outline_nodes, parents, roots)


def node_groups(diagram: Diagram, nodes: list[DiagramNode]) -> list[NodeGroup]:
    """The boxes by kind, top first, each with the short text of what it serves."""
    by_id = {n.pk: n for n in nodes}
    groups = []
    for kind in diagram.node_kinds:
        rows = [
            (n, [layout.shorten(by_id[p].label, 50) for p in n.parent_ids if p in by_id])
            for n in nodes
            if n.kind == kind
        ]
        groups.append(NodeGroup(kind=kind, heading=PLURALS[kind], rows=rows))
    return groups


def svg_filename(diagram: Diagram) -> str:
    return f"{slugify(diagram.title)[:60] or 'diagram'}.svg"
