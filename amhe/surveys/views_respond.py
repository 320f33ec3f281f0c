"""Identify 1B: the pages respondents use to answer a survey (no login).

    /s/<link token>/                      start: what it is about, privacy, language, consent
    /s/<link token>/privacy/              the survey's privacy notice on its own
    /r/<resume token>/                    back to where they left off
    /r/<resume token>/page/<n>/           one page of questions (one question a page by default)
    /r/<resume token>/check/              check your answers, then send them
    /r/<resume token>/saved/              the save-and-resume link to keep
    /r/<resume token>/language/           change language or easy read (POST)
    /r/<resume token>/done/               confirmation and what happens next

Every page renders in the respondent's language (the response's, or on the
start page the one asked for), with <html lang dir> to match. Nothing here
reads or keeps the client's address except django-ratelimit's expiring,
hashed counter on starting from an open link. Writes go through
amhe.surveys.responding.
"""

from __future__ import annotations

import datetime

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from amhe.surveys import antispam, i18n, responding, skeleton
from amhe.surveys.forms_respond import AnswerForm, StartForm, field_name, label_for, render_fields
from amhe.surveys.models import SurveyResponse
from amhe.surveys.responding import NotAvailable
from amhe.surveys.selectors import survey_url

TEMPLATES = "surveys/respond"
RATE_GROUP = "survey-start"


# --- Rendering -------------------------------------------------------------------------------


def _render(request, template, context, language, status=200):
    """Render in `language` (chrome from gettext, the survey's own text from i18n)."""
    with translation.override(language):
        response = render(request, f"{TEMPLATES}/{template}", {"language": language, **context}, status=status)
    response["Content-Language"] = language
    return response


def _texts(survey, language) -> dict:
    return {field: i18n.text(survey, field, language) for field in i18n.SURVEY_FIELDS}


def _unavailable(request, exc: NotAvailable, language: str):
    survey = exc.survey
    status = 404 if exc.reason == responding.UNKNOWN else 200
    if exc.reason == responding.DRAFT:
        status = 404  # a draft's link is not public yet; say no more than for a wrong link
        survey = None
    context = {"reason": exc.reason, "survey": survey, "texts": _texts(survey, language) if survey else {}}
    if survey and survey.opens_at:
        context["opens_at"] = survey.opens_at
    return _render(request, "unavailable.html", context, language, status=status)


def _request_language(request) -> str:
    """The language LocaleMiddleware chose (cookie, then Accept-Language)."""
    return translation.get_language() or i18n.DEFAULT


def _url(name: str, response: SurveyResponse, **kwargs) -> str:
    return reverse(f"public:{name}", kwargs={"token": response.resume_token, **kwargs})


# --- Start -------------------------------------------------------------------------------------


@login_not_required
@require_http_methods(["GET", "POST"])
def start(request, token):
    try:
        link = responding.link_for(token)
    except NotAvailable as exc:
        return _unavailable(request, exc, _request_language(request))
    survey = link.survey
    languages = i18n.offered_languages(survey)
    wanted = request.POST.get("language") or request.GET.get("lang") or _request_language(request)
    language = responding.language_for(survey, wanted)
    try:
        responding.check_link(link)
    except NotAvailable as exc:
        return _unavailable(request, exc, language)
    form = StartForm(
        request.POST if request.method == "POST" else None,
        languages=languages,
        needs_consent=bool(survey.consent_text.strip()),
        initial={"language": language},
    )
    status = 200
    if request.method == "POST":
        if link.invitation is None and antispam.rate_limited(request, RATE_GROUP):
            return _render(
                request, "rate_limited.html", {"survey": survey, "texts": _texts(survey, language)}, language, 429
            )
        with translation.override(language):
            valid = form.is_valid()
        if valid and form.is_bot():
            return redirect(request.path)  # nothing kept
        if valid:
            try:
                response = responding.start(
                    link=link,
                    language=language,
                    easy_read=form.cleaned_data["easy_read"],
                    consented=bool(form.cleaned_data.get("consent")),
                )
            except NotAvailable as exc:
                return _unavailable(request, exc, language)
            return redirect(_url("survey-page", response, page=1))
        status = 400
    return start_page(
        request, survey, form, language, languages, status, privacy_token=token, invitation=link.invitation is not None
    )


