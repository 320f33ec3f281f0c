"""The survey builder and distribution pages, for a survey of any step.

Every page finds the project through access.get_project_for_user (404 for
non-members) and the survey within that project (404 for another project's or another step's;
amhe.surveys.selectors.survey_for).
Reading a survey needs Action.VIEW; building, translating and distributing it
need Action.ENGAGE (leads and analysts). Writes go through
amhe.surveys.building.
"""

from __future__ import annotations

import csv
import io

import segno
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.defaultfilters import pluralize
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from amhe import stats
from amhe.analysis.csv_safe import csv_safe
from amhe.analysis.downloads import csv_download
from amhe.core import access
from amhe.core.access import Action
from amhe.core.forms import add_service_errors
from amhe.core.selectors import suppression_rule_for
from amhe.core.two_factor import recent_sign_in_required
from amhe.surveys import building, equality, i18n, participation, responding
from amhe.surveys.forms_builder import (
    BankFilterForm,
    BankSaveForm,
    InvitationsForm,
    QuestionForm,
    QuestionKindForm,
    SurveyForm,
    TranslationForm,
)
from amhe.surveys.models import Question, Survey, SurveyResponse
from amhe.surveys.selectors import (
    answered_question_ids,
    bank_item_for,
    bank_items,
    crumbs,
    question_for,
    step_url,
    survey_crumbs,
    survey_for,
    survey_step,
    surveys_of_step,
)
from amhe.surveys.selectors import survey_url as _url
from amhe.surveys.steps import step_surveys_substeps

TEMPLATES = "surveys/builder"
Kind = Question.Kind


# --- Finding things ---------------------------------------------------------------


def _can_engage(membership) -> bool:
    return access.role_can(membership.role, Action.ENGAGE)


def _service_errors(form, exc: ValidationError, rename: dict[str, str] | None = None) -> None:
    """add_service_errors, with service field names mapped to the form's."""
    if rename and hasattr(exc, "error_dict"):
        exc = ValidationError({rename.get(field, field): errors for field, errors in exc.error_dict.items()})
    add_service_errors(form, exc)


SETTINGS_RENAME = {"opens_at": "opens_on", "closes_at": "closes_on"}


# --- Presenting ------------------------------------------------------------------


def state_tag(survey: Survey) -> tuple[str, str]:
    """(text, NHS.UK tag class) for where a survey stands, dates included."""
    now = timezone.now()
    if survey.state == Survey.State.DRAFT:
        return "Draft", "nhsuk-tag--grey"
    if survey.state == Survey.State.CLOSED or (survey.closes_at and survey.closes_at < now):
        return "Closed", "nhsuk-tag--white"
    if survey.opens_at and survey.opens_at > now:
        return "Published, not open yet", "nhsuk-tag--blue"
    return "Open", "nhsuk-tag--green"


def _quoted(labels) -> str:
    labels = [f"'{label}'" for label in labels]
    if len(labels) <= 1:
        return "".join(labels)
    return ", ".join(labels[:-1]) + " or " + labels[-1]


def show_if_words(question: Question, numbers: dict[int, int]) -> str:
    """ "Shown if question 2, 'Do you have a carer?', is 'Yes' or 'No'"."""
    controller = question.show_if_question
    if controller is None:
        return ""
    verb = "includes" if controller.kind == Kind.MULTIPLE else "is"
    labels = [building.option_label(controller, value) for value in question.show_if_values]
    number = numbers.get(controller.pk)
    which = f"question {number}, '{controller.text}'," if number else f"'{controller.text}'"
    return f"Shown if the answer to {which} {verb} {_quoted(labels)}"


def answers_words(question: Question) -> str:
    """The answers a question offers, in words."""
    if question.kind == Kind.RATING and question.options:
        low, high = question.options[0]["label"], question.options[-1]["label"]
        low += f" ({question.min_label})" if question.min_label else ""
        high += f" ({question.max_label})" if question.max_label else ""
        return f"{low} to {high}"
    if question.kind == Kind.NUMBER:
        if question.min_value is not None and question.max_value is not None:
            return f"A number from {question.min_value} to {question.max_value}"
        if question.min_value is not None:
            return f"A number, at least {question.min_value}"
        if question.max_value is not None:
            return f"A number, at most {question.max_value}"
        return "Any number"
    if question.options:
        return ""  # shown as a list
    return {Kind.DATE: "A date", Kind.TEXT: "Short text", Kind.LONG_TEXT: "Long text"}.get(question.kind, "")


