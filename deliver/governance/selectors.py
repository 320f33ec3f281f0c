"""Deliver 3C reads: the access helpers for governance groups and their meetings,
the project's groups, and meetings to come and past."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from amhe.core import access
from amhe.core.access import Action
from amhe.core.models import User
from deliver.models import GovernanceGroup, GovernanceMeeting


def group_for(user, project_id, group_id, action: Action = Action.VIEW):
    project, membership = access.get_project_for_user(user, project_id, action)
    group = get_object_or_404(
        GovernanceGroup.objects.select_related("reports_to", "chair"), pk=group_id, project=project
    )
    return project, membership, group


def meeting_for(user, project_id, meeting_id, action: Action = Action.VIEW):
    project, membership = access.get_project_for_user(user, project_id, action)
    meeting = get_object_or_404(
        GovernanceMeeting.objects.select_related("group"), pk=meeting_id, group__project=project
    )
    return project, membership, meeting


def groups(project) -> QuerySet[GovernanceGroup]:
    return (
        GovernanceGroup.objects.filter(project=project)
        .select_related("reports_to", "chair")
        .prefetch_related(Prefetch("members", queryset=User.objects.order_by("full_name", "pk")))
        .order_by("name", "pk")
    )


def reporting_groups(group) -> QuerySet[GovernanceGroup]:
    return GovernanceGroup.objects.filter(reports_to=group).order_by("name", "pk")


def meetings(project) -> QuerySet[GovernanceMeeting]:
    return GovernanceMeeting.objects.filter(group__project=project).select_related("group")


def _of(project, group):
    found = meetings(project)
    return found.filter(group=group) if group is not None else found


def upcoming_meetings(project, *, group=None, limit=None) -> list[GovernanceMeeting]:
    """Today's meetings and later ones, soonest first."""
    found = _of(project, group).filter(date__gte=timezone.localdate()).order_by("date", "group__name", "pk")
    return list(found[:limit] if limit else found)


def past_meetings(project, *, group=None, limit=None) -> list[GovernanceMeeting]:
    """Meetings before today, most recent first."""
    found = _of(project, group).filter(date__lt=timezone.localdate()).order_by("-date", "group__name", "pk")
    return list(found[:limit] if limit else found)


def members(group) -> QuerySet[User]:
    return group.members.order_by("full_name", "pk")


def group_choices(project) -> QuerySet[GovernanceGroup]:
    return GovernanceGroup.objects.filter(project=project).order_by("name", "pk")


def member_choices(project) -> QuerySet[User]:
    return User.objects.filter(memberships__project=project).order_by("full_name", "pk").distinct()
