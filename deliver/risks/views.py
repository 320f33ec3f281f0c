"""Deliver 3C: the risk register on the 5 x 5 NHS risk matrix.

Reading needs Action.VIEW; adding, changing and deleting risks Action.GOVERN
(leads and governance leads)."""

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
from deliver.risks import presenters, selectors, services
from deliver.risks.forms import RiskForm

TEMPLATES = "deliver/risks"


def _url(name, project, **kwargs) -> str:
    return reverse(f"deliver:{name}", kwargs={"project_id": project.pk, **kwargs})


def _crumbs(project, *extra):
    return navigation.crumbs(project, "deliver", ("Risk register", _url("risks", project)), *extra)


def overview_context(request, project, membership) -> dict:
    rows = [presenters.risk_row(risk) for risk in selectors.risks(project)]
    return {
        "risk_summary": {
            "count": len(rows),
            "overdue": [row for row in rows if row.overdue],
            "above_target": sum(1 for row in rows if row.above_target),
            "can_govern": access.role_can(membership.role, Action.GOVERN),
        }
    }


@require_GET
def risk_list(request, project_id):
    project, membership = access.get_project_for_user(request.user, project_id)
    risks = selectors.risks(project)
    rows = [presenters.risk_row(risk) for risk in risks]
    return TemplateResponse(
        request,
        f"{TEMPLATES}/risk_list.html",
        {
            "project": project,
            "rows": rows,
            "overdue": sum(1 for row in rows if row.overdue),
            "above_target": sum(1 for row in rows if row.above_target),
            "matrix": presenters.matrix(risks),
            "impact_headings": presenters.impact_headings(),
            "can_govern": access.role_can(membership.role, Action.GOVERN),
            "crumbs": navigation.crumbs(project, "deliver"),
        },
    )


@require_GET
def risk_detail(request, project_id, risk_id):
    project, membership, risk = selectors.risk_for(request.user, project_id, risk_id)
    return TemplateResponse(
        request,
        f"{TEMPLATES}/risk_detail.html",
        {
            "project": project,
            "risk": risk,
            "row": presenters.risk_row(risk),
            "can_govern": access.role_can(membership.role, Action.GOVERN),
            "can_read_history": access.role_can(membership.role, Action.READ_HISTORY),
            "crumbs": _crumbs(project),
        },
    )


def _risk_form_page(request, project, risk):
    form = RiskForm(request.POST or None, project=project, instance=risk)
    if request.method == "POST" and form.is_valid():
        try:
            if risk is None:
                risk = services.risk_create(by=request.user, project=project, **form.cleaned_data)
                messages.success(request, "Risk added.")
            else:
                services.risk_update(by=request.user, risk=risk, **form.cleaned_data)
                messages.success(request, "Risk saved.")
        except ValidationError as exc:
            if risk is not None and risk.pk:
                risk.refresh_from_db()
            add_service_errors(form, exc)
        else:
            return redirect(_url("risk", project, risk_id=risk.pk))
    crumbs = (
        _crumbs(project) if risk is None else _crumbs(project, (risk.title, _url("risk", project, risk_id=risk.pk)))
    )
    return TemplateResponse(
        request, f"{TEMPLATES}/risk_form.html", {"project": project, "form": form, "risk": risk, "crumbs": crumbs}
    )


@require_http_methods(["GET", "POST"])
def risk_new(request, project_id):
    project, membership = access.get_project_for_user(request.user, project_id, Action.GOVERN)
    return _risk_form_page(request, project, None)


@require_http_methods(["GET", "POST"])
def risk_edit(request, project_id, risk_id):
    project, membership, risk = selectors.risk_for(request.user, project_id, risk_id, Action.GOVERN)
    return _risk_form_page(request, project, risk)


@recent_sign_in_required
@require_http_methods(["GET", "POST"])
def risk_delete(request, project_id, risk_id):
    project, membership, risk = selectors.risk_for(request.user, project_id, risk_id, Action.GOVERN)
    return confirm_delete(
        request,
        project=project,
        step="deliver",
        what="risk",
        name=risk.title,
        consequence="Decisions that name it are kept, without the link.",
        cancel_url=_url("risk", project, risk_id=risk.pk),
        crumbs=_crumbs(project, (risk.title, _url("risk", project, risk_id=risk.pk))),
        delete=lambda: services.risk_delete(by=request.user, risk=risk),
        done_url=_url("risks", project),
    )