def _question_rows(survey: Survey) -> tuple[list[dict], list[Question]]:
    """Own questions grouped by page, and the equality questions."""
    questions = building.ordered_questions(survey)
    numbers = {q.pk: n for n, q in enumerate(questions, start=1)}
    pages = building.page_numbers(questions)
    answered = answered_question_ids(survey)
    grouped: list[dict] = []
    own = [q for q in questions if not q.equality_key]
    for index, question in enumerate(own):
        page = pages[question.pk]
        if not grouped or grouped[-1]["number"] != page:
            grouped.append({"number": page, "questions": []})
        grouped[-1]["questions"].append(
            {
                "question": question,
                "number": numbers[question.pk],
                "kind": question.get_kind_display(),
                "options": [o["label"] + (" (only on its own)" if o.get("exclusive") else "") for o in question.options]
                if question.kind in (Kind.SINGLE, Kind.MULTIPLE, Kind.LIKERT)
                else [],
                "answers": answers_words(question),
                "show_if": show_if_words(question, numbers),
                "answered": question.pk in answered,
                "first": index == 0,
                "last": index == len(own) - 1,
            }
        )
    return grouped, [q for q in questions if q.equality_key]


def shown_count(count: int, rule) -> str:
    """A count of people's answers as any page may show it: under the organisation's
    suppression rule, as the results pages show counts (a staff feedback form's
    answers counted exactly would say how many of a small team answered)."""
    shown = stats.display_count(count, rule)
    if shown is None:
        return f"1 to {rule.primary_max} (the exact number is not shown)"
    if rule.round_to and shown != count:
        return f"about {shown}"
    return str(shown)


def _submitted(survey: Survey) -> str:
    count = survey.responses.filter(state=SurveyResponse.State.SUBMITTED).count()
    return shown_count(count, suppression_rule_for(survey.project))


def _language_rows(survey: Survey, questions) -> list[dict]:
    return [
        {
            "code": code,
            "name": i18n.language_name(code),
            "english": i18n.english_language_name(code),
            "missing": i18n.missing(survey, questions, code),
            "url": _url("survey-translate", survey, language=code),
        }
        for code in survey.languages
    ]


def survey_rows(surveys) -> list[dict]:
    """Table rows for `surveys` (a queryset), with their responses and questions counted."""
    rows = surveys.annotate(
        submitted=Count("responses", filter=Q(responses__state=SurveyResponse.State.SUBMITTED), distinct=True),
        own_questions=Count("questions", filter=Q(questions__equality_key=""), distinct=True),
    )
    result = []
    rules: dict = {}
    for survey in rows:
        text, tag_class = state_tag(survey)
        if survey.project_id not in rules:
            rules[survey.project_id] = suppression_rule_for(survey.project)
        result.append(
            {
                "survey": survey,
                "state": text,
                "tag_class": tag_class,
                "submitted": shown_count(survey.submitted, rules[survey.project_id]),
            }
        )
    return result


def overview_context(request, project, membership, step: str) -> dict:
    """Context for the surveys block of a step's page (its survey table and "Create a survey")."""
    surveys = surveys_of_step(project, step)
    return {
        **{
            f"survey_rows_{code}": survey_rows(surveys.filter(substep=code))[:20]
            for code in step_surveys_substeps(step)
        },
        "survey_step": step,
        "can_engage": _can_engage(membership),
        "to_answer": participation.surveys_to_answer(request.user, project),
    }


# --- Surveys -----------------------------------------------------------------------


@require_GET
def survey_list(request, project_id, step):
    survey_step(step)
    project, membership = access.get_project_for_user(request.user, project_id)
    return TemplateResponse(
        request,
        f"{TEMPLATES}/list.html",
        {
            "project": project,
            "survey_step": step,
            "rows": survey_rows(surveys_of_step(project, step)),
            "can_engage": _can_engage(membership),
            "to_answer": participation.surveys_to_answer(request.user, project),
            "crumbs": crumbs(project, step)[:-1],
        },
    )


