"""Deliver 3C reads: the access helper for risks, the register in order of score,
and who may own a risk."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from amhe.core import access
from amhe.core.access import Action
from amhe.core.models import Membership, User
from deliver.models import Risk


def risk_for(user, project_id, risk_id, action: Action = Action.VIEW):
    project, membership = access.get_project_for_user(user, project_id, action)
    risk = get_object_or_404(Risk.objects.select_related("owner"), pk=risk_id, project=project)
    return project, membership, risk


def risks(project) -> list[Risk]:
    """The register, highest current score first, then the soonest review."""
    rows = list(Risk.objects.filter(project=project).select_related("owner"))
    return sorted(rows, key=lambda risk: (-risk.score, risk.review_date, risk.title.casefold(), risk.pk))


def owner_roles() -> list[str]:
    """Roles that may own a risk: those who keep the register (governance leads and leads)."""
    return [role for role in access.ROLE_ACTIONS if access.role_can(role, Action.GOVERN)]


def owner_choices(project):
    return (
        User.objects.filter(memberships__project=project, memberships__role__in=owner_roles())
        .order_by("full_name", "pk")
        .distinct()
    )


def may_own(project, user) -> bool:
    return Membership.objects.filter(project=project, user=user, role__in=owner_roles()).exists()
