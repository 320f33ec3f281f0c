"""Journey: the demo commissioner logs in, opens the demo project and sees the
four steps of the cycle with their sub-steps. Every page passes axe."""

import pytest

from amhe.core.management.commands.load_demo import DEMO_PASSWORD, WEST_YORKSHIRE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_commissioner_sees_the_four_steps(demo, journey):
    page = journey.page

    # Given the commissioner is not logged in, when they open the app, they get the login page.
    journey.goto("/")
    assert page.url.endswith("/accounts/login/?next=/")

    # The first Tab reaches the skip link, and it takes focus to the main content.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "maincontent"

    # They log in by keyboard alone.
    page.get_by_label("Email address").focus()
    page.keyboard.type("LEAD@wy-icb.example")
    page.keyboard.press("Tab")
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(journey.base_url + "/")
    journey.check()
    assert page.get_by_role("heading", level=1).inner_text() == "Your projects"

    # Their project list shows the demo project and not the other organisation's.
    page.get_by_role("link", name=WEST_YORKSHIRE.project_name).click()
    page.wait_for_load_state()
    journey.check()
    assert page.get_by_role("heading", level=1).inner_text() == WEST_YORKSHIRE.project_name

    # Then they see the four steps with every sub-step and where it stands.
    for number, title in ((1, "Identify"), (2, "Research"), (3, "Deliver"), (4, "Evaluate")):
        assert page.get_by_role("heading", name=f"{number}. {title}").is_visible()
    for code in ("1A", "1B", "2A", "2B", "2C", "3A", "3B", "3C", "4A", "4B", "4C"):
        assert page.locator(f"#substep-{code}").is_visible(), code
    assert page.locator("#substep-1A .nhsuk-tag").inner_text() == "Done"
    assert page.locator("#substep-1B .nhsuk-tag").inner_text() == "In progress"
    # The demo has work recorded in 2A (evidence), 2B (a driver diagram) and 2C (priorities).
    for code in ("2A", "2B", "2C"):
        assert page.locator(f"#substep-{code} .nhsuk-tag").inner_text() == "In progress", code

    # A step's page explains its sub-steps.
    page.get_by_role("link", name="1. Identify").click()
    page.wait_for_load_state()
    journey.check()
    assert page.get_by_role("heading", name="1A Use existing data and resources").is_visible()

    # They can record progress on a sub-step.
    page.get_by_role("link", name="Change progress on 1B").click()
    page.wait_for_load_state()
    journey.check()
    page.get_by_label("Done").check()
    page.get_by_role("button", name="Save progress").click()
    page.wait_for_load_state()
    journey.check()
    # The success message is on screen, not scrolled out of sight.
    banner = page.locator(".nhsuk-notification-banner--success")
    assert "Progress saved: 1B Work with communities is done." in banner.inner_text()
    assert banner.evaluate(
        "b => { const r = b.getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; }"
    )
    assert page.locator("#substep-1B .nhsuk-tag").inner_text() == "Done"
    # Identify is done, so the project has moved on to Research.
    assert "2. Research" in page.locator(".nhsuk-summary-list").inner_text()

    # SMART goals page.
    page.get_by_role("link", name="See and edit SMART goals").click()
    page.wait_for_load_state()
    journey.check()
    # The demo's two draft goals (the ratio goal, and Deliver's rate ratio goal measured from the upload);
    # Deliver's goal measured from the upload's rate is agreed, so every SMART part is there.
    assert page.get_by_text("Not yet SMART").count() == 2
    statuses = page.locator(".nhsuk-card__content > p > .nhsuk-tag").all_inner_texts()
    assert sorted(statuses) == ["Agreed", "Agreed", "Draft", "Draft"], statuses
    assert page.get_by_text("Not yet SMART").first.is_visible()


def test_other_organisations_project_is_not_found(demo, journey):
    from amhe.core.models import Project

    other = Project.objects.get(organisation__name="Greater Manchester ICB (demo)")
    page = journey.page
    journey.log_in("lead@wy-icb.example", DEMO_PASSWORD)
    response = page.goto(f"{journey.base_url}/projects/{other.pk}/")
    assert response.status == 404
    journey.check()
    assert page.get_by_role("heading", level=1).inner_text() == "Page not found"