@require_http_methods(["GET", "POST"])
def survey_new(request, project_id, step):
    survey_step(step)
    project, membership = access.get_project_for_user(request.user, project_id, Action.ENGAGE)
    substeps = step_surveys_substeps(step)
    chosen = request.GET.get("substep")
    form = SurveyForm(
        request.POST or None,
        substeps=substeps,
        initial={
            "include_equality": True,
            "open_link_enabled": True,
            **({"substep": chosen} if chosen in substeps else {}),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            survey = building.survey_create(
                by=request.user, project=project, substep=form.chosen_substep(substeps), **form.settings()
            )
        except ValidationError as exc:
            _service_errors(form, exc, SETTINGS_RENAME)
        else:
            messages.success(request, "Survey created. Now add its questions.")
            return redirect(survey)
    return TemplateResponse(
        request,
        f"{TEMPLATES}/survey_form.html",
        {"project": project, "form": form, "survey": None, "survey_step": step, "crumbs": crumbs(project, step)},
    )


@require_GET
def survey_detail(request, project_id, step, survey_id):
    project, membership, survey = survey_for(request.user, project_id, survey_id, step=step)
    pages, equality_rows = _question_rows(survey)
    questions = building.ordered_questions(survey)
    text, tag_class = state_tag(survey)
    return TemplateResponse(
        request,
        f"{TEMPLATES}/detail.html",
        {
            "project": project,
            "survey": survey,
            "state": text,
            "tag_class": tag_class,
            "pages": pages,
            "own_count": sum(len(page["questions"]) for page in pages),
            "equality_questions": equality_rows,
            "languages": _language_rows(survey, questions),
            "submitted": _submitted(survey),
            "has_responses": building.has_responses(survey),
            "can_engage": _can_engage(membership),
            "took_part": responding.took_part(request.user, survey),
            "can_answer": responding.availability(survey) is None,
            "results_hidden": participation.results_hidden(request.user, membership, survey),
            "preview_url": reverse("public:survey-start", kwargs={"token": survey.open_token}),
            "crumbs": crumbs(project, survey.step.slug),
        },
    )


@require_http_methods(["GET", "POST"])
def survey_edit(request, project_id, step, survey_id):
    project, membership, survey = survey_for(request.user, project_id, survey_id, Action.ENGAGE, step=step)
    form = SurveyForm(request.POST or None, survey=survey)
    if request.method == "POST" and form.is_valid():
        try:
            building.survey_update(by=request.user, survey=survey, **form.settings())
        except ValidationError as exc:
            survey.refresh_from_db()
            _service_errors(form, exc, SETTINGS_RENAME)
        else:
            messages.success(request, "Survey settings saved.")
            return redirect(survey)
    return TemplateResponse(
        request,
        f"{TEMPLATES}/survey_form.html",
        {"project": project, "form": form, "survey": survey, "crumbs": survey_crumbs(survey)},
    )


@require_http_methods(["GET", "POST"])
def survey_equality(request, project_id, step, survey_id):
    """The standard equality questions: what they ask, and adding or removing them."""
    action = Action.ENGAGE if request.method == "POST" else Action.VIEW
    project, membership, survey = survey_for(request.user, project_id, survey_id, action, step=step)
    errors = []
    if request.method == "POST":
        include = request.POST.get("include") == "1"
        try:
            building.survey_update(by=request.user, survey=survey, include_equality=include)
        except ValidationError as exc:
            survey.refresh_from_db()
            errors = exc.messages
        else:
            messages.success(
                request,
                "Equality monitoring questions added." if include else "Equality monitoring questions taken out.",
            )
            return redirect(survey)
    rows = []
    with_keys = {item.key: item for item in equality.QUESTIONS}
    for number, item in enumerate(equality.QUESTIONS, start=1):
        shown_if = ""
        if item.show_if:
            controller = with_keys[item.show_if[0]]
            labels = dict(controller.options)
            shown_if = (
                f"Shown if the answer to '{controller.text}' is {_quoted(str(labels[v]) for v in item.show_if[1])}"
            )
        rows.append(
            {
                "number": number,
                "text": str(item.text),
                "hint": str(item.hint),
                "options": [option["label"] for option in item.option_list()],
                "shown_if": shown_if,
            }
        )
    return TemplateResponse(
        request,
        f"{TEMPLATES}/equality.html",
        {
            "project": project,
            "survey": survey,
            "rows": rows,
            "errors": errors,
            "can_engage": _can_engage(membership),
            "crumbs": survey_crumbs(survey),
        },
    )


# --- Questions ------------------------------------------------------------------------


def _question_page(request, project, survey, question, kind):
    """The question form for `kind` (new when `question` is None)."""
    form = QuestionForm(request.POST if request.method == "POST" else None, kind=kind, survey=survey, question=question)
    if request.method == "POST" and form.is_valid():
        try:
            if question is None:
                question = building.question_add(by=request.user, survey=survey, **form.service_arguments())
            else:
                question = building.question_update(by=request.user, question=question, **form.service_arguments())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Question saved.")
            return redirect(survey.get_absolute_url() + f"#question-{question.pk}")
    return TemplateResponse(
        request,
        f"{TEMPLATES}/question_form.html",
        {
            "project": project,
            "survey": survey,
            "question": question,
            "kind": kind,
            "kind_label": Kind(kind).label,
            "form": form,
            "show_if_groups": form.show_if_groups(),
            "has_responses": building.has_responses(survey),
            "crumbs": survey_crumbs(survey),
        },
    )


def _kind_page(request, project, survey, question, kind_form):
    return TemplateResponse(
        request,
        f"{TEMPLATES}/question_kind.html",
        {
            "project": project,
            "survey": survey,
            "question": question,
            "form": kind_form,
            "crumbs": survey_crumbs(survey),
        },
    )


@require_http_methods(["GET", "POST"])
def question_new(request, project_id, step, survey_id):
    """Add a question: choose its kind (a GET form), then fill it in."""
    project, membership, survey = survey_for(request.user, project_id, survey_id, Action.ENGAGE, step=step)
    kind = request.POST.get("kind") if request.method == "POST" else request.GET.get("kind")
    if kind not in Kind.values:
        kind_form = QuestionKindForm(request.GET if "kind" in request.GET else None)
        if kind_form.is_bound:
            kind_form.is_valid()
        return _kind_page(request, project, survey, None, kind_form)
    return _question_page(request, project, survey, None, kind)


@require_http_methods(["GET", "POST"])
def question_edit(request, project_id, step, survey_id, question_id):
    """Change a question. `?change=kind` offers the kinds; `?kind=` uses another kind."""
    project, membership, survey = survey_for(request.user, project_id, survey_id, Action.ENGAGE, step=step)
    question = question_for(survey, question_id)
    if request.method == "GET" and request.GET.get("change") == "kind":
        return _kind_page(request, project, survey, question, QuestionKindForm(initial={"kind": question.kind}))
    kind = (request.POST if request.method == "POST" else request.GET).get("kind") or question.kind
    if kind not in Kind.values:
        raise Http404("No such kind of question")
    return _question_page(request, project, survey, question, kind)


@recent_sign_in_required
@require_http_methods(["GET", "POST"])
def question_delete(request, project_id, step, survey_id, question_id):
    project, membership, survey = survey_for(request.user, project_id, survey_id, Action.ENGAGE, step=step)
    question = question_for(survey, question_id)
    errors = []
    if request.method == "POST":
        try:
            building.question_delete(by=request.user, question=question)
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, "Question deleted.")
            return redirect(survey)
    dependents = list(question.dependents.all())
    return TemplateResponse(
        request,
        f"{TEMPLATES}/question_delete.html",
        {
            "project": project,
            "survey": survey,
            "question": question,
            "answered": question.answers.exists(),
            "dependents": dependents,
            "errors": errors,
            "crumbs": survey_crumbs(survey),
        },
    )


@require_http_methods(["GET", "POST"])
def question_move(request, project_id, step, survey_id, question_id):
    """POST direction=up|down. GET shows the two buttons (the survey page has them too)."""
    project, membership, survey = survey_for(request.user, project_id, survey_id, Action.ENGAGE, step=step)
    question = question_for(survey, question_id)
    if request.method == "POST":
        try:
            building.question_move(by=request.user, question=question, direction=request.POST.get("direction", ""))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "Question moved.")
        return redirect(survey.get_absolute_url() + f"#question-{question.pk}")
    numbers = {q.pk: n for n, q in enumerate(building.own_questions(survey), start=1)}
    return TemplateResponse(
        request,
        f"{TEMPLATES}/question_move.html",
        {
            "project": project,
            "survey": survey,
            "question": question,
            "number": numbers[question.pk],
            "count": len(numbers),
            "crumbs": survey_crumbs(survey),
        },
    )


