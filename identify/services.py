"""Writes for Identify 1A: uploads, column mappings and processing.

Each write is atomic and enqueues its background job on commit.
"""

import hashlib
import uuid
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction

from amhe.core import audit, files
from amhe.core import services as core_services
from identify import engine
from identify.models import Extract, SavedMapping


def storage_name(kind: str, filename: str) -> str:
    """The name in the storage (amhe.core.files) of an upload waiting to be read
    (``kind="uploads"``) or of an extract's table (``kind="tables"``)."""
    return f"identify/{kind}/{filename}"


def columns_key(columns: list[str]) -> str:
    normalised = "\n".join(sorted(str(column).strip().lower() for column in columns))
    return hashlib.sha256(normalised.encode()).hexdigest()


@transaction.atomic
def extract_upload(*, by, project, uploaded_file, title: str, kind: str) -> Extract:
    """Store the upload where the reading job will find it, and queue that job.

    The original file is deleted by the job once it has been read, so direct
    identifiers in it are never kept.
    """
    if kind not in Extract.Kind.values:
        raise ValidationError({"kind": "Choose what kind of data this is"})
    extract_id = uuid.uuid4()
    suffix = Path(uploaded_file.name).suffix.lower()[:8]
    upload_name = files.save_file(uploaded_file, storage_name("uploads", f"{extract_id}{suffix}"))
    size = uploaded_file.size
    try:
        return _record_upload(by, project, uploaded_file, title, kind, extract_id, upload_name, size)
    except BaseException:
        files.delete([upload_name])  # nothing half-saved stays behind
        raise


def _record_upload(by, project, uploaded_file, title, kind, extract_id, upload_name, size) -> Extract:
    extract = Extract.objects.create(
        id=extract_id,
        project=project,
        uploaded_by=by,
        title=title or Path(uploaded_file.name).stem,
        kind=kind,
        original_filename=Path(uploaded_file.name).name[:255],
        size_bytes=size,
        upload_path=upload_name,
        state=Extract.State.READING,
    )
    extract.job = core_services.job_enqueue(
        by=by, project=project, kind="identify.read_extract", params={"extract_id": str(extract.pk)}
    )
    extract.save(update_fields=["job"])
    audit.record(
        action=audit.UPLOAD,
        user=by,
        project=project,
        object_kind="extract",
        object_id=extract.pk,
        detail=f"{kind}, {size} bytes",
    )
    return extract


@transaction.atomic
def extract_confirm_mapping(
    *, by, extract: Extract, mapping: dict, population: Extract | None, reference_groups: dict, confidence
) -> Extract:
    """Record the analyst's column mapping (and save it for the organisation's
    next upload with the same columns), then queue processing."""
    extract = Extract.objects.select_for_update().get(pk=extract.pk)
    if extract.state not in (Extract.State.MAPPING, Extract.State.READY, Extract.State.FAILED):
        raise ValidationError("This upload is still being read or processed. Wait for it to finish.")
    if not extract.table_path:
        raise ValidationError("This upload could not be read. Upload the file again.")
    try:
        engine.Mapping.from_dict(mapping, columns=extract.columns)
    except engine.MappingError as exc:
        raise ValidationError([error["message"] for error in exc.errors]) from None
    if population is not None and (population.project_id != extract.project_id or population.state != "ready"):
        raise ValidationError({"population": "Choose a population file from this project that is ready"})
    extract.mapping = mapping
    extract.population = population
    extract.reference_groups = reference_groups
    extract.confidence = confidence
    extract.state = Extract.State.PROCESSING
    extract.error = ""
    SavedMapping.objects.update_or_create(
        organisation=extract.project.organisation,
        kind=extract.kind,
        columns_key=columns_key(extract.columns),
        defaults={"columns": extract.columns, "mapping": mapping},
    )
    extract.job = core_services.job_enqueue(
        by=by, project=extract.project, kind="identify.process_extract", params={"extract_id": str(extract.pk)}
    )
    extract.save()
    return extract


def saved_mapping_for(*, organisation, kind: str, columns: list[str]) -> dict | None:
    saved = SavedMapping.objects.filter(organisation=organisation, kind=kind, columns_key=columns_key(columns)).first()
    return saved.mapping if saved else None


@transaction.atomic
def extract_delete(*, by, extract: Extract) -> None:
    """Delete an upload with everything stored from it: its quality report, its
    breakdowns (and so its dashboard and exports) and its files, which are removed
    once the deletion is committed. Uploads that used it for their population
    keep their results but no longer point at it; measures built on it
    (identify.presenters.measures_built_on) are kept with the figures they have.
    A job still working on it finds it gone and stops."""
    extract = Extract.objects.select_for_update().get(pk=extract.pk)
    audit.record_deletion(by=by, instance=extract)
    names = [extract.upload_path.name, extract.table_path.name]
    extract.delete()
    files.delete_on_commit(names)
