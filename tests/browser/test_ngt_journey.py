"""Journey (2B): a lead runs a nominal group technique session. Three people
join on their phones in separate browsers (one in Urdu, right to left), write
ideas privately and rank their top 3; the facilitator's screen counts ideas as
they arrive without reloading, lists them one by one, a duplicate is merged,
three paper rankings from staff are typed in, and the results are shown by
group. The top idea then becomes a priority and a box of the driver diagram, and a
panel member votes on the priority. Every page, the facilitator's, the participants'
and the panel member's, passes axe."""

import re

import pytest

from amhe.core.management.commands.load_demo import DEMO_PASSWORD, WEST_YORKSHIRE
from amhe.core.models import Project
from research.models import Diagram, NgtIdea, NgtSession, Priority, PriorityView
from tests.browser.conftest import AxeChecked

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
QUESTION = "What would help people in Harehills get support before a crisis?"


def _click(journey, role, name):
    journey.page.get_by_role(role, name=name).first.click()
    journey.page.wait_for_load_state()
    journey.check()


def _submit(person):
    person.page.locator("main button[type=submit]").first.click()
    person.page.wait_for_load_state()
    person.check()


def _next_phase(journey, action):
    _click(journey, "button", action)  # the link styled as a button, to the confirmation page
    _click(journey, "button", action)


@pytest.fixture
def phones(browser, live_server):
    contexts, people = [], []

    def open_phone():
        context = browser.new_context(base_url=live_server.url, viewport=PHONE)
        contexts.append(context)
        person = AxeChecked(context.new_page(), live_server.url)
        people.append(person)
        return person

    yield open_phone
    for context in contexts:
        context.close()
    for person in people:
        checked = {url.split("#")[0] for url in person.checked}
        unchecked = [url for url in person.visited if url.split("#")[0] not in checked and url != "about:blank"]
        assert not unchecked, f"Pages visited without an axe check: {unchecked}"


