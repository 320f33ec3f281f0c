"""Evaluate 4A pages for PREMs and PROMs: the instruments (shipped and the
organisation's own), adding one to a survey, and a survey's scores with their
breakdown by the respondents' equality answers.

Reading needs Action.VIEW (results follow the survey engine's rule: a panel
member sees an open survey's results once they have answered it); defining an
instrument and adding or taking one out of a survey need Action.EVALUATE."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from amhe.analysis import disclosure
from amhe.core import access, navigation
from amhe.core.access import Action
from amhe.core.form_pages import form_page
from amhe.core.forms import add_service_errors
from amhe.core.models import Job
from amhe.core.selectors import suppression_rule_for
from amhe.surveys import figures as survey_figures
from amhe.surveys import participation
from amhe.surveys import results as survey_results
from amhe.surveys.selectors import survey_url
from amhe.surveys.views_results import ResultsHidden, hidden_until_answered
from evaluate.instruments import figures as instrument_figures
from evaluate.instruments import presenters, scoring, selectors, services, uploading
from evaluate.instruments.forms import AddToSurveyForm, InstrumentForm, ScoresUploadForm

TEMPLATES = "evaluate/instruments"


def _url(name, project, **kwargs) -> str:
    return reverse(f"evaluate:{name}", kwargs={"project_id": project.pk, **kwargs})


def _crumbs(project, *extra):
    return navigation.crumbs(project, "evaluate", ("PREMs and PROMs", _url("instruments", project)), *extra)


@require_GET
def instrument_list(request, project_id):
    project, membership = access.get_project_for_user(request.user, project_id)
    return TemplateResponse(
        request,
        f"{TEMPLATES}/instrument_list.html",
        {
            "project": project,
            "instruments": [presenters.instrument_view(d) for d in selectors.all_definitions(project.organisation)],
            "uses": selectors.uses(project),
            "can_evaluate": access.role_can(membership.role, Action.EVALUATE),
            "crumbs": navigation.crumbs(project, "evaluate"),
        },
    )


@require_http_methods(["GET", "POST"])
def instrument_new(request, project_id):
    project, membership = access.get_project_for_user(request.user, project_id, Action.EVALUATE)
    form = InstrumentForm(request.POST or None)
    return form_page(
        request,
        form,
        save=lambda: services.instrument_create(
            by=request.user, organisation=project.organisation, **form.service_arguments()
        ),
        message=lambda instrument: f"'{instrument.name}' is ready to add to a survey.",
        next_url=lambda instrument: _url("instrument", project, instrument=instrument.key),
        template=f"{TEMPLATES}/instrument_form.html",
        context={"project": project, "crumbs": _crumbs(project)},
    )


@require_http_methods(["GET", "POST"])
def instrument_detail(request, project_id, instrument):
    action = Action.EVALUATE if request.method == "POST" else Action.VIEW
    project, membership, definition, _own = selectors.instrument_for(request.user, project_id, instrument, action)
    can_evaluate = access.role_can(membership.role, Action.EVALUATE)
    surveys = selectors.draft_surveys(project) if can_evaluate else []
    form = AddToSurveyForm(request.POST or None, surveys=surveys) if can_evaluate else None
    if request.method == "POST" and form.is_valid():
        survey = next(s for s in surveys if str(s.pk) == form.cleaned_data["survey"])
        try:
            use = services.add_to_survey(by=request.user, survey=survey, key=definition["key"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, f"{use.name} added to '{survey.title}': {len(use.questions)} questions after its own."
            )
            return redirect(survey.get_absolute_url())
    return TemplateResponse(
        request,
        f"{TEMPLATES}/instrument_detail.html",
        {
            "project": project,
            "instrument": presenters.instrument_view(definition),
            "form": form,
            "uses": selectors.uses_of_key(project, definition["key"]),
            "measure": selectors.measure_of(project, definition["key"]),
            "can_define_measures": access.role_can(membership.role, Action.DEFINE_MEASURES),
            "can_upload": access.role_can(membership.role, Action.UPLOAD_DATA),
            "uploads": selectors.uploads_of_key(project, definition["key"]),
            "crumbs": _crumbs(project),
        },
    )


@never_cache
@require_GET
@hidden_until_answered
def use_results(request, project_id, use_id):
    project, membership, use = selectors.use_for(request.user, project_id, use_id)
    survey = use.survey
    if participation.results_hidden(request.user, membership, survey):
        raise ResultsHidden(project, survey)  # the survey engine's page: answer it, or wait until it closes
    rule = suppression_rule_for(project)
    stored = survey_figures.stored(survey, rule, by=request.user)
    data = ((stored.extra_figures(instrument_figures.KEY) or {}).get("uses") or {}).get(str(use.pk))
    dimension = stored.valid_dimension(request.GET.get("by"))
    view = presenters.results_view(data, dimension)
    by = view["by_one"] if view else None
    method = use.definition["method"]
    return TemplateResponse(
        request,
        f"{TEMPLATES}/use_results.html",
        {
            "project": project,
            "use": use,
            "survey": survey,
            "survey_results_url": survey_url("survey-results", survey),
            "instrument": presenters.instrument_view(use.definition),
            "data": view,
            "freshness": stored.freshness,
            "rule": rule,
            "rule_sentence": survey_results.rule_sentence(rule),
            "overall_sentence": presenters.overall_sentence(use.name, method, data["overall"]) if data else "",
            "dimension": dimension,
            "dimension_choices": stored.dimension_choices(),
            "by": by,
            "by_sentence": (
                presenters.group_sentence(use.name, method, by["dimension_label"], by["series"]) if by else ""
            ),
            "published_note": disclosure.published_note(rule),
            "can_evaluate": access.role_can(membership.role, Action.EVALUATE),
            "crumbs": _crumbs(project),
        },
    )


@require_http_methods(["GET", "POST"])
def use_remove(request, project_id, use_id):
    project, membership, use = selectors.use_for(request.user, project_id, use_id, Action.EVALUATE)
    error = ""
    if request.method == "POST":
        try:
            services.remove_from_survey(by=request.user, use=use)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, f"{use.name} and its questions were taken out of '{use.survey.title}'.")
            return redirect(_url("instruments", project))
    return TemplateResponse(
        request,
        f"{TEMPLATES}/use_remove.html",
        {"project": project, "use": use, "error": error, "crumbs": _crumbs(project)},
        status=400 if error else 200,
    )


@require_http_methods(["GET", "POST"])
def instrument_measure(request, project_id, instrument):
    """Measure the instrument's score over time: a measure with one value per closed survey."""
    project, membership, definition, _own = selectors.instrument_for(
        request.user, project_id, instrument, Action.DEFINE_MEASURES
    )
    error = ""
    if request.method == "POST":
        try:
            measure = services.measure_from_instrument(by=request.user, project=project, key=definition["key"])
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(
                request, f"'{measure.name}' will get a value from each closed survey that asked {definition['name']}."
            )
            return redirect(_url("measure", project, measure_id=measure.pk))
    return TemplateResponse(
        request,
        f"{TEMPLATES}/instrument_measure.html",
        {
            "project": project,
            "instrument": presenters.instrument_view(definition),
            "measure": selectors.measure_of(project, definition["key"]),
            "error": error,
            "crumbs": _crumbs(project, (definition["name"], _url("instrument", project, instrument=definition["key"]))),
        },
        status=400 if error else 200,
    )


