"""Reads for the survey engine: the access helpers for a survey and its parts,
and the URLs of a survey's staff pages.

A survey's staff pages live under the step its sub-step belongs to
(/projects/<id>/<step slug>/surveys/...), so a 4A survey is found under
"4. Evaluate" and a 1B one under "1. Identify". A survey asked for under
another step's URL is not found (404), like another project's.
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse

from amhe.core import access, cycle, navigation
from amhe.core.access import Action
from amhe.surveys.models import Answer, Question, QuestionBankItem, Survey, SurveyResponse, Theme
from amhe.surveys.steps import step_surveys_substeps


def survey_step(step: str) -> cycle.Step:
    """The step of a /<step>/surveys/ URL: 404 for a step in which no survey is run."""
    if not step_surveys_substeps(step):
        raise Http404("No surveys in this step")
    return cycle.STEP_BY_SLUG[step]


def survey_for(user, project_id, survey_id, action: Action = Action.VIEW, *, step: str):
    """(project, membership, survey): 404 if the user is not on the project, the survey is
    not the project's or belongs to another step than `step`; 403 if the role does not
    allow `action`."""
    project, membership = access.get_project_for_user(user, project_id, action)
    survey = get_object_or_404(Survey.objects.select_related("project"), pk=survey_id, project=project)
    if survey.step.slug != step:
        raise Http404("The survey belongs to another step")
    return project, membership, survey


def question_for(survey: Survey, question_id) -> Question:
    """One of the survey's own questions: the equality questions are not edited one by one."""
    return get_object_or_404(Question, pk=question_id, survey=survey, equality_key="")


def own_questions_of(survey: Survey) -> list[Question]:
    """The survey's own questions (not the equality section), in order."""
    return list(Question.objects.filter(survey=survey, equality_key="").order_by("position", "pk"))


def bank_item_for(project, item_id) -> QuestionBankItem:
    """An item of the question bank of the project's organisation."""
    return get_object_or_404(QuestionBankItem, pk=item_id, organisation_id=project.organisation_id)


def survey_url(name: str, survey: Survey, **kwargs) -> str:
    """The URL of one of `survey`'s staff pages ("survey-results", ...), under its step."""
    return reverse(
        f"surveys:{name}",
        kwargs={"project_id": survey.project_id, "step": survey.step.slug, "survey_id": survey.pk, **kwargs},
    )


def step_url(name: str, project, step: str, **kwargs) -> str:
    """The URL of a step's survey page that is not about one survey ("surveys", "survey-new", ...)."""
    return reverse(f"surveys:{name}", kwargs={"project_id": project.pk, "step": step, **kwargs})


def crumbs(project, step: str, *extra):
    """Your projects > project > <n. Step> > Surveys > extra..."""
    return navigation.crumbs(project, step, ("Surveys", step_url("surveys", project, step)), *extra)


def survey_crumbs(survey: Survey, *extra):
    """... > <n. Step> > Surveys > the survey > extra..."""
    return crumbs(survey.project, survey.step.slug, (survey.title, survey.get_absolute_url()), *extra)


def surveys_of_step(project, step: str):
    """The project's surveys run in `step`'s sub-steps."""
    return project.surveys.filter(substep__in=step_surveys_substeps(step))


def answered_question_ids(survey: Survey) -> set[int]:
    """The survey's questions that have at least one answer (they cannot be deleted)."""
    return set(Question.objects.filter(survey=survey, answers__isnull=False).values_list("pk", flat=True).distinct())


def bank_items(project, topic: str = ""):
    """The question bank of the project's organisation, of one topic if given."""
    items = QuestionBankItem.objects.filter(organisation_id=project.organisation_id).select_related("created_by")
    return items.filter(topic=topic) if topic else items


# --- Coding free-text answers into themes -------------------------------------------------


def submitted_answer_ids(question: Question) -> list[tuple[int, object]]:
    """(answer pk, response id) of the submitted answers to `question`."""
    return list(
        Answer.objects.filter(question=question, response__state=SurveyResponse.State.SUBMITTED).values_list(
            "pk", "response_id"
        )
    )


def answers_with_themes(pks) -> dict[int, Answer]:
    """These answers by pk, with their themes."""
    return {answer.pk: answer for answer in Answer.objects.filter(pk__in=pks).prefetch_related("themes")}


def theme_names(project) -> list[str]:
    """The names of the project's themes, for suggestions while coding."""
    return list(Theme.objects.filter(project=project).values_list("name", flat=True))
