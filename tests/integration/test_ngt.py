"""Research 2B nominal group technique: the facilitator's flow, the
participants' public pages (join, idea, rank once, closed link), in-room paper
rankings, results by group, making a priority, progress and log redaction."""

import logging

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from amhe.core.models import Role
from amhe.core.progress import substeps_with_work
from research.models import NgtIdea, NgtParticipant, NgtRanking, NgtSession, Priority
from research.ngt import services
from tests.factories import InitiativeFactory, NgtIdeaFactory, NgtParticipantFactory, NgtSessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def lead(project, member_of):
    return member_of(project, Role.LEAD)


def url(name, session, **kwargs):
    return reverse(f"research:{name}", kwargs={"project_id": session.project_id, "session_id": session.pk, **kwargs})


def advance_to(session, phase, by):
    while session.phase != phase:
        session = services.session_advance(by=by, session=session)
    return session


def join(client, session, group="lived", lang="en-gb"):
    response = client.post(f"/n/{session.join_token}/?lang={lang}", {"group": group})
    assert response.status_code == 302, response.content.decode()[:2000]
    return response.url  # /np/<token>/


def test_facilitator_opens_a_session_from_the_research_page(client, project, lead):
    client.force_login(lead)
    overview = client.get(reverse("research:overview", kwargs={"project_id": project.pk})).content.decode()
    assert "Nominal group technique sessions" in overview
    new_url = reverse("research:ngt-new", kwargs={"project_id": project.pk})
    assert new_url in overview
    response = client.post(
        new_url, {"question": "What would help people get support early?", "top_n": "5", "mode": "online"}
    )
    session = NgtSession.objects.get(project=project)
    assert response.status_code == 302 and response.url == url("ngt-session", session)
    assert session.top_n == 5 and session.phase == "ideas" and len(session.join_token) >= 32
    page = client.get(response.url).content.decode()
    assert f"/n/{session.join_token}/" in page
    qr = client.get(url("ngt-qr", session))
    assert qr["Content-Type"] == "image/svg+xml" and b"<svg" in qr.content
    assert "2B" in substeps_with_work(project)


def test_the_default_is_top_5_and_a_panel_member_cannot_open_a_session(client, project, lead, member_of):
    session = services.session_create(by=lead, project=project, question="Q?")
    assert session.top_n == 5
    client.force_login(member_of(project, Role.PANEL))
    assert client.get(reverse("research:ngt-new", kwargs={"project_id": project.pk})).status_code == 403
    assert client.get(url("ngt-session", session)).status_code == 200
    assert client.get(url("ngt-screen", session)).status_code == 403


def test_a_whole_online_session_with_results_by_group(client, project, lead):
    session = services.session_create(by=lead, project=project, question="What would help?", top_n=2)
    people = {}
    for i, group in enumerate(["lived", "lived", "lived", "staff", "staff", "staff", "carer"]):
        participant_client = Client(REMOTE_ADDR=f"203.0.113.{i + 1}")
        home = join(participant_client, session, group)
        people[i] = (participant_client, home)
    # Silent idea generation: each idea is private to its writer.
    first_client, first_home = people[0]
    idea_page = first_client.get(first_home, follow=True)
    assert idea_page.redirect_chain[-1][0].endswith("/ideas/")
    first_client.post(first_home + "ideas/", {"text": "A peer-led drop-in"})
    people[3][0].post(people[3][1] + "ideas/", {"text": "Evening crisis café"})
    people[4][0].post(people[4][1] + "ideas/", {"text": "A drop-in run by peers"})
    page = first_client.get(first_home + "ideas/").content.decode()
    assert "A peer-led drop-in" in page and "Evening crisis café" not in page
    a, b, c = NgtIdea.objects.filter(session=session).order_by("number")
    assert [a.number, b.number, c.number] == [1, 2, 3]

    client.force_login(lead)
    # Round-robin listing: the screen shows one idea at a time.
    client.post(url("ngt-phase", session))
    screen = client.get(url("ngt-screen", session)).content.decode()
    assert "A peer-led drop-in" in screen and "Evening crisis café" not in screen
    client.post(url("ngt-screen", session), {"step": "next"})
    assert client.get(url("ngt-screen-json", session)).json()["current_idea"] == "Evening crisis café"
    # A participant during listing is asked to look at the screen; ideas are closed.
    assert "Look at the screen" in first_client.get(first_home).content.decode()
    assert first_client.post(first_home + "ideas/", {"text": "Late"}).status_code == 302
    assert not NgtIdea.objects.filter(text="Late").exists()
    # Clarification: idea 3 duplicates idea 1.
    client.post(url("ngt-phase", session))
    client.post(url("ngt-idea-merge", session, idea_id=c.pk), {"into": a.pk})
    c.refresh_from_db()
    assert c.merged_into == a
    # Ranking.
    client.post(url("ngt-phase", session))
    for i, (participant_client, home) in people.items():
        form = participant_client.get(home, follow=True)
        assert form.redirect_chain[-1][0].endswith("/rank/")
        html = form.content.decode()
        assert "Drop-in run by peers" not in html and "A drop-in run by peers" not in html  # merged: not ranked
        order = [a, b] if i < 3 else [b, a]
        response = participant_client.post(home + "rank/", {"choice_1": order[0].pk, "choice_2": order[1].pk})
        assert response.status_code == 302
    client.post(url("ngt-phase", session))
    session.refresh_from_db()
    assert session.phase == "closed" and session.closed_at is not None

    results = client.get(url("ngt-results", session)).content.decode()
    # a: lived 3 x 2 + staff 3 x 1 + carer 1 = 10 from 7; b: 3 x 1 + 3 x 2 + 2 = 11 from 7 (the carer ranked b first).
    assert "11" in results and "10" in results
    # One carer: too few to show or to pool alone (showing lived experience and staff would
    # give the carer's ranking away), so the carer is counted with staff; lived experience
    # stays visible, and the page says why.
    assert "Lived experience (3 ranked)" in results and "Staff and carers together (4 ranked)" in results
    assert "Staff (3 ranked)" not in results and "Carers (" not in results
    assert "so they are counted together with staff" in results


