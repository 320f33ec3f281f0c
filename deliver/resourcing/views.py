"""Deliver 3A: resourcing the strategy. Staff roles and their time, facilities,
and budget lines with their totals by financial year, by intervention and by
category; each intervention's page shows what it has.

Reading needs Action.VIEW (everyone on the project); adding, changing and
deleting Action.EDIT_STRATEGY (leads)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from amhe.core import access, navigation
from amhe.core.access import Action
from amhe.core.forms import add_service_errors
from amhe.core.two_factor import recent_sign_in_required
from amhe.core.views import confirm_delete
from deliver.resourcing import presenters, selectors, services
from deliver.resourcing.forms import BudgetLineForm, FacilityForm, StaffRoleForm
from deliver.strategy import selectors as strategy_selectors

TEMPLATES = "deliver/resourcing"


def _url(name, project, **kwargs) -> str:
    return reverse(f"deliver:{name}", kwargs={"project_id": project.pk, **kwargs})


def _crumbs(project, *extra):
    return navigation.crumbs(project, "deliver", ("Resourcing", _url("resourcing", project)), *extra)


def _can_edit(membership) -> bool:
    return access.role_can(membership.role, Action.EDIT_STRATEGY)


def _strategy(project):
    strategy = strategy_selectors.strategy_of(project)
    if strategy is None:
        raise Http404("The project has no strategy yet")
    return strategy


def overview_context(request, project, membership) -> dict:
    """What the Deliver page shows of resourcing under 3A."""
    strategy = strategy_selectors.strategy_of(project)
    summary = {"strategy": strategy}
    if strategy is not None:
        roles = list(selectors.staff_roles(strategy))
        summary.update(
            roles=len(roles),
            fte=presenters.total_fte(roles),
            facilities=selectors.facilities(strategy).count(),
            totals=presenters.totals(selectors.budget_lines(strategy)),
        )
    return {"resourcing_summary": summary}


def intervention_context(membership, intervention) -> dict:
    """What an intervention's page shows of its resources (deliver.strategy.views.intervention_detail)."""
    roles, facilities, lines = selectors.of_intervention(intervention)
    return {
        "resourcing": {
            "staff": [presenters.staff_row(role) for role in roles],
            "fte": presenters.total_fte(roles),
            "facilities": facilities,
            "lines": [presenters.budget_row(line) for line in lines],
            "totals": presenters.totals(lines),
            "can_edit": _can_edit(membership),
        }
    }


@require_GET
def resourcing(request, project_id):
    project, membership = access.get_project_for_user(request.user, project_id)
    strategy = strategy_selectors.strategy_of(project)
    context = {"project": project, "strategy": strategy, "crumbs": navigation.crumbs(project, "deliver")}
    if strategy is not None:
        roles = list(selectors.staff_roles(strategy))
        lines = list(selectors.budget_lines(strategy))
        context.update(
            staff=[presenters.staff_row(role) for role in roles],
            fte=presenters.total_fte(roles),
            facilities=list(selectors.facilities(strategy)),
            lines=[presenters.budget_row(line) for line in lines],
            totals=presenters.totals(lines),
            can_edit=_can_edit(membership),
        )
    return TemplateResponse(request, f"{TEMPLATES}/resourcing.html", context)


@dataclass(frozen=True)
class Kind:
    """One kind of resource: its form, its services and how the pages name it."""

    what: str  # "staff role"
    form: type
    create: Callable
    update: Callable
    delete: Callable
    record_argument: str  # the services' keyword for the record
    anchor: str  # where on the resourcing page its table is


STAFF = Kind(
    "staff role",
    StaffRoleForm,
    services.staff_role_create,
    services.staff_role_update,
    services.staff_role_delete,
    "role",
    "staff",
)
FACILITY = Kind(
    "facility",
    FacilityForm,
    services.facility_create,
    services.facility_update,
    services.facility_delete,
    "facility",
    "facilities",
)
BUDGET = Kind(
    "budget line",
    BudgetLineForm,
    services.budget_line_create,
    services.budget_line_update,
    services.budget_line_delete,
    "line",
    "budget",
)


def _done_url(project, kind: Kind) -> str:
    return f"{_url('resourcing', project)}#{kind.anchor}"


