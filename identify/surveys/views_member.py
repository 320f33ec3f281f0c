"""Answering a survey from inside the app (1B): a project member, signed in,
starts from the survey's page or the "Surveys for you to answer" list.

/projects/<project_id>/identify/surveys/<survey_id>/answer/

The start page is the respondents' own (their language, easy read, consent);
after it the member answers on the same pages as everyone else, under the
response's resume link. Their response is as anonymous as any other: it is
not linked to them, and sending it records only that they took part
(identify.surveys.responding.member_start and submit; ADR 0007).
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_http_methods

from amhe.core import access
from amhe.surveys.models import Survey
from identify.surveys import i18n, responding
from identify.surveys.forms_respond import StartForm
from identify.surveys.responding import NotAvailable
from identify.surveys.views_respond import _unavailable, _url, start_page


def results_url(survey) -> str:
    return reverse("identify:survey-results", kwargs={"project_id": survey.project_id, "survey_id": survey.pk})


@require_http_methods(["GET", "POST"])
def answer(request, project_id, survey_id):
    project, _membership = access.get_project_for_user(request.user, project_id)
    survey = get_object_or_404(Survey.objects.select_related("project"), pk=survey_id, project=project)
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
