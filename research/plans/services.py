"""2B driver diagrams and theories of change: every write.

Keyword-only, `by=` the user doing it, atomic. The graph's rules live here:

- a diagram has one top node (the aim of a driver diagram, the long-term
  outcome of a theory of change), which has no parents;
- every other node of the chain serves at least one node of the level above
  it (a change idea serves secondary drivers, a secondary driver primary
  drivers, a primary driver the aim), and may serve several;
- an assumption or an indicator (theory of change) belongs to at least one
  node of the chain, of any level;
- no node serves itself, directly or through others (no loops).

A refused change raises ValidationError naming the field and saying what to do.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction

from amhe.core import audit
from amhe.core.models import SmartGoal
from research.models import Diagram, DiagramNode
from research.models.plans import PLURALS, TOP_KINDS
from research.plans import layout

TEXT_MAX = 600


def parent_kinds(diagram: Diagram, kind: str) -> tuple[str, ...]:
    """The kinds a node of `kind` may serve in `diagram` (none for the top node)."""
    if kind in diagram.attachment_kinds:
        return diagram.levels
    level = diagram.levels.index(kind)
    return diagram.levels[level - 1 : level] if level else ()


def _label(kind: str) -> str:
    return DiagramNode.Kind(kind).label


def _a(words: str) -> str:
    """'a primary driver', 'an aim'."""
    return f"{'an' if words[:1].lower() in 'aeiou' else 'a'} {words}"


def _check_kind(diagram: Diagram, kind: str) -> None:
    if kind not in diagram.node_kinds:
        choices = ", ".join(_label(k).lower() for k in diagram.node_kinds)
        raise ValidationError(
            {"kind": f"A {diagram.get_kind_display().lower()} holds only these kinds of box: {choices}."}
        )


def _check_text(kind: str, text: str, goal: SmartGoal | None) -> str:
    text = (text or "").strip()
    if goal is None and not text:
        raise ValidationError({"text": f"Enter what the {_label(kind).lower()} says."})
    if len(text) > TEXT_MAX:
        raise ValidationError({"text": f"Keep it to {TEXT_MAX} characters or fewer: it has {len(text)}."})
    return text


def _check_goal(diagram: Diagram, kind: str, goal: SmartGoal | None, node: DiagramNode | None = None) -> None:
    if goal is None or (node is not None and node.goal_id == goal.pk):
        return
    if kind not in TOP_KINDS:
        raise ValidationError({"goal": f"Only the {_label(diagram.levels[0]).lower()} can be a SMART goal."})
    if goal.project_id != diagram.project_id:
        raise ValidationError({"goal": "Choose one of this project's SMART goals."})
    if goal.status != SmartGoal.Status.AGREED:
        raise ValidationError({"goal": "Choose an agreed SMART goal, or write the aim in words."})


def _check_top(diagram: Diagram, kind: str, node: DiagramNode | None) -> None:
    if kind not in TOP_KINDS:
        return
    others = diagram.nodes.filter(kind=kind)
    if node is not None:
        others = others.exclude(pk=node.pk)
    if others.exists():
        raise ValidationError(
            {"kind": f"This diagram already has its {_label(kind).lower()}. Change that one instead of adding another."}
        )


def _check_parents(diagram: Diagram, kind: str, parents: list[DiagramNode], node: DiagramNode | None) -> None:
    allowed = parent_kinds(diagram, kind)
    label = _label(kind).lower()
    if not allowed:
        if parents:
            raise ValidationError({"parents": f"The {label} is the top of the diagram: it serves nothing else."})
        return
    if node is not None and any(p.pk == node.pk for p in parents):
        raise ValidationError({"parents": f"A {label} cannot serve itself. Untick it."})
    foreign = [p for p in parents if p.diagram_id != diagram.pk]
    if foreign:
        raise ValidationError({"parents": "Choose only boxes of this diagram."})
    if node is not None:
        _check_no_loop(diagram, node, parents)
    serves = "belong to" if kind in diagram.attachment_kinds else "serve"
    wrong = [p for p in parents if p.kind not in allowed]
    if wrong:
        names = ", ".join(PLURALS[k].lower() for k in allowed)
        listed = "; ".join(f"'{layout.shorten(p.label, 40)}' is {_a(_label(p.kind).lower())}" for p in wrong)
        raise ValidationError({"parents": f"{_a(label).capitalize()} can {serves} only {names}: {listed}. Untick it."})
    if not parents:
        names = " or ".join(_label(k).lower() for k in allowed)
        if not diagram.nodes.filter(kind__in=allowed).exists():
            raise ValidationError({"parents": f"Add {_a(names)} first: {_a(label)} must {serves} at least one."})
        raise ValidationError({"parents": parents_required_message(diagram, kind)})


def parents_required_message(diagram: Diagram, kind: str) -> str:
    """What to do when a box serves nothing: 'Choose at least one primary driver this secondary driver serves.'"""
    names = " or ".join(_label(k).lower() for k in parent_kinds(diagram, kind))
    serves = "belongs to" if kind in diagram.attachment_kinds else "serves"
    return f"Choose at least one {names} this {_label(kind).lower()} {serves}."


def _check_no_loop(diagram: Diagram, node: DiagramNode, parents: list[DiagramNode]) -> None:
    """Refuse a parent that already serves `node`, directly or through others."""
    edges = DiagramNode.parents.through.objects.filter(from_diagramnode__diagram=diagram).values_list(
        "from_diagramnode_id", "to_diagramnode_id"
    )
    served: dict[str, list[str]] = {}
    for child, parent in edges:
        if child != node.pk:
            served.setdefault(str(child), []).append(str(parent))
    for parent in parents:
        chain = layout.path_between(served, str(parent.pk), str(node.pk))
        if chain is not None:
            raise ValidationError(
                {
                    "parents": f"'{layout.shorten(parent.label, 40)}' already serves this "
                    f"{_label(node.kind).lower()}, so it cannot also be served by it: that would make a loop. "
                    "Untick it."
                }
            )


# --- Diagrams ----------------------------------------------------------------------------


def _check_references(diagram: Diagram, references: Iterable) -> list:
    """The references, all of the diagram's own project (2A evidence base)."""
    references = list(references)
    if any(reference.project_id != diagram.project_id for reference in references):
        raise ValidationError({"references": "Choose evidence from this project's evidence base."})
    return references


