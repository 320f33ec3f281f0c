"""Concurrent approvals of one item record one decision; concurrent submissions make one
request (threads with their own connections; PostgreSQL in CI)."""

import pytest
from django.core.exceptions import ValidationError

from amhe.core import approvals, services
from amhe.core.models import Approval, Role, SmartGoal
from deliver.approvals import services as approval_services
from tests.factories import InterventionFactory, SmartGoalFactory, StrategyFactory
from tests.integration.test_survey_single_use import run_together

pytestmark = pytest.mark.django_db(transaction=True)


def _outcome(results, refusal):
    decided = [r for r in results if r == "decided"]
    refused = [r for r in results if isinstance(r, ValidationError) and refusal in str(r)]
    return len(decided), len(refused)


def test_concurrent_decisions_on_the_strategy_record_one(project, member_of):
    lead = member_of(project, Role.LEAD)
    governance = [member_of(project, Role.GOVERNANCE) for _ in range(4)]
    strategy = StrategyFactory(project=project)
    InterventionFactory(strategy=strategy)
    approval_services.strategy_submit(by=lead, strategy=strategy)

    def decide(i):
        approval_services.strategy_decide(by=governance[i], strategy=strategy, approve=i % 2 == 0, comment=f"C{i}")
        return "decided"

    results = run_together(decide, count=len(governance))
    assert _outcome(results, "not waiting for approval") == (1, len(governance) - 1), results
    approval = Approval.objects.get()
    assert approval.state in ("approved", "returned") and approval.decided_by in governance


def test_concurrent_decisions_on_a_goal_change_record_one(project, member_of):
    lead = member_of(project, Role.LEAD)
    governance = [member_of(project, Role.GOVERNANCE) for _ in range(4)]
    goal = services.smart_goal_agree(by=lead, goal=SmartGoalFactory(project=project, owner=lead))
    services.smart_goal_edit(by=lead, goal=goal, changed=True, agree=False)
    services.smart_goal_submit(by=lead, goal=goal)

    def decide(i):
        services.smart_goal_decide(
            by=governance[i], goal=SmartGoal.objects.get(pk=goal.pk), approve=i % 2 == 0, comment=f"C{i}"
        )
        return "decided"

    results = run_together(decide, count=len(governance))
    assert _outcome(results, "not waiting for approval") == (1, len(governance) - 1), results
    approval = Approval.objects.get()
    goal.refresh_from_db()
    assert goal.status == ("agreed" if approval.state == "approved" else "draft")


def test_concurrent_submissions_of_the_strategy_make_one_request(project, member_of):
    leads = [member_of(project, Role.LEAD) for _ in range(4)]
    strategy = StrategyFactory(project=project)
    InterventionFactory(strategy=strategy)

    def submit(i):
        approval_services.strategy_submit(by=leads[i], strategy=strategy)
        return "decided"

    results = run_together(submit, count=len(leads))
    assert _outcome(results, "already waiting") == (1, len(leads) - 1), results
    assert Approval.objects.count() == 1 and approvals.latest(strategy).state == "submitted"
