"""Deliver's sub-steps with work recorded (amhe.core.progress): 3A is in
progress once the project has a strategy;
3B once it has an action; 3C once it has a risk, a decision or a governance group."""

from amhe.core.progress import work_in
from deliver.models import Decision, DeliveryAction, GovernanceGroup, Risk, Strategy


@work_in("3A")
def has_strategy(project) -> bool:
    return Strategy.objects.filter(project=project).exists()


@work_in("3C")
def has_risks_or_decisions(project) -> bool:
    return Risk.objects.filter(project=project).exists() or Decision.objects.filter(project=project).exists()


@work_in("3B")
def has_actions(project) -> bool:
    return DeliveryAction.objects.filter(intervention__strategy__project=project).exists()


@work_in("3C")
def has_governance_groups(project) -> bool:
    return GovernanceGroup.objects.filter(project=project).exists()