@require_http_methods(["GET", "POST"])
def scores_upload(request, project_id, instrument):
    """Upload scores of the instrument (item answers or totals per person, a date, equality answers)."""
    project, membership, definition, _own = selectors.instrument_for(
        request.user, project_id, instrument, Action.UPLOAD_DATA
    )
    form = ScoresUploadForm(request.POST or None, request.FILES or None)
    return form_page(
        request,
        form,
        save=lambda: services.scores_upload_queue(
            by=request.user,
            project=project,
            key=definition["key"],
            title=form.cleaned_data["title"],
            grouping=form.cleaned_data["grouping"],
            data=form.data_bytes(),
        ),
        message="Your file is being read and scored. This page shows the figures when ready.",
        next_url=lambda upload: _url("instrument-upload-results", project, upload_id=upload.pk),
        template=f"{TEMPLATES}/scores_upload.html",
        context={
            "project": project,
            "instrument": presenters.instrument_view(definition),
            "items": len(definition["items"]),
            "answers_text": uploading.answers_text(definition),
            "share": definition["method"] == scoring.SHARE,
            "max_periods": uploading.MAX_PERIODS,
            "crumbs": _crumbs(project, (definition["name"], _url("instrument", project, instrument=definition["key"]))),
        },
        bad_request_on_errors=True,
    )


@never_cache
@require_GET
def upload_results(request, project_id, upload_id):
    """One upload's figures, period by period, as published (suppressed) for everyone."""
    project, membership, upload = selectors.upload_for(request.user, project_id, upload_id)
    periods = selectors.current_periods(upload)
    chosen = request.GET.get("period", "")
    period = next((p for p in periods if p.period_start.isoformat() == chosen), periods[-1] if periods else None)
    rule = suppression_rule_for(project)
    data = period.figures if period else None
    keys = list((data or {}).get("by") or {})
    dimension = request.GET.get("by") if request.GET.get("by") in keys else (keys[0] if keys else "")
    view = presenters.results_view(data, dimension) if data else None
    by = view["by_one"] if view else None
    method = upload.definition["method"]
    job = (
        Job.objects.filter(kind=services.SCORES_JOB, params__upload_id=upload.pk).order_by("-created_at").first()
        if upload.state == upload.State.PROCESSING
        else None
    )
    return TemplateResponse(
        request,
        f"{TEMPLATES}/upload_results.html",
        {
            "project": project,
            "upload": upload,
            "job": job,
            "can_upload": access.role_can(membership.role, Action.UPLOAD_DATA),
            "periods": periods,
            "period": period,
            "instrument": presenters.instrument_view(upload.definition),
            "data": view,
            "rule": rule,
            "rule_sentence": survey_results.rule_sentence(rule),
            "overall_sentence": presenters.overall_sentence(upload.name, method, data["overall"]) if data else "",
            "dimension": dimension,
            "dimension_choices": [(key, survey_results.DIMENSIONS[key].label) for key in keys],
            "by": by,
            "by_sentence": (
                presenters.group_sentence(upload.name, method, by["dimension_label"], by["series"]) if by else ""
            ),
            "published_note": disclosure.published_note(rule),
            "crumbs": _crumbs(project, (upload.name, _url("instrument", project, instrument=upload.key))),
        },
    )