def _form_page(request, project, strategy, kind: Kind, record):
    initial = {}
    if record is None and request.GET.get("intervention", "").isdigit():
        initial["intervention"] = int(request.GET["intervention"])
    form = kind.form(request.POST or None, strategy=strategy, instance=record, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if record is None:
                kind.create(by=request.user, strategy=strategy, **form.cleaned_data)
                messages.success(request, f"{kind.what.capitalize()} added.")
            else:
                kind.update(by=request.user, **{kind.record_argument: record}, **form.cleaned_data)
                messages.success(request, f"{kind.what.capitalize()} saved.")
        except ValidationError as exc:
            if record is not None and record.pk:
                record.refresh_from_db()
            add_service_errors(form, exc)
        else:
            return redirect(_done_url(project, kind))
    title = f"Change {kind.what}" if record is not None else f"Add a {kind.what}"
    return TemplateResponse(
        request,
        f"{TEMPLATES}/resource_form.html",
        {
            "project": project,
            "form": form,
            "title": title,
            "button": f"Save {kind.what}" if record is not None else f"Add {kind.what}",
            "cancel_url": _done_url(project, kind),
            "crumbs": _crumbs(project),
        },
    )


def _delete_page(request, project, kind: Kind, record, name):
    return confirm_delete(
        request,
        project=project,
        step="deliver",
        what=kind.what,
        name=name,
        consequence="It is taken off the strategy's resourcing and its totals.",
        cancel_url=_done_url(project, kind),
        crumbs=_crumbs(project),
        delete=lambda: kind.delete(by=request.user, **{kind.record_argument: record}),
        done_url=_done_url(project, kind),
    )


@require_http_methods(["GET", "POST"])
def staff_role_new(request, project_id):
    project, membership = access.get_project_for_user(request.user, project_id, Action.EDIT_STRATEGY)
    return _form_page(request, project, _strategy(project), STAFF, None)


@require_http_methods(["GET", "POST"])
def staff_role_edit(request, project_id, staff_role_id):
    project, membership, role = selectors.staff_role_for(request.user, project_id, staff_role_id, Action.EDIT_STRATEGY)
    return _form_page(request, project, role.strategy, STAFF, role)


@recent_sign_in_required
@require_http_methods(["GET", "POST"])
def staff_role_delete(request, project_id, staff_role_id):
    project, membership, role = selectors.staff_role_for(request.user, project_id, staff_role_id, Action.EDIT_STRATEGY)
    return _delete_page(request, project, STAFF, role, role.title)


@require_http_methods(["GET", "POST"])
def facility_new(request, project_id):
    project, membership = access.get_project_for_user(request.user, project_id, Action.EDIT_STRATEGY)
    return _form_page(request, project, _strategy(project), FACILITY, None)


@require_http_methods(["GET", "POST"])
def facility_edit(request, project_id, facility_id):
    project, membership, facility = selectors.facility_for(request.user, project_id, facility_id, Action.EDIT_STRATEGY)
    return _form_page(request, project, facility.strategy, FACILITY, facility)


@recent_sign_in_required
@require_http_methods(["GET", "POST"])
def facility_delete(request, project_id, facility_id):
    project, membership, facility = selectors.facility_for(request.user, project_id, facility_id, Action.EDIT_STRATEGY)
    return _delete_page(request, project, FACILITY, facility, facility.name)


@require_http_methods(["GET", "POST"])
def budget_line_new(request, project_id):
    project, membership = access.get_project_for_user(request.user, project_id, Action.EDIT_STRATEGY)
    return _form_page(request, project, _strategy(project), BUDGET, None)


@require_http_methods(["GET", "POST"])
def budget_line_edit(request, project_id, budget_line_id):
    project, membership, line = selectors.budget_line_for(
        request.user, project_id, budget_line_id, Action.EDIT_STRATEGY
    )
    return _form_page(request, project, line.strategy, BUDGET, line)


@recent_sign_in_required
@require_http_methods(["GET", "POST"])
def budget_line_delete(request, project_id, budget_line_id):
    project, membership, line = selectors.budget_line_for(
        request.user, project_id, budget_line_id, Action.EDIT_STRATEGY
    )
    name = f"{line.description} ({presenters.year_label(line.financial_year)}, {presenters.money(line.amount)})"
    return _delete_page(request, project, BUDGET, line, name)