# --- Translations --------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def survey_translate(request, project_id, step, survey_id, language):
    project, membership, survey = survey_for(request.user, project_id, survey_id, Action.ENGAGE, step=step)
    if language == i18n.DEFAULT or language not in dict(settings.LANGUAGES):
        raise Http404("No such language")
    questions = list(building.own_questions(survey))
    form = TranslationForm(request.POST or None, survey=survey, questions=questions, language=language)
    if request.method == "POST" and form.is_valid():
        missing = building.survey_translate(
            by=request.user,
            survey=survey,
            language=language,
            survey_texts=form.survey_texts(),
            question_texts=form.question_texts(),
        )
        name = i18n.staff_language_name(language)
        if missing:
            messages.success(request, f"{name} translation saved. {len(missing)} still to translate.")
        else:
            messages.success(request, f"{name} translation saved. It is complete.")
        return redirect(_url("survey-translate", survey, language=language))
    return TemplateResponse(
        request,
        f"{TEMPLATES}/translate.html",
        {
            "project": project,
            "survey": survey,
            "language": language,
            "language_name": i18n.language_name(language),
            "language_english": i18n.english_language_name(language),
            "offered": language in survey.languages,
            "form": form,
            "missing": i18n.missing(survey, building.ordered_questions(survey), language),
            "crumbs": survey_crumbs(survey),
        },
    )


