"""Deliver 3C: the governance structure. Groups, who reports to whom (an
indented list), their terms of reference and members, and their meetings.

Reading needs Action.VIEW (everyone on the project); keeping the structure
Action.GOVERN (leads and governance leads)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from amhe.core import access, navigation
from amhe.core.access import Action
from amhe.core.forms import add_service_errors
from amhe.core.two_factor import recent_sign_in_required
from amhe.core.views import confirm_delete
from deliver.governance import presenters, selectors, services
from deliver.governance.forms import GroupForm, MeetingForm

TEMPLATES = "deliver/governance"


def _url(name, project, **kwargs) -> str:
    return reverse(f"deliver:{name}", kwargs={"project_id": project.pk, **kwargs})


def _crumbs(project, *extra):
    return navigation.crumbs(project, "deliver", ("Governance structure", _url("governance", project)), *extra)


def _group_crumbs(project, group):
    return _crumbs(project, (group.name, _url("governance-group", project, group_id=group.pk)))


def _can_govern(membership) -> bool:
    return access.role_can(membership.role, Action.GOVERN)


def overview_context(request, project, membership) -> dict:
    """What the Deliver page shows of the governance structure under 3C."""
    return {
        "governance_summary": {
            "groups": selectors.group_choices(project).count(),
            "next": presenters.meeting_rows(selectors.upcoming_meetings(project, limit=3)),
            "can_govern": _can_govern(membership),
        }
    }


@require_GET
def governance(request, project_id):
    project, membership = access.get_project_for_user(request.user, project_id)
    groups = list(selectors.groups(project))
    return TemplateResponse(
        request,
        f"{TEMPLATES}/governance.html",
        {
            "project": project,
            "groups": groups,
            "tree": presenters.tree(groups),
            "upcoming": presenters.meeting_rows(selectors.upcoming_meetings(project)),
            "past": presenters.meeting_rows(selectors.past_meetings(project)),
            "can_govern": _can_govern(membership),
            "crumbs": navigation.crumbs(project, "deliver"),
        },
    )


@require_GET
def group_detail(request, project_id, group_id):
    project, membership, group = selectors.group_for(request.user, project_id, group_id)
    return TemplateResponse(
        request,
        f"{TEMPLATES}/group_detail.html",
        {
            "project": project,
            "group": group,
            "chair": presenters.person(group.chair) if group.chair else "",
            "members": [presenters.person(user) for user in selectors.members(group)],
            "reporting": selectors.reporting_groups(group),
            "upcoming": presenters.meeting_rows(selectors.upcoming_meetings(project, group=group)),
            "past": presenters.meeting_rows(selectors.past_meetings(project, group=group)),
            "can_govern": _can_govern(membership),
            "crumbs": _crumbs(project),
        },
    )


def _group_form_page(request, project, group):
    form = GroupForm(request.POST or None, project=project, instance=group)
    if request.method == "POST" and form.is_valid():
        try:
            if group is None:
                group = services.group_create(by=request.user, project=project, **form.cleaned_data)
                messages.success(request, "Group added.")
            else:
                services.group_update(by=request.user, group=group, **form.cleaned_data)
                messages.success(request, "Group saved.")
        except ValidationError as exc:
            if group is not None and group.pk:
                group.refresh_from_db()
            add_service_errors(form, exc)
        else:
            return redirect(_url("governance-group", project, group_id=group.pk))
    crumbs = _group_crumbs(project, group) if group is not None else _crumbs(project)
    return TemplateResponse(
        request,
        f"{TEMPLATES}/group_form.html",
        {"project": project, "form": form, "group": group, "crumbs": crumbs},
    )


@require_http_methods(["GET", "POST"])
def group_new(request, project_id):
    project, membership = access.get_project_for_user(request.user, project_id, Action.GOVERN)
    return _group_form_page(request, project, None)


@require_http_methods(["GET", "POST"])
def group_edit(request, project_id, group_id):
    project, membership, group = selectors.group_for(request.user, project_id, group_id, Action.GOVERN)
    return _group_form_page(request, project, group)


@recent_sign_in_required
@require_http_methods(["GET", "POST"])
def group_delete(request, project_id, group_id):
    project, membership, group = selectors.group_for(request.user, project_id, group_id, Action.GOVERN)
    return confirm_delete(
        request,
        project=project,
        step="deliver",
        what="group",
        name=group.name,
        consequence="Its meetings are deleted with it. Groups that report to it will then report to no group.",
        cancel_url=_url("governance-group", project, group_id=group.pk),
        crumbs=_group_crumbs(project, group),
        delete=lambda: services.group_delete(by=request.user, group=group),
        done_url=_url("governance", project),
    )


def _meeting_form_page(request, project, group, meeting):
    form = MeetingForm(request.POST or None, instance=meeting)
    if request.method == "POST" and form.is_valid():
        try:
            if meeting is None:
                services.meeting_create(by=request.user, group=group, **form.cleaned_data)
                messages.success(request, "Meeting added.")
            else:
                services.meeting_update(by=request.user, meeting=meeting, **form.cleaned_data)
                messages.success(request, "Meeting saved.")
        except ValidationError as exc:
            if meeting is not None and meeting.pk:
                meeting.refresh_from_db()
            add_service_errors(form, exc)
        else:
            return redirect(_url("governance-group", project, group_id=group.pk))
    return TemplateResponse(
        request,
        f"{TEMPLATES}/meeting_form.html",
        {"project": project, "form": form, "group": group, "meeting": meeting, "crumbs": _group_crumbs(project, group)},
    )


@require_http_methods(["GET", "POST"])
def meeting_new(request, project_id, group_id):
    project, membership, group = selectors.group_for(request.user, project_id, group_id, Action.GOVERN)
    return _meeting_form_page(request, project, group, None)


@require_http_methods(["GET", "POST"])
def meeting_edit(request, project_id, meeting_id):
    project, membership, meeting = selectors.meeting_for(request.user, project_id, meeting_id, Action.GOVERN)
    return _meeting_form_page(request, project, meeting.group, meeting)


@recent_sign_in_required
@require_http_methods(["GET", "POST"])
def meeting_delete(request, project_id, meeting_id):
    project, membership, meeting = selectors.meeting_for(request.user, project_id, meeting_id, Action.GOVERN)
    group = meeting.group
    return confirm_delete(
        request,
        project=project,
        step="deliver",
        what="meeting",
        name=f"{group.name}, {presenters.day(meeting.date)}",
        consequence="It is taken off the group's meeting dates.",
        cancel_url=_url("governance-group", project, group_id=group.pk),
        crumbs=_group_crumbs(project, group),
        delete=lambda: services.meeting_delete(by=request.user, meeting=meeting),
        done_url=_url("governance-group", project, group_id=group.pk),
    )