def test_facilitator_runs_an_ngt_session_with_three_participants(demo, journey, phones, live_server):
    page = journey.page
    project = Project.objects.get(name=WEST_YORKSHIRE.project_name)
    journey.log_in("lead@wy-icb.example", DEMO_PASSWORD)
    journey.goto(f"/projects/{project.pk}/research/")
    _click(journey, "button", "Open an NGT session")
    page.get_by_label("The question the group answers").fill(QUESTION)
    page.get_by_label("How many ideas does each participant rank?").fill("3")
    _click(journey, "button", "Open session")
    session = NgtSession.objects.get(project=project, question=QUESTION)
    join_url = page.locator("#join-link").input_value()
    assert join_url.endswith(f"/n/{session.join_token}/")
    assert page.get_by_role("img", name="QR code that opens the link to join the session").is_visible()

    # The projector screen, showing how many have joined and how many ideas are in.
    _click(journey, "button", "Show the screen for the projector")
    ideas_count = page.locator('[data-ngt="ideas"]')
    assert ideas_count.text_content() == "0"

    # Three people join on their phones: one reads the pages in Urdu.
    people = []
    for language, idea_texts in (
        ("en-gb", ["Peer support groups in the community"]),
        ("ur", ["Information in Urdu at the mosque"]),
        ("pl", ["An evening crisis café", "Peer-led support group meetings"]),
    ):
        person = phones()
        person.goto(join_url.replace(live_server.url, "") + f"?lang={language}")
        html = person.page.locator("html")
        assert html.get_attribute("lang") == language
        assert html.get_attribute("dir") == ("rtl" if language == "ur" else "ltr")
        sizes = person.page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        assert sizes[0] <= sizes[1], sizes  # nothing wider than the phone
        person.page.locator('input[name="group"][value="lived"]').check()
        _submit(person)
        assert re.search(r"/np/[^/]+/ideas/$", person.page.url)
        for text in idea_texts:
            person.page.locator("textarea[name=text]").fill(text)
            _submit(person)
        people.append(person)
    urdu = people[1].page
    assert urdu.get_by_role("heading", level=1).text_content() == "اپنے خیالات لکھیں"

    # The screen counts the ideas without being reloaded.
    page.wait_for_function("() => document.querySelector('[data-ngt=\"ideas\"]').textContent === '4'", timeout=15000)
    journey.check()
    _click(journey, "link", "Back to the session")

    # Round-robin listing: one idea at a time on the screen.
    _next_phase(journey, "Start the round-robin listing")
    _click(journey, "button", "Show the screen for the projector")
    assert page.locator('[data-ngt="current_idea"]').text_content() == "Peer support groups in the community"
    _click(journey, "button", "Next idea")
    assert page.locator('[data-ngt="current_idea"]').text_content() == "Information in Urdu at the mosque"
    people[0].page.reload()
    people[0].check()
    assert people[0].page.get_by_role("heading", name="Look at the screen").is_visible()
    _click(journey, "link", "Back to the session")

    # Clarification: idea 4 says the same as idea 1.
    _next_phase(journey, "Start clarifying and merging")
    _click(journey, "link", "Merge idea 4 into another")
    page.get_by_label("1. Peer support groups in the community").check()
    _click(journey, "button", "Merge idea 4")
    assert NgtIdea.objects.get(session=session, number=4).merged_into.number == 1

    # Private ranking on the phones.
    _next_phase(journey, "Start ranking")
    choices = [[1, 2, 3], [2, 1, 3], [1, 3]]
    for person, numbers in zip(people, choices, strict=True):
        person.page.reload()  # the ideas page moves on to ranking
        person.check()
        assert person.page.url.endswith("/rank/")
        options = person.page.locator("select[name=choice_1] option")
        assert options.count() == 4  # "not chosen" and the three ideas left after the merge
        for place, number in enumerate(numbers, start=1):
            idea = NgtIdea.objects.get(session=session, number=number)
            person.page.locator(f"select[name=choice_{place}]").select_option(str(idea.pk))
        _submit(person)
        assert person.page.locator("ol li").count() == len(numbers)

    # Going back to the ranking page from the Urdu phone shows the ranking already sent.
    people[1].goto(_rank_path(urdu.url))
    assert urdu.locator("ol li").count() == len(choices[1])
    assert urdu.locator("html").get_attribute("dir") == "rtl"

    # Three staff ranked on paper in the room.
    _click(journey, "link", "Type in a paper ranking")
    for numbers in ([3, 2, 1], [3, 1], [2, 3, 1]):
        page.get_by_label("Staff", exact=True).check()
        for place, number in enumerate(numbers, start=1):
            idea = NgtIdea.objects.get(session=session, number=number)
            page.locator(f"select[name=choice_{place}]").select_option(str(idea.pk))
        _click(journey, "button", "Add ranking and another")
    _click(journey, "link", "Cancel")

    _next_phase(journey, "Close the session and show the results")
    _click(journey, "link", "See the results")
    table = page.get_by_role("table", name="Ideas by total score")
    assert table.get_by_role("columnheader", name=re.compile(r"Lived experience \(3 ranked\)")).is_visible()
    assert table.get_by_role("columnheader", name=re.compile(r"Staff \(3 ranked\)")).is_visible()
    # 1: lived 3 + 2 + 3, staff 1 + 2 + 1 = 12; 3: lived 1 + 1 + 2, staff 3 + 3 + 2 = 12; 2: 2 + 3 + 0 + 2 + 0 + 3 = 10.
    rows = table.locator("tbody tr")
    assert "Peer support groups in the community" in rows.nth(0).text_content()
    assert "With duplicates merged into it: idea 4" in rows.nth(0).text_content()

    # The screen shows the same results for the room, and a closed link says so.
    _click(journey, "link", "Back to the session")
    _click(journey, "button", "Show the screen for the projector")
    assert page.get_by_role("table", name="Ideas by total score").is_visible()
    people[2].goto(people[2].page.url.split(live_server.url)[1].split("?")[0])
    assert people[2].page.get_by_role("heading", level=1).text_content()  # in Polish: the session has closed
    assert "zakończona" in people[2].page.get_by_role("heading", level=1).text_content()

    # Onward (2B to 2C): the top idea becomes a priority, a box of the demo's driver
    # diagram names it, and a panel member gives their view on the priority.
    journey.goto(f"/projects/{project.pk}/research/ngt/{session.pk}/results/")
    _click(journey, "link", "Make a priority from idea 1")
    page.locator("input[name=impact][value=high]").check()
    page.locator("input[name=effort][value=medium]").check()
    page.get_by_label("Short term").check()
    _click(journey, "button", "Make priority")
    priority = Priority.objects.get(project=project, ngt_idea__session=session, ngt_idea__number=1)
    assert page.get_by_role("heading", level=1).text_content() == "Peer support groups in the community"
    assert page.get_by_role("link", name=re.compile("session results")).is_visible()
    diagram = Diagram.objects.get(project=project, kind=Diagram.Kind.DRIVER)
    journey.goto(f"/projects/{project.pk}/research/plans/{diagram.pk}/")
    _click(journey, "button", "Add a box")
    page.get_by_label("Change idea", exact=True).check()
    _click(journey, "button", "Continue")
    page.get_by_label("What it says").fill("Peer support groups in community centres")
    page.get_by_label("Secondary driver: Peer supporters with lived experience in community settings").check()
    page.get_by_label(re.compile(r"Peer support groups in the community \(idea 1, session")).check()
    _click(journey, "button", "Add change idea")
    box = diagram.nodes.get(text="Peer support groups in community centres")
    assert list(box.ngt_ideas.all()) == [priority.ngt_idea]

    panel = phones()
    panel.log_in("panel@wy-icb.example", DEMO_PASSWORD)
    panel.goto(f"/projects/{project.pk}/research/priorities/{priority.pk}/")
    _click(panel, "button", "Give your view")
    panel.page.get_by_label("Support", exact=True).check()
    panel.page.get_by_label("Comment (optional)").fill("Groups near home would help my family")
    _click(panel, "button", "Give your view")
    assert PriorityView.objects.get(priority=priority).vote == "support"
    assert panel.page.get_by_text("Groups near home would help my family").is_visible()


def _rank_path(url: str) -> str:
    token = re.search(r"/np/([^/]+)/", url).group(1)
    return f"/np/{token}/rank/"
