"""Evaluate 4A: the project's measures over time as SPC charts.

The list and a measure's page need Action.VIEW; setting and removing the dates a
chart's limits start again from (rebasing) Action.EVALUATE (leads and analysts).
Moving-range screening is on unless the page is asked for ``?screening=off``.
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
from amhe.core.two_factor import recent_sign_in_required
from evaluate.measures import presenters, selectors, services
from evaluate.measures.forms import RebaseForm

TEMPLATES = "evaluate/measures"


def _url(name, project, **kwargs) -> str:
    return reverse(f"evaluate:{name}", kwargs={"project_id": project.pk, **kwargs})


def _crumbs(project, *extra):
    return navigation.crumbs(project, "evaluate", ("Measures over time", _url("measures", project)), *extra)


def _measure_crumbs(project, measure):
    return _crumbs(project, (measure.name, _url("measure", project, measure_id=measure.pk)))


@require_GET
def measure_list(request, project_id):
    project, membership = access.get_project_for_user(request.user, project_id)
    return TemplateResponse(
        request,
        f"{TEMPLATES}/measure_list.html",
        {
            "project": project,
            "rows": measure_rows(project),
            "crumbs": navigation.crumbs(project, "evaluate"),
        },
    )


def measure_rows(project) -> list[presenters.MeasureRow]:
    """Each measure's list row (latest value and icons); also the step page's 4A block."""
    targets = selectors.targets(project)
    rows = []
    for measure in selectors.measures(project):
        goal = targets.get(measure.pk)
        rows.append(
            presenters.measure_row(
                measure,
                list(measure.values.all()),
                [r.date for r in measure.rebases.all()],
                goal.target_value if goal else None,
            )
        )
    return rows


@require_GET
def measure_detail(request, project_id, measure_id):
    project, membership, measure = selectors.measure_for(request.user, project_id, measure_id)
    screen = request.GET.get("screening") != "off"
    rebases = selectors.rebases(measure)
    goal = selectors.target_goal(measure)
    chart = presenters.measure_chart(
        measure,
        selectors.values(measure),
        [r.date for r in rebases],
        goal.target_value if goal else None,
        screen=screen,
    )
    return TemplateResponse(
        request,
        f"{TEMPLATES}/measure_detail.html",
        {
            "project": project,
            "measure": measure,
            "chart": chart,
            "goal": goal,
            "rebases": rebases,
            "screen": screen,
            "can_evaluate": access.role_can(membership.role, Action.EVALUATE),
            "crumbs": _crumbs(project),
        },
    )


@require_http_methods(["GET", "POST"])
def rebase_new(request, project_id, measure_id):
    project, membership, measure = selectors.measure_for(request.user, project_id, measure_id, Action.EVALUATE)
    form = RebaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            rebase = services.rebase_add(by=request.user, measure=measure, **form.service_arguments())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"The limits now start again from {rebase.date:%-d %B %Y}.")
            return redirect(_url("measure", project, measure_id=measure.pk))
    return TemplateResponse(
        request,
        f"{TEMPLATES}/rebase_form.html",
        {"project": project, "measure": measure, "form": form, "crumbs": _measure_crumbs(project, measure)},
    )


@recent_sign_in_required
@require_http_methods(["GET", "POST"])
def rebase_delete(request, project_id, measure_id, rebase_id):
    project, membership, measure, rebase = selectors.rebase_for(
        request.user, project_id, measure_id, rebase_id, Action.EVALUATE
    )
    if request.method == "POST":
        services.rebase_remove(by=request.user, rebase=rebase)
        messages.success(request, f"The limits no longer start again from {rebase.date:%-d %B %Y}.")
        return redirect(_url("measure", project, measure_id=measure.pk))
    return TemplateResponse(
        request,
        f"{TEMPLATES}/rebase_delete.html",
        {"project": project, "measure": measure, "rebase": rebase, "crumbs": _measure_crumbs(project, measure)},
    )
