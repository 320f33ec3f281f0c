"""Deliver 3A writes for equality impact assessments. Keyword-only, `by=` the user,
atomic. The EIA's row is locked for every change, so two people submitting, signing
off or changing it at once record one thing; a change after sign-off starts a new
version (a draft), leaving the signed-off one as it was."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from amhe.core import access, approvals, history, taxonomy
from amhe.core.access import Action
from amhe.core.models import Project
from deliver.models import EiaImpact, EiaVersion, EqualityImpactAssessment
from identify.models import Extract
from research.evidence import importing

IMPACT_FIELDS = ("impact", "evidence", "mitigation", "action")
LIMITS = {"evidence": 4000, "mitigation": 4000, "action": 300}
State = EiaVersion.State


def _label(key: str) -> str:
    return taxonomy.CHARACTERISTICS[key].label


def _lock(eia: EqualityImpactAssessment) -> tuple[EqualityImpactAssessment, EiaVersion]:
    """Lock the EIA's row; return it and its latest version."""
    eia = EqualityImpactAssessment.objects.select_for_update(of=("self",)).get(pk=eia.pk)
    return eia, eia.versions.order_by("-number").first()


@history.records_by
@transaction.atomic
def eia_create(*, by, project, strategy=None, intervention=None) -> EqualityImpactAssessment:
    """An EIA of the strategy or of one intervention, with a first draft version that
    lists every characteristic, not yet assessed."""
    if (strategy is None) == (intervention is None):
        raise ValidationError({"subject": "Choose the strategy or one intervention."})
    if strategy is not None and strategy.project_id != project.pk:
        raise ValidationError({"subject": "Choose this project's strategy."})
    if intervention is not None and intervention.strategy.project_id != project.pk:
        raise ValidationError({"subject": "Choose an intervention of this project's strategy."})
    subject = strategy or intervention
    # Lock the project's row first: two people starting the same assessment at once make one.
    Project.objects.select_for_update().filter(pk=project.pk).first()
    exists = EqualityImpactAssessment.objects.filter(
        strategy=strategy if strategy else None, intervention=intervention if intervention else None
    )
    if exists.exists():
        raise ValidationError({"subject": f"'{subject}' already has an equality impact assessment."})
    eia = EqualityImpactAssessment.objects.create(
        project=project, strategy=strategy, intervention=intervention, created_by=by
    )
    version = EiaVersion.objects.create(eia=eia, number=1, created_by=by)
    bulk_create_with_history(
        [EiaImpact(version=version, characteristic=key) for key in taxonomy.CHARACTERISTICS], EiaImpact, default_user=by
    )
    return eia


def _new_version(version: EiaVersion, by) -> EiaVersion:
    """A draft copy of `version` (its summary and every impact with its links)."""
    copy = EiaVersion.objects.create(eia=version.eia, number=version.number + 1, summary=version.summary, created_by=by)
    for impact in version.impacts.prefetch_related("extracts", "surveys"):
        made = EiaImpact(
            version=copy,
            characteristic=impact.characteristic,
            **{name: getattr(impact, name) for name in IMPACT_FIELDS},
        )

        def set_links(made=made, impact=impact):
            made.extracts.set(impact.extracts.all())
            made.surveys.set(impact.surveys.all())

        history.save_with_links(made, set_links)
    return copy


def _check_links(project, extracts, surveys) -> None:
    if any(extract.project_id != project.pk or extract.state != Extract.State.READY for extract in extracts):
        raise ValidationError("Link only this project's processed uploads.")
    if any(survey.project_id != project.pk for survey in surveys):
        raise ValidationError("Link only this project's surveys.")


def _apply(version: EiaVersion, project, summary, impacts: dict) -> None:
    unknown = set(impacts) - set(taxonomy.CHARACTERISTICS)
    if unknown:
        raise ValidationError(f"Not characteristics of the taxonomy: {', '.join(sorted(unknown))}.")
    if summary is not None:
        text = importing.clean_text(summary, multiline=True)
        if len(text) > 4000:
            raise ValidationError({"summary": "What is assessed must be 4,000 characters or fewer."})
        version.summary = text
        version.save(update_fields=["summary", "updated_at"])
    rows = {impact.characteristic: impact for impact in version.impacts.all()}
    for key, values in impacts.items():
        impact = rows.get(key) or EiaImpact(version=version, characteristic=key)
        extra = set(values) - {*IMPACT_FIELDS, "extracts", "surveys"}
        if extra:
            raise TypeError(f"Not impact fields: {', '.join(sorted(extra))}")
        for name in IMPACT_FIELDS:
            if name in values:
                value = values[name] or ""
                setattr(impact, name, importing.clean_text(value, multiline=name != "action") if value else "")
        if impact.impact and impact.impact not in EiaImpact.Impact.values:
            raise ValidationError(f"{_label(key)}: choose positive, neutral, negative or unknown.")
        for name, limit in LIMITS.items():
            if len(getattr(impact, name)) > limit:
                raise ValidationError(f"{_label(key)}: the {name} must be {limit:,} characters or fewer.")
        extracts, surveys = list(values.get("extracts") or []), list(values.get("surveys") or [])
        _check_links(project, extracts, surveys)

        def set_links(impact=impact, values=values, extracts=extracts, surveys=surveys):
            if "extracts" in values:
                impact.extracts.set(extracts)
            if "surveys" in values:
                impact.surveys.set(surveys)

        history.save_with_links(impact, set_links)


