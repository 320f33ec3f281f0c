"""Project members answering surveys from inside the app (issue 9, item 11).

Every member is offered the open, published surveys they have not taken part
in, on the project home, the Identify page and the survey list. Their answers
are as anonymous as anyone's: the response is not linked to them, and sending
it records only that they took part (user and survey, no response, no date),
in the same transaction. Panel members see a survey's results once they have
answered it or it has closed."""

import datetime
import re

import pytest
from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from amhe.core.models import Role, User
from amhe.surveys import building, responding
from amhe.surveys.models import Answer, Survey, SurveyParticipation, SurveyResponse
from tests.factories import QuestionFactory, SurveyFactory

pytestmark = pytest.mark.django_db

YES_NO = [{"value": "yes", "label": "Yes"}, {"value": "no", "label": "No"}]


@pytest.fixture
def lead(project, member_of):
    return member_of(project, Role.LEAD)


@pytest.fixture
def panel(project, member_of):
    return member_of(project, Role.PANEL)


def published(project, lead, **fields) -> Survey:
    survey = SurveyFactory(project=project, created_by=lead, **fields)
    QuestionFactory(survey=survey, position=1, text="Did the crisis team help?", options=YES_NO, required=True)
    QuestionFactory(survey=survey, position=2, kind="long_text", text="What would have helped?", options=[])
    return building.survey_publish(by=lead, survey=survey)


@pytest.fixture
def survey(project, lead):
    return published(project, lead, title="Crisis care experience")


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def answer_url(survey) -> str:
    return reverse(
        "surveys:survey-answer", kwargs={"step": "identify", "project_id": survey.project_id, "survey_id": survey.pk}
    )


def results_url(survey) -> str:
    return reverse(
        "surveys:survey-results", kwargs={"step": "identify", "project_id": survey.project_id, "survey_id": survey.pk}
    )


def start_in_app(client, survey) -> SurveyResponse:
    reply = client.post(answer_url(survey), {"consent": "on"})
    assert reply.status_code == 302, reply.content.decode()[:2000]
    token = re.fullmatch(r"/r/([^/]+)/page/1/", reply.url).group(1)
    return SurveyResponse.objects.get(resume_token=token)


def answer_all(client, survey, response, text="The wait was too long") -> None:
    q1, q2 = building.ordered_questions(survey)
    for page, data in ((1, {f"q{q1.pk}": "no"}), (2, {f"q{q2.pk}": text})):
        reply = client.post(f"/r/{response.resume_token}/page/{page}/", {"action": "continue", **data})
        assert reply.status_code == 302


def send(client, response):
    return client.post(f"/r/{response.resume_token}/check/")


# --- Offered to answer ------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.PANEL, Role.VIEWER, Role.ANALYST, Role.GOVERNANCE, Role.LEAD])
def test_every_member_is_offered_the_surveys_open_to_them(project, lead, member_of, survey, role):
    user = lead if role == Role.LEAD else member_of(project, role)
    draft = SurveyFactory(project=project, created_by=lead, title="A draft survey")
    closed = published(project, lead, title="A closed survey")
    building.survey_close(by=lead, survey=closed)
    later = published(project, lead, title="A later survey", opens_at=timezone.now() + datetime.timedelta(days=3))
    client = signed_in(user)
    pages = {
        "project home": reverse("core:project", kwargs={"project_id": project.pk}),
        "Identify": reverse("identify:overview", kwargs={"project_id": project.pk}),
        "surveys": reverse("surveys:surveys", kwargs={"step": "identify", "project_id": project.pk}),
    }
    for name, url in pages.items():
        html = client.get(url).content.decode()
        assert "Surveys for you to answer" in html, name
        offered = re.findall(r'href="(/projects/[^"]+/answer/)"', html)
        assert offered == [answer_url(survey)], name
        for other in (draft, closed, later):
            assert answer_url(other) not in html, name


def test_no_list_when_there_is_nothing_to_answer(project, panel):
    html = signed_in(panel).get(reverse("core:project", kwargs={"project_id": project.pk})).content.decode()
    assert "Surveys for you to answer" not in html


# --- Answering from inside the app -------------------------------------------------------


