"""Evaluate 4B reads: the access helper for "you said, we did" entries, the
project's feedback forms and page, and what the public page may show."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404

from amhe.core import access
from amhe.core.access import Action
from amhe.surveys import responding
from amhe.surveys.models import Survey, SurveyResponse, Theme
from evaluate.models import PUBLIC_AUDIENCES, FeedbackForm, FeedbackPage, YouSaidWeDid, YouSaidWeDidTheme


def entry_for(user, project_id, entry_id, action: Action = Action.VIEW):
    project, membership = access.get_project_for_user(user, project_id, action)
    entry = get_object_or_404(YouSaidWeDid, pk=entry_id, project=project)
    return project, membership, entry


def feedback_forms(project) -> list[FeedbackForm]:
    """The project's feedback forms with their submitted responses counted (n_submitted)."""
    return list(
        FeedbackForm.objects.filter(project=project)
        .select_related("survey")
        .annotate(
            n_submitted=Count(
                "survey__responses", filter=Q(survey__responses__state=SurveyResponse.State.SUBMITTED), distinct=True
            )
        )
    )


def feedback_page(project) -> FeedbackPage | None:
    return FeedbackPage.objects.filter(project=project).first()


def page_for_token(token: str) -> FeedbackPage | None:
    """The feedback page at this address, if it is switched on."""
    return FeedbackPage.objects.select_related("project").filter(token=token, is_on=True).first()


def open_public_forms(project) -> list[FeedbackForm]:
    """The forms for people who use services, families and carers and community members
    that are taking answers through their open link now."""
    forms = FeedbackForm.objects.filter(
        project=project,
        audience__in=PUBLIC_AUDIENCES,
        survey__state=Survey.State.PUBLISHED,
        survey__open_link_enabled=True,
    ).select_related("survey")
    return [form for form in forms if responding.availability(form.survey) is None]


def _theme_rows() -> Prefetch:
    return Prefetch("theme_rows", queryset=YouSaidWeDidTheme.objects.select_related("theme").order_by("theme__name"))


def entries(project) -> list[YouSaidWeDid]:
    """Every entry, drafts first, then the latest published."""
    rows = YouSaidWeDid.objects.filter(project=project).prefetch_related(_theme_rows())
    return sorted(
        rows,
        key=lambda e: (
            e.state != YouSaidWeDid.State.DRAFT,
            -(e.published_on or e.created_at.date()).toordinal(),
            -e.pk,
        ),
    )


def published_entries(project) -> list[YouSaidWeDid]:
    """Only what a lead has published: the public page's entries, latest first."""
    return list(
        YouSaidWeDid.objects.filter(project=project, state=YouSaidWeDid.State.PUBLISHED)
        .prefetch_related(_theme_rows())
        .order_by("-published_on", "-pk")
    )


def themes(project):
    return Theme.objects.filter(project=project).order_by("name")
