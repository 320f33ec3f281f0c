"""Evaluate 4A: self-assessments against frameworks (EDS 2022, PCREF, an organisation's own).

Everyone on the project reads the list, a framework's year-on-year page and an
assessment's summary; leads and governance leads (Action.ASSESS) start assessments and
rate items; making a Deliver action from a low rating needs Action.TRACK_DELIVERY (leads).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from amhe.core import access, navigation
from amhe.core.access import Action
from amhe.core.form_pages import form_page
from evaluate.frameworks import editing, presenters, selectors, services
from evaluate.frameworks.forms import AssessmentForm, FrameworkForm, MakeActionForm, RatingForm

TEMPLATES = "evaluate/frameworks"


def _url(name, project, **kwargs) -> str:
    return reverse(f"evaluate:{name}", kwargs={"project_id": project.pk, **kwargs})


def _crumbs(project, *extra):
    return navigation.crumbs(project, "evaluate", ("Self-assessments", _url("frameworks", project)), *extra)


def _assessment_crumbs(project, assessment):
    return _crumbs(
        project,
        (f"{assessment.framework} {assessment.period}", _url("assessment", project, assessment_id=assessment.pk)),
    )


@require_GET
def framework_list(request, project_id):
    project, membership = access.get_project_for_user(request.user, project_id)
    found = selectors.assessments(project)
    rows = [
        (framework, [a for a in found if a.framework_id == framework.pk]) for framework in selectors.frameworks(project)
    ]
    return TemplateResponse(
        request,
        f"{TEMPLATES}/framework_list.html",
        {
            "project": project,
            "rows": rows,
            "can_assess": access.role_can(membership.role, Action.ASSESS),
            "can_manage": services.may_manage_frameworks(request.user, project.organisation),
            "crumbs": navigation.crumbs(project, "evaluate"),
        },
    )


@require_GET
def framework_detail(request, project_id, framework_id):
    project, membership, framework = selectors.framework_for(request.user, project_id, framework_id)
    found = list(selectors.assessments(project, framework))
    items = selectors.items(framework)
    table = presenters.year_on_year(framework, items, found, selectors.ratings_of(a.pk for a in found))
    return TemplateResponse(
        request,
        f"{TEMPLATES}/framework_detail.html",
        {
            "project": project,
            "framework": framework,
            "sections": selectors.structure(framework),
            "levels": list(framework.levels.all()),
            "bands": presenters.band_ranges(framework, presenters.top_of(framework) * len(items)),
            "maximum": presenters.top_of(framework) * len(items),
            "table": table,
            "can_assess": access.role_can(membership.role, Action.ASSESS),
            "can_manage": services.may_manage_frameworks(request.user, project.organisation),
            "crumbs": _crumbs(project),
        },
    )


@require_http_methods(["GET", "POST"])
def assessment_new(request, project_id, framework_id):
    project, membership, framework = selectors.framework_for(request.user, project_id, framework_id, Action.ASSESS)
    form = AssessmentForm(request.POST or None)
    return form_page(
        request,
        form,
        save=lambda: services.assessment_create(
            by=request.user, project=project, framework=framework, **form.cleaned_data
        ),
        message=lambda assessment: f"Assessment of {framework} for {assessment.period} started: rate each item.",
        next_url=lambda assessment: _url("assessment", project, assessment_id=assessment.pk),
        template=f"{TEMPLATES}/assessment_form.html",
        context={
            "project": project,
            "framework": framework,
            "crumbs": _crumbs(project, (str(framework), _url("framework", project, framework_id=framework.pk))),
        },
    )


@require_http_methods(["GET", "POST"])
def assessment_edit(request, project_id, assessment_id):
    project, membership, assessment = selectors.assessment_for(request.user, project_id, assessment_id, Action.ASSESS)
    initial = {"assessed_on": assessment.assessed_on, "summary": assessment.summary}
    form = AssessmentForm(request.POST or None, initial=initial, editing=True)
    return form_page(
        request,
        form,
        save=lambda: services.assessment_update(by=request.user, assessment=assessment, **form.cleaned_data),
        message="Assessment saved.",
        next_url=_url("assessment", project, assessment_id=assessment.pk),
        template=f"{TEMPLATES}/assessment_form.html",
        context={
            "project": project,
            "framework": assessment.framework,
            "assessment": assessment,
            "crumbs": _assessment_crumbs(project, assessment),
        },
    )


@require_GET
def assessment_detail(request, project_id, assessment_id):
    project, membership, assessment = selectors.assessment_for(request.user, project_id, assessment_id)
    summary = presenters.summary(assessment, selectors.ratings(assessment))
    return TemplateResponse(
        request,
        f"{TEMPLATES}/assessment_detail.html",
        {
            "project": project,
            "assessment": assessment,
            "summary": summary,
            "can_assess": access.role_can(membership.role, Action.ASSESS),
            "can_act": access.role_can(membership.role, Action.TRACK_DELIVERY),
            "crumbs": _crumbs(
                project, (str(assessment.framework), _url("framework", project, framework_id=assessment.framework_id))
            ),
        },
    )


@require_http_methods(["GET", "POST"])
def rating_edit(request, project_id, assessment_id, rating_id):
    project, membership, assessment, rating = selectors.rating_for(
        request.user, project_id, assessment_id, rating_id, Action.ASSESS
    )
    form = RatingForm(
        request.POST or None,
        initial=RatingForm.initial_for(rating),
        framework=assessment.framework,
        levels=list(assessment.framework.levels.all()),
        extracts=selectors.extract_choices(project),
        surveys=selectors.survey_choices(project),
        decisions=selectors.decision_choices(project),
        measures=selectors.measure_choices(project),
    )
    return form_page(
        request,
        form,
        save=lambda: services.rating_record(by=request.user, rating=rating, **form.service_arguments()),
        message=f"{rating.item.code} saved.",
        next_url=_url("assessment", project, assessment_id=assessment.pk) + f"#item-{rating.pk}",
        template=f"{TEMPLATES}/rating_form.html",
        context={
            "project": project,
            "assessment": assessment,
            "rating": rating,
            "crumbs": _assessment_crumbs(project, assessment),
        },
    )


@require_http_methods(["GET", "POST"])
def action_make(request, project_id, assessment_id, rating_id):
    project, membership, assessment, rating = selectors.rating_for(
        request.user, project_id, assessment_id, rating_id, Action.ASSESS
    )
    if not access.role_can(membership.role, Action.TRACK_DELIVERY):
        raise PermissionDenied("Only the project's leads add actions to Deliver's tracker.")
    interventions = selectors.intervention_choices(project)
    initial = {"title": f"{rating.item.code}: {rating.item.low_action}"[:300] if rating.item.low_action else ""}
    form = MakeActionForm(request.POST or None, initial=initial, project=project, interventions=interventions)
    low = services.is_low(rating)
    return form_page(
        request,
        form,
        save=lambda: services.action_make(by=request.user, rating=rating, **form.cleaned_data),
        can_save=low,
        message=lambda item: f"Action added to Deliver's tracker: {item.title}",
        next_url=_url("assessment", project, assessment_id=assessment.pk) + f"#item-{rating.pk}",
        template=f"{TEMPLATES}/action_form.html",
        context={
            "project": project,
            "assessment": assessment,
            "rating": rating,
            "low": low,
            "has_interventions": interventions.exists(),
            "crumbs": _assessment_crumbs(project, assessment),
        },
    )


# --- an organisation's own frameworks (its admin for frameworks: services.may_manage_frameworks)


def _manager_only(request, project) -> None:
    if not services.may_manage_frameworks(request.user, project.organisation):
        raise PermissionDenied("Only your organisation's admin for frameworks can write or change frameworks.")


def _framework_form_page(request, project, framework=None, initial=None):
    form = FrameworkForm(request.POST or None, initial=initial)

    def save():
        try:
            return services.framework_save(
                by=request.user, organisation=project.organisation, framework=framework, **form.cleaned_data
            )
        except editing.TextProblems as exc:  # each against its box (levels, bands, structure)
            raise ValidationError(exc.problems) from exc

    return form_page(
        request,
        form,
        save=save,
        message=lambda saved: f"'{saved.name}' is saved.",
        next_url=lambda saved: _url("framework", project, framework_id=saved.pk),
        template=f"{TEMPLATES}/framework_form.html",
        context={"project": project, "framework": framework, "crumbs": _crumbs(project)},
        bad_request_on_errors=True,
    )


@require_http_methods(["GET", "POST"])
def framework_new(request, project_id):
    """Write a new framework of the organisation's own."""
    project, _membership = access.get_project_for_user(request.user, project_id)
    _manager_only(request, project)
    return _framework_form_page(request, project)