def test_a_panel_member_answers_from_inside_the_app_anonymously(project, panel, survey):
    client = signed_in(panel)
    start = client.get(answer_url(survey))
    assert start.status_code == 200
    assert "Crisis care experience" in start.content.decode()
    response = start_in_app(client, survey)
    assert response.channel == SurveyResponse.Channel.OPEN and response.awaiting_member
    answer_all(client, survey, response)
    assert send(client, response).url == f"/r/{response.resume_token}/done/"
    done = client.get(f"/r/{response.resume_token}/done/").content.decode()
    assert f'href="{results_url(survey)}"' in done

    response.refresh_from_db()
    assert response.state == "submitted"
    # Nothing on the sent response says it came from the app, or from whom.
    assert response.channel == SurveyResponse.Channel.OPEN and not response.awaiting_member
    assert response.entered_by is None
    # Only the fact that they took part is kept.
    assert list(SurveyParticipation.objects.values_list("survey_id", "user_id")) == [(survey.pk, panel.pk)]
    # And they are not offered it again.
    home = client.get(reverse("core:project", kwargs={"project_id": project.pk})).content.decode()
    assert answer_url(survey) not in home
    again = client.get(answer_url(survey), follow=True)
    assert again.redirect_chain[0][0] == results_url(survey)
    assert "You have already answered this survey" in again.content.decode()
    assert client.post(answer_url(survey), {"consent": "on"}).url == results_url(survey)
    assert SurveyResponse.objects.filter(survey=survey).count() == 1


def test_nothing_links_a_response_to_a_user():
    """The response and answer tables have no column pointing at a user other than
    `entered_by` (staff typing in a paper form); the participation record has no
    column pointing at a response and no date or time, and a random key."""
    for model in (SurveyResponse, Answer):
        user_links = [
            f.name for f in model._meta.get_fields() if f.is_relation and f.related_model is User and f.concrete
        ]
        assert user_links == (["entered_by"] if model is SurveyResponse else []), model
    fields = {f.name: f for f in SurveyParticipation._meta.get_fields() if f.concrete}
    assert set(fields) == {"id", "survey", "user"}
    assert isinstance(fields["id"], models.UUIDField)
    assert not [f for f in fields.values() if isinstance(f, models.DateField | models.DateTimeField)]
    assert not any(f.related_model in (SurveyResponse, Answer) for f in fields.values() if f.is_relation)


def test_sending_an_in_app_response_needs_the_member_signed_in(panel, survey):
    client = signed_in(panel)
    response = start_in_app(client, survey)
    answer_all(client, survey, response)
    stranger = Client()  # the resume link alone, not signed in
    refused = send(stranger, response)
    assert refused.status_code == 400
    html = refused.content.decode()
    assert "Sign in to send your answers" in html
    assert f'href="/accounts/login/?next=/r/{response.resume_token}/check/"' in html
    response.refresh_from_db()
    assert response.state == "in_progress" and response.awaiting_member
    assert not SurveyParticipation.objects.exists()
    # A signed-in user who is not on the project cannot send it either.
    outsider = signed_in(User.objects.create_user(email="someone@elsewhere.example", password="x-Long-pass-1"))
    assert send(outsider, response).status_code == 400
    assert not SurveyParticipation.objects.exists()
    # The member, signed in, can.
    assert send(client, response).url == f"/r/{response.resume_token}/done/"
    assert SurveyParticipation.objects.filter(user=panel, survey=survey).exists()


def test_a_member_sends_answers_once(panel, survey):
    client = signed_in(panel)
    first = start_in_app(client, survey)
    second = start_in_app(client, survey)  # another tab, before either is sent
    answer_all(client, survey, first)
    answer_all(client, survey, second, text="Second go")
    assert send(client, first).status_code == 302
    refused = send(client, second)
    assert refused.status_code == 200
    assert "You have already answered this survey" in refused.content.decode()
    second.refresh_from_db()
    assert second.state == "in_progress"
    assert SurveyResponse.objects.filter(survey=survey, state="submitted").count() == 1
    assert SurveyParticipation.objects.filter(user=panel, survey=survey).count() == 1


