"""Survey results pages (Identify 1B): the overview, one question broken down by
the respondents' own equality answers, free-text coding, themes by group and
the downloads.

Everyone who may view the project sees small-number-suppressed figures (there
is no "uploading analyst" for a survey). Free-text answers, which can identify
people, are shown to leads and analysts (Action.ENGAGE) only, on the coding
page; record-level downloads are for them only too.
"""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.defaultfilters import pluralize
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from amhe.analysis import disclosure
from amhe.core import access
from amhe.core import presenters as core_presenters
from amhe.core.access import Action
from amhe.core.selectors import suppression_rule_for
from amhe.core.two_factor import recent_sign_in_required
from amhe.surveys import export, participation, responding, selectors
from amhe.surveys import figures as survey_figures
from amhe.surveys import results as survey_results
from amhe.surveys import themes as theme_service
from amhe.surveys.models import Question
from amhe.surveys.selectors import survey_url

PER_PAGE = 25
TEMPLATES = "surveys/results"


class ResultsHidden(Exception):
    """A panel member has not answered this open survey yet (see hidden_until_answered)."""

    def __init__(self, project, survey):
        super().__init__("Results hidden until you answer or the survey closes")
        self.project, self.survey = project, survey


def _survey_for(user, project_id, survey_id, action: Action = Action.VIEW, *, step: str):
    """The project, membership and survey (selectors.survey_for); ResultsHidden for a
    panel member who may not see its results yet."""
    project, membership, survey = selectors.survey_for(user, project_id, survey_id, action, step=step)
    if participation.results_hidden(user, membership, survey):
        raise ResultsHidden(project, survey)
    return project, membership, survey


def hidden_until_answered(view):
    """Answer 403 with a page that says when the results will show, and how to answer."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except ResultsHidden as hidden:
            survey = hidden.survey
            return TemplateResponse(
                request,
                f"{TEMPLATES}/hidden.html",
                {
                    "project": hidden.project,
                    "survey": survey,
                    "can_answer": responding.availability(survey) is None,
                    "answer_url": survey_url("survey-answer", survey),
                    "crumbs": _crumbs(hidden.project, survey),
                },
                status=403,
            )

    return wrapper


def _question_for(survey, question_id) -> Question:
    """One of the survey's own questions (the equality questions are shown under "Who answered")."""
    return get_object_or_404(Question, pk=question_id, survey=survey, equality_key="")


def _results_url(survey) -> str:
    return survey_url("survey-results", survey)


def _crumbs(project, survey, *extra):
    return selectors.survey_crumbs(survey, *extra)


def _common(project, membership, survey, rule):
    return {
        "project": project,
        "survey": survey,
        "rule": rule,
        "rule_sentence": survey_results.rule_sentence(rule),
        "can_engage": access.role_can(membership.role, Action.ENGAGE),
        "results_url": _results_url(survey),
        "published_note": disclosure.published_note(rule),
        "suppressed_note": (
            f"{rule.symbol} Suppressed: fewer than {rule.primary_max + 1} people, or hidden so that a suppressed "
            "number cannot be worked out."
        ),
    }


def _figures(request, project, survey, rule) -> survey_figures.StoredFigures:
    """The survey's stored figures (no pandas work here); a job is queued if they are missing or out of date."""
    return survey_figures.stored(survey, rule, by=request.user)


def _with_figures(figures: survey_figures.StoredFigures) -> dict:
    return {"figures": figures, "freshness": figures.freshness}


@hidden_until_answered
@require_GET
def results(request, project_id, step, survey_id):
    project, membership, survey = _survey_for(request.user, project_id, survey_id, step=step)
    rule = suppression_rule_for(project)
    figures = _figures(request, project, survey, rule)
    return TemplateResponse(
        request,
        f"{TEMPLATES}/overview.html",
        {
            **_common(project, membership, survey, rule),
            **_with_figures(figures),
            "overview": figures.overview(),
            "summaries": figures.summaries(selectors.own_questions_of(survey)) if figures.ready else [],
            "who": figures.who(),
            "crumbs": _crumbs(project, survey),
        },
    )