def test_small_groups_are_pooled_as_other_groups_when_they_reach_three(project, lead, client):
    session = NgtSessionFactory(project=project, top_n=1, phase="ranking")
    idea = NgtIdeaFactory(session=session, number=1, text="Peer support")
    for group in ["lived"] * 3 + ["carer", "carer", "other"]:
        participant = NgtParticipantFactory(session=session, group=group)
        services.ranking_submit(participant=participant, idea_ids=[idea.pk])
    client.force_login(lead)
    html = client.get(url("ngt-results", session)).content.decode()
    assert "Lived experience (3 ranked)" in html
    assert "Other groups (3 ranked)" in html
    assert "so they are counted together under “other groups”" in html


def test_a_participant_ranks_once_and_a_second_ranking_keeps_the_first(project, lead):
    session = NgtSessionFactory(project=project, top_n=3, phase="ranking")
    one, two, three = (NgtIdeaFactory(session=session, number=n) for n in (1, 2, 3))
    participant = NgtParticipantFactory(session=session)
    visitor = Client()
    home = f"/np/{participant.token}/"
    assert visitor.post(home + "rank/", {"choice_1": two.pk, "choice_2": one.pk}).status_code == 302
    again = visitor.post(home + "rank/", {"choice_1": three.pk})
    assert again.status_code == 409
    assert "You have already sent your choices" in again.content.decode()
    assert list(NgtRanking.objects.filter(participant=participant).values_list("idea_id", "position")) == [
        (two.pk, 1),
        (one.pk, 2),
    ]
    with pytest.raises(services.AlreadyRanked):
        services.ranking_submit(participant=participant, idea_ids=[three.pk])
    # A ranking of a duplicate, gaps and repeats are refused with messages.
    other = NgtParticipantFactory(session=session)
    bad = Client().post(f"/np/{other.token}/rank/", {"choice_1": one.pk, "choice_2": one.pk})
    assert bad.status_code == 400 and "Choose each idea only once" in bad.content.decode()
    gap = Client().post(f"/np/{other.token}/rank/", {"choice_1": one.pk, "choice_3": two.pk})
    assert gap.status_code == 400
    assert not NgtRanking.objects.filter(participant=other).exists()


def test_a_link_after_the_session_closes_says_so_plainly(project, lead):
    session = NgtSessionFactory(project=project, phase="closed")
    participant = NgtParticipantFactory(session=session)
    visitor = Client()
    for path in (f"/n/{session.join_token}/", f"/np/{participant.token}/", f"/np/{participant.token}/rank/"):
        response = visitor.get(path)
        assert response.status_code == 410, path
        assert "This session has closed" in response.content.decode()
    assert visitor.post(f"/n/{session.join_token}/", {"group": "staff"}).status_code == 410
    assert NgtParticipant.objects.filter(session=session).count() == 1
    assert visitor.get("/n/no-such-token-here/").status_code == 404
    assert visitor.get("/np/no-such-token-here/").status_code == 404


