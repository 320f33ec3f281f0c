"""Journey (2A positive practice): a lead records a case study, is told plainly
what is wrong with a renamed program, attaches a real PDF and submits it for
sharing; a governance lead of the same organisation declines then approves it;
a lead of another organisation finds it in Shared positive practice. Every
page, error states included, passes axe."""

import pytest

from amhe.core.management.commands.load_demo import DEMO_PASSWORD, WEST_YORKSHIRE
from amhe.core.models import Project
from research.models import CaseStudy
from tests.browser.conftest import AXE_SOURCE, AxeChecked
from tests.factories import pdf_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def person(browser, live_server):
    """person(email) -> an AxeChecked page in a fresh browser context, logged in as `email`."""
    made = []

    def make(email) -> AxeChecked:
        context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
        context.add_init_script(script=AXE_SOURCE)
        checker = AxeChecked(context.new_page(), live_server.url)
        checker.page.set_default_timeout(10_000)
        made.append((context, checker))
        checker.log_in(email, DEMO_PASSWORD)
        return checker

    yield make
    for context, _checker in made:
        context.close()
    for _context, checker in made:
        checked = {url.split("#")[0] for url in checker.checked}
        unchecked = [url for url in checker.visited if url.split("#")[0] not in checked and url != "about:blank"]
        assert not unchecked, f"Pages visited without an axe check: {unchecked}"


def click(journey, role, name):
    journey.page.get_by_role(role, name=name).first.click()
    journey.page.wait_for_load_state()
    journey.check()


def test_case_study_is_recorded_attached_reviewed_and_shared(demo, person, tmp_path):
    project = Project.objects.get(name=WEST_YORKSHIRE.project_name)
    lead = person("lead@wy-icb.example")
    page = lead.page
    lead.goto(f"/projects/{project.pk}/research/")
    click(lead, "link", "Positive practice case studies in this project")
    click(lead, "button", "Add a case study")
    click(lead, "button", "Save case study")
    assert page.get_by_role("alert").get_by_text("Enter a title").is_visible()

    page.get_by_label("Title", exact=True).fill("Interpreters in crisis assessments")
    page.get_by_label("What action was taken?").fill("Trained interpreters join crisis assessments in Urdu.")
    page.get_by_label("How was it set up and delivered?").fill("The trust and a VCSE partner, two years.")
    page.get_by_label("What positive impact did it have?").fill("Families understood and agreed the plan.")
    page.get_by_label("Race", exact=True).check()
    page.get_by_label("Culturally appropriate care and staff trained to provide it").check()
    page.get_by_label("Crisis and urgent care").check()
    page.get_by_label("Area", exact=True).fill("Leeds")
    page.get_by_label("Monitored: before-and-after figures, without a comparison").check()
    click(lead, "button", "Save case study")
    case_study = CaseStudy.objects.get(title="Interpreters in crisis assessments")
    assert case_study.characteristics == ["race"]

    # A program renamed as a PDF is refused by its content; a real PDF is attached.
    program = tmp_path / "report.pdf"
    program.write_bytes(b"MZ\x90\x00" + b"\x00" * 500)
    click(lead, "button", "Attach a document")
    page.get_by_label("Upload a file").set_input_files(str(program))
    click(lead, "button", "Attach document")
    assert page.get_by_role("alert").get_by_text("is not a PDF or a Word document").is_visible()
    real = tmp_path / "Evaluation 2025.pdf"
    real.write_bytes(pdf_bytes())
    page.get_by_label("Upload a file").set_input_files(str(real))
    click(lead, "button", "Attach document")
    assert page.get_by_role("link", name="Evaluation 2025.pdf", exact=True).is_visible()

    click(lead, "link", "Submit it for sharing with every organisation")
    click(lead, "button", "Submit for sharing")
    assert page.get_by_text("Waiting for review").first.is_visible()

    # The governance lead declines (the reason is needed), then approves.
    reviewer = person("governance@wy-icb.example")
    reviewer.goto(f"/projects/{project.pk}/research/")
    click(reviewer, "link", "Review 'Interpreters in crisis assessments'")
    reviewer.page.get_by_label("No, do not share it").check()
    click(reviewer, "button", "Save decision")
    assert reviewer.page.get_by_role("alert").get_by_text("Enter why it is not approved").is_visible()
    reviewer.page.get_by_label("Yes, share it").check()
    click(reviewer, "button", "Save decision")
    case_study.refresh_from_db()
    assert case_study.sharing == CaseStudy.Sharing.SHARED

    # Another organisation's lead finds it, and reads it.
    outsider = person("lead@gm-icb.example")
    outsider.goto("/research/practice/")
    outsider.page.get_by_label("Search").fill("interpreters")
    click(outsider, "button", "Search")
    click(outsider, "link", "Interpreters in crisis assessments")
    assert outsider.page.get_by_role("link", name="Evaluation 2025.pdf", exact=True).is_visible()
    assert project.name not in outsider.page.content()

    # Back with the lead: the change page warns it is shared; the lead removes the
    # attachment (it goes back for review), withdraws it and deletes it.
    lead.goto(f"/projects/{project.pk}/research/practice/{case_study.pk}/")
    click(lead, "button", "Change case study")
    assert page.get_by_text("If you save changes, other organisations stop seeing it").is_visible()
    click(lead, "link", "Cancel")
    click(lead, "link", "Remove Evaluation 2025.pdf")
    click(lead, "button", "Remove document")
    case_study.refresh_from_db()
    assert case_study.sharing == CaseStudy.Sharing.SUBMITTED
    click(lead, "link", "Withdraw it from sharing")
    click(lead, "button", "Withdraw from sharing")
    click(lead, "button", "Delete case study")
    click(lead, "button", "Delete case study")
    assert not CaseStudy.objects.filter(pk=case_study.pk).exists()
    assert page.get_by_role("heading", name="Positive practice", exact=True).is_visible()
    assert not page.get_by_role("link", name="Interpreters in crisis assessments").count()
