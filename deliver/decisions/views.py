"""Deliver 3C: the decision log.

Reading needs Action.VIEW; recording, changing and deleting decisions
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
from deliver.decisions import selectors, services
from deliver.decisions.forms import DecisionForm

TEMPLATES = "deliver/decisions"


def _url(name, project, **kwargs) -> str:
    return reverse(f"deliver:{name}", kwargs={"project_id": project.pk, **kwargs})


def _crumbs(project, *extra):
    return navigation.crumbs(project, "deliver", ("Decision log", _url("decisions", project)), *extra)


def overview_context(request, project, membership) -> dict:
    return {
        "decision_summary": {
            "latest": list(selectors.decisions(project)[:3]),
            "count": selectors.decisions(project).count(),
            "can_govern": access.role_can(membership.role, Action.GOVERN),
        }
    }


@require_GET
def decision_list(request, project_id):
    project, membership = access.get_project_for_user(request.user, project_id)
    return TemplateResponse(
        request,
        f"{TEMPLATES}/decision_list.html",
        {
            "project": project,
            "decisions": selectors.decisions(project),
            "can_govern": access.role_can(membership.role, Action.GOVERN),
            "can_read_history": access.role_can(membership.role, Action.READ_HISTORY),
            "crumbs": navigation.crumbs(project, "deliver"),
        },
    )


def _decision_form_page(request, project, decision):
    form = DecisionForm(request.POST or None, project=project, instance=decision)
    if request.method == "POST" and form.is_valid():
        try:
            if decision is None:
                services.decision_create(by=request.user, project=project, **form.service_arguments())
                messages.success(request, "Decision recorded.")
            else:
                services.decision_update(by=request.user, decision=decision, **form.service_arguments())
                messages.success(request, "Decision saved.")
        except ValidationError as exc:
            if decision is not None and decision.pk:
                decision.refresh_from_db()
            add_service_errors(form, exc)
        else:
            return redirect(_url("decisions", project))
    return TemplateResponse(
        request,
        f"{TEMPLATES}/decision_form.html",
        {"project": project, "form": form, "decision": decision, "crumbs": _crumbs(project)},
    )


@require_http_methods(["GET", "POST"])
def decision_new(request, project_id):
    project, membership = access.get_project_for_user(request.user, project_id, Action.GOVERN)
    return _decision_form_page(request, project, None)


@require_http_methods(["GET", "POST"])
def decision_edit(request, project_id, decision_id):
    project, membership, decision = selectors.decision_for(request.user, project_id, decision_id, Action.GOVERN)
    return _decision_form_page(request, project, decision)


@recent_sign_in_required
@require_http_methods(["GET", "POST"])
def decision_delete(request, project_id, decision_id):
    project, membership, decision = selectors.decision_for(request.user, project_id, decision_id, Action.GOVERN)
    return confirm_delete(
        request,
        project=project,
        step="deliver",
        what="decision",
        name=str(decision),
        consequence="It is taken off the decision log.",
        cancel_url=_url("decisions", project),
        crumbs=_crumbs(project),
        delete=lambda: services.decision_delete(by=request.user, decision=decision),
        done_url=_url("decisions", project),
        message="Decision deleted.",
    )