def test_joining_keeps_only_the_group_and_language(project):
    session = NgtSessionFactory(project=project)
    visitor = Client(REMOTE_ADDR="203.0.113.99", HTTP_USER_AGENT="TestBrowser/1.0")
    join(visitor, session, "carer", lang="ur")
    participant = NgtParticipant.objects.get(session=session)
    assert (participant.group, participant.language) == ("carer", "ur")
    stored = repr(list(NgtParticipant.objects.values()))
    assert "203.0.113.99" not in stored and "TestBrowser" not in stored
    assert "sessionid" not in visitor.cookies
    for path in (f"/n/{session.join_token}/", f"/np/{participant.token}/ideas/"):
        assert "no-store" in visitor.get(path)["Cache-Control"], path


def test_participant_pages_are_translated_and_urdu_is_right_to_left(project):
    session = NgtSessionFactory(project=project)
    visitor = Client()
    urdu = visitor.get(f"/n/{session.join_token}/?lang=ur").content.decode()
    assert 'lang="ur" dir="rtl"' in urdu
    assert "Join the group" not in urdu  # the heading is in Urdu
    polish = visitor.get(f"/n/{session.join_token}/?lang=pl").content.decode()
    assert 'lang="pl" dir="ltr"' in polish and "Join the group" not in polish
    home = join(visitor, session, "staff", lang="ur")
    page = visitor.get(home, follow=True).content.decode()
    assert 'lang="ur" dir="rtl"' in page


def test_honeypot_and_rate_limit_on_joining(project, settings):
    session = NgtSessionFactory(project=project)
    bot = Client()
    assert bot.post(f"/n/{session.join_token}/", {"group": "staff", "website": "spam"}).status_code == 302
    assert not NgtParticipant.objects.filter(session=session).exists()
    settings.AMHE_PUBLIC_FORM_RATE = "2/m"
    busy = Client(REMOTE_ADDR="198.51.100.5")
    statuses = [busy.post(f"/n/{session.join_token}/", {"group": "staff"}).status_code for _ in range(3)]
    assert statuses == [302, 302, 429]
    assert NgtParticipant.objects.filter(session=session).count() == 2


def test_an_in_room_session_with_typed_ideas_and_paper_rankings(client, project, lead):
    session = services.session_create(by=lead, project=project, question="Q?", top_n=3, mode="in_room")
    client.force_login(lead)
    assert Client().get(f"/n/{session.join_token}/").status_code == 404  # no joining by link
    for text in ("Peer support", "Evening café", "Peer supporters"):
        client.post(url("ngt-idea-new", session), {"text": text})
    one, two, three = NgtIdea.objects.filter(session=session).order_by("number")
    session = advance_to(session, "clarifying", lead)
    services.idea_merge(by=lead, idea=three, into=one)
    session = advance_to(session, "ranking", lead)
    for group, choices in [("lived", [one, two]), ("staff", [two]), ("lived", [one])]:
        data = {"group": group, **{f"choice_{i}": idea.pk for i, idea in enumerate(choices, start=1)}}
        assert client.post(url("ngt-paper-new", session), data).status_code == 302
    papers = NgtParticipant.objects.filter(session=session, on_paper=True)
    assert papers.count() == 3 and all(p.token is None and p.ranked_at for p in papers)
    html = client.get(url("ngt-results", session)).content.decode()
    # one: 3 + 3 = 6 from 2; two: 2 + 3 = 5 from 2.
    assert "With duplicates merged into it: idea 3" in html


def test_make_a_priority_from_an_idea_links_it_and_warns_of_an_overlap(client, project, lead):
    InitiativeFactory(
        project=project, name="Chapeltown peer drop-in", description="A peer drop-in", characteristics=["race"]
    )
    session = services.session_create(by=lead, project=project, question="Q?", characteristics=["race"], mode="in_room")
    client.force_login(lead)
    added = client.post(url("ngt-idea-new", session), {"text": "A peer drop-in in Chapeltown"}, follow=True)
    assert "looks like an existing initiative: Chapeltown peer drop-in" in added.content.decode()
    initiative = project.initiatives.get()
    initiative_url = reverse("research:initiative", kwargs={"project_id": project.pk, "initiative_id": initiative.pk})
    assert f'<a href="{initiative_url}">Chapeltown peer drop-in</a>' in added.content.decode()
    idea = NgtIdea.objects.get(session=session)
    page = client.get(url("ngt-idea-priority", session, idea_id=idea.pk)).content.decode()
    assert "This looks like an existing initiative" in page and "Chapeltown peer drop-in" in page
    response = client.post(
        url("ngt-idea-priority", session, idea_id=idea.pk), {"impact": "high", "effort": "low", "horizon": "short"}
    )
    priority = Priority.objects.get(project=project)
    assert response.url == reverse("research:priority", kwargs={"project_id": project.pk, "priority_id": priority.pk})
    assert priority.source == Priority.Source.NGT_IDEA and priority.ngt_idea == idea
    assert priority.title == idea.text and priority.characteristics == ["race"]


