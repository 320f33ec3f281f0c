"""Identify 1B: staff type in answers given on a paper form or by phone.

The whole survey is one form (staff copy a form they hold, so one question a
page would only slow them down); show-if rules are written next to the
questions they apply to, and answers to questions the respondent should not
have been shown are dropped when the response is saved, as online. Required
questions are not enforced: staff record what is on the paper. Needs
Action.ENGAGE; the response is stored with who entered it and how it came.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.template.defaultfilters import pluralize
from django.template.response import TemplateResponse
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from amhe.core.access import Action
from amhe.core.forms import add_service_errors
from amhe.surveys import building, i18n, responding
from amhe.surveys.forms_respond import AnswerForm, EntryStartForm, answer_helper, field_name
from amhe.surveys.models import Survey
from amhe.surveys.selectors import survey_crumbs, survey_for, survey_url
from amhe.surveys.views_builder import show_if_words


@never_cache  # a paper or phone response's answers, as typed
@require_http_methods(["GET", "POST"])
def survey_enter(request, project_id, step, survey_id):
    project, membership, survey = survey_for(request.user, project_id, survey_id, Action.ENGAGE, step=step)
    questions = responding.questions_of(survey)
    languages = i18n.offered_languages(survey)
    data = request.POST if request.method == "POST" else None
    start_form = EntryStartForm(data, languages=languages, initial={"language": i18n.DEFAULT})
    with translation.override(i18n.DEFAULT):
        form = AnswerForm(data, questions=questions, language=i18n.DEFAULT, required=False)
    numbers = building.page_numbers(questions)
    positions = {q.pk: n for n, q in enumerate(questions, start=1)}
    for question in questions:
        field = form.fields[field_name(question)]
        field.label = f"{positions[question.pk]}. {field.label}"
        if question.show_if_question_id:
            field.help_text = " ".join(filter(None, [show_if_words(question, positions) + ".", field.help_text]))
    helper = answer_helper(form, label_size="s", show_errors=False)
    status = 200
    if request.method == "POST":
        start_ok, answers_ok = start_form.is_valid(), form.is_valid()
        if start_ok and answers_ok:
            try:
                response = responding.staff_enter(
                    by=request.user,
                    survey=survey,
                    channel=start_form.cleaned_data["channel"],
                    language=start_form.cleaned_data["language"] or i18n.DEFAULT,
                    values=form.values(),
                )
            except ValidationError as exc:
                add_service_errors(start_form, exc)
            else:
                answered = response.answers.count()
                messages.success(
                    request,
                    f"Response saved ({response.get_channel_display().lower()}, "
                    f"{answered} answer{pluralize(answered)}). You can enter the next one below.",
                )
                return redirect(survey_url("survey-enter", survey))
        status = 400
    return TemplateResponse(
        request,
        "surveys/entry/enter.html",
        {
            "project": project,
            "survey": survey,
            "start_form": start_form,
            "form": form,
            "helper": helper,
            "draft": survey.state == Survey.State.DRAFT,
            "pages": max(numbers.values(), default=0),
            "crumbs": survey_crumbs(survey),
        },
        status=status,
    )
