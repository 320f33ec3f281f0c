"""Journey: a lead starts the strategy's equality impact assessment, is told which
negative or unknown impact still needs a mitigation, completes it citing an upload
and submits it; a governance lead, in their own browser, signs it off; the lead's
change then makes version 2 while version 1 stays readable. Every page passes axe."""

import pytest

from amhe.core import taxonomy
from amhe.core.models import Role
from deliver.models import EiaVersion, EqualityImpactAssessment
from tests.factories import ExtractFactory, InterventionFactory, StrategyFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _click(journey, role, name):
    journey.page.get_by_role(role, name=name).first.click()
    journey.page.wait_for_load_state()
    journey.check()


def test_lead_completes_and_submits_an_eia_and_a_governance_lead_signs_it_off(
    journey, browser, live_server, project, member_of
):
    from tests.browser.conftest import AxeChecked
    from tests.browser.test_narrow_screens import signed_in

    lead = member_of(project, Role.LEAD)
    governance = member_of(project, Role.GOVERNANCE)
    strategy = StrategyFactory(project=project, title="Fairer crisis care in Leeds")
    InterventionFactory(strategy=strategy, title="Evening crisis café")
    ExtractFactory(project=project, uploaded_by=lead, state="ready", title="Crisis referrals 2025")
    page = journey.page
    base = f"/projects/{project.pk}/deliver"

    signed_in(journey, lead)
    journey.goto(f"{base}/")
    _click(journey, "link", "All equality impact assessments")
    _click(journey, "button", "Start an assessment")
    _click(journey, "button", "Start the assessment")  # the error summary
    assert page.get_by_role("alert").get_by_text("Choose the strategy or an intervention").is_visible()
    page.get_by_label("The strategy: Fairer crisis care in Leeds").check()
    _click(journey, "button", "Start the assessment")
    eia = EqualityImpactAssessment.objects.get(project=project)

    page.get_by_label("What is assessed (optional)").fill("Evening crisis support in community settings")
    for key in taxonomy.CHARACTERISTICS:
        page.locator(f"input[name='{key}-impact'][value='neutral']").check()
    page.locator("input[name='race-impact'][value='positive']").check()
    page.locator("#characteristic-race").get_by_label("Upload: Crisis referrals 2025").check()
    page.locator("#characteristic-race").get_by_label("Evidence (optional)", exact=True).fill(
        "Referral rates are highest for Black people."
    )
    page.locator("input[name='disability-impact'][value='negative']").check()
    _click(journey, "button", "Save and submit for sign-off")  # refused: no mitigation
    assert page.get_by_role("alert").get_by_text("None yet for: Disability").is_visible()
    assert EiaVersion.objects.get(eia=eia).state == "draft"
    page.locator("#characteristic-disability").get_by_label("Mitigation (optional)").fill("Use only step-free venues.")
    _click(journey, "button", "Save and submit for sign-off")
    version = EiaVersion.objects.get(eia=eia)
    assert (version.state, version.submitted_by) == ("submitted", lead)
    assert page.get_by_text("Submitted, awaiting sign-off").first.is_visible()
    assert page.get_by_role("link", name="Upload: Crisis referrals 2025").is_visible()
    journey.goto(f"{base}/eias/{eia.pk}/edit/")  # waiting: cannot be changed
    journey.goto(f"{base}/eias/{eia.pk}/submit/")

    # A governance lead signs it off, in their own browser.
    context = browser.new_context(base_url=live_server.url)
    try:
        other = AxeChecked(context.new_page(), live_server.url)
        signed_in(other, governance)
        other.goto(f"{base}/eias/{eia.pk}/")
        _click(other, "button", "Sign off or return")
        _click(other, "button", "Record your decision")  # the error summary
        assert (
            other.page.get_by_role("alert").get_by_text("Choose to sign off the assessment or return it").is_visible()
        )
        other.page.get_by_label("Sign off the assessment").check()
        _click(other, "button", "Record your decision")
        version.refresh_from_db()
        assert (version.state, version.decided_by) == ("signed_off", governance)
        other.goto(f"{base}/strategy/")
        assert other.page.get_by_text("EIA: signed off (version 1)").is_visible()
    finally:
        context.close()

    # A change after sign-off makes version 2; version 1 stays readable.
    journey.goto(f"{base}/eias/{eia.pk}/")
    _click(journey, "button", "Change it (starts version 2)")
    page.locator("input[name='age-impact'][value='positive']").check()
    _click(journey, "button", "Save as a draft")
    assert EiaVersion.objects.filter(eia=eia).count() == 2
    _click(journey, "link", "all versions")
    _click(journey, "link", "Version 1")
    assert page.get_by_text("It cannot be changed").is_visible()
    journey.goto(f"{base}/eias/new/")
    journey.goto(f"{base}/strategy/")
    assert page.get_by_text("EIA: signed off (version 1); version 2 draft").is_visible()


def test_demo_eia_awaiting_sign_off_passes_axe_and_fits_a_phone(demo, journey):
    """The Leeds demo's EIA of its strategy, submitted by the lead: the governance lead
    finds it, reads it (its evidence links to the demo's uploads) and returns it with comments."""
    from amhe.core.management.commands.load_demo import DEMO_PASSWORD, WEST_YORKSHIRE
    from amhe.core.models import Project
    from tests.browser.test_narrow_screens import PHONE, assert_no_horizontal_overflow

    project = Project.objects.get(name=WEST_YORKSHIRE.project_name)
    eia = EqualityImpactAssessment.objects.get(project=project)
    base = f"/projects/{project.pk}/deliver"
    journey.log_in("governance@wy-icb.example", DEMO_PASSWORD)
    journey.goto(f"{base}/")
    _click(journey, "link", "All equality impact assessments")
    assert journey.page.get_by_text("Submitted, awaiting sign-off").is_visible()
    journey.goto(f"{base}/eias/{eia.pk}/")
    assert journey.page.locator("#impact-race").get_by_role("link").first.is_visible()
    _click(journey, "button", "Sign off or return")
    journey.page.get_by_label("Return it with comments").check()
    _click(journey, "button", "Record your decision")  # no comment: the error summary
    assert journey.page.get_by_role("alert").get_by_text("Say what needs to change").is_visible()
    journey.page.get_by_label("Comments (optional)").fill("Say how carers will be asked.")
    _click(journey, "button", "Record your decision")
    assert EiaVersion.objects.get(eia=eia).state == "returned"
    journey.page.set_viewport_size(PHONE)
    for path in (
        "/eias/",
        f"/eias/{eia.pk}/",
        f"/eias/{eia.pk}/versions/",
        f"/eias/{eia.pk}/versions/1/",
        "/strategy/",
    ):
        journey.goto(base + path)
        assert_no_horizontal_overflow(journey.page)