def test_screen_json_and_no_inline_script(client, project, lead):
    session = NgtSessionFactory(project=project)
    NgtParticipantFactory(session=session)
    client.force_login(lead)
    data = client.get(url("ngt-screen-json", session)).json()
    assert data["phase"] == "ideas" and data["joined"] == 1
    html = client.get(url("ngt-screen", session)).content.decode()
    assert 'data-module="amhe-ngt-screen"' in html
    assert "Refresh the screen" in html


def test_new_public_tokens_are_redacted_from_logs(caplog, project):
    from amhe.logging import redact

    session = NgtSessionFactory(project=project)
    participant = NgtParticipantFactory(session=session, token="Zx3-kP_q9Lm2Rt7vWb5YcN1dFh8JsA0u")
    assert redact(f"GET /n/{session.join_token}/?lang=ur") == "GET /n/…/?lang=ur"
    assert redact(f"Bad Request: /np/{participant.token}/rank/") == "Bad Request: /np/…/rank/"
    assert redact("/projects/3/research/ngt/5/screen/") == "/projects/3/research/ngt/5/screen/"
    with caplog.at_level(logging.WARNING, logger="django.request"):
        Client().post(f"/np/{participant.token}/rank/", {"choice_1": "x"})
    from amhe.logging import RedactSecretLinks

    for record in caplog.records:
        RedactSecretLinks().filter(record)
        assert participant.token not in record.getMessage()


def test_a_diagram_box_names_the_ngt_ideas_behind_it(client, project, lead):
    from tests.factories import DiagramFactory, DiagramNodeFactory

    session = NgtSessionFactory(project=project)
    idea = NgtIdeaFactory(session=session, number=1, text="Peer-led drop-in sessions")
    elsewhere = NgtIdeaFactory(number=1)
    diagram = DiagramFactory(project=project)
    aim = DiagramNodeFactory(diagram=diagram, kind="aim", text="Fewer crises")
    client.force_login(lead)
    new_box = reverse("research:node-new", kwargs={"project_id": project.pk, "diagram_id": diagram.pk})
    form = client.get(new_box + "?kind=primary").content.decode()
    assert "Ideas from NGT sessions behind it" in form and "Peer-led drop-in sessions" in form
    response = client.post(
        new_box + "?kind=primary", {"text": "Trusted places to go", "parents": [aim.pk], "ngt_ideas": [idea.pk]}
    )
    assert response.status_code == 302
    box = diagram.nodes.get(kind="primary")
    assert list(box.ngt_ideas.all()) == [idea]
    page = client.get(reverse("research:diagram", kwargs={"project_id": project.pk, "diagram_id": diagram.pk}))
    assert "From NGT ideas: Peer-led drop-in sessions." in page.content.decode()
    from research.plans import services as plan_services

    with pytest.raises(services.ValidationError):
        plan_services.node_update(by=lead, node=box, text="x", parents=[aim], ngt_ideas=[elsewhere])


def test_the_demo_has_a_closed_session_with_results_by_group(settings, client):
    from unittest import mock

    from django.core.management import call_command

    from amhe.core.management.commands.load_demo import WEST_YORKSHIRE
    from amhe.core.models import Project

    settings.DEBUG = True
    with mock.patch.object(services, "ranking_submit", wraps=services.ranking_submit) as ranked:
        call_command("load_demo", verbosity=0)
    assert ranked.call_count == 10  # every ranking through the participants' service
    call_command("load_demo", verbosity=0)  # idempotent
    project = Project.objects.get(name=WEST_YORKSHIRE.project_name)
    session = project.ngt_sessions.get()
    assert session.phase == "closed" and "(illustrative)" in session.question
    assert session.ideas.filter(merged_into__isnull=False).count() == 1
    lead = project.memberships.filter(role=Role.LEAD).first().user
    client.force_login(lead)
    html = client.get(url("ngt-results", session)).content.decode()
    assert "Lived experience (4 ranked)" in html and "Staff (3 ranked)" in html
    assert "Other groups (3 ranked)" in html
    # The peer-led drop-in (with its merged duplicate) comes first.
    # 1: 3+2+3+3 (lived) + 1+1 (staff) + 1+2 (carers) + 2 (other) = 18.
    assert "With duplicates merged into it: idea 6" in html
    assert "2B" in substeps_with_work(project)
