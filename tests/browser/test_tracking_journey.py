"""Journey (3B): a lead adds a milestone and an action (after a first try with gaps),
records an update on it (after one dated in the future), and sees it overdue on the
action's page, the list, the intervention's page and the Deliver page, and on the
timeline, whose table has it. Every page passes axe with no violation of any impact."""

import datetime

import pytest
from django.utils import timezone

from amhe.core.models import Role
from deliver.models import ActionUpdate, DeliveryAction, Milestone
from tests.factories import InterventionFactory, SmartGoalFactory, StrategyFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DAY = datetime.timedelta(days=1)


def _click(journey, role, name):
    journey.page.get_by_role(role, name=name).first.click()
    journey.page.wait_for_load_state()
    journey.check()


def _date(page, name, day: datetime.date):
    page.locator(f"input[name={name}_day]").fill(str(day.day))
    page.locator(f"input[name={name}_month]").fill(str(day.month))
    page.locator(f"input[name={name}_year]").fill(str(day.year))


def test_lead_adds_an_action_records_an_update_and_sees_it_overdue_on_the_timeline(journey, project, member_of):
    from tests.browser.test_narrow_screens import PHONE, assert_no_horizontal_overflow, signed_in

    lead = member_of(project, Role.LEAD)
    owner = member_of(project, Role.GOVERNANCE)
    owner.full_name = "Gita Governance"
    owner.save()
    goal = SmartGoalFactory(project=project, statement="Halve the gap in detention rates", owner=lead)
    intervention = InterventionFactory(
        strategy=StrategyFactory(project=project, title="Fairer crisis care"), title="Evening peer support"
    )
    intervention.goals.add(goal)
    today = timezone.localdate()
    page = journey.page
    base = f"/projects/{project.pk}/deliver"

    signed_in(journey, lead)
    journey.goto(f"{base}/")
    assert page.get_by_text("No actions recorded yet.").is_visible()
    _click(journey, "link", "Milestones, actions, progress and the timeline")

    # A milestone, after a first try with gaps.
    _click(journey, "button", "Add a milestone")
    _click(journey, "button", "Add milestone")
    assert page.get_by_role("alert").get_by_text("Enter the milestone", exact=True).is_visible()
    page.get_by_label("Milestone", exact=True).fill("Evening service open")
    _date(page, "due_date", today + 60 * DAY)
    _click(journey, "button", "Add milestone")
    milestone = Milestone.objects.get()

    # An action due twelve days ago, after a first try with gaps.
    _click(journey, "button", "Add an action")
    _click(journey, "button", "Add action")
    assert page.get_by_role("alert").get_by_text("Enter the action", exact=True).is_visible()
    page.get_by_label("Action", exact=True).fill("Agree the evening venue")
    page.get_by_label("Intervention", exact=True).select_option(label="Evening peer support")
    page.get_by_label("Milestone (optional)").select_option(label="Evening service open")
    page.get_by_label("Owner", exact=True).select_option(label="Gita Governance")
    _date(page, "due_date", today - 12 * DAY)
    page.get_by_label("Not started").check()
    page.get_by_label("Green: on track").check()
    _click(journey, "button", "Add action")
    item = DeliveryAction.objects.get()
    assert (item.milestone, item.owner, item.intervention) == (milestone, owner, intervention)
    assert page.get_by_role("heading", name="Overdue by 12 days").is_visible()

    # An update: first dated tomorrow (refused), then today.
    _click(journey, "button", "Record an update")
    _date(page, "date", today + DAY)
    page.get_by_label("In progress").check()
    page.get_by_label("Red: off track").check()
    page.get_by_label("Note", exact=True).fill("The trustees postponed their decision")
    _click(journey, "button", "Record update")
    assert page.get_by_role("alert").get_by_text("The date of the update must be today or in the past.").is_visible()
    assert not ActionUpdate.objects.exists()
    _date(page, "date", today)
    _click(journey, "button", "Record update")
    item.refresh_from_db()
    assert (item.status, item.rag) == ("in_progress", "red")
    assert page.get_by_role("cell", name="The trustees postponed their decision").is_visible()

    # Overdue on the list, with the roll-up and the timeline's table.
    _click(journey, "link", "Back to milestones and actions")
    assert page.get_by_text("1 action is past its due date and not done.").is_visible()
    assert page.get_by_role("cell", name="0 of 1 action done (0%)").first.is_visible()
    timeline = page.locator("#timeline")
    timeline.locator("[data-chart-plot] svg.main-svg").first.wait_for()
    journey.check()
    assert timeline.get_by_text("1 action and 1 milestone due from").is_visible()
    row = timeline.get_by_role("row", name="Agree the evening venue")
    assert row.get_by_role("cell", name="Overdue by 12 days").is_visible()
    assert row.get_by_role("cell", name="Red: off track").is_visible()

    # And on the intervention's page and the Deliver page.
    journey.goto(f"{base}/strategy/interventions/{intervention.pk}/")
    assert page.get_by_text("Overdue by 12 days").is_visible()
    journey.goto(f"{base}/")
    assert page.get_by_text("Overdue by 12 days").is_visible()

    # The other pages pass axe too.
    journey.goto(f"{base}/tracking/actions/{item.pk}/edit/")
    journey.goto(f"{base}/tracking/actions/{item.pk}/delete/")
    journey.goto(f"{base}/tracking/milestones/{milestone.pk}/edit/")
    journey.goto(f"{base}/tracking/milestones/{milestone.pk}/delete/")

    # The list and its timeline fit a phone.
    page.set_viewport_size(PHONE)
    journey.goto(f"{base}/tracking/")
    page.locator("#timeline [data-chart-plot] svg.main-svg").first.wait_for()
    assert_no_horizontal_overflow(page)
