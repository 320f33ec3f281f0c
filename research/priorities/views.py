"""Research 2C: key priorities on an impact/effort matrix and a time horizon,
the panel's views beside each, and the lead agreeing the list Deliver starts from.

Lists and priority pages need Action.VIEW; adding and changing priorities
Action.RESEARCH (leads and analysts); agreeing them Action.AGREE_PRIORITIES
(the lead); giving a view Action.GIVE_VIEWS (panel members). Views are shown
to everyone without names, and their counts through the suppression rule.
"""

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
from amhe.core.selectors import suppression_rule_for
from amhe.core.two_factor import recent_sign_in_required
from amhe.core.views import confirm_delete
from research.evidence import presenters as evidence_presenters
from research.evidence import selectors as evidence_selectors
from research.models import Priority
from research.priorities import presenters, selectors, services
from research.priorities.forms import PriorityForm, PriorityStateForm, PriorityViewForm

TEMPLATES = "research/priorities"


def _url(name, project, **kwargs) -> str:
    return reverse(f"research:{name}", kwargs={"project_id": project.pk, **kwargs})


def _crumbs(project, *extra):
    return navigation.crumbs(project, "research", ("Priorities", _url("priorities", project)), *extra)


def _priority_crumbs(project, priority):
    return _crumbs(project, (priority.title, _url("priority", project, priority_id=priority.pk)))


def _can(membership, action) -> bool:
    return access.role_can(membership.role, action)


@require_GET
def priority_list(request, project_id):
    project, membership = access.get_project_for_user(request.user, project_id)
    rule = suppression_rule_for(project)
    priorities = list(selectors.priorities(project))
    return TemplateResponse(
        request,
        f"{TEMPLATES}/priority_list.html",
        {
            "project": project,
            "priorities": priorities,
            "matrix": presenters.matrix(priorities),
            "rows": presenters.priority_rows(priorities, rule, selectors.own_views(project, request.user)),
            "rule_sentence": presenters.rule_sentence(rule),
            "can_research": _can(membership, Action.RESEARCH),
            "can_give_views": _can(membership, Action.GIVE_VIEWS),
            "crumbs": navigation.crumbs(project, "research"),
        },
    )


def overlap_rows(project, priority):
    overlaps = evidence_selectors.overlapping_initiatives(
        project,
        text=f"{priority.title} {priority.description}",
        characteristics=priority.characteristics,
        population_ids=[population.pk for population in priority.populations.all()],
    )
    names = {population.pk: population.name for population in priority.populations.all()}
    return evidence_presenters.overlap_rows(project, overlaps, names)


@require_GET
def priority_detail(request, project_id, priority_id):
    project, membership, priority = selectors.priority_for(request.user, project_id, priority_id)
    rule = suppression_rule_for(project)
    return TemplateResponse(
        request,
        f"{TEMPLATES}/priority_detail.html",
        {
            "project": project,
            "priority": priority,
            "characteristics": evidence_presenters.characteristic_labels(priority.characteristics),
            "populations": priority.populations.all(),
            "references": priority.references.order_by("title"),
            "case_study": selectors.case_study_link(project, priority.case_study),
            "overlaps": overlap_rows(project, priority),
            "views": presenters.panel_views(priority.views.values_list("vote", flat=True), rule),
            "comments": selectors.view_comments(priority),
            "own_view": selectors.own_view(priority, request.user),
            "rule_sentence": presenters.rule_sentence(rule),
            "can_research": _can(membership, Action.RESEARCH),
            "can_agree": _can(membership, Action.AGREE_PRIORITIES),
            "can_give_views": _can(membership, Action.GIVE_VIEWS),
            "crumbs": _crumbs(project),
        },
    )


