"""Approvals (issue 12, 3C): the strategy and changes to agreed SMART goals are submitted
and a governance lead approves them or returns them with comments; nobody decides on
their own submission; panel members, viewers and other roles get 403; a change after
approval (or while waiting) is handled; emails go to the governance leads on
submission and to the submitter on a decision, EIAs included; the governance lead's
page lists what waits, overdue actions and risks past review or above target."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from amhe.core import approvals, services, taxonomy
from amhe.core.models import Approval, Role, SmartGoal
from deliver.approvals import services as approval_services
from deliver.eia import services as eia_services
from deliver.strategy import services as strategy_services
from tests.factories import (
    DeliveryActionFactory,
    InterventionFactory,
    RiskFactory,
    SmartGoalFactory,
    StrategyFactory,
)
from tests.integration.test_smart_goals import goal_post

pytestmark = pytest.mark.django_db
BASE = "http://testserver/"


@pytest.fixture
def people(project, member_of):
    return {
        "lead": member_of(project, Role.LEAD),
        "governance": member_of(project, Role.GOVERNANCE),
        "governance2": member_of(project, Role.GOVERNANCE),
        "panel": member_of(project, Role.PANEL),
        "viewer": member_of(project, Role.VIEWER),
        "analyst": member_of(project, Role.ANALYST),
    }


@pytest.fixture
def strategy(project):
    strategy = StrategyFactory(project=project, title="Fairer crisis care")
    InterventionFactory(strategy=strategy, title="Evening crisis café")
    return strategy


def deliver_url(name, project, **kwargs):
    return reverse(f"deliver:{name}", kwargs={"project_id": project.pk, **kwargs})


def goal_url(name, goal):
    return reverse(f"core:{name}", kwargs={"project_id": goal.project_id, "goal_id": goal.pk})


def state_of(subject):
    approval = approvals.latest(subject)
    return approval.state if approval else None


# --- The strategy ---------------------------------------------------------------------


def test_lead_submits_the_strategy_and_each_governance_lead_is_emailed_a_link(
    client, project, people, strategy, django_capture_on_commit_callbacks
):
    client.force_login(people["lead"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(deliver_url("strategy-submit", project))
    assert response.status_code == 302
    assert state_of(strategy) == "submitted"
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [people["governance"].email, people["governance2"].email]
    )
    message = mail.outbox[0]
    assert "Fairer crisis care" in message.subject and "Waiting for your decision" in message.subject
    assert f"http://testserver{deliver_url('strategy-decide', project)}" in message.body
    assert people["lead"].full_name in message.body
    assert people["lead"].email not in message.body  # names only, no addresses
    page = client.get(deliver_url("strategy", project)).content.decode()
    assert "Submitted, awaiting approval" in page
    assert "Change the strategy" not in page  # cannot be changed while it waits
    assert "Submitted, awaiting approval" in client.get(deliver_url("overview", project)).content.decode()


def test_governance_lead_approves_and_the_submitter_is_told(
    client, project, people, strategy, django_capture_on_commit_callbacks
):
    approval_services.strategy_submit(by=people["lead"], strategy=strategy, base_url=BASE)
    client.force_login(people["governance"])
    assert "Approve or return the strategy" in client.get(deliver_url("strategy", project)).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(deliver_url("strategy-decide", project), {"decision": "approve", "comment": ""})
    assert response.status_code == 302
    approval = approvals.latest(strategy)
    assert (approval.state, approval.decided_by) == ("approved", people["governance"])
    assert [message.to for message in mail.outbox] == [[people["lead"].email]]
    assert "approved" in mail.outbox[0].body and "left no comments" in mail.outbox[0].body
    assert f"http://testserver{deliver_url('strategy', project)}" in mail.outbox[0].body
    assert "Approved by" in client.get(deliver_url("strategy", project)).content.decode()


def test_returning_needs_comments_which_reach_the_submitter(
    client, project, people, strategy, django_capture_on_commit_callbacks
):
    approval_services.strategy_submit(by=people["lead"], strategy=strategy, base_url=BASE)
    client.force_login(people["governance"])
    response = client.post(deliver_url("strategy-decide", project), {"decision": "return", "comment": "  "})
    assert response.status_code == 200 and "Say what needs to change" in response.content.decode()
    assert state_of(strategy) == "submitted"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(deliver_url("strategy-decide", project), {"decision": "return", "comment": "Add a budget line."})
    assert state_of(strategy) == "returned"
    assert "Add a budget line." in mail.outbox[0].body and "returned with comments" in mail.outbox[0].body
    client.force_login(people["lead"])
    page = client.get(deliver_url("strategy", project)).content.decode()
    assert "Returned with comments" in page and "Add a budget line." in page
    approval_services.strategy_submit(by=people["lead"], strategy=strategy, base_url=BASE)  # again
    assert state_of(strategy) == "submitted" and Approval.objects.count() == 2


@pytest.mark.parametrize("role", ["lead", "panel", "viewer", "analyst"])
def test_only_governance_leads_decide_on_the_strategy(client, project, people, strategy, role):
    approval_services.strategy_submit(by=people["lead"], strategy=strategy, base_url=BASE)
    client.force_login(people[role])
    assert client.get(deliver_url("strategy-decide", project)).status_code == 403
    assert client.post(deliver_url("strategy-decide", project), {"decision": "approve"}).status_code == 403
    with pytest.raises(PermissionDenied):
        approval_services.strategy_decide(by=people[role], strategy=strategy, approve=True)
    assert state_of(strategy) == "submitted"


def test_only_leads_submit_the_strategy(client, project, people, strategy):
    for role in ("governance", "panel", "viewer", "analyst"):
        client.force_login(people[role])
        assert client.post(deliver_url("strategy-submit", project)).status_code == 403
        with pytest.raises(PermissionDenied):
            approval_services.strategy_submit(by=people[role], strategy=strategy)
    assert state_of(strategy) is None


def test_a_strategy_without_interventions_cannot_be_submitted(project, people):
    strategy = StrategyFactory(project=project)
    with pytest.raises(ValidationError, match="at least one intervention"):
        approval_services.strategy_submit(by=people["lead"], strategy=strategy)
    assert state_of(strategy) is None


def test_the_strategy_cannot_change_while_waiting_and_a_change_after_approval_asks_for_it_again(
    client, project, people, strategy
):
    lead = people["lead"]
    approval_services.strategy_submit(by=lead, strategy=strategy)
    intervention = strategy.interventions.get()
    with pytest.raises(ValidationError, match="waiting for approval"):
        strategy_services.strategy_save(by=lead, project=project, title="Another title")
    with pytest.raises(ValidationError, match="waiting for approval"):
        strategy_services.intervention_create(by=lead, strategy=strategy, title="More")
    with pytest.raises(ValidationError, match="waiting for approval"):
        strategy_services.intervention_update(by=lead, intervention=intervention, title="Changed")
    client.force_login(lead)
    page = client.get(deliver_url("intervention", project, intervention_id=intervention.pk)).content.decode()
    assert "waiting for a governance lead" in page and "Change intervention" not in page
    response = client.post(deliver_url("intervention-delete", project, intervention_id=intervention.pk), follow=True)
    assert "waiting for approval" in response.content.decode()
    strategy.refresh_from_db()
    intervention.refresh_from_db()
    assert (strategy.title, intervention.title) == ("Fairer crisis care", "Evening crisis café")
    with pytest.raises(ValidationError, match="already waiting"):
        approval_services.strategy_submit(by=lead, strategy=strategy)

    approval_services.strategy_decide(by=people["governance"], strategy=strategy, approve=True)
    assert approvals.status(approvals.latest(strategy)).approved
    with pytest.raises(ValidationError, match="nothing to submit"):
        approval_services.strategy_submit(by=lead, strategy=strategy)
    strategy_services.intervention_update(by=lead, intervention=intervention, title="Evening and weekend café")
    status = approvals.status(approvals.latest(strategy))
    assert (status.label, status.approved) == ("Changed since approval", False)
    assert "Changed since approval" in client.get(deliver_url("strategy", project)).content.decode()
    approval_services.strategy_submit(by=lead, strategy=strategy)
    assert state_of(strategy) == "submitted"


def test_a_decision_on_nothing_waiting_is_refused(project, people, strategy):
    with pytest.raises(ValidationError, match="not waiting for approval"):
        approval_services.strategy_decide(by=people["governance"], strategy=strategy, approve=True)
    approval_services.strategy_submit(by=people["lead"], strategy=strategy)
    approval_services.strategy_decide(by=people["governance"], strategy=strategy, approve=True)
    with pytest.raises(ValidationError, match="not waiting for approval"):
        approval_services.strategy_decide(by=people["governance2"], strategy=strategy, approve=False, comment="No")
    assert approvals.latest(strategy).decided_by == people["governance"]


# --- Changes to agreed goals ----------------------------------------------------------


@pytest.fixture
def agreed_goal(project, people):
    goal = SmartGoalFactory(project=project, owner=people["lead"])
    return services.smart_goal_agree(by=people["lead"], goal=goal)


def test_the_first_agreement_stays_the_leads_and_a_later_one_needs_approval(client, project, people, agreed_goal):
    lead = people["lead"]
    assert agreed_goal.first_agreed_at is not None and agreed_goal.status == "agreed"
    client.force_login(lead)
    data = goal_post(project, lead, target_value="120")
    response = client.post(goal_url("goal-edit", agreed_goal), data)
    assert response.status_code == 302
    agreed_goal.refresh_from_db()
    assert agreed_goal.status == "draft"
    # The lead's "Agree goal" is no longer offered, nor accepted.
    assert 'name="agree"' not in client.get(goal_url("goal-edit", agreed_goal)).content.decode()
    assert client.post(goal_url("goal-edit", agreed_goal), {**data, "agree": "1"}).status_code == 403
    with pytest.raises(ValidationError, match="approved by a governance lead"):
        services.smart_goal_agree(by=lead, goal=SmartGoal.objects.get(pk=agreed_goal.pk))
    agreed_goal.refresh_from_db()
    assert agreed_goal.status == "draft"
    assert "Submit the change for approval" in client.get(reverse("core:goals", args=[project.pk])).content.decode()


def test_a_goal_change_is_submitted_then_approved_by_a_governance_lead(
    client, project, people, agreed_goal, django_capture_on_commit_callbacks
):
    lead = people["lead"]
    services.smart_goal_edit(by=lead, goal=agreed_goal, changed=True, agree=False)
    client.force_login(lead)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(goal_url("goal-submit", agreed_goal)).status_code == 302
    assert state_of(agreed_goal) == "submitted"
    assert sorted(m.to[0] for m in mail.outbox) == sorted([people["governance"].email, people["governance2"].email])
    assert f"http://testserver{goal_url('goal-decide', agreed_goal)}" in mail.outbox[0].body
    # Waiting: it cannot be changed.
    with pytest.raises(ValidationError, match="waiting for approval"):
        services.smart_goal_edit(by=lead, goal=SmartGoal.objects.get(pk=agreed_goal.pk), changed=True, agree=False)
    mail.outbox.clear()
    client.force_login(people["governance"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(goal_url("goal-decide", agreed_goal), {"decision": "approve"})
    assert response.status_code == 302
    agreed_goal.refresh_from_db()
    assert agreed_goal.status == "agreed" and state_of(agreed_goal) == "approved"
    assert [m.to for m in mail.outbox] == [[lead.email]] and "approved" in mail.outbox[0].body


def test_nobody_approves_their_own_goal_change(client, project, people, agreed_goal):
    governance = people["governance"]  # a goal editor too
    services.smart_goal_edit(by=governance, goal=agreed_goal, changed=True, agree=False)
    services.smart_goal_submit(by=governance, goal=agreed_goal)
    client.force_login(governance)
    page = client.get(goal_url("goal-decide", agreed_goal)).content.decode()
    assert "You submitted this change" in page
    client.post(goal_url("goal-decide", agreed_goal), {"decision": "approve"})
    with pytest.raises(PermissionDenied):
        services.smart_goal_decide(by=governance, goal=agreed_goal, approve=True)
    agreed_goal.refresh_from_db()
    assert (agreed_goal.status, state_of(agreed_goal)) == ("draft", "submitted")
    services.smart_goal_decide(by=people["governance2"], goal=agreed_goal, approve=False, comment="Keep 127.")
    agreed_goal.refresh_from_db()
    assert (agreed_goal.status, state_of(agreed_goal)) == ("draft", "returned")
    client.force_login(people["lead"])
    page = client.get(reverse("core:goals", args=[project.pk])).content.decode()
    assert "Returned with comments" in page and "Keep 127." in page


@pytest.mark.parametrize("role", ["lead", "panel", "viewer", "analyst"])
def test_only_governance_leads_decide_on_a_goal_change(client, project, people, agreed_goal, role):
    services.smart_goal_edit(by=people["lead"], goal=agreed_goal, changed=True, agree=False)
    services.smart_goal_submit(by=people["lead"], goal=agreed_goal)
    client.force_login(people[role])
    assert client.post(goal_url("goal-decide", agreed_goal), {"decision": "approve"}).status_code == 403
    with pytest.raises(PermissionDenied):
        services.smart_goal_decide(by=people[role], goal=agreed_goal, approve=True)
    agreed_goal.refresh_from_db()
    assert agreed_goal.status == "draft"


def test_what_cannot_be_submitted_as_a_goal_change(project, people, agreed_goal):
    lead = people["lead"]
    with pytest.raises(ValidationError, match="no change to approve"):
        services.smart_goal_submit(by=lead, goal=agreed_goal)  # still agreed
    never = SmartGoalFactory(project=project, owner=lead)
    with pytest.raises(ValidationError, match="not been agreed yet"):
        services.smart_goal_submit(by=lead, goal=never)
    for role in ("panel", "viewer", "analyst"):
        with pytest.raises(PermissionDenied):
            services.smart_goal_submit(by=people[role], goal=agreed_goal)
    agreed_goal.realistic = ""
    services.smart_goal_edit(by=lead, goal=agreed_goal, changed=True, agree=False)
    with pytest.raises(ValidationError, match="realistic"):
        services.smart_goal_submit(by=lead, goal=agreed_goal)
    assert state_of(agreed_goal) is None


# --- EIA emails -------------------------------------------------------------------------


def test_eia_submission_and_sign_off_send_emails(project, people, django_capture_on_commit_callbacks):
    eia = eia_services.eia_create(by=people["lead"], project=project, strategy=StrategyFactory(project=project))
    impacts = {key: {"impact": "neutral", "evidence": "None expected"} for key in taxonomy.CHARACTERISTICS}
    with django_capture_on_commit_callbacks(execute=True):
        eia_services.eia_save(by=people["lead"], eia=eia, impacts=impacts, submit=True, base_url=BASE)
    assert len(mail.outbox) == 2 and "equality impact assessment" in mail.outbox[0].body
    decide = f"http://testserver{deliver_url('eia-decide', project, eia_id=eia.pk)}"
    assert all(decide in message.body for message in mail.outbox)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        eia_services.eia_return(by=people["governance"], eia=eia, comment="Say more on age.", base_url=BASE)
    assert [m.to for m in mail.outbox] == [[people["lead"].email]]
    assert "returned with comments" in mail.outbox[0].body and "Say more on age." in mail.outbox[0].body


# --- The governance lead's page ---------------------------------------------------------


def test_the_page_says_in_words_when_nothing_waits(client, project, people):
    client.force_login(people["governance"])
    page = client.get(deliver_url("approvals", project)).content.decode()
    assert "Nothing waits for a decision" in page
    assert "No action is overdue" in page
    assert "No risk is past its review date" in page and "No risk is above its target" in page
    deliver = client.get(deliver_url("overview", project)).content.decode()
    assert "Nothing waits for your decision" in deliver


def test_the_page_lists_what_waits_and_links_to_each(client, project, people, strategy, agreed_goal):
    lead, governance = people["lead"], people["governance"]
    approval_services.strategy_submit(by=lead, strategy=strategy)
    services.smart_goal_edit(by=lead, goal=agreed_goal, changed=True, agree=False)
    services.smart_goal_submit(by=governance, goal=agreed_goal)  # governance's own: another decides
    eia = eia_services.eia_create(by=lead, project=project, strategy=strategy)
    impacts = {key: {"impact": "neutral", "evidence": "None expected"} for key in taxonomy.CHARACTERISTICS}
    eia_services.eia_save(by=lead, eia=eia, impacts=impacts, submit=True)
    today = timezone.localdate()
    late = DeliveryActionFactory(
        intervention=strategy.interventions.get(), title="Hire peer workers", due_date=today - timedelta(days=5)
    )
    DeliveryActionFactory(intervention=strategy.interventions.get(), title="Not late yet")
    past = RiskFactory(project=project, owner=governance, title="Venue lost", review_date=today - timedelta(days=2))
    above = RiskFactory(project=project, owner=governance, title="Staff leave", likelihood=4, impact=4)
    calm = RiskFactory(project=project, owner=governance, title="Calm risk", likelihood=1, impact=2)

    client.force_login(governance)
    page = client.get(deliver_url("approvals", project)).content.decode()
    assert "Fairer crisis care" in page and deliver_url("strategy-decide", project) in page
    assert agreed_goal.statement[:40] in page and "You submitted it" in page
    assert goal_url("goal-decide", agreed_goal) not in page  # their own: no link to decide
    assert deliver_url("eia-decide", project, eia_id=eia.pk) in page
    assert "Hire peer workers" in page and "Overdue by 5 days" in page and "Not late yet" not in page
    assert deliver_url("action", project, action_id=late.pk) in page
    assert (
        deliver_url("risk", project, risk_id=past.pk) in page and deliver_url("risk", project, risk_id=above.pk) in page
    )
    assert deliver_url("risk", project, risk_id=calm.pk) not in page
    deliver = client.get(deliver_url("overview", project)).content.decode()
    assert "2 things wait for your decision" in deliver  # the strategy and the EIA, not their own goal change
    client.force_login(people["governance2"])
    assert goal_url("goal-decide", agreed_goal) in client.get(deliver_url("approvals", project)).content.decode()
    # Everyone on the project may read it; only governance leads get the links to decide.
    client.force_login(people["viewer"])
    page = client.get(deliver_url("approvals", project)).content.decode()
    assert "Waiting for a governance lead" in page and deliver_url("strategy-decide", project) not in page
