"""Each NGT participant ranks once, even when several submits arrive at the same
moment (threads with their own database connections released together by a
barrier, as in test_survey_single_use; PostgreSQL in CI)."""

import pytest
from django.test import Client

from research.models import NgtParticipant, NgtRanking
from research.ngt import services
from tests.factories import NgtIdeaFactory, NgtParticipantFactory, NgtSessionFactory
from tests.integration.test_survey_single_use import THREADS, run_together

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def session(project):
    session = NgtSessionFactory(project=project, top_n=3, phase="ranking")
    for number in (1, 2, 3, 4):
        NgtIdeaFactory(session=session, number=number, text=f"Idea {number}")
    return session


def test_concurrent_rankings_by_one_participant_store_one(session):
    participant = NgtParticipantFactory(session=session)
    ideas = list(session.ideas.order_by("number"))

    def rank(i):
        # Each thread ranks a different order, so a mixed result would show.
        order = ideas[i % 4 :] + ideas[: i % 4]
        services.ranking_submit(
            participant=NgtParticipant.objects.get(pk=participant.pk), idea_ids=[idea.pk for idea in order[:3]]
        )
        return "ranked"

    results = run_together(rank)
    assert results.count("ranked") == 1, results
    refused = [r for r in results if isinstance(r, services.AlreadyRanked)]
    assert len(refused) == THREADS - 1, results
    stored = list(NgtRanking.objects.filter(participant=participant).order_by("position"))
    assert [r.position for r in stored] == [1, 2, 3]
    winner = results.index("ranked")
    expected = (ideas[winner % 4 :] + ideas[: winner % 4])[:3]
    assert [r.idea_id for r in stored] == [idea.pk for idea in expected]


def test_concurrent_submits_through_the_web_keep_the_first_ranking(session):
    participant = NgtParticipantFactory(session=session)
    ideas = list(session.ideas.order_by("number"))
    clients = [Client() for _ in range(THREADS)]

    def send(i):
        data = {"choice_1": ideas[i % 4].pk}
        return clients[i].post(f"/np/{participant.token}/rank/", data).status_code

    statuses = run_together(send)
    assert sorted(statuses) == [302] + [409] * (THREADS - 1), statuses
    assert NgtRanking.objects.filter(participant=participant).count() == 1
    assert NgtParticipant.objects.get(pk=participant.pk).ranked_at is not None