def problems(version: EiaVersion) -> list[str]:
    """Why `version` cannot be submitted yet, in plain words (empty when it can)."""
    impacts = {impact.characteristic: impact for impact in version.impacts.all()}
    unassessed = [_label(key) for key in taxonomy.CHARACTERISTICS if not getattr(impacts.get(key), "impact", "")]
    unmitigated = [
        _label(key)
        for key in taxonomy.CHARACTERISTICS
        if key in impacts and impacts[key].needs_mitigation and not impacts[key].mitigated
    ]
    found = []
    if unassessed:
        found.append(f"Choose the impact on: {', '.join(unassessed)}.")
    if unmitigated:
        found.append(
            f"A negative or unknown impact needs a mitigation or an action. None yet for: {', '.join(unmitigated)}."
        )
    return found


def _what(eia: EqualityImpactAssessment, version: EiaVersion) -> str:
    subject = f"the strategy '{eia.strategy}'" if eia.strategy_id else f"the intervention '{eia.intervention}'"
    return f"version {version.number} of the equality impact assessment of {subject}"


def _link(base_url: str, eia: EqualityImpactAssessment, name: str) -> str:
    return base_url.rstrip("/") + reverse(f"deliver:{name}", kwargs={"project_id": eia.project_id, "eia_id": eia.pk})


def _submit(version: EiaVersion, by, base_url: str = "") -> None:
    found = problems(version)
    if found:
        raise ValidationError(found)
    version.state = State.SUBMITTED
    version.submitted_by = by
    version.submitted_at = timezone.now()
    version.decided_by, version.decided_at = None, None
    version.save()
    eia = version.eia
    approvals.email_submitted(
        project=eia.project, by=by, what=_what(eia, version), link=_link(base_url, eia, "eia-decide")
    )


@history.records_by
@transaction.atomic
def eia_save(
    *, by, eia: EqualityImpactAssessment, impacts: dict, summary=None, submit: bool = False, base_url: str = ""
) -> EiaVersion:
    """Change the EIA: `impacts` maps characteristic keys to their fields (impact,
    evidence, mitigation, action, extracts, surveys). After sign-off this makes a new
    version; while submitted it is refused; a returned version goes back to draft.
    With `submit`, the version is then submitted, or nothing is saved."""
    eia, version = _lock(eia)
    if version.state == State.SUBMITTED:
        raise ValidationError(
            "This assessment is waiting for sign-off: it can be changed once it is signed off or returned."
        )
    if version.state == State.SIGNED_OFF:
        version = _new_version(version, by)
    elif version.state == State.RETURNED:
        version.state = State.DRAFT
        version.save(update_fields=["state", "updated_at"])
    _apply(version, eia.project, summary, impacts)
    if submit:
        _submit(version, by, base_url)
    return version


@history.records_by
@transaction.atomic
def eia_submit(*, by, eia: EqualityImpactAssessment, base_url: str = "") -> EiaVersion:
    """Submit the latest version for sign-off: refused while any characteristic is not
    assessed, or a negative or unknown impact has no mitigation or action."""
    eia, version = _lock(eia)
    if version.state == State.SUBMITTED:
        raise ValidationError("This assessment is already waiting for sign-off.")
    if version.state == State.SIGNED_OFF:
        raise ValidationError("This version is already signed off. Change the assessment to start a new version.")
    _submit(version, by, base_url)
    return version


def _decide(by, eia, state, comment="", base_url="") -> EiaVersion:
    membership = access.membership_for(by, eia.project)
    if membership is None or not access.role_can(membership.role, Action.SIGN_OFF_EIA):
        raise PermissionDenied("Only governance leads of the project sign off equality impact assessments.")
    eia, version = _lock(eia)
    if version.state != State.SUBMITTED:
        raise ValidationError("This assessment is not waiting for sign-off: someone may have decided on it already.")
    if version.submitted_by_id == by.pk:
        raise PermissionDenied("You submitted this assessment, so someone else must sign it off.")
    version.state = state
    version.decided_by = by
    version.decided_at = timezone.now()
    version.decision_comment = comment
    version.save()
    approvals.email_decided(
        project=eia.project,
        to=version.submitted_by,
        by=by,
        what=_what(eia, version),
        outcome="signed off" if state == State.SIGNED_OFF else "returned with comments",
        comment=comment,
        link=_link(base_url, eia, "eia"),
    )
    return version


@history.records_by
@transaction.atomic
def eia_sign_off(*, by, eia: EqualityImpactAssessment, comment: str = "", base_url: str = "") -> EiaVersion:
    return _decide(by, eia, State.SIGNED_OFF, importing.clean_text(comment or "", multiline=True), base_url)


@history.records_by
@transaction.atomic
def eia_return(*, by, eia: EqualityImpactAssessment, comment: str, base_url: str = "") -> EiaVersion:
    text = importing.clean_text(comment or "", multiline=True)
    if not text:
        raise ValidationError({"comment": "Say what needs to change before you return the assessment."})
    return _decide(by, eia, State.RETURNED, text, base_url)