def _priority_form_page(request, project, membership, priority, initial=None):
    form = PriorityForm(request.POST or None, project=project, instance=priority, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if priority is None:
                priority = services.priority_create(by=request.user, project=project, **form.service_arguments())
                messages.success(request, "Priority added.")
            else:
                was_agreed = priority.state == Priority.State.AGREED
                services.priority_update(
                    by=request.user,
                    priority=priority,
                    keep_agreed=_can(membership, Action.AGREE_PRIORITIES),
                    **form.service_arguments(),
                )
                if was_agreed and priority.state != Priority.State.AGREED:
                    messages.success(request, "Priority saved. It is proposed again until the lead agrees it.")
                else:
                    messages.success(request, "Priority saved.")
        except ValidationError as exc:
            if priority is not None and priority.pk:
                priority.refresh_from_db()
            add_service_errors(form, exc)
        else:
            return redirect(_url("priority", project, priority_id=priority.pk))
    crumbs = _crumbs(project) if priority is None else _priority_crumbs(project, priority)
    return TemplateResponse(
        request,
        f"{TEMPLATES}/priority_form.html",
        {"project": project, "form": form, "priority": priority, "crumbs": crumbs},
    )


@require_http_methods(["GET", "POST"])
def priority_new(request, project_id):
    """Add a priority; `?case_study=` or `?theme=` starts it from that record (one the
    project may read, else the link is ignored)."""
    project, membership = access.get_project_for_user(request.user, project_id, Action.RESEARCH)
    return _priority_form_page(request, project, membership, None, selectors.initial_from(project, request.GET))


@require_http_methods(["GET", "POST"])
def priority_edit(request, project_id, priority_id):
    project, membership, priority = selectors.priority_for(request.user, project_id, priority_id, Action.RESEARCH)
    return _priority_form_page(request, project, membership, priority)


@recent_sign_in_required
@require_http_methods(["GET", "POST"])
def priority_delete(request, project_id, priority_id):
    project, membership, priority = selectors.priority_for(request.user, project_id, priority_id, Action.RESEARCH)
    return confirm_delete(
        request,
        project=project,
        step="research",
        what="priority",
        name=priority.title,
        consequence="The panel's views on it are deleted with it.",
        cancel_url=_url("priority", project, priority_id=priority.pk),
        crumbs=_priority_crumbs(project, priority),
        delete=lambda: services.priority_delete(by=request.user, priority=priority),
        done_url=_url("priorities", project),
    )


@require_http_methods(["GET", "POST"])
def priority_agree(request, project_id, priority_id):
    project, membership, priority = selectors.priority_for(
        request.user, project_id, priority_id, Action.AGREE_PRIORITIES
    )
    form = PriorityStateForm(request.POST or None, initial={"state": priority.state})
    if request.method == "POST" and form.is_valid():
        services.priority_set_state(by=request.user, priority=priority, state=form.cleaned_data["state"])
        agreed = priority.state == Priority.State.AGREED
        messages.success(request, "Priority agreed." if agreed else "Priority marked as proposed.")
        return redirect(_url("priority", project, priority_id=priority.pk))
    return TemplateResponse(
        request,
        f"{TEMPLATES}/priority_agree.html",
        {"project": project, "priority": priority, "form": form, "crumbs": _priority_crumbs(project, priority)},
    )


@require_http_methods(["GET", "POST"])
def priority_give_view(request, project_id, priority_id):
    """A panel member's vote and comment on a priority: one each, which they can change."""
    project, membership, priority = selectors.priority_for(request.user, project_id, priority_id, Action.GIVE_VIEWS)
    own = selectors.own_view(priority, request.user)
    initial = {"vote": own.vote, "comment": own.comment} if own else {}
    form = PriorityViewForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.priority_view_give(by=request.user, priority=priority, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Your view is saved. You can change it at any time.")
            return redirect(_url("priority", project, priority_id=priority.pk))
    return TemplateResponse(
        request,
        f"{TEMPLATES}/priority_view_form.html",
        {
            "project": project,
            "priority": priority,
            "form": form,
            "own_view": own,
            "crumbs": _priority_crumbs(project, priority),
        },
    )
