"""Journey: the demo lead opens Evaluate 4A's self-assessments, reads EDS 2022's
year-on-year table and sentence, opens the 2025/26 assessment, rates an outcome with
evidence for a protected characteristic (after a rating with no evidence is refused),
and makes a low-rated outcome an action in the Deliver tracker; then, as the
organisation's admin for frameworks, copies EDS 2022 and changes the copy's bands (a
band past the highest total refused first). Every page passes axe with no violation of
any impact."""

import pytest
from django.contrib.auth.models import Permission

from amhe.core.management.commands.load_demo import DEMO_PASSWORD, WEST_YORKSHIRE
from amhe.core.models import Project, User
from deliver.models import DeliveryAction
from evaluate.models import Framework

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _click(journey, role, name):
    journey.page.get_by_role(role, name=name).first.click()
    journey.page.wait_for_load_state()
    journey.check()


def test_lead_reviews_eds_rates_an_outcome_and_makes_an_action(demo, journey):
    page = journey.page
    project = Project.objects.get(name=WEST_YORKSHIRE.project_name)
    before = DeliveryAction.objects.filter(intervention__strategy__project=project).count()
    journey.log_in("lead@wy-icb.example", DEMO_PASSWORD)
    journey.goto(f"/projects/{project.pk}/evaluate/")
    _click(journey, "link", "See the self-assessments")
    assert page.get_by_role("heading", name="Self-assessments", level=1).is_visible()

    _click(journey, "link", "EDS 2022: its outcomes, ratings and year-on-year comparison")
    table = page.get_by_role("table", name="EDS 2022 ratings by year")
    assert table.locator("thead th").all_inner_texts() == ["Outcome", "2024/25", "2025/26"]
    assert page.get_by_text("From 2024/25 to 2025/26 the total went from").is_visible()

    _click(journey, "link", "2025/26")
    assert page.get_by_role("heading", name="EDS 2022 self-assessment, 2025/26", level=1).is_visible()
    assert page.get_by_role("table", name="Scores by domain").is_visible()

    # 1B is rated 1 (low): rate it 2, first without evidence (refused), then with.
    _click(journey, "link", "Rate 1B with its evidence")
    page.get_by_label("2 Achieving activity").check()
    page.get_by_label("Evidence (needed for a rating", exact=False).first.fill("")
    _click(journey, "button", "Save the rating")
    assert page.get_by_role("alert").get_by_text("Enter the evidence for the rating").first.is_visible()
    page.get_by_label("2 Achieving activity").check()
    page.get_by_label("Evidence (needed for a rating", exact=False).first.fill(
        "Language needs now recorded in most care plans."
    )
    page.get_by_label("Evidence for religion or belief").fill("Faith needs asked at first contact.")
    _click(journey, "button", "Save the rating")
    assert page.get_by_text("Faith needs asked at first contact.").is_visible()

    # 2B is still low: make it an action in the Deliver tracker.
    _click(journey, "link", "Make an action for 2B")
    page.get_by_label("Action", exact=True).fill("Report harassment from the public by staff ethnicity each quarter")
    page.get_by_label("Intervention").select_option(index=1)
    page.get_by_label("Owner").select_option(index=1)
    page.get_by_label("Day").fill("31")
    page.get_by_label("Month").fill("3")
    page.get_by_label("Year").fill("2027")
    _click(journey, "button", "Make the action")
    assert page.get_by_role(
        "link", name="Report harassment from the public by staff ethnicity each quarter"
    ).is_visible()
    assert DeliveryAction.objects.filter(intervention__strategy__project=project).count() == before + 1
    _click(journey, "link", "Report harassment from the public by staff ethnicity each quarter")

    # The organisation's admin for frameworks (the lead, given the permission) copies EDS 2022,
    # which stays read-only, and changes the copy's bands.
    lead = User.objects.get(email="lead@wy-icb.example")
    lead.user_permissions.add(Permission.objects.get(codename="change_framework", content_type__app_label="evaluate"))
    journey.goto(f"/projects/{project.pk}/evaluate/frameworks/")
    _click(journey, "link", "Copy EDS 2022 to change it")
    _click(journey, "button", "Make a copy")
    assert page.get_by_role("heading", name="Change Equality Delivery System 2022 (EDS 2022) (our copy)").is_visible()
    page.get_by_label("Overall rating bands (optional)").fill("0 | Undeveloped\n8 | Developing\n40 | Achieving")
    _click(journey, "button", "Save the framework")
    assert page.get_by_role("alert").get_by_text("highest possible total (33)").first.is_visible()
    page.get_by_label("Overall rating bands (optional)").fill("0 | Undeveloped\n8 | Developing\n22 | Achieving")
    _click(journey, "button", "Save the framework")
    copy = Framework.objects.get(organisation=project.organisation, name__endswith="(our copy)")
    assert [band["from"] for band in copy.bands] == [0, 8, 22]
    assert page.get_by_role("heading", name=copy.name, level=1).is_visible()
    assert Framework.objects.get(organisation=None, key="eds-2022").bands[-1] == {"from": 33, "label": "Excelling"}
