"""Research 2C reads: the access helper for priorities, the lists pages show,
the panel's views without names, and the agreed list Deliver starts from."""

from __future__ import annotations

from django.db.models import Case, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.shortcuts import get_object_or_404
from django.urls import reverse

from amhe.core import access
from amhe.core.access import Action
from amhe.surveys.models import Theme
from research.models import CaseStudy, NgtIdea, Priority, PriorityView, Reference


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


def case_studies_for_choice(project) -> QuerySet[CaseStudy]:
    """Case studies a priority may come from: the project's own and those shared by any organisation."""
    return (
        CaseStudy.objects.filter(Q(project=project) | Q(sharing=CaseStudy.Sharing.SHARED))
        .select_related("project__organisation")
        .order_by("title", "pk")
    )


def ngt_ideas_for_choice(project) -> QuerySet[NgtIdea]:
    """Ideas of the project's NGT sessions a priority may come from (not those merged into another)."""
    return (
        NgtIdea.objects.filter(session__project=project, merged_into__isnull=True)
        .select_related("session")
        .order_by("session__created_at", "session_id", "number")
    )


def themes_for_choice(project) -> QuerySet[Theme]:
    return Theme.objects.filter(project=project).order_by("name", "pk")


def case_study_link(project, case_study: CaseStudy | None) -> dict | None:
    """How a priority's case study is shown: its own page in this project, the shared
    page for another organisation's, and no title at all once that one stops being shared."""
    if case_study is None:
        return None
    if case_study.project_id == project.pk:
        return {
            "title": case_study.title,
            "url": reverse("research:practice-case-study", args=[project.pk, case_study.pk]),
        }
    if case_study.sharing == CaseStudy.Sharing.SHARED:
        return {
            "title": case_study.title,
            "url": reverse("research-shared:case-study", args=[case_study.pk]),
            "organisation": case_study.project.organisation.name,
        }
    return {"title": None, "url": None}


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


def initial_from(project, params) -> dict:
    """A new priority's starting values from `?case_study=<id>` or `?theme=<id>`: the
    record's title and where it came from, when the project may read that record."""
    case_study_id, theme_id = params.get("case_study", ""), params.get("theme", "")
    if case_study_id.isdigit():
        case_study = case_studies_for_choice(project).filter(pk=int(case_study_id)).first()
        if case_study is not None:
            return {"title": case_study.title, "source": Priority.Source.CASE_STUDY, "case_study": case_study.pk}
    if theme_id.isdigit():
        theme = themes_for_choice(project).filter(pk=int(theme_id)).first()
        if theme is not None:
            return {"title": theme.name, "source": Priority.Source.THEME, "theme": theme.pk}
    return {}
