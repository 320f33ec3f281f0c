"""Research 2A, positive practice: every write. Keyword-only, `by=` the user
doing it, atomic; files are removed from storage only once the transaction
that forgot them has committed.

Sharing beyond the organisation:

    private --submit (lead)--> submitted --approve (reviewer)--> shared
                                         --decline (reviewer, with a reason)--> declined
    submitted or shared --withdraw (lead)--> private
    declined --submit again (lead)--> submitted

The reviewer is a member of the project whose role allows
Action.REVIEW_SHARING and whose account belongs to the case study's own
organisation. A shared case study whose text or attachments change goes back
to "submitted": other organisations read only what a reviewer approved.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone

from amhe.core import audit, files, taxonomy
from amhe.core.access import Action, role_can
from amhe.core.models import Membership
from research.models import CaseStudy, CaseStudyAttachment, CaseStudyCharacteristic
from research.practice import attachments as attachment_checks

FIELDS = (
    "title",
    "action",
    "delivery",
    "impact",
    "impact_figures",
    "impact_source",
    "intervention_type",
    "setting",
    "area",
    "evidence_strength",
    "contact",
    "links",
    "illustrative",
)
MAX_LINKS = 10
_URL = URLValidator(schemes=["http", "https"])


def clean_links(links: Iterable[str]) -> list[str]:
    """Web addresses, one each, http or https only; ValidationError({"links": ...}) otherwise."""
    cleaned, problems = [], []
    for link in links or []:
        link = (link or "").strip()
        if not link:
            continue
        try:
            _URL(link)
        except ValidationError:
            problems.append(f"'{link[:80]}' is not a web address. Enter addresses like https://www.example.org")
            continue
        if link not in cleaned:
            cleaned.append(link)
    if len(cleaned) > MAX_LINKS:
        problems.append(f"Give up to {MAX_LINKS} links")
    if problems:
        raise ValidationError({"links": problems})
    return cleaned


def _clean_characteristics(keys: Iterable[str]) -> list[str]:
    keys = list(dict.fromkeys(keys or []))
    unknown = [key for key in keys if key not in taxonomy.CHARACTERISTICS]
    if unknown:
        raise ValidationError({"characteristics": f"Not characteristics of the taxonomy: {', '.join(unknown)}"})
    return keys


def _apply(case_study: CaseStudy, fields: dict) -> None:
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise TypeError(f"Not case study fields: {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        setattr(case_study, name, value.strip() if isinstance(value, str) else value)
    case_study.links = clean_links(case_study.links)
    if case_study.impact_figures and not case_study.impact_source:
        raise ValidationError({"impact_source": "Enter where the figures come from, or remove the figures"})
    case_study.full_clean(exclude=["project", "organisation", "created_by", "submitted_by", "reviewed_by"])


def _set_populations(case_study: CaseStudy, populations) -> None:
    populations = list(populations or [])
    if any(population.organisation_id != case_study.organisation_id for population in populations):
        raise ValidationError({"populations": "Choose populations of your own organisation."})
    case_study.populations.set(populations)


def _set_characteristics(case_study: CaseStudy, keys: list[str]) -> None:
    case_study.characteristic_rows.exclude(characteristic__in=keys).delete()
    have = set(case_study.characteristic_rows.values_list("characteristic", flat=True))
    CaseStudyCharacteristic.objects.bulk_create(
        CaseStudyCharacteristic(case_study=case_study, characteristic=key) for key in keys if key not in have
    )


def _back_to_review(case_study: CaseStudy) -> bool:
    """A shared case study that changed waits for a reviewer again. True if it did."""
    if case_study.sharing != CaseStudy.Sharing.SHARED:
        return False
    case_study.sharing = CaseStudy.Sharing.SUBMITTED
    case_study.reviewed_at = None
    case_study.reviewed_by = None
    case_study.review_reason = ""
    case_study.submitted_at = timezone.now()
    return True


@transaction.atomic
def case_study_create(*, by, project, characteristics: Iterable[str] = (), populations=(), **fields) -> CaseStudy:
    """Record a case study of positive practice in `project` (not shared)."""
    case_study = CaseStudy(project=project, organisation_id=project.organisation_id, created_by=by)
    keys = _clean_characteristics(characteristics)
    _apply(case_study, fields)
    case_study.save()
    _set_populations(case_study, populations)
    _set_characteristics(case_study, keys)
    return case_study


@transaction.atomic
def case_study_update(
    *, by, case_study: CaseStudy, characteristics: Iterable[str] | None = None, populations=None, **fields
) -> CaseStudy:
    """Change a case study. If it was shared, it waits for a reviewer again."""
    keys = _clean_characteristics(characteristics) if characteristics is not None else None
    _apply(case_study, fields)
    _back_to_review(case_study)
    case_study.save()
    if populations is not None:
        _set_populations(case_study, populations)
    if keys is not None:
        _set_characteristics(case_study, keys)
    return case_study


@transaction.atomic
def case_study_delete(*, by, case_study: CaseStudy) -> None:
    kept = [attachment.file for attachment in case_study.attachments.all()]
    audit.record_deletion(by=by, instance=case_study)
    case_study.delete()
    if kept:
        files.delete_on_commit([f.name for f in kept], storage=kept[0].storage)


# --- Attachments --------------------------------------------------------------------------


@transaction.atomic
def attachment_add(*, by, case_study: CaseStudy, upload, description: str = "") -> CaseStudyAttachment:
    """Attach a PDF or .docx, checked by content (attachments.check). A shared case
    study waits for a reviewer again."""
    checked = attachment_checks.check(upload)
    attachment = CaseStudyAttachment(
        case_study=case_study,
        filename=checked.filename,
        kind=checked.kind,
        size=checked.size,
        description=(description or "").strip()[:200],
        uploaded_by=by,
    )
    upload.seek(0)
    attachment.file.save(checked.filename, upload, save=False)
    try:
        attachment.save()
        if _back_to_review(case_study):
            case_study.save()
    except Exception:
        files.delete([attachment.file.name], storage=attachment.file.storage)
        raise
    audit.record(
        action=audit.UPLOAD,
        user=by,
        project=case_study.project,
        object_kind="casestudyattachment",
        object_id=attachment.pk,
        detail=f"{attachment.kind}, {attachment.size} bytes",
    )
    return attachment


@transaction.atomic
def attachment_delete(*, by, attachment: CaseStudyAttachment) -> None:
    case_study = attachment.case_study
    name, storage = attachment.file.name, attachment.file.storage
    audit.record_deletion(by=by, instance=attachment)
    attachment.delete()
    if _back_to_review(case_study):
        case_study.save()
    files.delete_on_commit([name], storage=storage)


# --- Sharing --------------------------------------------------------------------------------


def reviewers(case_study: CaseStudy) -> list:
    """The project's members who may approve sharing: their role allows it and their
    account is of the case study's organisation."""
    members = Membership.objects.filter(
        project_id=case_study.project_id, user__organisation_id=case_study.organisation_id, user__is_active=True
    ).select_related("user")
    return [m.user for m in members if role_can(m.role, Action.REVIEW_SHARING)]


