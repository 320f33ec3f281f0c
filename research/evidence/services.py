"""Research 2A writes: references of the evidence base and the register of
existing initiatives. Keyword-only, `by=` the user, atomic; the project a
record belongs to is checked here, whatever the form sent."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from amhe.core import audit, taxonomy
from research.evidence import importing
from research.models import Initiative, Reference

REFERENCE_FIELDS = ("title", "authors", "year", "doi", "url", "summary", "effectiveness", "characteristics")
INITIATIVE_FIELDS = (
    "name",
    "description",
    "sector",
    "owner",
    "partners",
    "characteristics",
    "populations_served",
    "start_date",
    "end_date",
    "contact",
)
MULTILINE = {"summary", "effectiveness", "description", "partners", "populations_served"}


def _tidy(name: str, value):
    if isinstance(value, str):
        return importing.clean_text(value, multiline=name in MULTILINE)
    return value


def check_characteristics(keys) -> list[str]:
    keys = list(keys or [])
    unknown = [key for key in keys if key not in taxonomy.CHARACTERISTICS]
    if unknown:
        raise ValidationError({"characteristics": f"Not characteristics of the taxonomy: {', '.join(unknown)}."})
    return [key for key in taxonomy.CHARACTERISTICS if key in keys]


def set_populations(record, project, populations) -> None:
    if populations is None:
        return
    populations = list(populations)
    if any(population.organisation_id != project.organisation_id for population in populations):
        raise ValidationError({"populations": "Choose populations of your organisation."})
    record.populations.set(populations)


def _apply(record, allowed: Iterable[str], fields: dict) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"Unknown fields: {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        setattr(record, name, _tidy(name, value))
    if "characteristics" in fields:
        record.characteristics = check_characteristics(record.characteristics)


# --- References ------------------------------------------------------------------------


def _check_reference(reference: Reference) -> None:
    if not reference.title:
        raise ValidationError({"title": "Enter the title of the study, review or report."})
    try:
        reference.doi = importing.clean_doi(reference.doi or "")
    except ValueError as exc:
        raise ValidationError({"doi": str(exc)}) from None
    if reference.doi:
        same = Reference.objects.filter(project=reference.project, doi__iexact=reference.doi).exclude(pk=reference.pk)
        if same.exists():
            raise ValidationError({"doi": f"'{same.first().title}' already has this DOI. Change that one instead."})
    reference.full_clean(exclude=["project", "created_by", "populations"])


def _set_ideas(reference: Reference, ngt_ideas) -> None:
    """The NGT ideas the reference supports: ideas of the project's sessions, not merged away."""
    if ngt_ideas is None:
        return
    ideas = list(ngt_ideas)
    if any(idea.session.project_id != reference.project_id or idea.merged_into_id is not None for idea in ideas):
        raise ValidationError({"ngt_ideas": "Choose ideas from this project's NGT sessions (not ones merged away)."})
    reference.ngt_ideas.set(ideas)


@transaction.atomic
def reference_create(*, by, project, populations=None, ngt_ideas=None, **fields) -> Reference:
    reference = Reference(project=project, created_by=by)
    _apply(reference, REFERENCE_FIELDS, fields)
    _check_reference(reference)
    reference.save()
    set_populations(reference, project, populations)
    _set_ideas(reference, ngt_ideas)
    return reference


@transaction.atomic
def reference_update(*, by, reference: Reference, populations=None, ngt_ideas=None, **fields) -> Reference:
    _apply(reference, REFERENCE_FIELDS, fields)
    _check_reference(reference)
    reference.save()
    set_populations(reference, reference.project, populations)
    _set_ideas(reference, ngt_ideas)
    return reference


@transaction.atomic
def reference_delete(*, by, reference: Reference) -> None:
    audit.record_deletion(by=by, instance=reference)
    reference.delete()


@dataclass(frozen=True)
class ImportReport:
    added: int
    already_there: int  # same DOI as a reference the project has


@transaction.atomic
def references_import(*, by, project, records: Iterable[tuple[int, dict]]) -> ImportReport:
    """Add the checked records of an import (research.evidence.importing): all or nothing.
    A record whose DOI the project already has is left out (counted in `already_there`)."""
    have = {
        doi.casefold()
        for doi in Reference.objects.filter(project=project).exclude(doi="").values_list("doi", flat=True)
    }
    added = already = 0
    for number, record in records:
        if record["doi"] and record["doi"].casefold() in have:
            already += 1
            continue
        try:
            reference_create(by=by, project=project, **record)
        except ValidationError as exc:
            raise ValidationError(f"Record {number}: {' '.join(exc.messages)}") from exc
        added += 1
    audit.record(
        action=audit.UPLOAD,
        user=by,
        project=project,
        object_kind="reference",
        detail=f"references import: {added} added, {already} already there",
    )
    return ImportReport(added=added, already_there=already)


# --- Existing initiatives ----------------------------------------------------------------


def _check_initiative(initiative: Initiative) -> None:
    if not initiative.name:
        raise ValidationError({"name": "Enter the name of the initiative."})
    if not initiative.owner:
        raise ValidationError({"owner": "Enter the organisation or team that runs it."})
    if initiative.start_date and initiative.end_date and initiative.end_date < initiative.start_date:
        raise ValidationError({"end_date": "The end date must be the same as or after the start date."})
    initiative.full_clean(exclude=["project", "created_by", "populations"])


@transaction.atomic
def initiative_create(*, by, project, populations=None, **fields) -> Initiative:
    initiative = Initiative(project=project, created_by=by)
    _apply(initiative, INITIATIVE_FIELDS, fields)
    _check_initiative(initiative)
    initiative.save()
    set_populations(initiative, project, populations)
    return initiative


@transaction.atomic
def initiative_update(*, by, initiative: Initiative, populations=None, **fields) -> Initiative:
    _apply(initiative, INITIATIVE_FIELDS, fields)
    _check_initiative(initiative)
    initiative.save()
    set_populations(initiative, initiative.project, populations)
    return initiative


@transaction.atomic
def initiative_delete(*, by, initiative: Initiative) -> None:
    audit.record_deletion(by=by, instance=initiative)
    initiative.delete()
