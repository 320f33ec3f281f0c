"""Deliver 3B reads: the access helpers for milestones and actions, the strategy's
actions and milestones, who may own an action (any project member) and who may
record an update on one (a lead, or the action's owner)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import F, Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from amhe.core import access
from amhe.core.access import Action
from amhe.core.models import Membership, Project, SmartGoal, User
from deliver.models import ActionUpdate, DeliveryAction, Intervention, Milestone
from deliver.models.tracking import Status


def milestone_for(user, project_id, milestone_id, action: Action = Action.VIEW):
    project, membership = access.get_project_for_user(user, project_id, action)
    milestone = get_object_or_404(
        Milestone.objects.select_related("strategy"), pk=milestone_id, strategy__project=project
    )
    return project, membership, milestone


def action_for(user, project_id, action_id, action: Action = Action.VIEW):
    """(project, membership, delivery action): 404 outside the project, 403 if the role does not allow `action`."""
    project, membership = access.get_project_for_user(user, project_id, action)
    item = get_object_or_404(
        DeliveryAction.objects.select_related("intervention", "intervention__strategy", "milestone", "owner"),
        pk=action_id,
        intervention__strategy__project=project,
    )
    return project, membership, item


def may_update(membership, item) -> bool:
    """Leads record updates on any action; an action's owner on their own."""
    return access.role_can(membership.role, Action.TRACK_DELIVERY) or (
        item.owner_id is not None and item.owner_id == membership.user_id
    )


def action_to_update(user, project_id, action_id):
    """The action helper for recording an update: 403 for a member who is neither a lead nor its owner."""
    project, membership, item = action_for(user, project_id, action_id)
    if not may_update(membership, item):
        raise PermissionDenied("Only a lead or the action's owner may record an update on it.")
    return project, membership, item


def actions(strategy) -> QuerySet[DeliveryAction]:
    """The strategy's actions, soonest due first."""
    return (
        DeliveryAction.objects.filter(intervention__strategy=strategy)
        .select_related("intervention", "milestone", "owner")
        .order_by("due_date", "pk")
    )


def overdue_actions(project, today=None) -> QuerySet[DeliveryAction]:
    """The project's actions past their due date and not done, longest overdue first (for the
    governance lead's page and overdue reminders; presenters.overdue_text says by how much)."""
    today = today or timezone.localdate()
    return (
        DeliveryAction.objects.filter(intervention__strategy__project=project, due_date__lt=today)
        .exclude(status=Status.DONE)
        .select_related("intervention", "owner")
        .order_by("due_date", "pk")
    )


def actions_of(intervention) -> QuerySet[DeliveryAction]:
    return DeliveryAction.objects.filter(intervention=intervention).select_related("milestone", "owner")


def milestones(strategy) -> QuerySet[Milestone]:
    return Milestone.objects.filter(strategy=strategy).order_by("due_date", "pk")


def updates(item) -> QuerySet[ActionUpdate]:
    """An action's log, newest first."""
    return ActionUpdate.objects.filter(action=item).select_related("by").order_by("-date", "-pk")


def latest_update(item) -> ActionUpdate | None:
    return ActionUpdate.objects.filter(action=item).order_by("-date", "-pk").first()


def interventions_with_actions(strategy) -> QuerySet[Intervention]:
    return (
        Intervention.objects.filter(strategy=strategy)
        .prefetch_related(
            Prefetch("actions", queryset=DeliveryAction.objects.order_by("due_date", "pk")),
        )
        .order_by("pk")
    )


def goals_with_actions(project) -> list[tuple[SmartGoal, list[DeliveryAction]]]:
    """Each SMART goal an intervention works towards, with the actions of those interventions (each once)."""
    goals = (
        SmartGoal.objects.filter(project=project, interventions__isnull=False)
        .distinct()
        .order_by("pk")
        .prefetch_related(
            Prefetch("interventions", queryset=Intervention.objects.prefetch_related("actions").order_by("pk"))
        )
    )
    result = []
    for goal in goals:
        seen: dict[int, DeliveryAction] = {}
        for intervention in goal.interventions.all():
            for item in intervention.actions.all():
                seen.setdefault(item.pk, item)
        result.append((goal, sorted(seen.values(), key=lambda item: (item.due_date, item.pk))))
    return result


def intervention_choices(strategy) -> QuerySet[Intervention]:
    return Intervention.objects.filter(strategy=strategy).order_by("pk")


def milestone_choices(strategy) -> QuerySet[Milestone]:
    return milestones(strategy)


def owner_choices(project) -> QuerySet[User]:
    """Anyone on the project may own an action."""
    return User.objects.filter(memberships__project=project).order_by("full_name", "pk").distinct()


def is_member(project, user) -> bool:
    return Membership.objects.filter(project=project, user=user).exists()


def actions_to_remind(day) -> QuerySet[DeliveryAction]:
    """Every project's actions overdue on `day` (past their due date, not done) whose owner
    can be emailed: an active account with an email address, still a member of the action's
    project (which is not archived), and not yet reminded about it on `day`."""
    return (
        DeliveryAction.objects.filter(
            due_date__lt=day,
            owner__isnull=False,
            owner__is_active=True,
            owner__memberships__project=F("intervention__strategy__project"),
        )
        .exclude(status=Status.DONE)
        .exclude(owner__email="")
        .exclude(intervention__strategy__project__status=Project.Status.ARCHIVED)
        .exclude(reminders__day=day)
        .select_related("intervention", "intervention__strategy__project", "owner")
        .order_by("due_date", "pk")
        .distinct()
    )