@require_http_methods(["GET", "POST"])
def framework_edit(request, project_id, framework_id):
    """Change one of the organisation's own frameworks (a national one is read-only: 404 here)."""
    project, _membership, framework = selectors.framework_for(request.user, project_id, framework_id)
    _manager_only(request, project)
    if framework.organisation_id != project.organisation_id:
        raise Http404("National frameworks cannot be changed: make a copy")
    sections = selectors.structure(framework)
    initial = {
        field: getattr(framework, field)
        for field in ("name", "short_name", "description", "source", "section_label", "item_label")
    }
    initial |= {"evidence_by_characteristic": framework.evidence_by_characteristic, "low_rating": framework.low_rating}
    initial |= editing.as_text(framework, levels=list(framework.levels.all()), sections=sections)
    return _framework_form_page(request, project, framework, initial)


@require_http_methods(["GET", "POST"])
def framework_copy(request, project_id, framework_id):
    """Copy a national framework, or one of the organisation's own, to change it."""
    project, _membership, framework = selectors.framework_for(request.user, project_id, framework_id)
    _manager_only(request, project)
    if request.method == "POST":
        copy = services.framework_copy(by=request.user, organisation=project.organisation, framework=framework)
        messages.success(request, f"'{copy.name}' is your organisation's own: change it here.")
        return redirect(_url("framework-edit", project, framework_id=copy.pk))
    return TemplateResponse(
        request,
        f"{TEMPLATES}/framework_copy.html",
        {"project": project, "framework": framework, "crumbs": _crumbs(project)},
    )
