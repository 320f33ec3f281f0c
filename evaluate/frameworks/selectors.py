"""Evaluate 4A self-assessment reads: the access helpers for frameworks, assessments and
their item ratings, and the lists the pages show. A framework is open to a project when
it is national or the project's organisation's own; anything else is 404."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from amhe.core import access
from amhe.core.access import Action
from amhe.core.models import Measure, MeasureValue
from amhe.surveys.models import Survey
from deliver.models import Decision, Intervention, Strategy
from evaluate.models import Assessment, Framework, FrameworkItem, FrameworkSection, ItemRating
from identify.models import Extract


def frameworks(project) -> QuerySet[Framework]:
    """The frameworks the project may assess itself against: national ones and its organisation's."""
    return (
        Framework.objects.filter(Q(organisation__isnull=True) | Q(organisation_id=project.organisation_id))
        .prefetch_related("levels")
        .order_by("name", "pk")
    )


def framework_for(user, project_id, framework_id, action: Action = Action.VIEW):
    project, membership = access.get_project_for_user(user, project_id, action)
    framework = get_object_or_404(frameworks(project), pk=framework_id)
    return project, membership, framework


def assessment_for(user, project_id, assessment_id, action: Action = Action.VIEW):
    project, membership = access.get_project_for_user(user, project_id, action)
    assessment = get_object_or_404(
        Assessment.objects.select_related("framework", "created_by"), pk=assessment_id, project=project
    )
    return project, membership, assessment


def rating_for(user, project_id, assessment_id, rating_id, action: Action = Action.VIEW):
    project, membership, assessment = assessment_for(user, project_id, assessment_id, action)
    rating = get_object_or_404(
        ItemRating.objects.select_related("item", "item__section"), pk=rating_id, assessment=assessment
    )
    return project, membership, assessment, rating


def structure(framework) -> list[FrameworkSection]:
    """The framework's sections in order, each with its items prefetched in order."""
    return list(
        framework.sections.prefetch_related(
            Prefetch("items", queryset=FrameworkItem.objects.order_by("position", "code"))
        ).order_by("position", "code")
    )


def items(framework) -> list[FrameworkItem]:
    return list(
        FrameworkItem.objects.filter(section__framework=framework)
        .select_related("section")
        .order_by("section__position", "section__code", "position", "code")
    )


def assessments(project, framework=None) -> QuerySet[Assessment]:
    """The project's assessments, oldest first (of one framework if given)."""
    found = Assessment.objects.filter(project=project).select_related("framework")
    if framework is not None:
        found = found.filter(framework=framework)
    return found.order_by("framework__name", "assessed_on", "pk")


def ratings(assessment) -> list[ItemRating]:
    """The assessment's item ratings in the framework's order, with everything they link to."""
    return list(
        assessment.ratings.select_related("item", "item__section")
        .prefetch_related(
            Prefetch("extracts", queryset=Extract.objects.order_by("title")),
            Prefetch("surveys", queryset=Survey.objects.order_by("title")),
            Prefetch("decisions", queryset=Decision.objects.order_by("-decided_on", "pk")),
            Prefetch(
                "measures",
                queryset=Measure.objects.order_by("name").prefetch_related(
                    Prefetch("values", queryset=MeasureValue.objects.order_by("period_end", "period_start"))
                ),
            ),
            "delivery_actions",
        )
        .order_by("item__section__position", "item__section__code", "item__position", "item__code")
    )


def ratings_of(assessment_ids) -> QuerySet[ItemRating]:
    return ItemRating.objects.filter(assessment_id__in=list(assessment_ids)).select_related("item", "item__section")


def extract_choices(project) -> QuerySet[Extract]:
    """The project's processed uploads (Identify 1A)."""
    return Extract.objects.filter(project=project, state=Extract.State.READY).order_by("title", "pk")


def survey_choices(project) -> QuerySet[Survey]:
    """The project's surveys that have been opened to people (any step)."""
    return Survey.objects.filter(project=project).exclude(state=Survey.State.DRAFT).order_by("title", "pk")


def decision_choices(project) -> QuerySet[Decision]:
    return Decision.objects.filter(project=project).order_by("-decided_on", "pk")


def measure_choices(project) -> QuerySet[Measure]:
    return Measure.objects.filter(project=project).order_by("name", "pk")


def intervention_choices(project) -> QuerySet[Intervention]:
    """The interventions of the project's strategy (3A), which an action belongs to."""
    return Intervention.objects.filter(strategy__project=project).order_by("title", "pk")


def strategy_of(project) -> Strategy | None:
    return Strategy.objects.filter(project=project).first()
