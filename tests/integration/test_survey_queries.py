"""Identify 1B: how many database queries each respondent page makes (every respondent
sends a dozen or more requests, so each query counts at 200 people at once). Counts, not
times: speed is measured by benchmarks/survey_load.py."""

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from amhe.core.models import Role
from amhe.surveys import building
from amhe.surveys.models import SurveyResponse

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey(project, member_of):
    """Published, with its own questions and the standard equality section."""
    cache.clear()  # the open link's rate-limit counters
    lead = member_of(project, Role.LEAD)
    survey = building.survey_create(
        by=lead,
        project=project,
        title="Your care",
        privacy_notice="Anonymous. Kept for two years.",
        consent_text="I agree.",
        include_equality=True,
    )
    building.question_add(by=lead, survey=survey, kind="single", text="Used a service?", option_labels=["Yes", "No"])
    building.question_add(by=lead, survey=survey, kind="text", text="One word for it?")
    building.survey_publish(by=lead, survey=survey)
    return survey


def test_each_question_page_reads_the_response_and_answers_once(survey, django_assert_num_queries):
    client = Client()
    started = client.post(reverse("public:survey-start", kwargs={"token": survey.open_token}), {"consent": "on"})
    response = SurveyResponse.objects.get(survey=survey)
    assert started.url == reverse("public:survey-page", kwargs={"token": response.resume_token, "page": 1})

    # The response with its survey, every question (own and equality) in one query, the answers;
    # from then on the questions come from the process's cache for the survey's revision.
    with django_assert_num_queries(3):
        assert client.get(started.url).status_code == 200
    second = reverse("public:survey-page", kwargs={"token": response.resume_token, "page": 2})
    with django_assert_num_queries(2):
        assert client.get(second).status_code == 200
    with django_assert_num_queries(2):
        assert client.get(reverse("public:survey-check", kwargs={"token": response.resume_token})).status_code == 200


def test_a_change_to_the_questions_is_on_the_next_page(survey, project, member_of, django_assert_num_queries):
    """The cached questions are never stale: a builder change gives the survey a new revision,
    so the next page reads the questions again (one more query), then caches them."""
    client = Client()
    started = client.post(reverse("public:survey-start", kwargs={"token": survey.open_token}), {"consent": "on"})
    assert "Used a service?" in client.get(started.url).content.decode()
    first = survey.questions.get(text="Used a service?")
    building.question_update(
        by=member_of(project, Role.LEAD),
        question=first,
        kind="single",
        text="Have you used a service?",
        option_labels=["Yes", "No"],
    )
    with django_assert_num_queries(3):
        page = client.get(started.url).content.decode()
    assert "Have you used a service?" in page and "Used a service?" not in page
    with django_assert_num_queries(2):
        assert "Have you used a service?" in client.get(started.url).content.decode()
