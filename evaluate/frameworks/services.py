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
from evaluate.frameworks import catalogue, editing, selectors
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


# --------------------------------------------------------------------------- an organisation's own frameworks

MANAGE_PERMISSION = "evaluate.change_framework"


def may_manage_frameworks(user, organisation) -> bool:
    """An organisation's admin for frameworks: a user of that organisation given the
    "Can change framework" permission (in Django admin, by a superuser). The app has no
    organisation-wide role of its own; project roles do not reach other projects."""
    return bool(
        user.is_authenticated
        and user.is_active
        and user.organisation_id is not None
        and user.organisation_id == organisation.pk
        and user.has_perm(MANAGE_PERMISSION)
    )


def _check_manager(by, organisation) -> None:
    if not may_manage_frameworks(by, organisation):
        raise PermissionDenied("Only your organisation's admin for frameworks can change its frameworks.")


def _unique_key(organisation, name: str, exclude: int | None = None) -> str:
    from django.utils.text import slugify

    base = (slugify(name)[:34] or "framework").strip("-")
    key, n = base, 1
    taken = Framework.objects.filter(organisation=organisation).exclude(pk=exclude)
    while taken.filter(key=key).exists():
        n += 1
        key = f"{base}-{n}"
    return key


@transaction.atomic
def framework_save(
    *,
    by,
    organisation,
    framework: Framework | None = None,
    name: str,
    short_name: str,
    description: str = "",
    source: str,
    section_label: str = "Domain",
    item_label: str = "Outcome",
    evidence_by_characteristic: bool = False,
    low_rating: int = 1,
    low_action: str = "",
    levels: str,
    bands: str = "",
    structure: str,
) -> Framework:
    """Create (framework None) or change one of the organisation's own frameworks from
    the text of its rating scale, bands and sections (evaluate.frameworks.editing).
    Shipped frameworks are read-only. Items and rating levels already used by an
    assessment cannot be removed (matched by section and item code, and by score);
    everything else follows the text. editing.TextProblems or ValidationError: nothing saved."""
    _check_manager(by, organisation)
    if framework is not None:
        framework = Framework.objects.select_for_update().get(pk=framework.pk)
        if framework.organisation_id != organisation.pk:
            raise ValidationError("National frameworks cannot be changed: make a copy and change that.")
    parsed = editing.parse(levels=levels, bands=bands, structure=structure, low_rating=low_rating)
    name = _clean(name)[:200]
    if not name or not _clean(short_name) or not _clean(source):
        raise ValidationError("Give the framework a name, a short name and where it comes from")
    if (
        Framework.objects.filter(organisation=organisation, name__iexact=name)
        .exclude(pk=getattr(framework, "pk", None))
        .exists()
    ):
        raise ValidationError("Your organisation already has a framework with this name: choose another")
    if framework is not None:
        used_items = set(
            ItemRating.objects.filter(item__section__framework=framework, rating__isnull=False).values_list(
                "item__section__code", "item__code"
            )
        ) | set(
            ItemRating.objects.filter(item__section__framework=framework)
            .exclude(evidence="", actions="")
            .values_list("item__section__code", "item__code")
        )
        kept = {(s.code, i.code) for s in parsed.sections for i in s.items}
        gone = sorted(f"{item}" for section, item in used_items - kept)
        if gone:
            raise ValidationError(
                f"Items {', '.join(gone)} have been rated in an assessment, so they cannot be removed "
                "(change their wording instead, or make a new framework)"
            )
        used_values = set(
            ItemRating.objects.filter(item__section__framework=framework, rating__isnull=False).values_list(
                "rating", flat=True
            )
        )
        missing = sorted(used_values - {v for v, _, _ in parsed.levels})
        if missing:
            raise ValidationError(
                f"Ratings {', '.join(map(str, missing))} are used in an assessment, so those levels cannot be removed"
            )
    else:
        framework = Framework(organisation=organisation, key=_unique_key(organisation, name))
    framework.name = name
    framework.short_name = _clean(short_name)[:40]
    framework.description = (description or "").strip()
    framework.source = (source or "").strip()
    framework.section_label = _clean(section_label)[:40] or "Domain"
    framework.item_label = _clean(item_label)[:40] or "Outcome"
    framework.evidence_by_characteristic = bool(evidence_by_characteristic)
    framework.low_rating = low_rating
    framework.bands = parsed.bands
    framework.full_clean()
    framework.save()
    framework.levels.exclude(value__in=[v for v, _, _ in parsed.levels]).delete()
    for value, label, evidence in parsed.levels:
        RatingLevel.objects.update_or_create(
            framework=framework, value=value, defaults={"label": label, "evidence_required": evidence}
        )
    default_action = (low_action or "").strip()
    sections = {s.code: s for s in framework.sections.all()}
    wanted_sections = {s.code for s in parsed.sections}
    for position, spec in enumerate(parsed.sections, start=1):
        section = sections.get(spec.code) or FrameworkSection(framework=framework, code=spec.code)
        section.title, section.position = spec.title, position
        section.save()
        items = {i.code: i for i in section.items.all()}
        for item_position, item_spec in enumerate(spec.items, start=1):
            item = items.pop(item_spec.code, None) or FrameworkItem(section=section, code=item_spec.code)
            item.title, item.position = item_spec.title, item_position
            item.low_action = item_spec.low_action or default_action
            item.save()
        for item in items.values():  # not in the text: unrated (checked above), so their empty ratings go too
            ItemRating.objects.filter(item=item).delete()
            item.delete()
    for code, section in sections.items():
        if code not in wanted_sections:
            ItemRating.objects.filter(item__section=section).delete()
            section.delete()
    # Assessments in progress get a rating row for each new item.
    for assessment in Assessment.objects.filter(framework=framework):
        have = set(assessment.ratings.values_list("item_id", flat=True))
        ItemRating.objects.bulk_create(
            ItemRating(assessment=assessment, item=item)
            for item in FrameworkItem.objects.filter(section__framework=framework).exclude(pk__in=have)
        )
    return framework


@transaction.atomic
def framework_copy(*, by, organisation, framework: Framework) -> Framework:
    """A copy, as the organisation's own, of a national framework or one of its own."""
    _check_manager(by, organisation)
    if framework.organisation_id not in (None, organisation.pk):
        raise ValidationError("There is no such framework")
    name = f"{framework.name} (our copy)"
    n = 1
    while Framework.objects.filter(organisation=organisation, name__iexact=name).exists():
        n += 1
        name = f"{framework.name} (our copy {n})"
    copy = Framework.objects.create(
        organisation=organisation,
        key=_unique_key(organisation, name),
        name=name[:200],
        short_name=framework.short_name,
        description=framework.description,
        source=f"Copied from {framework.name}. {framework.source}".strip(),
        section_label=framework.section_label,
        item_label=framework.item_label,
        evidence_by_characteristic=framework.evidence_by_characteristic,
        low_rating=framework.low_rating,
        bands=list(framework.bands or []),
    )
    for level in framework.levels.all():
        RatingLevel.objects.create(
            framework=copy, value=level.value, label=level.label, evidence_required=level.evidence_required
        )
    for section in framework.sections.order_by("position", "code"):
        new_section = FrameworkSection.objects.create(
            framework=copy, code=section.code, title=section.title, position=section.position
        )
        for item in section.items.order_by("position", "code"):
            FrameworkItem.objects.create(
                section=new_section,
                code=item.code,
                title=item.title,
                description=item.description,
                position=item.position,
                low_action=item.low_action,
            )
    return copy