# --- Publishing ----------------------------------------------------------------------


def _problem_rows(survey, problems):
    rows = []
    for problem in problems:
        href = ""
        if problem.language:
            href = _url("survey-translate", survey, language=problem.language)
        elif problem.question is not None:
            href = _url("question-edit", survey, question_id=problem.question.pk)
        elif "question" in problem.message:
            href = _url("question-new", survey)
        else:
            href = _url("survey-edit", survey)
        rows.append({"message": problem.message, "href": href})
    return rows


@require_http_methods(["GET", "POST"])
def survey_publish(request, project_id, step, survey_id):
    project, membership, survey = survey_for(request.user, project_id, survey_id, Action.ENGAGE, step=step)
    errors = []
    if request.method == "POST":
        try:
            building.survey_publish(by=request.user, survey=survey)
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, "Survey published. Share the open link, QR code or single-use links.")
            return redirect(_url("survey-share", survey))
    problems = building.publish_problems(survey) if survey.state == Survey.State.DRAFT else []
    return TemplateResponse(
        request,
        f"{TEMPLATES}/publish.html",
        {
            "project": project,
            "survey": survey,
            "problems": _problem_rows(survey, problems),
            "errors": errors,
            "crumbs": survey_crumbs(survey),
        },
    )


@require_http_methods(["GET", "POST"])
def survey_close(request, project_id, step, survey_id):
    """Close a published survey, or reopen a closed one (POST action=close|reopen)."""
    project, membership, survey = survey_for(request.user, project_id, survey_id, Action.ENGAGE, step=step)
    errors = []
    if request.method == "POST":
        reopen = request.POST.get("action") == "reopen"
        try:
            if reopen:
                building.survey_reopen(by=request.user, survey=survey)
            else:
                building.survey_close(by=request.user, survey=survey)
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, "Survey reopened." if reopen else "Survey closed. No more answers can be sent.")
            return redirect(survey)
    return TemplateResponse(
        request,
        f"{TEMPLATES}/close.html",
        {
            "project": project,
            "survey": survey,
            "errors": errors,
            "submitted": _submitted(survey),
            "crumbs": survey_crumbs(survey),
        },
    )


# --- Distribution ------------------------------------------------------------------


def _public_link(request, token: str) -> str:
    return request.build_absolute_uri(reverse("public:survey-start", kwargs={"token": token}))


