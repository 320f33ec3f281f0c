"""The respondent's response and answers read through amhe.core.prepared (SQL compiled once)
are exactly what the ORM gives: every column of the response and its survey, with JSON,
UUIDs, booleans, dates and times converted as the ORM converts them (on SQLite and PostgreSQL)."""

import datetime

import pytest
from django.utils import timezone

from amhe.core.prepared import Prepared
from amhe.surveys import responding
from amhe.surveys.models import Answer, Invitation, Survey, SurveyResponse
from tests.factories import QuestionFactory, SurveyFactory

pytestmark = pytest.mark.django_db


def _columns(obj):
    return {field.attname: getattr(obj, field.attname) for field in type(obj)._meta.concrete_fields}


@pytest.fixture
def response(project):
    survey = SurveyFactory(
        project=project,
        languages=["pl", "ur"],
        translations={"pl": {"title": "Ankieta – zażółć"}, "ur": {"title": "سروے"}},
        state="published",
        published_at=timezone.now(),
        closes_at=timezone.now() + datetime.timedelta(days=9),
        revision=12345678901,
    )
    invitation = Invitation.objects.create(survey=survey)
    return SurveyResponse.objects.create(
        survey=survey, channel="invitation", invitation=invitation, language="ur", easy_read=True, consented=True
    )


def test_the_response_and_its_survey_are_as_the_orm_reads_them(response, django_assert_num_queries):
    expected = SurveyResponse.objects.select_related("survey").get(pk=response.pk)
    with django_assert_num_queries(1):
        found = responding.response_for(response.resume_token)
        survey = found.survey  # read with it
    assert _columns(found) == _columns(expected)
    assert _columns(survey) == _columns(expected.survey)
    assert isinstance(found.pk, type(expected.pk)) and isinstance(survey.languages, list)
    assert survey.closes_at.tzinfo is not None and found.started_on == expected.started_on
    assert found._state.db == "default" and not found._state.adding
    # Saving works as for any instance read by the ORM.
    found.easy_read = False
    found.save(update_fields=["easy_read"])
    assert SurveyResponse.objects.get(pk=response.pk).easy_read is False


def test_an_unknown_or_staff_entered_response_is_not_found(response):
    for token in ("", "x" * 32, response.resume_token[:-1]):
        with pytest.raises(responding.NotAvailable):
            responding.response_for(token)
    SurveyResponse.objects.filter(pk=response.pk).update(channel="paper")
    with pytest.raises(responding.NotAvailable):
        responding.response_for(response.resume_token)


def test_answers_are_as_the_orm_reads_them(response):
    values = ["o1", ["a", "b"], 7, 2.5, "2026-03-27", {"odd": [1, None]}, "Zażółć – اردو"]
    for value in values:
        Answer.objects.create(response=response, question=QuestionFactory(survey=response.survey), value=value)
    expected = dict(Answer.objects.filter(response=response).values_list("question_id", "value"))
    assert responding.answers_of(response) == expected
    assert sorted(map(str, expected.values())) == sorted(map(str, values))
    other = SurveyResponse.objects.create(survey=response.survey, channel="open")
    assert responding.answers_of(other) == {}


def test_a_prepared_read_runs_the_same_sql_each_time_with_its_own_value(project):
    surveys = [SurveyFactory(project=project, title=f"Survey {n}") for n in range(3)]
    by_token = Prepared(lambda token: Survey.objects.filter(open_token=token).order_by(), "open_token")
    for survey in surveys:
        assert [s.title for s in by_token.instances(survey.open_token)] == [survey.title]
    assert by_token.instances("no such token") == []
