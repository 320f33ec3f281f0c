"""Background jobs for Identify 1A. Each is idempotent: it checks the
extract's state before doing anything and replaces its outputs in one
transaction, so running it again (after a worker died) does no harm."""

from contextlib import contextmanager

import pandas as pd
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from amhe.analysis.breakdown import BreakdownError, breakdown, publish_result
from amhe.analysis.dimensions import EXTRACT, dimensions_for
from amhe.core import files
from amhe.core.jobs import JobError, job_kind
from amhe.core.selectors import suppression_rule_for
from identify import engine, reference_data, services, signals
from identify.models import Breakdown, Extract, QualityReport

# What the job breaks every extract down by, where the columns exist: every
# characteristic of service data, in the registry's order.
ONE_WAY = list(dimensions_for(EXTRACT))
INTERSECTIONS = [
    ("ethnicity_high", "sex"),
    ("ethnicity_high", "age_band"),
    ("sex", "age_band"),
    ("ethnicity_high", "imd_quintile"),
]


def _fail(extract: Extract, message: str) -> None:
    Extract.objects.filter(pk=extract.pk).update(state=Extract.State.FAILED, error=message)
    raise JobError(message)


PURGED_WHILE_READING = (
    "This upload waited to be read for longer than your organisation keeps record-level data, so it was "
    "destroyed. Upload it again."
)
STOPPED_READING = (
    "Reading this file stopped part-way. We have not tried again, in case something in the file stopped it, and we "
    "have deleted it. Check that it is an ordinary CSV file or Excel workbook of your data, then upload it again; if "
    "this happens again, save it from Excel as 'CSV UTF-8 (Comma delimited)' and upload that."
)

UNEXPECTED = (
    "Something went wrong while working on this data. Nothing else has changed. Try again; if it happens again, "
    "contact your administrator."
)


@contextmanager
def _extract_fails_with_the_job(extract_id):
    """An unexpected error fails the extract too, so its page does not wait for ever."""
    try:
        yield
    except JobError:
        raise
    except Exception:
        Extract.objects.filter(pk=extract_id).update(state=Extract.State.FAILED, error=UNEXPECTED)
        raise


@job_kind("identify.read_extract", title="Reading your upload")
def read_extract(job, report):
    with _extract_fails_with_the_job(job.params["extract_id"]):
        return _read_extract(job, report)


def _read_extract(job, report):
    extract = Extract.objects.select_related("project__organisation").filter(pk=job.params["extract_id"]).first()
    if extract is None:
        return {"already": "deleted"}
    if extract.state != Extract.State.READING:
        return {"already": extract.state}
    upload = extract.upload_path.name
    if job.attempts > 1:
        # An earlier attempt stopped while reading this file (its worker died, perhaps
        # because of the file): a file is never read twice. Refused files fail at once.
        files.delete([upload])
        _fail(extract, STOPPED_READING)
    if not files.exists(upload):
        _fail(extract, "The uploaded file is no longer there. Upload it again.")
    report(5, "Reading the file")
    max_bytes = settings.AMHE_UPLOAD_MAX_BYTES
    try:
        # From object storage the file is streamed to a temporary local file (at most
        # one byte past the limit, so the reader still refuses an over-sized file),
        # deleted when the block ends.
        with files.local_copy(upload, max_bytes=max_bytes) as path:
            result = engine.read_extract(
                path,
                filename=extract.original_filename,
                max_bytes=max_bytes,
                pseudonym_key=settings.AMHE_PSEUDONYM_KEY,
            )
    except engine.ExtractError as exc:
        files.delete([upload])
        _fail(extract, str(exc))
    report(60, "Keeping the columns that do not identify people")
    columns = [str(c) for c in result.table.columns]
    saved = services.saved_mapping_for(organisation=extract.project.organisation, kind=extract.kind, columns=columns)
    suggested = saved or engine.detect_mapping(columns)
    # Record IDs (columns named like one) are stored as pseudonyms too; a column mapped as
    # one later is pseudonymised when the data is processed (_pseudonymise_record_id).
    pseudonymised = list(result.pseudonymised)
    record_ids = engine.record_id_columns(columns, already=pseudonymised)
    engine.pseudonymise_columns(result.table, record_ids, settings.AMHE_PSEUDONYM_KEY)
    pseudonymised += record_ids
    with files.scratch_file(suffix=engine.TABLE_SUFFIX) as scratch:
        engine.save_table(result.table, scratch)  # with the index: the spreadsheet row numbers
        table = files.save_local(scratch, services.storage_name("tables", f"{extract.pk}{engine.TABLE_SUFFIX}"))
    with transaction.atomic():
        # Not if it was deleted, or purged (amhe.core.retention), while it was being read.
        still_there = Extract.objects.filter(pk=extract.pk, state=Extract.State.READING, upload_path=upload).update(
            state=Extract.State.MAPPING,
            table_path=table,
            upload_path="",
            encoding=result.encoding or "",
            delimiter=result.delimiter or "",
            row_count=len(result.table),
            columns=columns,
            dropped_identifiers=list(result.dropped_identifiers),
            pseudonymised_columns=pseudonymised,
            suggested_mapping={column: field for column, field in suggested.items() if field},
        )
    files.delete([upload])  # the original, identifiers and all, is not kept
    if not still_there:  # deleted or purged while it was being read
        files.delete([table])
        if Extract.objects.filter(pk=extract.pk, state=Extract.State.READING).exists():
            _fail(extract, PURGED_WHILE_READING)
        return {"already": "deleted"}
    report(99, "Read")
    return {"rows": len(result.table), "columns": len(columns), "mapping_from_saved": bool(saved)}


