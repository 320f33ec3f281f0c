"""Deliver 3A reads: the access helpers for staff roles, facilities and budget
lines (each of the project's strategy), the strategy's lists, and what one
intervention has."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from amhe.core import access
from amhe.core.access import Action
from deliver.models import BudgetLine, Facility, Intervention, StaffRole


def staff_role_for(user, project_id, role_id, action: Action = Action.VIEW):
    project, membership = access.get_project_for_user(user, project_id, action)
    role = get_object_or_404(
        StaffRole.objects.select_related("strategy", "intervention"), pk=role_id, strategy__project=project
    )
    return project, membership, role


def facility_for(user, project_id, facility_id, action: Action = Action.VIEW):
    project, membership = access.get_project_for_user(user, project_id, action)
    facility = get_object_or_404(
        Facility.objects.select_related("strategy", "intervention"), pk=facility_id, strategy__project=project
    )
    return project, membership, facility


def budget_line_for(user, project_id, line_id, action: Action = Action.VIEW):
    project, membership = access.get_project_for_user(user, project_id, action)
    line = get_object_or_404(
        BudgetLine.objects.select_related("strategy", "intervention"), pk=line_id, strategy__project=project
    )
    return project, membership, line


def staff_roles(strategy) -> QuerySet[StaffRole]:
    return StaffRole.objects.filter(strategy=strategy).select_related("intervention")


def facilities(strategy) -> QuerySet[Facility]:
    return Facility.objects.filter(strategy=strategy).select_related("intervention")


def budget_lines(strategy) -> QuerySet[BudgetLine]:
    return BudgetLine.objects.filter(strategy=strategy).select_related("intervention")


def intervention_choices(strategy) -> QuerySet[Intervention]:
    return Intervention.objects.filter(strategy=strategy).order_by("title", "pk")


def of_intervention(intervention) -> tuple[list[StaffRole], list[Facility], list[BudgetLine]]:
    return (
        list(StaffRole.objects.filter(intervention=intervention)),
        list(Facility.objects.filter(intervention=intervention)),
        list(BudgetLine.objects.filter(intervention=intervention)),
    )
