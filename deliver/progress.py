"""Deliver's sub-steps with work recorded (amhe.core.progress): 3A is in
progress once the project has a strategy;
3B once it has an action; 3C once it has a risk, a decision or a governance group."""

from amhe.core.progress import work_in
from deliver.models import Decision, DeliveryAction, GovernanceGroup, Risk, Strategy


@work_in("3A")
def strategies(project):
    return Strategy.objects.filter(project=project)


@work_in("3C")
def risks(project):
    return Risk.objects.filter(project=project)


@work_in("3C")
def decisions(project):
    return Decision.objects.filter(project=project)


@work_in("3B")
def actions(project):
    return DeliveryAction.objects.filter(intervention__strategy__project=project)


@work_in("3C")
def governance_groups(project):
    return GovernanceGroup.objects.filter(project=project)
