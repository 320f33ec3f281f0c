"""Evaluate 4A self-assessment writes. Keyword-only, `by=` the user, atomic; the role
is checked here too (Action.ASSESS: leads and governance leads; making a Deliver action
from a low rating also needs Action.TRACK_DELIVERY, as adding any action does). Every
rule is checked before anything is saved."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from amhe.core import access, taxonomy
from amhe.core.access import Action
from amhe.core.models import Measure
from amhe.surveys.models import Survey
from deliver.models import Decision, DeliveryAction, Intervention
from deliver.tracking import services as tracking
from evaluate.frameworks import catalogue, selectors
from evaluate.models import Assessment, Framework, FrameworkItem, FrameworkSection, ItemRating, RatingLevel
from identify.models import Extract

PROTECTED = {key for key, c in taxonomy.CHARACTERISTICS.items() if c.kind == taxonomy.PROTECTED}


@transaction.atomic
def ensure_national_frameworks() -> None:
    """Create the shipped frameworks (EDS 2022, PCREF) if they are missing. Migration 0003 loads
    them; this puts them back where a database was emptied since (the demo, tests)."""
    catalogue.load(Framework, RatingLevel, FrameworkSection, FrameworkItem)


def _check_role(by, project, action: Action = Action.ASSESS) -> None:
    membership = access.membership_for(by, project)
    if membership is None or not access.role_can(membership.role, action):
        raise PermissionDenied("Only the project's leads and governance leads record self-assessments.")


def _clean(text: str | None) -> str:
    return "\n".join(" ".join(line.split()) for line in (text or "").strip().splitlines()).strip()


@transaction.atomic
def assessment_create(
    *, by, project, framework: Framework, period: str, assessed_on: datetime.date, summary: str = ""
) -> Assessment:
    """Start an assessment of `framework` for `period`, with every item not yet rated."""
    _check_role(by, project)
    errors: dict[str, list[str]] = {}
    if not selectors.frameworks(project).filter(pk=framework.pk).exists():
        errors["framework"] = ["Choose a national framework or one of your organisation's."]
    period = " ".join((period or "").split())
    if not period:
        errors["period"] = ["Enter the year the assessment covers, for example 2025/26."]
    elif Assessment.objects.filter(project=project, framework=framework, period=period).exists():
        errors["period"] = [f"There is already an assessment of {framework} for {period}."]
    if not isinstance(assessed_on, datetime.date):
        errors["assessed_on"] = ["Enter the date of the assessment."]
    if errors:
        raise ValidationError(errors)
    assessment = Assessment(
        project=project,
        framework=framework,
        period=period,
        assessed_on=assessed_on,
        summary=_clean(summary),
        created_by=by,
    )
    assessment.full_clean(exclude=["created_by"])
    try:
        with transaction.atomic():
            assessment.save()
    except IntegrityError as exc:  # the same period recorded at the same moment
        raise ValidationError({"period": [f"There is already an assessment of {framework} for {period}."]}) from exc
    ItemRating.objects.bulk_create(ItemRating(assessment=assessment, item=item) for item in selectors.items(framework))
    return assessment


@transaction.atomic
def assessment_update(*, by, assessment: Assessment, assessed_on: datetime.date, summary: str = "") -> Assessment:
    _check_role(by, assessment.project)
    assessment.assessed_on = assessed_on
    assessment.summary = _clean(summary)
    assessment.full_clean(exclude=["created_by"])
    assessment.save()
    return assessment


def _check_links(project, *, extracts, surveys, decisions, measures) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if any(
        not isinstance(e, Extract) or e.project_id != project.pk or e.state != Extract.State.READY for e in extracts
    ):
        errors["extracts"] = ["Link only this project's processed uploads."]
    if any(not isinstance(s, Survey) or s.project_id != project.pk for s in surveys):
        errors["surveys"] = ["Link only this project's surveys."]
    if any(not isinstance(d, Decision) or d.project_id != project.pk for d in decisions):
        errors["decisions"] = ["Link only this project's decisions."]
    if any(not isinstance(m, Measure) or m.project_id != project.pk for m in measures):
        errors["measures"] = ["Link only this project's measures."]
    return errors


@transaction.atomic
def rating_record(
    *,
    by,
    rating: ItemRating,
    value: int | None,
    evidence: str = "",
    by_characteristic: dict[str, str] | None = None,
    actions: str = "",
    extracts=(),
    surveys=(),
    decisions=(),
    measures=(),
) -> ItemRating:
    """Rate one item with its evidence. `value` must be one of the framework's levels
    (None leaves it unrated); a rating needs some evidence in words."""
    assessment = rating.assessment
    project = assessment.project
    framework = assessment.framework
    _check_role(by, project)
    errors: dict[str, list[str]] = {}
    levels = set(framework.levels.values_list("value", flat=True))
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value not in levels):
        shown = ", ".join(str(v) for v in sorted(levels))
        errors["value"] = [f"Choose a rating the framework has ({shown})."]
    evidence = _clean(evidence)
    given = {key: _clean(text) for key, text in (by_characteristic or {}).items()}
    unknown = set(given) - PROTECTED
    if unknown:
        errors["by_characteristic"] = ["Give evidence only for the nine protected characteristics."]
    if not framework.evidence_by_characteristic and any(given.values()):
        errors["by_characteristic"] = [f"{framework} does not ask for evidence for each characteristic."]
    given = {key: text for key, text in given.items() if text and key in PROTECTED}
    if value is not None and not evidence and not given:
        errors["evidence"] = ["Enter the evidence for the rating."]
    extracts, surveys, decisions, measures = list(extracts), list(surveys), list(decisions), list(measures)
    errors.update(_check_links(project, extracts=extracts, surveys=surveys, decisions=decisions, measures=measures))
    if errors:
        raise ValidationError(errors)
    rating.rating = value
    rating.evidence = evidence
    rating.by_characteristic = given
    rating.actions = _clean(actions)
    rating.updated_by = by
    rating.full_clean(exclude=["assessment", "item", "updated_by"])
    rating.save()
    rating.extracts.set(extracts)
    rating.surveys.set(surveys)
    rating.decisions.set(decisions)
    rating.measures.set(measures)
    return rating


def is_low(rating: ItemRating) -> bool:
    return rating.rating is not None and rating.rating <= rating.assessment.framework.low_rating


@transaction.atomic
def action_make(
    *, by, rating: ItemRating, intervention: Intervention, title: str, owner, due_date: datetime.date
) -> DeliveryAction:
    """Turn a low rating into an action in Deliver's tracker (3B), through its services,
    and remember that the action came from this rating."""
    project = rating.assessment.project
    _check_role(by, project)
    _check_role(by, project, Action.TRACK_DELIVERY)
    if not is_low(rating):
        raise ValidationError("Only a low rating becomes an action from here.")
    if intervention is None or intervention.strategy.project_id != project.pk:
        raise ValidationError({"intervention": ["Choose an intervention of this project's strategy."]})
    item = tracking.action_create(
        by=by,
        strategy=intervention.strategy,
        intervention=intervention,
        title=title,
        owner=owner,
        due_date=due_date,
    )
    rating.delivery_actions.add(item)
    return item
