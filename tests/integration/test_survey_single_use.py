"""A single-use invitation link accepts exactly one submission, even when
several arrive at the same moment (threads with their own database
connections, released together by a barrier; PostgreSQL in CI)."""

import threading

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from amhe.core.models import Role
from amhe.surveys import responding
from amhe.surveys.models import Answer, Invitation, SurveyParticipation, SurveyResponse
from tests.factories import InvitationFactory, QuestionFactory, SurveyFactory

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 8


@pytest.fixture
def survey(project, member_of):
    survey = SurveyFactory(project=project, created_by=member_of(project, Role.LEAD), state="published")
    survey.published_at = timezone.now()
    survey.save()
    QuestionFactory(survey=survey, position=1)
    return survey


def run_together(work, count=THREADS):
    """Run work(i) in `count` threads released at once; return their results (or exceptions)."""
    barrier = threading.Barrier(count)
    results = [None] * count

    def run(i):
        try:
            barrier.wait()
            results[i] = work(i)
        except Exception as exc:  # noqa: BLE001 (the test looks at what each thread got)
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def test_concurrent_submits_of_one_invitation_send_it_once(survey):
    invitation = InvitationFactory(survey=survey)
    link = responding.link_for(invitation.token)
    response = responding.start(link=link, language="en-gb", easy_read=False, consented=True)
    question = survey.questions.get()
    responding.save_page(response=response, questions=[question], values={question.pk: "yes"})

    def submit(_i):
        responding.submit(response=SurveyResponse.objects.get(pk=response.pk))
        return "sent"

    results = run_together(submit)
    sent = [r for r in results if r == "sent"]
    refused = [r for r in results if isinstance(r, responding.NotAvailable) and r.reason == responding.USED]
    assert len(sent) == 1, results
    assert len(refused) == THREADS - 1, results
    assert SurveyResponse.objects.filter(invitation=invitation).count() == 1
    assert SurveyResponse.objects.get(invitation=invitation).state == "submitted"
    assert Answer.objects.filter(response__invitation=invitation).count() == 1
    assert Invitation.objects.get(pk=invitation.pk).used_at is not None


def test_concurrent_starts_and_submits_through_the_web_store_one_response(survey):
    """Eight browsers open the same invitation link at once, then all press send."""
    invitation = InvitationFactory(survey=survey)
    question = survey.questions.get()
    clients = [Client() for _ in range(THREADS)]

    def open_link(i):
        reply = clients[i].post(f"/s/{invitation.token}/", {"consent": "on"})
        return reply.status_code, reply.get("Location", ""), reply.content.decode()

    starts = run_together(open_link)
    assert SurveyResponse.objects.filter(survey=survey).count() == 1
    response = SurveyResponse.objects.get(survey=survey)
    # One browser starts it; the others are told it was started and never get its resume link.
    winners = [i for i, (status, _, _) in enumerate(starts) if status == 302]
    assert len(winners) == 1, starts
    assert starts[winners[0]][1] == f"/r/{response.resume_token}/page/1/"
    for i, (status, location, html) in enumerate(starts):
        if i != winners[0]:
            assert (status, location) == (200, ""), starts
            assert "This survey has already been started from this link" in html
            assert response.resume_token not in html

    clients[0].post(f"/r/{response.resume_token}/page/1/", {"action": "continue", f"q{question.pk}": "no"})

    def send(i):
        return clients[i].post(f"/r/{response.resume_token}/check/").get("Location", "")

    sends = run_together(send)
    assert set(sends) == {f"/r/{response.resume_token}/done/"}, sends
    assert SurveyResponse.objects.filter(survey=survey).count() == 1
    assert SurveyResponse.objects.filter(survey=survey, state="submitted").count() == 1
    assert Answer.objects.filter(response__survey=survey).count() == 1
    used = Invitation.objects.get(pk=invitation.pk).used_at
    assert used is not None


def test_a_member_sending_two_in_app_responses_at_once_takes_part_once(survey, project, member_of):
    """Two tabs, each with its own in-app response, sent at the same moment: one is sent
    and recorded; the other is refused and left unsent."""
    panel = member_of(project, Role.PANEL)
    question = survey.questions.get()
    responses = []
    for _ in range(2):
        response = responding.member_start(user=panel, survey=survey, language="en-gb", easy_read=False, consented=True)
        responding.save_page(response=response, questions=[question], values={question.pk: "yes"})
        responses.append(response)

    def submit(i):
        responding.submit(response=SurveyResponse.objects.get(pk=responses[i].pk), member=panel)
        return "sent"

    results = run_together(submit, count=2)
    assert sorted(map(str, results)) == ["sent", responding.TOOK_PART], results
    assert SurveyParticipation.objects.filter(user=panel, survey=survey).count() == 1
    assert SurveyResponse.objects.filter(survey=survey, state="submitted").count() == 1
    assert SurveyResponse.objects.filter(survey=survey, state="in_progress", awaiting_member=True).count() == 1