def test_participation_is_written_with_the_submission_or_not_at_all(panel, survey, monkeypatch):
    """If sending fails after the participation row is written, neither is kept."""
    client = signed_in(panel)
    response = start_in_app(client, survey)
    answer_all(client, survey, response)
    real_update = type(Survey.objects.none()).update

    def failing_update(queryset, **fields):
        if fields.get("state") == "submitted":
            raise RuntimeError("the database went away")
        return real_update(queryset, **fields)

    monkeypatch.setattr(type(Survey.objects.none()), "update", failing_update)
    with pytest.raises(RuntimeError):
        responding.submit(response=response, member=panel)
    monkeypatch.undo()
    assert not SurveyParticipation.objects.exists()
    response.refresh_from_db()
    assert response.state == "in_progress"


def test_answer_page_for_a_survey_not_taking_answers(project, lead, panel):
    draft = SurveyFactory(project=project, created_by=lead)
    client = signed_in(panel)
    assert client.get(answer_url(draft)).status_code == 404
    closed = published(project, lead)
    building.survey_close(by=lead, survey=closed)
    page = client.get(answer_url(closed))
    assert "This survey has closed" in page.content.decode()
    assert client.post(answer_url(closed), {"consent": "on"}).status_code == 200
    assert not SurveyResponse.objects.exists()


def test_consent_is_needed_to_start_in_the_app(panel, survey):
    reply = signed_in(panel).post(answer_url(survey), {})
    assert reply.status_code == 400
    assert not SurveyResponse.objects.exists()


# --- Results for panel members -------------------------------------------------------------


def test_panel_members_see_results_once_they_have_answered(project, panel, member_of, survey):
    other_panel = member_of(project, Role.PANEL)
    viewer = member_of(project, Role.VIEWER)
    client = signed_in(panel)
    hidden = client.get(results_url(survey))
    assert hidden.status_code == 403
    html = hidden.content.decode()
    assert "You can see the results once you have answered" in html
    assert f'href="{answer_url(survey)}"' in html
    detail = client.get(survey.get_absolute_url()).content.decode()
    assert f'href="{results_url(survey)}"' not in detail and f'href="{answer_url(survey)}"' in detail
    # Other roles see the results of an open survey.
    assert signed_in(viewer).get(results_url(survey)).status_code == 200

    response = start_in_app(client, survey)
    answer_all(client, survey, response)
    send(client, response)
    assert client.get(results_url(survey)).status_code == 200
    detail = client.get(survey.get_absolute_url()).content.decode()
    assert f'href="{results_url(survey)}"' in detail and f'href="{answer_url(survey)}"' not in detail
    assert "You have answered this survey" in detail
    # Another panel member who has not answered still cannot.
    assert signed_in(other_panel).get(results_url(survey)).status_code == 403


@pytest.mark.parametrize("how", ["closed", "closing date passed"])
def test_panel_members_see_results_once_the_survey_has_closed(lead, panel, survey, how):
    client = signed_in(panel)
    assert client.get(results_url(survey)).status_code == 403
    if how == "closed":
        building.survey_close(by=lead, survey=survey)
    else:
        Survey.objects.filter(pk=survey.pk).update(closes_at=timezone.now() - datetime.timedelta(minutes=1))
    assert client.get(results_url(survey)).status_code == 200


def test_a_member_signed_in_while_answering_through_a_link_took_part_too(project, panel, survey):
    client = signed_in(panel)
    client.post(reverse("public:survey-start", kwargs={"token": survey.open_token}), {"consent": "on"})
    response = SurveyResponse.objects.get(survey=survey)
    assert not response.awaiting_member
    answer_all(client, survey, response)
    assert send(client, response).url == f"/r/{response.resume_token}/done/"
    assert list(SurveyParticipation.objects.values_list("survey_id", "user_id")) == [(survey.pk, panel.pk)]
    assert client.get(results_url(survey)).status_code == 200
    home = client.get(reverse("core:project", kwargs={"project_id": project.pk})).content.decode()
    assert answer_url(survey) not in home


def test_answering_through_a_link_not_signed_in_keeps_nothing_about_anyone(survey):
    client = Client()
    client.post(reverse("public:survey-start", kwargs={"token": survey.open_token}), {"consent": "on"})
    response = SurveyResponse.objects.get(survey=survey)
    answer_all(client, survey, response)
    assert send(client, response).status_code == 302
    assert not SurveyParticipation.objects.exists()