@hidden_until_answered
@require_GET
def question_results(request, project_id, step, survey_id, question_id):
    project, membership, survey = _survey_for(request.user, project_id, survey_id, step=step)
    question = _question_for(survey, question_id)
    rule = suppression_rule_for(project)
    figures = _figures(request, project, survey, rule)
    dimension = figures.valid_dimension(request.GET.get("by"))
    summary = figures.summary(question)
    breakdown = None
    if figures.has_equality and question.kind in survey_results.breakdown_kinds():
        breakdown = figures.breakdown(question, dimension, rule, option=request.GET.get("option"))
    return TemplateResponse(
        request,
        f"{TEMPLATES}/question.html",
        {
            **_common(project, membership, survey, rule),
            **_with_figures(figures),
            "question": question,
            "summary": summary,
            "breakdown": breakdown,
            "dimension": dimension,
            "dimension_choices": figures.dimension_choices(),
            "crumbs": _crumbs(project, survey, ("Results", _results_url(survey))),
        },
    )


@hidden_until_answered
@require_GET
def themes(request, project_id, step, survey_id):
    project, membership, survey = _survey_for(request.user, project_id, survey_id, step=step)
    rule = suppression_rule_for(project)
    figures = _figures(request, project, survey, rule)
    dimension = figures.valid_dimension(request.GET.get("by"))
    table = figures.themes_table(dimension) if figures.has_equality else None
    summaries = figures.summaries(selectors.own_questions_of(survey)) if figures.ready else []
    return TemplateResponse(
        request,
        f"{TEMPLATES}/themes.html",
        {
            **_common(project, membership, survey, rule),
            **_with_figures(figures),
            "table": table,
            "dimension": dimension,
            "dimension_choices": figures.dimension_choices(),
            "text_summaries": [summary for summary in summaries if summary.is_text],
            "crumbs": _crumbs(project, survey, ("Results", _results_url(survey))),
        },
    )


# --------------------------------------------------------------------------- free-text coding


def _codable_answers(frame, question) -> list[int]:
    """Pks of the answers to code: submitted, shown to the respondent, not blank; oldest first."""
    answered = {
        response
        for response, value, asked in zip(
            frame.df["response"],
            frame.df[survey_results.column(question)],
            frame.df[survey_results.asked_column(question)],
            strict=True,
        )
        if asked and value is not None
    }
    order = {response: i for i, response in enumerate(frame.df["response"])}
    rows = selectors.submitted_answer_ids(question)
    picked = [(order[str(r)], pk) for pk, r in rows if str(r) in answered]
    return [pk for _, pk in sorted(picked)]


