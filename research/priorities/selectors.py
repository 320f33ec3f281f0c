"""Research 2C reads: the access helper for priorities, the lists pages show,
the panel's views without names, and the agreed list Deliver starts from."""

from __future__ import annotations

from django.db.models import Case, IntegerField, Prefetch, QuerySet, Value, When
from django.shortcuts import get_object_or_404

from amhe.core import access
from amhe.core.access import Action
from research.models import Priority, PriorityView, Reference


def priority_for(user, project_id, priority_id, action: Action = Action.VIEW):
    project, membership = access.get_project_for_user(user, project_id, action)
    priority = get_object_or_404(Priority, pk=priority_id, project=project)
    return project, membership, priority


def _rank(field: str, order: list[str]) -> Case:
    return Case(
        *[When(**{field: value}, then=Value(i)) for i, value in enumerate(order)],
        default=Value(len(order)),
        output_field=IntegerField(),
    )


HORIZON_ORDER = [Priority.Horizon.IMMEDIATE, Priority.Horizon.SHORT, Priority.Horizon.MEDIUM, Priority.Horizon.LONG]


def priorities(project) -> QuerySet[Priority]:
    """The project's priorities, soonest first, then highest impact, then least effort."""
    return (
        Priority.objects.filter(project=project)
        .prefetch_related(
            Prefetch("references", queryset=Reference.objects.order_by("title")),
            "populations",
            Prefetch("views", queryset=PriorityView.objects.only("priority_id", "vote")),
        )
        .annotate(
            horizon_rank=_rank("horizon", HORIZON_ORDER),
            impact_rank=_rank("impact", ["high", "medium", "low"]),
            effort_rank=_rank("effort", ["low", "medium", "high"]),
        )
        .order_by("horizon_rank", "impact_rank", "effort_rank", "title", "pk")
    )


def agreed_priorities(project) -> QuerySet[Priority]:
    """The agreed priority list: what Deliver's strategy (3A) starts from, in the same order."""
    return priorities(project).filter(state=Priority.State.AGREED)


def references_for_choice(project) -> QuerySet[Reference]:
    return Reference.objects.filter(project=project).order_by("title", "pk")


def own_view(priority, user) -> PriorityView | None:
    return PriorityView.objects.filter(priority=priority, member=user).first()


def view_comments(priority) -> list[str]:
    """The panel's comments, without names, in alphabetical order (so their order says
    nothing about who wrote them or when)."""
    comments = PriorityView.objects.filter(priority=priority).exclude(comment="").values_list("comment", flat=True)
    return sorted(comments, key=str.casefold)


def own_views(project, user) -> dict[int, str]:
    """{priority id: vote} for the user's own views on the project's priorities."""
    return dict(PriorityView.objects.filter(priority__project=project, member=user).values_list("priority_id", "vote"))
