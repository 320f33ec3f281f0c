"""Deliver 3A reads for equality impact assessments: the access helper (404 outside
the project), the list, versions, what the form offers as evidence, and the status
line the strategy and intervention pages show."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from amhe.core import access
from amhe.core.access import Action
from amhe.surveys.models import Survey
from deliver.eia import presenters
from deliver.models import EiaImpact, EiaVersion, EqualityImpactAssessment, Intervention, Strategy
from identify.models import Extract


def eia_for(user, project_id, eia_id, action: Action = Action.VIEW):
    """(project, membership, eia): 404 outside the project, 403 if the role does not allow `action`."""
    project, membership = access.get_project_for_user(user, project_id, action)
    eia = get_object_or_404(
        EqualityImpactAssessment.objects.select_related("strategy", "intervention"), pk=eia_id, project=project
    )
    return project, membership, eia


def version_of(eia, number) -> EiaVersion:
    version = (
        EiaVersion.objects.filter(eia=eia, number=number)
        .select_related("submitted_by", "decided_by", "created_by")
        .first()
    )
    if version is None:
        raise Http404("No such version")
    return version


def latest(eia) -> EiaVersion:
    return EiaVersion.objects.filter(eia=eia).select_related("submitted_by", "decided_by").order_by("-number").first()


def versions(eia) -> QuerySet[EiaVersion]:
    return EiaVersion.objects.filter(eia=eia).select_related("submitted_by", "decided_by").order_by("-number")


def last_signed_off(eia) -> EiaVersion | None:
    return EiaVersion.objects.filter(eia=eia, state=EiaVersion.State.SIGNED_OFF).order_by("-number").first()


def impacts(version) -> list[EiaImpact]:
    return list(
        EiaImpact.objects.filter(version=version).prefetch_related(
            Prefetch("extracts", queryset=Extract.objects.order_by("title")),
            Prefetch("surveys", queryset=Survey.objects.order_by("title")),
        )
    )


def eias(project) -> list[EqualityImpactAssessment]:
    return list(
        EqualityImpactAssessment.objects.filter(project=project)
        .select_related("strategy", "intervention")
        .prefetch_related(Prefetch("versions", queryset=EiaVersion.objects.order_by("-number")))
        .order_by("intervention_id", "pk")
    )


def subjects_without_eia(project) -> tuple[Strategy | None, list[Intervention]]:
    """The project's strategy if it has no EIA yet, and its interventions without one."""
    strategy = Strategy.objects.filter(project=project).first()
    if strategy is None:
        return None, []
    taken = EqualityImpactAssessment.objects.filter(project=project)
    free_strategy = None if taken.filter(strategy=strategy).exists() else strategy
    interventions = list(
        Intervention.objects.filter(strategy=strategy)
        .exclude(pk__in=taken.exclude(intervention=None).values("intervention_id"))
        .order_by("pk")
    )
    return free_strategy, interventions


def extract_choices(project) -> QuerySet[Extract]:
    """The project's processed uploads (Identify 1A), which an impact may cite."""
    return Extract.objects.filter(project=project, state=Extract.State.READY).order_by("title", "pk")


def survey_choices(project) -> QuerySet[Survey]:
    """The project's 1B surveys that have been opened to people, whose results an impact may cite."""
    return (
        Survey.objects.filter(project=project, substep="1B").exclude(state=Survey.State.DRAFT).order_by("title", "pk")
    )


def eia_of(subject) -> EqualityImpactAssessment | None:
    """The EIA of a strategy or an intervention, if it has one."""
    field = "strategy" if isinstance(subject, Strategy) else "intervention"
    return EqualityImpactAssessment.objects.filter(**{field: subject}).first()


def status_for(subject) -> str:
    """The line the strategy and intervention pages show, e.g. 'EIA: signed off (version 2)'."""
    eia = eia_of(subject)
    if eia is None:
        return ""
    return presenters.status_line(eia, latest(eia), last_signed_off(eia))