@never_cache  # every free-text answer, word for word
@require_http_methods(["GET", "POST"])
def coding(request, project_id, step, survey_id, question_id):
    """Code free-text answers into themes, 25 to a page. Leads and analysts only:
    the answers themselves can identify people."""
    project, membership, survey = _survey_for(request.user, project_id, survey_id, Action.ENGAGE, step=step)
    question = _question_for(survey, question_id)
    if question.kind not in survey_results.TEXT_KINDS:
        raise Http404("Only free-text answers are coded into themes")
    rule = suppression_rule_for(project)
    frame = survey_results.build_frame(survey)
    pks = _codable_answers(frame, question)
    page = Paginator(pks, PER_PAGE).get_page(request.GET.get("page"))
    first_number = (page.number - 1) * PER_PAGE + 1
    on_page = list(page.object_list)
    answers = selectors.answers_with_themes(on_page)
    errors: dict[int, str] = {}
    posted: dict[int, str] = {}

    if request.method == "POST":
        if "save" in request.POST:
            targets = [request.POST["save"]]
        else:
            targets = request.POST.getlist("answer")
        try:
            chosen = [int(t) for t in targets]
        except ValueError:
            chosen = []
        chosen = [pk for pk in chosen if pk in answers]
        if not chosen:
            messages.error(request, "Nothing was saved: choose an answer on this page.")
            return redirect(request.get_full_path())
        parsed: dict[int, list[str]] = {}
        for pk in chosen:
            raw = request.POST.get(f"themes-{pk}", "")
            posted[pk] = raw
            try:
                parsed[pk] = theme_service.parse_names(raw)
            except ValidationError as exc:
                errors[pk] = " ".join(exc.messages)
        if not errors:
            with transaction.atomic():
                for pk, names in parsed.items():
                    theme_service.themes_set(by=request.user, project=project, target=answers[pk], names=names)
            if len(chosen) == 1:
                number = first_number + on_page.index(chosen[0])
                messages.success(request, f"Themes saved for answer {number}.")
                return redirect(f"{request.get_full_path()}#answer-{chosen[0]}")
            messages.success(
                request, f"Themes saved for the {len(chosen)} answer{pluralize(len(chosen))} on this page."
            )
            return redirect(request.get_full_path())

    items = []
    for offset, pk in enumerate(on_page):
        answer = answers[pk]
        current = ", ".join(t.name for t in sorted(answer.themes.all(), key=lambda t: t.name.casefold()))
        items.append(
            {
                "answer": answer,
                "number": first_number + offset,
                "text": str(answer.value),
                "themes": posted.get(pk, current),
                "error": errors.get(pk),
            }
        )
    return TemplateResponse(
        request,
        f"{TEMPLATES}/coding.html",
        {
            **_common(project, membership, survey, rule),
            "question": question,
            "number": frame.number(question),
            "items": items,
            "page": page,
            "page_links": core_presenters.page_links(page),
            "total": len(pks),
            "errors": list(errors.items()),
            "existing_themes": selectors.theme_names(project),
            "theme_rows": survey_results.theme_rows(frame, question, rule),
            "crumbs": _crumbs(
                project,
                survey,
                ("Results", _results_url(survey)),
                (
                    f"Question {frame.number(question)}",
                    survey_url("survey-question-results", survey, question_id=question.pk),
                ),
            ),
        },
    )


# --------------------------------------------------------------------------- downloads


def _filename(survey, what: str, extension: str) -> str:
    return f"survey-{what}-{survey.pk}-{timezone.localdate():%Y-%m-%d}.{extension}"


def _results_download(request, project, survey, rule) -> tuple[list[export.Sheet], str]:
    """The stored figures as sheets, and the banner: how they are suppressed and how fresh they are."""
    figures = _figures(request, project, survey, rule)
    banner = f"{export.aggregated_banner(rule)} {figures.freshness.sentence}"
    if not figures.ready:
        return [export.Sheet("Results", ["Results"], [[figures.freshness.sentence]])], banner
    return figures.sheets(), banner


@hidden_until_answered
@require_GET
def results_csv(request, project_id, step, survey_id):
    project, membership, survey = _survey_for(request.user, project_id, survey_id, step=step)
    rule = suppression_rule_for(project)
    sheets, banner = _results_download(request, project, survey, rule)
    return export.csv_response(_filename(survey, "results", "csv"), sheets, banner=banner)


@hidden_until_answered
@require_GET
def results_xlsx(request, project_id, step, survey_id):
    project, membership, survey = _survey_for(request.user, project_id, survey_id, step=step)
    rule = suppression_rule_for(project)
    sheets, banner = _results_download(request, project, survey, rule)
    return export.xlsx_response(_filename(survey, "results", "xlsx"), sheets, banner=banner)


@recent_sign_in_required
@require_GET
def responses_csv(request, project_id, step, survey_id):
    project, membership, survey = _survey_for(request.user, project_id, survey_id, Action.ENGAGE, step=step)
    sheet = export.responses_sheet(survey_results.build_frame(survey))
    return export.csv_response(
        _filename(survey, "responses-NOT-FOR-PUBLICATION", "csv"), [sheet], banner=export.RECORD_LEVEL_BANNER
    )


@recent_sign_in_required
@require_GET
def responses_xlsx(request, project_id, step, survey_id):
    project, membership, survey = _survey_for(request.user, project_id, survey_id, Action.ENGAGE, step=step)
    sheet = export.responses_sheet(survey_results.build_frame(survey))
    return export.xlsx_response(
        _filename(survey, "responses-NOT-FOR-PUBLICATION", "xlsx"), [sheet], banner=export.RECORD_LEVEL_BANNER
    )
