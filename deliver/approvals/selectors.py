"""Deliver 3C reads for approvals: the strategy's approval state, and what the
governance lead's page lists (what waits for a decision, overdue actions, risks past
their review date and risks above target)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from amhe.core import approvals
from amhe.core.models import SmartGoal
from deliver.eia import presenters as eia_presenters
from deliver.eia import selectors as eia_selectors
from deliver.models import EiaVersion, Strategy
from deliver.risks import presenters as risk_presenters
from deliver.risks import selectors as risk_selectors
from deliver.tracking import presenters as tracking_presenters
from deliver.tracking import selectors as tracking_selectors


def strategy_status(strategy: Strategy | None) -> approvals.Status | None:
    """The strategy's approval state in words (None while the project has no strategy)."""
    if strategy is None:
        return None
    return approvals.status(approvals.latest(strategy))


@dataclass
class Waiting:
    kind: str  # "Strategy", "Change to a SMART goal", "Equality impact assessment"
    title: str
    submitted: str  # "Submitted by Sam Jones on 7 December 2026"
    link: str
    link_text: str
    own: bool  # submitted by the person looking: another governance lead decides


@dataclass
class Queue:
    decisions: list[Waiting] = field(default_factory=list)
    overdue_actions: list = field(default_factory=list)
    risks_past_review: list = field(default_factory=list)
    risks_above_target: list = field(default_factory=list)

    @property
    def for_you(self) -> int:
        return sum(1 for row in self.decisions if not row.own)


def _submitted(user, moment) -> str:
    name = user.full_name if user else "someone no longer on the app"
    return f"Submitted by {name} on {date_format(timezone.localtime(moment), 'j F Y')}"


def decisions(project, user) -> list[Waiting]:
    """What waits for a governance lead's decision: the strategy, changes to agreed goals
    and submitted equality impact assessments, oldest first within each kind."""
    kwargs = {"project_id": project.pk}
    rows = []
    strategy = Strategy.objects.filter(project=project).first()
    for approval in approvals.waiting(project, Strategy):
        if strategy is None or approval.object_id != strategy.pk:
            continue
        rows.append(
            Waiting(
                "Strategy",
                strategy.title,
                _submitted(approval.submitted_by, approval.submitted_at),
                reverse("deliver:strategy-decide", kwargs=kwargs),
                "Approve or return the strategy",
                approval.submitted_by_id == user.pk,
            )
        )
    goals = {goal.pk: goal for goal in SmartGoal.objects.filter(project=project)}
    for approval in approvals.waiting(project, SmartGoal):
        goal = goals.get(approval.object_id)
        if goal is None:
            continue
        rows.append(
            Waiting(
                "Change to a SMART goal",
                str(goal),
                _submitted(approval.submitted_by, approval.submitted_at),
                reverse("core:goal-decide", kwargs={**kwargs, "goal_id": goal.pk}),
                "Approve or return the change",
                approval.submitted_by_id == user.pk,
            )
        )
    for eia in eia_selectors.eias(project):
        version = eia.versions.all()[0]
        if version.state != EiaVersion.State.SUBMITTED:
            continue
        rows.append(
            Waiting(
                "Equality impact assessment",
                f"{eia_presenters.subject_label(eia)} (version {version.number})",
                _submitted(version.submitted_by, version.submitted_at),
                reverse("deliver:eia-decide", kwargs={**kwargs, "eia_id": eia.pk}),
                "Sign off or return the assessment",
                version.submitted_by_id == user.pk,
            )
        )
    return rows


def queue(project, user) -> Queue:
    risks = [risk_presenters.risk_row(risk) for risk in risk_selectors.risks(project)]
    return Queue(
        decisions=decisions(project, user),
        overdue_actions=[tracking_presenters.action_row(item) for item in tracking_selectors.overdue_actions(project)],
        risks_past_review=[row for row in risks if row.overdue],
        risks_above_target=[row for row in risks if row.above_target],
    )