@job_kind("identify.process_extract", title="Checking quality and breaking down")
def process_extract(job, report):
    with _extract_fails_with_the_job(job.params["extract_id"]):
        return _process_extract(job, report)


def _process_extract(job, report):
    extracts = Extract.objects.select_related("project__organisation", "population")
    extract = extracts.filter(pk=job.params["extract_id"]).first()
    if extract is None:
        return {"already": "deleted"}
    if extract.state != Extract.State.PROCESSING:
        return {"already": extract.state}
    report(5, "Loading the data")
    raw = _read_table(extract)
    try:
        mapping = engine.Mapping.from_dict(extract.mapping, columns=list(raw.columns))
    except engine.ExtractError as exc:
        _fail(extract, str(exc))
    raw = _pseudonymise_record_id(extract, raw)
    report(15, "Matching values to the standard code lists")
    normalised = engine.normalise(raw, mapping, lsoa_lookup=reference_data.imd_deciles())
    report(40, "Checking data quality")
    quality = engine.quality_report(normalised)

    results = []
    if extract.kind != Extract.Kind.POPULATION:
        population = _population_table(extract)
        table = normalised.table
        count_column = "count" if "count" in table.columns else None
        plans = [[d] for d in ONE_WAY] + [list(pair) for pair in INTERSECTIONS]
        plans = [p for p in plans if all(_has(table, d) for d in p)]
        key_cache = {}  # each characteristic's group keys, worked out once for all breakdowns
        for i, dims in enumerate(plans, start=1):
            report(40 + round(55 * i / max(len(plans), 1)), f"Breaking down by {' and '.join(dims)}")
            try:
                results.append(
                    breakdown(
                        table,
                        dims,
                        count_column=count_column,
                        population=population,
                        confidence=float(extract.confidence),
                        key_cache=key_cache,
                    )
                )
            except BreakdownError as exc:
                _fail(extract, str(exc))

    rule = suppression_rule_for(extract.project).key
    with transaction.atomic():
        if not Extract.objects.select_for_update().filter(pk=extract.pk, state=Extract.State.PROCESSING).exists():
            return {"already": "deleted or changed"}
        QualityReport.objects.update_or_create(extract=extract, defaults={"report": quality})
        Breakdown.objects.filter(extract=extract).delete()
        Breakdown.objects.bulk_create(
            Breakdown(
                extract=extract,
                dimension=result.dimension,
                position=position,
                result=result.as_dict(),
                published=publish_result(result, rule),
                suppression_rule=rule,
                confidence=extract.confidence,
            )
            for position, result in enumerate(results)
        )
        Extract.objects.filter(pk=extract.pk).update(state=Extract.State.READY, error="", processed_at=timezone.now())
        extract_id = str(extract.pk)
        # Later steps (e.g. Deliver's measures) hear about it once the results are committed.
        transaction.on_commit(lambda: signals.upload_processed.send(sender=Extract, extract_id=extract_id))
    return {"breakdowns": len(results), "rows": quality.get("rows", len(raw))}


def _pseudonymise_record_id(extract: Extract, raw: pd.DataFrame) -> pd.DataFrame:
    """A column mapped as the record ID that was not recognised as one when the file was
    read is pseudonymised now, and the stored table replaced, so from here on only its
    pseudonyms are kept. Unless the retention purge destroyed the table since this job read
    it: then nothing is stored again (the job carries on with the table it holds)."""
    column = next((c for c, f in extract.mapping.items() if f == engine.RECORD_ID), None)
    if column is None or column in extract.pseudonymised_columns or column not in raw.columns:
        return raw
    raw = engine.pseudonymise_columns(raw, [column], settings.AMHE_PSEUDONYM_KEY)
    before = extract.table_path.name
    with files.scratch_file(suffix=engine.TABLE_SUFFIX) as scratch:
        engine.save_table(raw, scratch)
        table = files.save_local(scratch, services.storage_name("tables", f"{extract.pk}{engine.TABLE_SUFFIX}"))
    done = [*extract.pseudonymised_columns, column]
    replaced = Extract.objects.filter(pk=extract.pk, table_path=extract.table_path.name).update(
        table_path=table, pseudonymised_columns=done
    )
    if not replaced:  # purged meanwhile (amhe.core.retention): not kept again
        files.delete([table])
        return raw
    extract.pseudonymised_columns = done
    if before and before != table:  # a table stored before as Parquet: its IDs are not kept
        files.delete([before])
    return raw


def _read_table(extract: Extract) -> pd.DataFrame:
    """The extract's stored table (a temporary local copy of it on object storage)."""
    with files.local_copy(extract.table_path.name) as path:
        return engine.load_table(path)


def _has(table: pd.DataFrame, dim: str) -> bool:
    return dimensions_for(EXTRACT)[dim].column in table.columns


def _population_table(extract: Extract) -> pd.DataFrame | None:
    population = extract.population
    if population is None or population.state != Extract.State.READY:
        return None
    raw = _read_table(population)
    mapping = engine.Mapping.from_dict(population.mapping, columns=list(raw.columns))
    return engine.normalise(raw, mapping, lsoa_lookup=reference_data.imd_deciles()).table