def _lock(case_study: CaseStudy) -> None:
    """Lock the row and read its current state, so two decisions cannot cross."""
    CaseStudy.objects.select_for_update().filter(pk=case_study.pk).first()
    case_study.refresh_from_db()


@transaction.atomic
def sharing_submit(*, by, case_study: CaseStudy) -> CaseStudy:
    _lock(case_study)
    if case_study.sharing not in (CaseStudy.Sharing.PRIVATE, CaseStudy.Sharing.DECLINED):
        raise ValidationError("It has already been submitted for sharing.")
    if not reviewers(case_study):
        raise ValidationError(
            f"Nobody on this project can review it: add a governance lead from {case_study.organisation.name} "
            "to the project first."
        )
    case_study.sharing = CaseStudy.Sharing.SUBMITTED
    case_study.submitted_at = timezone.now()
    case_study.submitted_by = by
    case_study.reviewed_at = None
    case_study.reviewed_by = None
    case_study.review_reason = ""
    case_study.save()
    return case_study


@transaction.atomic
def sharing_review(*, by, case_study: CaseStudy, approve: bool, reason: str = "") -> CaseStudy:
    """Approve (share with every organisation) or decline (with a reason) a submitted case study."""
    _lock(case_study)
    if case_study.sharing != CaseStudy.Sharing.SUBMITTED:
        raise ValidationError("It is not waiting for review.")
    if by.organisation_id != case_study.organisation_id:
        raise ValidationError(f"Only a reviewer from {case_study.organisation.name} can review it.")
    reason = (reason or "").strip()
    if not approve and not reason:
        raise ValidationError({"reason": "Enter why it is not approved, so the lead knows what to change"})
    case_study.sharing = CaseStudy.Sharing.SHARED if approve else CaseStudy.Sharing.DECLINED
    case_study.reviewed_at = timezone.now()
    case_study.reviewed_by = by
    case_study.review_reason = reason
    case_study.save()
    return case_study


@transaction.atomic
def sharing_withdraw(*, by, case_study: CaseStudy) -> CaseStudy:
    """Stop sharing (or cancel a submission): only the project can read it again."""
    _lock(case_study)
    if case_study.sharing not in (CaseStudy.Sharing.SUBMITTED, CaseStudy.Sharing.SHARED):
        raise ValidationError("It is not shared or waiting for review.")
    case_study.sharing = CaseStudy.Sharing.PRIVATE
    case_study.reviewed_at = None
    case_study.reviewed_by = None
    case_study.review_reason = ""
    case_study.save()
    return case_study
