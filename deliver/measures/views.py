"""Deliver 3A: measures worked out from Identify's uploads, and goals measured by them.

Reading needs Action.VIEW; defining a measure and working out its values
Action.DEFINE_MEASURES (analysts and leads); linking a goal to a measure
Action.EDIT_GOALS."""

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
from deliver.measures import presenters, selectors, services, sources
from deliver.measures.forms import GoalMeasureForm, MeasureForm
from identify.selectors import extract_for

TEMPLATES = "deliver/measures"


def _url(name, project, **kwargs) -> str:
    return reverse(f"deliver:{name}", kwargs={"project_id": project.pk, **kwargs})


def _crumbs(project, *extra):
    return navigation.crumbs(project, "deliver", ("Measures", _url("measures", project)), *extra)


def overview_context(request, project, membership) -> dict:
    return {
        "measure_summary": {
            "count": selectors.measures(project).count(),
            "goals": [presenters.goal_progress(goal) for goal in selectors.goals_with_measures(project)],
            "can_define": access.role_can(membership.role, Action.DEFINE_MEASURES),
        }
    }


@require_GET
def measure_list(request, project_id):
    project, membership = access.get_project_for_user(request.user, project_id)
    return TemplateResponse(
        request,
        f"{TEMPLATES}/measure_list.html",
        {
            "project": project,
            "measures": [presenters.measure_view(measure) for measure in selectors.measures(project)],
            "goals": [presenters.goal_progress(goal) for goal in selectors.goals_with_measures(project)],
            "can_define": access.role_can(membership.role, Action.DEFINE_MEASURES),
            "all_goals": selectors.goals(project),
            "can_edit_goals": access.role_can(membership.role, Action.EDIT_GOALS),
            "crumbs": navigation.crumbs(project, "deliver"),
        },
    )


@require_GET
def measure_detail(request, project_id, measure_id):
    project, membership, measure = selectors.measure_for(request.user, project_id, measure_id)
    values = selectors.values(measure)
    inputs = selectors.series_inputs(measure)
    with_value = {value.origin.extract_id for value in values if getattr(value, "origin", None)}
    return TemplateResponse(
        request,
        f"{TEMPLATES}/measure_detail.html",
        {
            "project": project,
            "view": presenters.measure_view(measure, values, defined_on_exists=selectors.defined_on_exists(measure)),
            "rows": [presenters.value_row(measure, value) for value in values],
            "without_value": [
                {"title": e.title, "url": e.get_absolute_url(), "period": sources.upload_period(e)}
                for e in inputs
                if e.pk not in with_value
            ],
            "goals": [presenters.goal_progress(goal) for goal in selectors.goals_of(measure)],
            "can_define": access.role_can(membership.role, Action.DEFINE_MEASURES),
            "crumbs": _crumbs(project),
        },
    )


@require_GET
def measure_new(request, project_id):
    """Step 1 of defining a measure: choose the upload it is defined on."""
    project, membership = access.get_project_for_user(request.user, project_id, Action.DEFINE_MEASURES)
    uploads = [{"extract": e, "period": sources.upload_period(e)} for e in selectors.uploads_to_measure(project)]
    return TemplateResponse(
        request,
        f"{TEMPLATES}/measure_choose_upload.html",
        {"project": project, "uploads": uploads, "crumbs": _crumbs(project)},
    )


@require_http_methods(["GET", "POST"])
def measure_define(request, project_id, extract_id):
    """Step 2: the group (or two groups) and the figure, from the upload's breakdowns."""
    project, membership, extract = extract_for(request.user, project_id, extract_id, Action.DEFINE_MEASURES)
    form = MeasureForm(request.POST or None, groups=selectors.group_choices(extract))
    if request.method == "POST" and form.is_valid():
        try:
            measure = services.measure_define(by=request.user, project=project, extract=extract, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, "Measure defined. Its values are being worked out from the uploads: refresh in a moment."
            )
            return redirect(_url("measure", project, measure_id=measure.pk))
    return TemplateResponse(
        request,
        f"{TEMPLATES}/measure_form.html",
        {
            "project": project,
            "extract": extract,
            "period": sources.upload_period(extract),
            "form": form,
            "crumbs": _crumbs(project, ("Define a measure", _url("measure-new", project))),
        },
    )


@require_http_methods(["GET", "POST"])
def measure_refresh(request, project_id, measure_id):
    """Work out a measure's values from every upload of its series (e.g. those uploaded before it was defined)."""
    project, membership, measure = selectors.measure_for(request.user, project_id, measure_id, Action.DEFINE_MEASURES)
    error = None
    if request.method == "POST":
        try:
            services.measure_values_queue(by=request.user, measure=measure)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, "Working out the values from the uploads: refresh this page in a moment.")
            return redirect(_url("measure", project, measure_id=measure.pk))
    return TemplateResponse(
        request,
        f"{TEMPLATES}/measure_refresh.html",
        {
            "project": project,
            "measure": measure,
            "from_data": sources.source_of(measure) is not None,
            "error": error,
            "crumbs": _crumbs(project, (measure.name, _url("measure", project, measure_id=measure.pk))),
        },
    )


@require_http_methods(["GET", "POST"])
def goal_measure(request, project_id, goal_id):
    """Measure a goal from data: choose its measure and the period its baseline comes from."""
    project, membership, goal = selectors.goal_for(request.user, project_id, goal_id, Action.EDIT_GOALS)
    initial = {
        "measure": goal.measure_id,
        "baseline": selectors.current_baseline(goal),
        "target_value": goal.target_value,
        "target_date": goal.target_date,
    }
    form = GoalMeasureForm(
        request.POST or None,
        initial=initial,
        measures=selectors.measures(project),
        baselines=selectors.baseline_choices(project),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.goal_link_measure(by=request.user, goal=goal, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Goal measured from the data. Its baseline comes from the period you chose.")
            return redirect(_url("measures", project))
    return TemplateResponse(
        request,
        f"{TEMPLATES}/goal_measure_form.html",
        {"project": project, "goal": goal, "form": form, "crumbs": _crumbs(project)},
    )
