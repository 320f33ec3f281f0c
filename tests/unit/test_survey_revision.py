"""Respondent pages cache each survey's questions per process, keyed by the survey's
revision (amhe.surveys.responding.questions_of). Every builder service that changes a
survey or its questions gives it a new revision (building.survey_changed), so what a
respondent is shown can never be older than the survey row their page read."""

import datetime
import inspect

import pytest
from django.utils import timezone

from amhe.core.models import Role
from amhe.surveys import building, responding
from amhe.surveys.models import Question, Survey
from tests.factories import QuestionBankItemFactory

pytestmark = pytest.mark.django_db

# Services that change what a respondent is shown: the survey's settings, its questions
# (wording, options, logic, order), translations, publication or links.
CHANGING = {
    "survey_create",
    "survey_update",
    "equality_sync",
    "question_add",
    "question_update",
    "question_delete",
    "question_move",
    "survey_translate",
    "survey_publish",
    "survey_close",
    "survey_reopen",
    "survey_open_link",
    "survey_new_open_link",
    "bank_add",
}
# Services that change neither a survey nor its questions.
NOT_CHANGING = {"invitations_create", "invitations_email_panel", "bank_save", "bank_delete"}


def _services() -> set[str]:
    """Every public function of building.py taking `by=` or `survey=` by keyword (the services)."""
    found = set()
    for name, function in inspect.getmembers(building, inspect.isfunction):
        if name.startswith("_") or function.__module__ != building.__name__:
            continue
        parameters = inspect.signature(function).parameters.values()
        if any(p.kind is inspect.Parameter.KEYWORD_ONLY and p.name in ("by", "survey") for p in parameters):
            found.add(name)
    return found


def test_every_builder_service_is_known_to_change_the_revision_or_not():
    """A new service must be added to one of the lists (and, if it changes a survey, to the test below)."""
    assert _services() == CHANGING | NOT_CHANGING


@pytest.fixture
def lead(project, member_of):
    return member_of(project, Role.LEAD)


@pytest.fixture
def survey(project, lead):
    survey = building.survey_create(
        by=lead,
        project=project,
        title="Your care",
        privacy_notice="Anonymous. Kept for two years.",
        consent_text="I agree.",
        include_equality=False,
    )
    building.question_add(by=lead, survey=survey, kind="single", text="Used a service?", option_labels=["Yes", "No"])
    building.question_add(by=lead, survey=survey, kind="text", text="One word for it?")
    return survey


def _own(survey):
    return list(Question.objects.filter(survey=survey, equality_key="").order_by("position", "pk"))


def _change(name, survey, lead, project):
    first, second = _own(survey)
    match name:
        case "survey_create":
            return building.survey_create(by=lead, project=project, title="Another")
        case "survey_update":
            building.survey_update(by=lead, survey=survey, title="Your care, renamed")
        case "equality_sync":
            survey.include_equality = True
            survey.save()
            building.equality_sync(survey=survey)
        case "question_add":
            building.question_add(by=lead, survey=survey, kind="text", text="Anything else?")
        case "question_update":
            building.question_update(
                by=lead, question=first, kind="single", text="Used any service?", option_labels=["Yes", "No"]
            )
        case "question_delete":
            building.question_delete(by=lead, question=second)
        case "question_move":
            building.question_move(by=lead, question=second, direction="up")
        case "survey_translate":
            building.survey_translate(
                by=lead,
                survey=survey,
                language="pl",
                survey_texts={"title": "Twoja opieka"},
                question_texts={first.pk: {"text": "Czy korzystałeś z usługi?"}},
            )
        case "survey_publish":
            building.survey_publish(by=lead, survey=survey)
        case "survey_close":
            building.survey_publish(by=lead, survey=survey)
            before = Survey.objects.get(pk=survey.pk).revision
            building.survey_close(by=lead, survey=survey)
            return before
        case "survey_reopen":
            building.survey_publish(by=lead, survey=survey)
            building.survey_close(by=lead, survey=survey)
            before = Survey.objects.get(pk=survey.pk).revision
            building.survey_reopen(by=lead, survey=survey)
            return before
        case "survey_open_link":
            building.survey_open_link(by=lead, survey=survey, enabled=False)
        case "survey_new_open_link":
            building.survey_new_open_link(by=lead, survey=survey)
        case "bank_add":
            item = QuestionBankItemFactory(organisation=project.organisation, created_by=lead)
            building.bank_add(by=lead, survey=survey, item=item)
    return None


@pytest.mark.parametrize("name", sorted(CHANGING))
def test_each_service_that_changes_a_survey_gives_it_a_new_revision(name, survey, lead, project):
    before = Survey.objects.get(pk=survey.pk).revision
    result = _change(name, survey, lead, project)
    if name == "survey_create":
        # A new survey: its own revision, never that of the survey before it.
        assert result.revision not in (0, before) and Survey.objects.get(pk=result.pk).revision == result.revision
        return
    if result is not None:
        before = result
    after = Survey.objects.get(pk=survey.pk).revision
    assert after != before


def test_the_cached_questions_follow_every_change(survey, lead, django_assert_num_queries):
    survey = Survey.objects.get(pk=survey.pk)
    texts = [q.text for q in responding.questions_of(survey)]
    assert texts == ["Used a service?", "One word for it?"]
    with django_assert_num_queries(0):
        assert [q.text for q in responding.questions_of(survey)] == texts

    first, second = _own(survey)
    building.question_update(
        by=lead, question=first, kind="single", text="Used any service?", option_labels=["Yes", "No"]
    )
    building.question_move(by=lead, question=second, direction="up")
    fresh = Survey.objects.get(pk=survey.pk)
    assert [q.text for q in responding.questions_of(fresh)] == ["One word for it?", "Used any service?"]
    # The old revision's copy is not served for the new one, and the new one is cached in turn.
    with django_assert_num_queries(0):
        assert [q.text for q in responding.questions_of(fresh)] == ["One word for it?", "Used any service?"]


def test_an_out_of_date_copy_saved_in_full_does_not_bring_back_a_cached_revision(survey, lead):
    stale = Survey.objects.get(pk=survey.pk)
    responding.questions_of(stale)  # cached under the current revision
    building.question_add(by=lead, survey=survey, kind="text", text="Anything else?")
    seen = {stale.revision, Survey.objects.get(pk=survey.pk).revision}
    # A full save of the old copy writes its old revision back, then bumps it: a value never used before.
    stale.closes_at = timezone.now() + datetime.timedelta(days=30)
    building.survey_update(by=lead, survey=stale, title=stale.title)
    now = Survey.objects.get(pk=survey.pk)
    assert now.revision not in seen
    assert [q.text for q in responding.questions_of(now)][-1] == "Anything else?"
