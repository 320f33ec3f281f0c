"""Journey: a lead builds 2A's evidence base (a RIS import, after fixing a bad
file) and its register of existing initiatives, adds a priority that overlaps
one (the page says so and links it), agrees it; a panel member gives a view on
it. Every page, error states included, passes axe."""

import pytest

from amhe.core.management.commands.load_demo import DEMO_PASSWORD, WEST_YORKSHIRE
from amhe.core.models import Project, Role
from research.models import Priority, PriorityView, Reference

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BAD_RIS = b"TY  - JOUR\nAU  - Nobody\nER  - \n"
GOOD_RIS = (
    b"TY  - RPRT\nTI  - Evaluation of a peer-led crisis service (made up for this test)\n"
    b"AU  - Tester, A\nPY  - 2024\nUR  - https://example.org/evaluation\nER  - \n"
)
REFERENCE = "Evaluation of a peer-led crisis service (made up for this test)"


def _click(journey, role, name):
    journey.page.get_by_role(role, name=name).first.click()
    journey.page.wait_for_load_state()
    journey.check()


def test_lead_builds_evidence_and_priorities_and_a_panel_member_gives_a_view(demo, journey, browser, live_server):
    page = journey.page
    project = Project.objects.get(name=WEST_YORKSHIRE.project_name)
    journey.log_in("lead@wy-icb.example", DEMO_PASSWORD)
    journey.goto(f"/projects/{project.pk}/research/")

    # References from a RIS file: a bad one first, then a good one.
    _click(journey, "link", "Import references from a CSV or RIS file")
    page.set_input_files("input[type=file]", files=[{"name": "bad.ris", "mimeType": "text/plain", "buffer": BAD_RIS}])
    _click(journey, "button", "Check and import")
    assert page.get_by_role("alert").get_by_text("Record 1: There is no title").is_visible()
    page.set_input_files("input[type=file]", files=[{"name": "ok.ris", "mimeType": "text/plain", "buffer": GOOD_RIS}])
    _click(journey, "button", "Check and import")
    assert Reference.objects.filter(project=project, title=REFERENCE).count() == 1
    _click(journey, "link", REFERENCE)

    # An existing initiative.
    journey.goto(f"/projects/{project.pk}/research/initiatives/")
    _click(journey, "button", "Add an initiative")
    _click(journey, "button", "Add initiative")  # the error summary
    page.get_by_label("Name").fill("Crisis café")
    page.get_by_label("Voluntary, community and social enterprise (VCSE)").check()
    page.get_by_label("Who runs it").fill("Touchstone")
    page.get_by_label("Description").fill("An evening crisis café run by peers")
    page.get_by_label("Race", exact=True).check()
    _click(journey, "button", "Add initiative")

    # A priority that overlaps it.
    journey.goto(f"/projects/{project.pk}/research/priorities/")
    _click(journey, "button", "Add a priority")
    page.get_by_label("Priority", exact=True).fill("Peer support for Black people in crisis")
    page.get_by_label("Somewhere else").check()
    page.locator("input[name=impact][value=high]").check()
    page.locator("input[name=effort][value=low]").check()
    page.get_by_label("Short term").check()
    page.get_by_label("Race", exact=True).check()
    page.get_by_label(REFERENCE).check()
    _click(journey, "button", "Add priority")
    assert page.get_by_text("This looks like an existing initiative:").first.is_visible()
    assert page.get_by_role("link", name="Crisis café", exact=True).is_visible()
    _click(journey, "button", "Agree this priority")
    page.get_by_label("Agreed: it goes on the priority list the strategy starts from").check()
    _click(journey, "button", "Save")
    priority = Priority.objects.get(project=project, title="Peer support for Black people in crisis")
    assert priority.state == "agreed"
    journey.goto(f"/projects/{project.pk}/research/priorities/")
    # The other pages of the areas pass axe too.
    reference = Reference.objects.get(project=project, title=REFERENCE)
    journey.goto(f"/projects/{project.pk}/research/evidence/new/")
    journey.goto(f"/projects/{project.pk}/research/evidence/{reference.pk}/edit/")
    journey.goto(f"/projects/{project.pk}/research/evidence/{reference.pk}/delete/")
    initiative = project.initiatives.get(name="Crisis café")
    journey.goto(f"/projects/{project.pk}/research/initiatives/{initiative.pk}/edit/")
    journey.goto(f"/projects/{project.pk}/research/priorities/{priority.pk}/edit/")
    journey.goto(f"/projects/{project.pk}/research/priorities/{priority.pk}/delete/")

    # A panel member gives a view, in their own browser.
    context = browser.new_context(base_url=live_server.url)
    try:
        from tests.browser.conftest import AxeChecked

        panel = AxeChecked(context.new_page(), live_server.url)
        panel.log_in("panel@wy-icb.example", DEMO_PASSWORD)
        panel.goto(f"/projects/{project.pk}/research/priorities/{priority.pk}/")
        _click(panel, "button", "Give your view")
        _click(panel, "button", "Give your view")  # the error summary
        panel.page.get_by_label("Support", exact=True).check()
        panel.page.get_by_label("Comment (optional)").fill("Evenings matter most")
        _click(panel, "button", "Give your view")
        assert panel.page.get_by_text("Evenings matter most").is_visible()
        assert PriorityView.objects.get(priority=priority).vote == "support"
    finally:
        context.close()


def test_research_pages_fit_a_phone(journey, project, member_of):
    from tests.browser.test_narrow_screens import PHONE, assert_no_horizontal_overflow, signed_in
    from tests.factories import InitiativeFactory, PriorityFactory, PriorityViewFactory, ReferenceFactory

    lead = member_of(project, Role.LEAD)
    long_words = "Peer-support-and-advocacy-for-people-detained-under-the-Mental-Health-Act " * 2
    reference = ReferenceFactory(project=project, title=long_words, doi="10.1016/S2215-0366(19)30027-6")
    initiative = InitiativeFactory(project=project, name=long_words, characteristics=["race"])
    priority = PriorityFactory(project=project, title=long_words, characteristics=["race"])
    priority.references.add(reference)
    for impact, effort in (("low", "high"), ("medium", "medium")):
        PriorityFactory(project=project, title=long_words, impact=impact, effort=effort)
    PriorityViewFactory(priority=priority, member=member_of(project, Role.PANEL), comment=long_words)
    signed_in(journey, lead)
    journey.page.set_viewport_size(PHONE)
    base = f"/projects/{project.pk}/research"
    for path in (
        "/",
        "/evidence/",
        f"/evidence/{reference.pk}/",
        "/evidence/import/",
        "/initiatives/",
        f"/initiatives/{initiative.pk}/",
        "/priorities/",
        f"/priorities/{priority.pk}/",
    ):
        journey.goto(base + path)
        assert_no_horizontal_overflow(journey.page)
