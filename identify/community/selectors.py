"""Reads for the community pages (Identify 1B): one access helper per kind of
record, and the lists the pages show.

Access helpers take the user and the ids from the URL and return
(project, membership, record): 404 if the user is not on the project or the
record is not the project's (assets: not the project's organisation's),
403 if their role does not allow `action`. Views find records only through
them, so no page can forget the project check.
"""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from amhe.core import access
from amhe.core.access import Action
from amhe.surveys.models import Answer, SurveyResponse, Theme
from identify.models import CommunityAsset, CommunityInput, CommunityInputLink, FocusGroup

# --- Access helpers ---------------------------------------------------------------------


def focus_group_for(user, project_id, focus_group_id, action: Action = Action.ENGAGE):
    project, membership = access.get_project_for_user(user, project_id, action)
    focus_group = get_object_or_404(FocusGroup.objects.select_related("asset"), pk=focus_group_id, project=project)
    return project, membership, focus_group


def community_input_for(user, project_id, input_id, action: Action = Action.ENGAGE):
    project, membership = access.get_project_for_user(user, project_id, action)
    item = get_object_or_404(CommunityInput.objects.select_related("entered_by"), pk=input_id, project=project)
    return project, membership, item


def asset_for(user, project_id, asset_id, action: Action = Action.VIEW):
    """Assets belong to the organisation: any of its projects reaches them."""
    project, membership = access.get_project_for_user(user, project_id, action)
    asset = get_object_or_404(CommunityAsset, pk=asset_id, organisation_id=project.organisation_id)
    return project, membership, asset


def theme_for(user, project_id, theme_id, action: Action = Action.VIEW):
    project, membership = access.get_project_for_user(user, project_id, action)
    theme = get_object_or_404(Theme, pk=theme_id, project=project)
    return project, membership, theme


# --- Lists ------------------------------------------------------------------------------


def _themes_by_name() -> Prefetch:
    return Prefetch("themes", queryset=Theme.objects.order_by("name"))


def focus_groups(project) -> list[FocusGroup]:
    """The project's focus groups, latest first, with their asset and themes."""
    return list(
        FocusGroup.objects.filter(project=project)
        .select_related("asset")
        .prefetch_related(_themes_by_name())
        .order_by("-held_on", "-created_at")
    )


def community_inputs(project) -> QuerySet[CommunityInput]:
    return (
        CommunityInput.objects.filter(project=project).select_related("entered_by").prefetch_related(_themes_by_name())
    )


def input_link(project) -> CommunityInputLink | None:
    """The project's public link for community input, if one was made."""
    return CommunityInputLink.objects.filter(project=project).first()


def input_link_for_token(token: str) -> CommunityInputLink | None:
    """The public link a community group was sent (no login: the token is the key), or None."""
    return CommunityInputLink.objects.select_related("project__organisation").filter(token=token).first()


def theme_names(project) -> list[str]:
    return list(Theme.objects.filter(project=project).values_list("name", flat=True))


def coded_answers(project, theme) -> list[Answer]:
    """Submitted survey answers coded with `theme`: record-level, for leads and analysts only."""
    return list(
        Answer.objects.filter(
            themes=theme,
            response__survey__project=project,
            response__state=SurveyResponse.State.SUBMITTED,
        )
        .select_related("question", "question__survey")
        .order_by("question__survey__title", "question__position", "pk")
    )


def theme_focus_groups(project, theme) -> QuerySet[FocusGroup]:
    return theme.focus_groups.filter(project=project).order_by("-held_on")


def theme_community_inputs(project, theme) -> QuerySet[CommunityInput]:
    return theme.community_inputs.filter(project=project)


def asset_count(organisation) -> int:
    return CommunityAsset.objects.filter(organisation=organisation).count()


def asset_focus_groups(project, asset) -> QuerySet[FocusGroup]:
    """The project's focus groups held with `asset` (other projects' are not shown)."""
    return asset.focus_groups.filter(project=project).order_by("-held_on")


def asset_focus_group_count(asset) -> int:
    """Focus groups of every project held with `asset` (what deleting it would unlink)."""
    return asset.focus_groups.count()