def _check_ideas(diagram: Diagram, ideas: Iterable) -> list:
    """NGT ideas (2B) of the diagram's own project, not merged into another."""
    ideas = list(ideas)
    if any(idea.session.project_id != diagram.project_id or idea.merged_into_id for idea in ideas):
        raise ValidationError({"ngt_ideas": "Choose ideas from this project's NGT sessions."})
    return ideas


@transaction.atomic
def diagram_create(*, by, project, kind: str, title: str) -> Diagram:
    if kind not in Diagram.Kind.values:
        raise ValidationError({"kind": "Choose a driver diagram or a theory of change."})
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": "Enter a title for the diagram."})
    return Diagram.objects.create(project=project, kind=kind, title=title[:200], created_by=by)


@transaction.atomic
def diagram_update(*, by, diagram: Diagram, title: str) -> Diagram:
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": "Enter a title for the diagram."})
    diagram.title = title[:200]
    diagram.save(update_fields=["title", "updated_at"])
    return diagram


@transaction.atomic
def diagram_delete(*, by, diagram: Diagram) -> None:
    audit.record_deletion(by=by, instance=diagram)
    diagram.delete()


# --- Nodes -------------------------------------------------------------------------------


@transaction.atomic
def node_create(
    *,
    by,
    diagram: Diagram,
    kind: str,
    text: str,
    parents: Iterable[DiagramNode] = (),
    goal: SmartGoal | None = None,
    references: Iterable = (),
    ngt_ideas: Iterable = (),
) -> DiagramNode:
    """Add a box to `diagram`, serving `parents`, supported by `references` (2A evidence),
    with the NGT ideas (2B) behind it."""
    diagram = Diagram.objects.select_for_update().get(pk=diagram.pk)
    parents = list(parents)
    _check_kind(diagram, kind)
    _check_top(diagram, kind, None)
    text = _check_text(kind, text, goal)
    _check_goal(diagram, kind, goal)
    _check_parents(diagram, kind, parents, None)
    node = DiagramNode.objects.create(diagram=diagram, kind=kind, text=text, goal=goal)
    node.parents.set(parents)
    node.references.set(_check_references(diagram, references))
    node.ngt_ideas.set(_check_ideas(diagram, ngt_ideas))
    diagram.save(update_fields=["updated_at"])
    return node


@transaction.atomic
def node_update(
    *,
    by,
    node: DiagramNode,
    text: str,
    parents: Iterable[DiagramNode] = (),
    goal: SmartGoal | None = None,
    references: Iterable = (),
    ngt_ideas: Iterable = (),
) -> DiagramNode:
    """Change what a box says, which boxes it serves and the evidence behind it (its kind stays)."""
    diagram = Diagram.objects.select_for_update().get(pk=node.diagram_id)
    parents = list(parents)
    text = _check_text(node.kind, text, goal)
    _check_goal(diagram, node.kind, goal, node)
    _check_parents(diagram, node.kind, parents, node)
    node.text = text
    node.goal = goal
    node.save(update_fields=["text", "goal"])
    node.parents.set(parents)
    node.references.set(_check_references(diagram, references))
    node.ngt_ideas.set(_check_ideas(diagram, ngt_ideas))
    diagram.save(update_fields=["updated_at"])
    return node


@transaction.atomic
def node_delete(*, by, node: DiagramNode) -> None:
    """Remove a box and its lines. Boxes that served only it stay, marked
    'not linked yet' until they are given another parent."""
    diagram = Diagram.objects.select_for_update().get(pk=node.diagram_id)
    audit.record_deletion(by=by, instance=node)
    node.delete()
    diagram.save(update_fields=["updated_at"])
