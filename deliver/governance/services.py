"""Deliver 3C writes: the governance structure. Keyword-only, `by=` the user,
atomic. A group reports to a group of the same project and never, through any
chain, to itself; its chair and members are people on the project. Every rule
is checked before anything is saved, and each problem says what to fix."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from amhe.core import audit
from amhe.core.models import Membership, Project
from deliver.models import GovernanceGroup, GovernanceMeeting
from research.evidence import importing

GROUP_FIELDS = ("name", "purpose", "terms_of_reference", "reports_to", "chair", "external_members")
MEETING_FIELDS = ("date", "notes")
TEXT = {"purpose", "terms_of_reference", "external_members", "notes"}


def _apply(record, fields: dict, allowed) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"Not fields of {type(record).__name__}: {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        if isinstance(value, str):
            value = importing.clean_text(value, multiline=name in TEXT)
        setattr(record, name, value)


def _chain_above(group: GovernanceGroup) -> list[GovernanceGroup]:
    """The groups `group` reports to, nearest first, stopping at a repeat (old data)."""
    chain, seen, current = [], set(), group.reports_to
    while current is not None and current.pk not in seen:
        chain.append(current)
        seen.add(current.pk)
        current = GovernanceGroup.objects.select_related("reports_to").get(pk=current.pk).reports_to
    return chain


def _check_group(group: GovernanceGroup, members) -> None:
    errors: dict[str, list[str]] = {}
    if not group.name:
        errors["name"] = ["Enter the group's name."]
    elif GovernanceGroup.objects.filter(project=group.project, name__iexact=group.name).exclude(pk=group.pk).exists():
        errors["name"] = ["The project already has a group of this name. Give this one another name."]
    parent = group.reports_to
    if parent is not None:
        if parent.project_id != group.project_id:
            errors["reports_to"] = ["Choose a group of this project."]
        elif group.pk and parent.pk == group.pk:
            errors["reports_to"] = ["A group cannot report to itself."]
        elif group.pk and any(above.pk == group.pk for above in _chain_above(group)):
            errors["reports_to"] = [
                f"'{parent.name}' already reports to this group (directly or through other groups), "
                "so this group cannot report to it. Choose another group, or none."
            ]
    on_project = set(Membership.objects.filter(project=group.project).values_list("user_id", flat=True))
    if group.chair is not None and group.chair.pk not in on_project:
        errors["chair"] = ["Choose a chair who is on the project."]
    outsiders = [user for user in members if user.pk not in on_project]
    if outsiders:
        errors["members"] = [
            "Choose members who are on the project. Add people from outside it by name and role instead."
        ]
    if errors:
        raise ValidationError(errors)
    group.full_clean(exclude=["project", "created_by", "reports_to", "chair"], validate_constraints=False)


def _lock_project(project) -> None:
    """Changes to one project's structure one at a time, so two changes cannot make a circle together."""
    Project.objects.select_for_update().filter(pk=project.pk).first()


@transaction.atomic
def group_create(*, by, project, members=(), **fields) -> GovernanceGroup:
    _lock_project(project)
    group = GovernanceGroup(project=project, created_by=by)
    _apply(group, fields, GROUP_FIELDS)
    members = list(members)
    _check_group(group, members)
    group.save()
    group.members.set(members)
    return group


@transaction.atomic
def group_update(*, by, group: GovernanceGroup, members=None, **fields) -> GovernanceGroup:
    _lock_project(group.project)
    _apply(group, fields, GROUP_FIELDS)
    members = list(group.members.all()) if members is None else list(members)
    _check_group(group, members)
    group.save()
    group.members.set(members)
    return group


@transaction.atomic
def group_delete(*, by, group: GovernanceGroup) -> None:
    """Its meetings go with it; groups that reported to it then report to no group."""
    _lock_project(group.project)
    audit.record_deletion(by=by, instance=group)
    group.delete()


def _check_meeting(meeting: GovernanceMeeting) -> None:
    if not isinstance(meeting.date, datetime.date):
        raise ValidationError({"date": ["Enter the date of the meeting."]})
    meeting.full_clean(exclude=["group", "created_by"])


@transaction.atomic
def meeting_create(*, by, group: GovernanceGroup, **fields) -> GovernanceMeeting:
    meeting = GovernanceMeeting(group=group, created_by=by)
    _apply(meeting, fields, MEETING_FIELDS)
    _check_meeting(meeting)
    meeting.save()
    return meeting


@transaction.atomic
def meeting_update(*, by, meeting: GovernanceMeeting, **fields) -> GovernanceMeeting:
    _apply(meeting, fields, MEETING_FIELDS)
    _check_meeting(meeting)
    meeting.save()
    return meeting


@transaction.atomic
def meeting_delete(*, by, meeting: GovernanceMeeting) -> None:
    audit.record_deletion(by=by, instance=meeting)
    meeting.delete()
