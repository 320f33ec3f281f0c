"""Deliver 3C reads: the access helper for decisions, the log (newest first) and
the items a decision may be linked to."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from amhe.core import access
from amhe.core.access import Action
from deliver.models import Decision, Intervention, Risk


def decision_for(user, project_id, decision_id, action: Action = Action.VIEW):
    project, membership = access.get_project_for_user(user, project_id, action)
    decision = get_object_or_404(
        Decision.objects.select_related("intervention", "risk"), pk=decision_id, project=project
    )
    return project, membership, decision


def decisions(project) -> QuerySet[Decision]:
    return Decision.objects.filter(project=project).select_related("intervention", "risk")


def linkable_interventions(project) -> QuerySet[Intervention]:
    return Intervention.objects.filter(strategy__project=project).order_by("title", "pk")


def linkable_risks(project) -> QuerySet[Risk]:
    return Risk.objects.filter(project=project).order_by("title", "pk")
