"""Journey: a lead submits the strategy for approval; a governance lead, in their own
browser, finds it on their "Waiting for you" page, is told a return needs comments,
and approves it; the lead's later change marks it "changed since approval". A change
to an agreed goal goes the same way. Every page passes axe."""

import pytest
from django.core import mail

from amhe.core import approvals, services
from amhe.core.models import Role, SmartGoal
from tests.factories import InterventionFactory, SmartGoalFactory, StrategyFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _click(journey, role, name):
    journey.page.get_by_role(role, name=name).first.click()
    journey.page.wait_for_load_state()
    journey.check()


def test_lead_submits_the_strategy_and_a_governance_lead_approves_it(journey, browser, live_server, project, member_of):
    from tests.browser.conftest import AxeChecked
    from tests.browser.test_narrow_screens import signed_in

    lead = member_of(project, Role.LEAD)
    governance = member_of(project, Role.GOVERNANCE)
    strategy = StrategyFactory(project=project, title="Fairer crisis care in Leeds")
    InterventionFactory(strategy=strategy, title="Evening crisis café")
    goal = services.smart_goal_agree(by=lead, goal=SmartGoalFactory(project=project, owner=lead))
    page = journey.page
    base = f"/projects/{project.pk}/deliver"

    signed_in(journey, lead)
    journey.goto(f"{base}/strategy/")
    assert page.get_by_text("Not submitted for approval yet.").is_visible()
    _click(journey, "button", "Submit the strategy for approval")
    _click(journey, "button", "Submit for approval")
    assert approvals.latest(strategy).state == "submitted"
    assert page.get_by_text("Submitted, awaiting approval").first.is_visible()
    assert {message.to[0] for message in mail.outbox} == {governance.email}

    # A change to the agreed goal, submitted for approval.
    journey.goto(f"/projects/{project.pk}/goals/{goal.pk}/")
    page.get_by_label("Target value (needed to agree the goal)").fill("120")
    _click(journey, "button", "Save changes")
    _click(journey, "link", "Submit the change for approval")
    _click(journey, "button", "Submit for approval")
    assert approvals.latest(goal).state == "submitted"

    context = browser.new_context(base_url=live_server.url)
    try:
        other = AxeChecked(context.new_page(), live_server.url)
        signed_in(other, governance)
        other.goto(f"{base}/")
        assert other.page.get_by_text("2 things wait for your decision.").is_visible()
        _click(other, "link", "What waits for a governance lead: decisions, overdue actions and risks")
        assert other.page.get_by_role("heading", name="Waiting for you").is_visible()
        _click(other, "link", "Approve or return the strategy")
        other.page.get_by_label("Return it with comments").check()
        _click(other, "button", "Record your decision")  # no comments: the error summary
        assert other.page.get_by_role("alert").get_by_text("Say what needs to change").is_visible()
        other.page.get_by_label("Approve it").check()
        _click(other, "button", "Record your decision")
        approval = approvals.latest(strategy)
        assert (approval.state, approval.decided_by) == ("approved", governance)
        _click(other, "link", "Approve or return the change")
        other.page.get_by_label("Approve it").check()
        _click(other, "button", "Record your decision")
        assert SmartGoal.objects.get(pk=goal.pk).status == "agreed"
        other.goto(f"{base}/waiting-for-you/")
        assert other.page.get_by_text("Nothing waits for a decision").is_visible()
    finally:
        context.close()

    journey.goto(f"{base}/strategy/")
    assert page.get_by_text("Approved", exact=True).is_visible()
    _click(journey, "link", "Evening crisis café")
    _click(journey, "button", "Change intervention")
    page.get_by_label("Intervention", exact=True).fill("Evening and weekend crisis café")
    _click(journey, "button", "Save intervention")
    journey.goto(f"{base}/strategy/")
    assert page.get_by_text("Changed since approval").is_visible()