def start_page(request, survey, form, language, languages, status, *, privacy_token, **extra):
    """The start page (consent, language, easy read) for an open or invitation link, or a member."""
    questions = responding.questions_of(survey)
    return _render(
        request,
        "start.html",
        {
            "survey": survey,
            "texts": _texts(survey, language),
            "form": form,
            "languages": [(code, i18n.language_name(code)) for code in languages],
            "question_count": len(responding.plan(questions, {}).shown()),
            "has_easy_read": any(q.easy_read for q in questions),
            "home_url": request.path,
            "privacy_url": reverse("public:survey-privacy", kwargs={"token": privacy_token}),
            **extra,
        },
        language,
        status,
    )


@login_not_required
@require_GET
def privacy(request, token):
    language = _request_language(request)
    try:
        link = responding.link_for(token)
        if link.survey.state == link.survey.State.DRAFT:
            raise NotAvailable(responding.DRAFT, link.survey)
    except NotAvailable as exc:
        return _unavailable(request, exc, language)
    language = responding.language_for(link.survey, request.GET.get("lang") or language)
    return _render(
        request,
        "privacy.html",
        {
            "survey": link.survey,
            "texts": _texts(link.survey, language),
            "back_url": reverse("public:survey-start", kwargs={"token": token}),
        },
        language,
    )


# --- Answering ---------------------------------------------------------------------------------


def _open_response(request, token):
    """(response, None) to carry on answering, or (None, a page saying why not)."""
    try:
        response = responding.response_for(token)
    except NotAvailable as exc:
        return None, _unavailable(request, exc, _request_language(request))
    try:
        responding.check_response(response)
    except NotAvailable as exc:
        if exc.reason == responding.USED:
            return None, redirect(_url("survey-done", response))
        return None, _unavailable(request, exc, response.language)
    return response, None


def _links(response) -> dict:
    return {
        "home_url": _url("survey-resume", response),
        "privacy_url": reverse("public:survey-privacy", kwargs={"token": response.survey.open_token}),
    }


def _page_context(response, the_plan, number, form):
    questions = the_plan.page(number)
    single = len(questions) == 1
    label_size = "l" if single else "m"
    return {
        **_links(response),
        "heading": form[field_name(questions[0])].label if single else "",
        "fields": render_fields(form, survey=response.survey, page_heading=single, label_size=label_size),
        "survey": response.survey,
        "response": response,
        "texts": _texts(response.survey, response.language),
        "form": form,
        "questions": questions,
        "single": single,
        "number": number,
        "count": the_plan.count,
        "back_url": _url("survey-page", response, page=number - 1) if number > 1 else None,
        "languages": [(code, i18n.language_name(code)) for code in i18n.offered_languages(response.survey)],
        "has_easy_read": any(q.easy_read for q in the_plan.shown()),
    }


@never_cache
@login_not_required
@require_GET
def resume(request, token):
    response, refusal = _open_response(request, token)
    if refusal:
        return refusal
    the_plan = responding.plan(responding.questions_of(response.survey), responding.answers_of(response))
    return redirect(_url("survey-page", response, page=the_plan.first_unanswered()))


@never_cache
@login_not_required
@require_http_methods(["GET", "POST"])
def page(request, token, page):
    response, refusal = _open_response(request, token)
    if refusal:
        return refusal
    questions = responding.questions_of(response.survey)
    answers = responding.answers_of(response)
    the_plan = responding.plan(questions, answers)
    if the_plan.count == 0:
        return redirect(_url("survey-check", response))
    if not 1 <= page <= the_plan.count:
        return redirect(_url("survey-page", response, page=min(max(page, 1), the_plan.count)))
    language = response.language
    saving = request.POST.get("action") == "save"
    with translation.override(language):
        form = AnswerForm(
            request.POST if request.method == "POST" else None,
            questions=the_plan.page(page),
            language=language,
            easy_read=response.easy_read,
            answers=answers,
            required=not saving,
        )
        valid = request.method == "POST" and form.is_valid()
    status = 200
    if request.method == "POST":
        if valid:
            try:
                responding.save_page(response=response, questions=the_plan.page(page), values=form.values())
            except NotAvailable:
                return redirect(_url("survey-done", response))
            if saving:
                return redirect(_url("survey-saved", response))
            # The plan may change with these answers (show-if), so work out what comes next again.
            after = responding.plan(questions, responding.merged(answers, form.values()))
            current = {q.pk for q in the_plan.page(page)}
            following = next((n for n, p in enumerate(after.pages, start=1) if {q.pk for q in p} & current), page)
            if following < after.count:
                return redirect(_url("survey-page", response, page=following + 1))
            return redirect(_url("survey-check", response))
        status = 400
    with translation.override(language):
        context = _page_context(response, the_plan, page, form)
    if request.method == "GET":
        html = skeleton.page(
            request,
            response,
            the_plan,
            page,
            form,
            context,
            language,
            render=lambda: _render(request, "page.html", context, language).content.decode(),
        )
        if html is not None:
            answer = HttpResponse(html)
            answer["Content-Language"] = language
            return answer
    return _render(request, "page.html", context, language, status)


