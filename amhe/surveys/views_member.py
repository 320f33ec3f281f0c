"""Answering a survey from inside the app: a project member, signed in,
starts from the survey's page or the "Surveys for you to answer" list.

/projects/<project_id>/<step>/surveys/<survey_id>/answer/

The start page is the respondents' own (their language, easy read, consent);
after it the member answers on the same pages as everyone else, under the
response's resume link. Their response is as anonymous as any other: it is
not linked to them, and sending it records only that they took part
(amhe.surveys.responding.member_start and submit; ADR 0007).
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.utils import translation
from django.views.decorators.http import require_http_methods

from amhe.surveys import i18n, responding
from amhe.surveys.forms_respond import StartForm
from amhe.surveys.responding import NotAvailable
from amhe.surveys.selectors import survey_for, survey_url
from amhe.surveys.views_respond import _unavailable, _url, start_page


def results_url(survey) -> str:
    return survey_url("survey-results", survey)


@require_http_methods(["GET", "POST"])
def answer(request, project_id, step, survey_id):
    project, _membership, survey = survey_for(request.user, project_id, survey_id, step=step)
    if responding.took_part(request.user, survey):
        messages.info(request, "You have already answered this survey. Thank you for taking part.")
        return redirect(results_url(survey))
    languages = i18n.offered_languages(survey)
    wanted = request.POST.get("language") or request.GET.get("lang") or translation.get_language()
    language = responding.language_for(survey, wanted)
    reason = responding.availability(survey)
    if reason:
        return _unavailable(request, NotAvailable(reason, survey), language)
    form = StartForm(
        request.POST if request.method == "POST" else None,
        languages=languages,
        needs_consent=bool(survey.consent_text.strip()),
        initial={"language": language},
    )
    status = 200
    if request.method == "POST":
        with translation.override(language):
            valid = form.is_valid()
        if valid:
            try:
                response = responding.member_start(
                    user=request.user,
                    survey=survey,
                    language=language,
                    easy_read=form.cleaned_data["easy_read"],
                    consented=bool(form.cleaned_data.get("consent")),
                )
            except NotAvailable as exc:
                return _unavailable(request, exc, language)
            return redirect(_url("survey-page", response, page=1))
        status = 400
    return start_page(request, survey, form, language, languages, status, privacy_token=survey.open_token)
