"""Deliver 3C writes: submitting the strategy for approval and a governance lead's
decision on it, through the step-neutral approvals of the core (amhe.core.approvals).

A lead (Action.EDIT_STRATEGY) submits the strategy once it has at least one
intervention; a governance lead (Action.APPROVE) approves it or returns it with
comments, never their own submission. While it waits, the strategy and its
interventions cannot be changed (deliver.strategy.services refuses); a change after
approval marks it "changed since approval", to be submitted again."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse

from amhe.core import access, approvals
from amhe.core.access import Action
from amhe.core.models import Approval
from deliver.models import Intervention, Strategy


def what(strategy: Strategy) -> str:
    return f"the strategy '{strategy.title}'"


def _link(base_url: str, strategy: Strategy, name: str) -> str:
    return base_url.rstrip("/") + reverse(f"deliver:{name}", kwargs={"project_id": strategy.project_id})


def problems(strategy: Strategy) -> list[str]:
    """Why the strategy cannot be submitted yet, in plain words (empty when it can)."""
    if not Intervention.objects.filter(strategy=strategy).exists():
        return ["Add at least one intervention before you submit the strategy."]
    return []


@transaction.atomic
def strategy_submit(*, by, strategy: Strategy, base_url: str = "") -> Approval:
    membership = access.membership_for(by, strategy.project)
    if membership is None or not access.role_can(membership.role, Action.EDIT_STRATEGY):
        raise PermissionDenied("Only leads of the project submit the strategy for approval.")
    found = problems(strategy)
    if found:
        raise ValidationError(found)
    current = approvals.status(approvals.latest(strategy))
    if current.approved:
        raise ValidationError("The strategy is approved and has not changed since: there is nothing to submit.")
    return approvals.submit(
        by=by,
        project=strategy.project,
        subject=strategy,
        what=what(strategy),
        link=_link(base_url, strategy, "strategy-decide"),
    )


@transaction.atomic
def strategy_decide(*, by, strategy: Strategy, approve: bool, comment: str = "", base_url: str = "") -> Approval:
    return approvals.decide(
        by=by,
        project=strategy.project,
        subject=strategy,
        approve=approve,
        comment=comment,
        what=what(strategy),
        link=_link(base_url, strategy, "strategy"),
    )