def _answer_text(question, value, language) -> str:
    if value in (None, "", []):
        return ""
    options = {option["value"]: option["label"] for option in i18n.options(question, language)}
    if isinstance(value, list):
        return ", ".join(options.get(str(v), str(v)) for v in value)
    if question.kind == question.Kind.DATE:
        try:
            return date_format(datetime.date.fromisoformat(str(value)), "j F Y")
        except ValueError:
            return str(value)
    return options.get(str(value), str(value))


@never_cache
@login_not_required
@require_http_methods(["GET", "POST"])
def check(request, token):
    response, refusal = _open_response(request, token)
    if refusal:
        return refusal
    questions = responding.questions_of(response.survey)
    language = response.language
    missing = []
    sign_in_url = ""
    if request.method == "POST":
        if request.POST.get(antispam.HONEYPOT_FIELD):
            return redirect(_url("survey-check", response))
        try:
            responding.submit(response=response, questions=questions, member=request.user)
        except responding.Incomplete as exc:
            missing = exc.missing
        except NotAvailable as exc:
            if exc.reason == responding.USED:
                return redirect(_url("survey-done", response))
            if exc.reason == responding.SIGN_IN:
                # Started inside the app: only a signed-in member sends it (ADR 0007).
                sign_in_url = f"{reverse('login')}?next={_url('survey-check', response)}"
            else:
                return _unavailable(request, exc, language)
        else:
            return redirect(_url("survey-done", response))
    the_plan = responding.plan(questions, responding.answers_of(response))
    with translation.override(language):
        rows = [
            {
                "number": number,
                "question": question,
                "label": label_for(question, language, response.easy_read),
                "answer": _answer_text(question, the_plan.answers.get(question.pk), language),
                "change_url": _url("survey-page", response, page=number) + f"#{field_name(question)}",
            }
            for number, page_questions in enumerate(the_plan.pages, start=1)
            for question in page_questions
        ]
    missing_pks = {question.pk for _number, question in missing}
    missing_rows = [
        {"label": row["label"], "url": row["change_url"]} for row in rows if row["question"].pk in missing_pks
    ]
    return _render(
        request,
        "check.html",
        {
            "survey": response.survey,
            "response": response,
            "texts": _texts(response.survey, language),
            **_links(response),
            "rows": rows,
            "missing": missing_rows,
            "sign_in_url": sign_in_url,
            "back_url": _url("survey-page", response, page=max(the_plan.count, 1)),
        },
        language,
        400 if missing or sign_in_url else 200,
    )


@never_cache
@login_not_required
@require_GET
def saved(request, token):
    response, refusal = _open_response(request, token)
    if refusal:
        return refusal
    return _render(
        request,
        "saved.html",
        {
            "survey": response.survey,
            "response": response,
            "texts": _texts(response.survey, response.language),
            **_links(response),
            "resume_url": request.build_absolute_uri(_url("survey-resume", response)),
            "closes_at": response.survey.closes_at,
        },
        response.language,
    )


@never_cache
@login_not_required
@require_POST
def language(request, token):
    response, refusal = _open_response(request, token)
    if refusal:
        return refusal
    responding.set_language(
        response=response,
        language=request.POST.get("language") or None,
        easy_read=(request.POST.get("easy_read") == "on") if "easy_read_shown" in request.POST else None,
    )
    back = request.POST.get("next", "")
    prefix = reverse("public:survey-resume", kwargs={"token": response.resume_token})
    if not back.startswith(prefix):
        back = prefix
    return redirect(back)


@never_cache
@login_not_required
@require_GET
def done(request, token):
    try:
        response = responding.response_for(token)
    except NotAvailable as exc:
        return _unavailable(request, exc, _request_language(request))
    if response.state != SurveyResponse.State.SUBMITTED:
        raise Http404("Not sent yet")
    return _render(
        request,
        "done.html",
        {
            "survey": response.survey,
            "texts": _texts(response.survey, response.language),
            "privacy_url": reverse("public:survey-privacy", kwargs={"token": response.survey.open_token}),
            # A project member (who may have answered from inside the app) can go on to the results.
            "results_url": survey_url("survey-results", response.survey)
            if responding.is_member(request.user, response.survey)
            else "",
        },
        response.language,
    )
