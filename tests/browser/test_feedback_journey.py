"""Journey (4B): a lead opens the demo's feedback page, writes a "you said, we
did" entry and publishes it; then someone with no account opens the project's
public feedback page in English and in Urdu (right to left), follows its feedback
form and answers its first page in Urdu. The draft never shows on the public page.
Every page passes axe with no violation of any impact."""

import pytest
from playwright.sync_api import Browser

from amhe.core.management.commands.load_demo import DEMO_PASSWORD, WEST_YORKSHIRE
from amhe.core.models import Project
from evaluate.models import YouSaidWeDid
from tests.browser.conftest import AxeChecked

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _click(journey, role, name):
    journey.page.get_by_role(role, name=name).first.click()
    journey.page.wait_for_load_state()
    journey.check()


def test_lead_publishes_and_the_public_reads_and_answers_in_urdu(demo, journey, browser: Browser, live_server):
    page = journey.page
    project = Project.objects.get(name=WEST_YORKSHIRE.project_name)
    journey.log_in("lead@wy-icb.example", DEMO_PASSWORD)
    journey.goto(f"/projects/{project.pk}/evaluate/")
    _click(journey, "link", 'Feedback and "you said, we did"')
    assert page.get_by_role("heading", name="You said, we did").is_visible()
    _click(journey, "link", "Switch the public page on or off, or give it a new address")
    journey.goto(f"/projects/{project.pk}/evaluate/feedback/")

    _click(journey, "link", "Write an entry")
    page.get_by_role("button", name="Save as a draft").click()
    page.wait_for_load_state()
    journey.check()  # the error summary
    assert page.locator(".nhsuk-error-summary").is_visible()
    page.get_by_label("You said").fill("People told us the crisis café was hard to find.")
    page.get_by_label("We did").fill("We put up signs in Urdu, Polish and English on Chapeltown Road.")
    page.get_by_label("Waiting times").check()
    page.get_by_role("button", name="Save as a draft").click()
    page.wait_for_load_state()
    journey.check()
    entry = YouSaidWeDid.objects.get(we_did__startswith="We put up signs")
    journey.goto(f"/projects/{project.pk}/evaluate/feedback/you-said-we-did/{entry.pk}/publish/")
    page.get_by_role("button", name="Publish").click()
    page.wait_for_load_state()
    journey.check()
    entry.refresh_from_db()
    assert entry.state == YouSaidWeDid.State.PUBLISHED

    # The public, in a browser with no account: English, then Urdu.
    draft = YouSaidWeDid.objects.get(project=project, state=YouSaidWeDid.State.DRAFT)
    public = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    visitor = AxeChecked(public.new_page(), live_server.url)
    try:
        url = f"/f/{project.feedback_page.token}/"
        visitor.goto(url)
        text = visitor.page.locator("main").inner_text()
        assert "We put up signs in Urdu" in text
        assert draft.we_did not in text
        visitor.goto(url + "?lang=ur")
        assert visitor.page.evaluate("[document.documentElement.lang, document.dir]") == ["ur", "rtl"]
        assert visitor.page.get_by_role("heading", name="آپ نے کہا، ہم نے کیا", level=1).is_visible()
        visitor.page.get_by_role("link", name="ہمیں اپنی دیکھ بھال کے بارے میں بتائیں").click()
        visitor.page.wait_for_load_state()
        visitor.check()  # the form's start page, in Urdu
        assert visitor.page.evaluate("document.dir") == "rtl"
        visitor.page.locator("input[name=consent]").check()
        visitor.page.locator("form button[type=submit]").first.click()
        visitor.page.wait_for_load_state()
        visitor.check()  # the first question, in Urdu
        assert visitor.page.get_by_role("heading", name="کیا اچھا رہا؟").is_visible()
        visitor.page.locator("textarea").first.fill("اردو بولنے والا معاون کارکن")
        visitor.page.locator("form button[type=submit]").first.click()
        visitor.page.wait_for_load_state()
        visitor.check()
    finally:
        public.close()
