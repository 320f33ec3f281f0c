"""Research 2A reads: one access helper per kind of record (404 outside the
project, 403 if the role lacks the action), the lists pages show, and the
overlap check of new work against the existing initiatives."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from amhe.core import access
from amhe.core.access import Action
from amhe.core.models import Population
from research.evidence import overlap
from research.models import Initiative, NgtIdea, Reference

# --- Access helpers ---------------------------------------------------------------------


def reference_for(user, project_id, reference_id, action: Action = Action.VIEW):
    project, membership = access.get_project_for_user(user, project_id, action)
    reference = get_object_or_404(Reference, pk=reference_id, project=project)
    return project, membership, reference


def initiative_for(user, project_id, initiative_id, action: Action = Action.VIEW):
    project, membership = access.get_project_for_user(user, project_id, action)
    initiative = get_object_or_404(Initiative, pk=initiative_id, project=project)
    return project, membership, initiative


# --- Lists ------------------------------------------------------------------------------


def references(project) -> QuerySet[Reference]:
    return Reference.objects.filter(project=project).prefetch_related("populations").order_by("title", "pk")


def initiatives(project) -> QuerySet[Initiative]:
    return Initiative.objects.filter(project=project).prefetch_related("populations").order_by("name", "pk")


def reference_boxes(reference):
    """The driver-diagram and theory-of-change boxes (2B) the reference supports."""
    return reference.diagram_nodes.select_related("diagram", "goal").order_by("diagram__title", "pk")


def idea_choices(project):
    """Ideas of the project's NGT sessions a reference may support (not merged away)."""
    return (
        NgtIdea.objects.filter(session__project=project, merged_into__isnull=True)
        .select_related("session")
        .order_by("-session__created_at", "number")
    )


def reference_ideas(reference):
    return reference.ngt_ideas.select_related("session").order_by("session__created_at", "number")


def reference_priorities(reference):
    return reference.priorities.order_by("title", "pk")


def populations_for(project) -> QuerySet[Population]:
    """The populations records can be for: the organisation's."""
    return Population.objects.filter(organisation=project.organisation).order_by("name")


# --- Overlap with existing initiatives ---------------------------------------------------


def initiative_candidates(project) -> list[overlap.Candidate]:
    return [
        overlap.Candidate(
            id=initiative.pk,
            name=initiative.name,
            text=" ".join([initiative.name, initiative.description, initiative.populations_served]),
            characteristics=frozenset(initiative.characteristics or []),
            populations=frozenset(p.pk for p in initiative.populations.all()),
        )
        for initiative in initiatives(project)
    ]


def overlapping_initiatives(project, *, text: str, characteristics, population_ids) -> list[overlap.Overlap]:
    """The project's initiatives that overlap new work (a priority or an idea) about
    `text` for the given characteristics and populations (research.evidence.overlap)."""
    return overlap.find_overlaps(
        text,
        characteristics=characteristics,
        populations=population_ids,
        candidates=initiative_candidates(project),
    )