def _share_page(request, project, survey, invitations_form=None, status=200):
    invitations = survey.invitations.all()
    counts = invitations.aggregate(
        created=Count("pk"),
        used=Count("pk", filter=Q(used_at__isnull=False)),
        started=Count("pk", filter=Q(used_at__isnull=True, response__isnull=False)),
    )
    counts["unused"] = counts["created"] - counts["used"] - counts["started"]
    batches = (
        invitations.values("batch")
        .annotate(
            created=Count("pk"),
            used=Count("pk", filter=Q(used_at__isnull=False)),
            unused=Count("pk", filter=Q(used_at__isnull=True, response__isnull=True)),
        )
        .order_by("batch")
    )
    return TemplateResponse(
        request,
        f"{TEMPLATES}/share.html",
        {
            "project": project,
            "survey": survey,
            "state_text": state_tag(survey)[0],
            "state_class": state_tag(survey)[1],
            "open_url": _public_link(request, survey.open_token),
            "qr_url": _url("survey-qr", survey),
            "counts": counts,
            "batches": batches,
            "form": invitations_form or InvitationsForm(),
            "panel_count": building.panel_members(survey).count(),
            "crumbs": survey_crumbs(survey),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def survey_share(request, project_id, step, survey_id):
    """The open link, QR code and single-use links. POST action=open_link_off,
    open_link_on, new_link or email_panel."""
    project, membership, survey = survey_for(request.user, project_id, survey_id, Action.ENGAGE, step=step)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action in ("open_link_on", "open_link_off"):
                building.survey_open_link(by=request.user, survey=survey, enabled=action == "open_link_on")
                messages.success(
                    request, "The open link is on." if action == "open_link_on" else "The open link is turned off."
                )
            elif action == "new_link":
                building.survey_new_open_link(by=request.user, survey=survey)
                messages.success(request, "New open link made. The old link and QR code no longer work.")
            elif action == "email_panel":
                sent = building.invitations_email_panel(
                    by=request.user, survey=survey, link_for=lambda token: _public_link(request, token)
                )
                messages.success(
                    request, f"A single-use link is being emailed to {sent} panel member{pluralize(sent)}."
                )
            else:
                raise ValidationError("Choose what to do")
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect(_url("survey-share", survey))
    return _share_page(request, project, survey)


@require_http_methods(["GET", "POST"])
def survey_invitations(request, project_id, step, survey_id):
    """POST: make N single-use links. GET shows the distribution page."""
    project, membership, survey = survey_for(request.user, project_id, survey_id, Action.ENGAGE, step=step)
    if request.method != "POST":
        return _share_page(request, project, survey)
    form = InvitationsForm(request.POST)
    if form.is_valid():
        try:
            made = building.invitations_create(
                by=request.user, survey=survey, count=form.cleaned_data["count"], batch=form.cleaned_data["batch"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, f"{len(made)} single-use link{pluralize(len(made))} made. Download the unused links below."
            )
            return redirect(_url("survey-share", survey) + "#invitations")
    return _share_page(request, project, survey, invitations_form=form)


@recent_sign_in_required
@require_GET
def survey_invitations_csv(request, project_id, step, survey_id):
    """The unused single-use links (never opened), with their batch labels."""
    project, membership, survey = survey_for(request.user, project_id, survey_id, Action.ENGAGE, step=step)
    unused = survey.invitations.filter(used_at__isnull=True, response__isnull=True).order_by("batch", "pk")
    response = csv_download(f"survey-links-{survey.pk}.csv")
    writer = csv.writer(response)
    writer.writerow(["link", "batch", "made_on"])
    for invitation in unused:
        writer.writerow(
            [
                _public_link(request, invitation.token),
                csv_safe(invitation.batch),
                timezone.localtime(invitation.created_at).date().isoformat(),
            ]
        )
    return response


@require_GET
def survey_qr(request, project_id, step, survey_id):
    """The open link as a QR code: SVG (default) or PNG (?format=png); ?download=1 to save it."""
    project, membership, survey = survey_for(request.user, project_id, survey_id, Action.ENGAGE, step=step)
    code = segno.make(_public_link(request, survey.open_token), error="m")
    buffer = io.BytesIO()
    if request.GET.get("format") == "png":
        code.save(buffer, kind="png", scale=10, border=4)
        response = HttpResponse(buffer.getvalue(), content_type="image/png")
        extension = "png"
    else:
        code.save(buffer, kind="svg", scale=8, border=4, xmldecl=False, title=f"QR code for {survey.title}")
        response = HttpResponse(buffer.getvalue(), content_type="image/svg+xml")
        extension = "svg"
    response["Cache-Control"] = "private, no-store"
    if request.GET.get("download") == "1":
        response["Content-Disposition"] = f'attachment; filename="survey-qr-code.{extension}"'
    return response


# --- Question bank ---------------------------------------------------------------------


@require_GET
def question_bank(request, project_id, step):
    """The organisation's question bank, by topic. `?survey=<id>` offers "Add to this survey"."""
    survey_step(step)
    project, membership = access.get_project_for_user(request.user, project_id, Action.ENGAGE)
    topics = sorted({t for t in bank_items(project).values_list("topic", flat=True) if t})
    filter_form = BankFilterForm(request.GET or None, topics=topics)
    topic = filter_form.cleaned_data.get("topic") if filter_form.is_valid() else ""
    items = bank_items(project, topic)
    survey = None
    survey_id = request.GET.get("survey")
    if survey_id:
        try:
            survey = project.surveys.filter(pk=survey_id).first()
        except ValidationError:
            survey = None
    rows = [
        {
            "item": item,
            "kind": Kind(item.kind).label,
            "options": [option["label"] for option in item.options or []],
            "languages": [i18n.staff_language_name(code) for code in sorted(item.translations or {})],
        }
        for item in items
    ]
    return TemplateResponse(
        request,
        f"{TEMPLATES}/bank.html",
        {
            "project": project,
            "rows": rows,
            "topic": topic,
            "filter_form": filter_form,
            "survey": survey,
            "survey_step": step,
            "crumbs": survey_crumbs(survey) if survey else crumbs(project, step),
        },
    )


@require_http_methods(["GET", "POST"])
def question_bank_add(request, project_id, step, survey_id, item_id):
    project, membership, survey = survey_for(request.user, project_id, survey_id, Action.ENGAGE, step=step)
    item = bank_item_for(project, item_id)
    errors = []
    if request.method == "POST":
        try:
            question = building.bank_add(by=request.user, survey=survey, item=item)
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, "Question added from the bank. Check its wording fits this survey.")
            return redirect(survey.get_absolute_url() + f"#question-{question.pk}")
    return TemplateResponse(
        request,
        f"{TEMPLATES}/bank_add.html",
        {
            "project": project,
            "survey": survey,
            "item": item,
            "kind": Kind(item.kind).label,
            "errors": errors,
            "crumbs": survey_crumbs(survey),
        },
    )


@require_http_methods(["GET", "POST"])
def question_save_to_bank(request, project_id, step, survey_id, question_id):
    project, membership, survey = survey_for(request.user, project_id, survey_id, Action.ENGAGE, step=step)
    question = question_for(survey, question_id)
    form = BankSaveForm(request.POST or None, initial={"topic": question.bank_item.topic if question.bank_item else ""})
    if request.method == "POST" and form.is_valid():
        try:
            building.bank_save(by=request.user, question=question, topic=form.cleaned_data["topic"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Question saved to your organisation's question bank.")
            return redirect(survey.get_absolute_url() + f"#question-{question.pk}")
    return TemplateResponse(
        request,
        f"{TEMPLATES}/bank_save.html",
        {
            "project": project,
            "survey": survey,
            "question": question,
            "form": form,
            "crumbs": survey_crumbs(survey),
        },
    )


@recent_sign_in_required
@require_http_methods(["GET", "POST"])
def question_bank_delete(request, project_id, step, item_id):
    survey_step(step)
    project, membership = access.get_project_for_user(request.user, project_id, Action.ENGAGE)
    item = bank_item_for(project, item_id)
    if request.method == "POST":
        building.bank_delete(by=request.user, item=item)
        messages.success(request, "Question removed from the bank. Surveys that use it keep their copy.")
        return redirect(step_url("question-bank", project, step))
    return TemplateResponse(
        request,
        f"{TEMPLATES}/bank_delete.html",
        {
            "project": project,
            "item": item,
            "uses": item.uses.count(),
            "survey_step": step,
            "crumbs": crumbs(project, step, ("Question bank", step_url("question-bank", project, step))),
        },
    )
