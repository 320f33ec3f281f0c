"""Issue 15: how many database queries the pages that were slowest under load make
(benchmarks/load_under_job.py: the project home, a step's page, the survey results, and a
respondent's start and send). Counts, not times: speed is measured by
benchmarks/load_pages.py (in process) and benchmarks/load_under_job.py (under load)."""

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from amhe.core.models import Job, Role
from amhe.core.progress import substeps_with_work
from amhe.surveys import building, responding
from amhe.surveys import figures as survey_figures
from amhe.surveys.models import SurveyFigures, SurveyResponse
from tests.factories import (
    CaseStudyFactory,
    DecisionFactory,
    ExtractFactory,
    FocusGroupFactory,
    PriorityFactory,
    ReferenceFactory,
    RiskFactory,
    StrategyFactory,
    work_out_figures,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead(project, member_of):
    return member_of(project, Role.LEAD)


@pytest.fixture
def survey(project, lead):
    cache.clear()  # the open link's rate-limit counters
    survey = building.survey_create(
        by=lead, project=project, title="Your care", privacy_notice="Anonymous.", consent_text="I agree."
    )
    building.question_add(by=lead, survey=survey, kind="single", text="Used a service?", option_labels=["Yes", "No"])
    building.question_add(by=lead, survey=survey, kind="text", text="One word for it?")
    building.survey_publish(by=lead, survey=survey)
    return survey


def _answered(survey) -> SurveyResponse:
    """A response started through the open link with both questions answered."""
    link = responding.link_for(survey.open_token)
    response = responding.start(link=link, language="en-gb", easy_read=False, consented=True)
    questions = responding.questions_of(survey)
    single = next(q for q in questions if q.text == "Used a service?")
    text = next(q for q in questions if q.text == "One word for it?")
    responding.save_page(
        response=response, questions=questions, values={single.pk: single.options[0]["value"], text.pk: "Kind"}
    )
    return response


def _work_in_every_step(project, lead):
    """Work recorded in sub-steps of all four steps (each used to cost a query of its own)."""
    ExtractFactory(project=project, uploaded_by=lead)
    FocusGroupFactory(project=project)
    CaseStudyFactory(project=project)
    ReferenceFactory(project=project)
    PriorityFactory(project=project)
    StrategyFactory(project=project)
    RiskFactory(project=project)
    DecisionFactory(project=project)


def test_sub_steps_with_work_are_found_in_one_query(project, lead, survey, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert substeps_with_work(project) == {"1B"}  # the survey
    _work_in_every_step(project, lead)
    with django_assert_num_queries(1):
        assert substeps_with_work(project) == {"1A", "1B", "2A", "2C", "3A", "3C"}


@pytest.mark.parametrize("page", ["core:project", "identify:overview"])
def test_project_home_and_a_step_page_do_not_grow_with_the_work(
    page, project, lead, survey, client, django_assert_num_queries
):
    client.force_login(lead)
    url = reverse(page, kwargs={"project_id": project.pk})
    assert client.get(url).status_code == 200  # the session's two-factor rule, decided once
    # Session, user, membership with the project, sub-step states, sub-steps with work (one
    # query), then the page's own.
    with django_assert_num_queries(9) as captured:
        assert client.get(url).status_code == 200
    before = len(captured)
    _work_in_every_step(project, lead)
    with django_assert_num_queries(before):
        assert client.get(url).status_code == 200


def test_survey_results_read_the_stored_figures(project, lead, survey, client, django_assert_num_queries):
    for _ in range(3):
        responding.submit(response=_answered(survey))
    work_out_figures(survey)
    client.force_login(lead)
    url = reverse("surveys:survey-results", args=[project.pk, survey.step_slug, survey.pk])
    assert client.get(url).status_code == 200
    # Session, user, membership with the project, the survey, its figures, its own questions, the
    # user's organisation: no count of responses while the figures are current.
    with django_assert_num_queries(7):
        page = client.get(url)
    assert page.status_code == 200 and "Used a service?" in page.content.decode()


def test_start_and_send(survey, django_assert_num_queries):
    start = reverse("public:survey-start", kwargs={"token": survey.open_token})
    client = Client()
    assert client.get(start).status_code == 200
    # The survey, and the new response.
    with django_assert_num_queries(2):
        started = client.post(start, {"consent": "on"})
    assert started.status_code == 302 and "/page/1/" in started.url

    # The first send makes the survey's figures row and queues their job; the next ones, while
    # that job waits, read the response, then in one transaction: lock it, read its answers,
    # mark it sent, count the request on the figures' row (one UPDATE, which locks the row until
    # the commit) and read the row with its job (no get_or_create, no SELECT ... FOR UPDATE).
    first = _answered(survey)
    assert Client().post(reverse("public:survey-check", kwargs={"token": first.resume_token})).status_code == 302
    response = _answered(survey)
    check = reverse("public:survey-check", kwargs={"token": response.resume_token})
    with django_assert_num_queries(8) as captured:  # counting the test's SAVEPOINT and RELEASE
        sent = Client().post(check)
    assert sent.status_code == 302 and sent.url.endswith("/done/")
    assert not any("FOR UPDATE" in query["sql"] and "surveyfigures" in query["sql"] for query in captured)
    assert SurveyResponse.objects.get(pk=response.pk).state == SurveyResponse.State.SUBMITTED
    figures = SurveyFigures.objects.select_related("job").get(survey=survey)
    assert figures.requested == 2 and figures.job.state == Job.State.QUEUED
    assert Job.objects.filter(kind=survey_figures.KIND).count() == 1
