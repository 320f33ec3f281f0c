"""What Identify's pages show, worked out from stored results so templates
hold no logic and no page recomputes a breakdown."""

from dataclasses import dataclass, field

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from amhe.core.access import Action, role_can
from amhe.core.models import Measure, Role
from identify import charts, disclosure, engine
from identify.engine.breakdown import EXTRA_FIGURES, PUBLISH_METHOD, ROW_SCHEMA, publish_result
from identify.models import Breakdown, Extract

CONFIDENCE_LABELS = {"0.950": "95%", "0.998": "99.8%"}


def field_choices(kind: str) -> list[tuple[str, str]]:
    """(field, label) choices for the column mapping form."""
    return engine.field_choices(kind)


SAMPLE_ROWS = 1000
SAMPLES_PER_COLUMN = 3
SAMPLE_CHARS = 40


def column_samples(extract: Extract) -> dict[str, list[str]]:
    """A few of each column's values, for the mapping page (shown only to those who may map the columns).

    The most common non-blank values among the first rows of the stored table (read
    alone, not the whole table), each cut to a short length.
    """
    if not extract.table_path:
        return {}
    try:
        parquet = pq.ParquetFile(extract.table_path)
        stored = set(parquet.schema_arrow.names)
        columns = [c for c in extract.columns if c in stored]
        batch = next(parquet.iter_batches(batch_size=SAMPLE_ROWS, columns=columns), None)
    except (OSError, pa.ArrowException):
        return {}
    if batch is None:
        return {}
    samples = {}
    for name, values in zip(batch.schema.names, batch.columns, strict=True):
        counts = pc.value_counts(pc.utf8_trim_whitespace(values)).to_pylist()
        counts = sorted((c for c in counts if c["values"]), key=lambda c: (-c["counts"], c["values"]))
        samples[name] = [_shorten(c["values"]) for c in counts[:SAMPLES_PER_COLUMN]]
    return samples


def _shorten(value: str) -> str:
    return value if len(value) <= SAMPLE_CHARS else value[: SAMPLE_CHARS - 1] + "…"


def may_delete(extract: Extract, user, membership) -> bool:
    """The analyst who uploaded it (while they may still upload) or a project lead."""
    if membership.role == Role.LEAD:
        return True
    return extract.uploaded_by_id == user.pk and role_can(membership.role, Action.UPLOAD_DATA)


#: The key a measure's ``definition`` uses to name the 1A upload its figures come from.
MEASURE_EXTRACT_KEY = "extract_id"


def measures_built_on(extract: Extract):
    """Measures of the project whose figures come from this upload."""
    built_on = {f"definition__{MEASURE_EXTRACT_KEY}": str(extract.pk)}
    return Measure.objects.filter(project_id=extract.project_id, **built_on)


@dataclass
class DeletionView:
    """What goes when an upload is deleted, and what it leaves behind."""

    goes: list[str]
    measures: list[dict]
    used_by: list[str]


def deletion_view(extract: Extract) -> DeletionView:
    goes = ["the upload's record and its column choices"]
    if extract.table_path:
        rows = f"{extract.row_count:,} rows" if extract.row_count is not None else "its rows"
        goes.append(f"the stored data read from the file ({rows}; the original file was not kept)")
    if extract.upload_path:
        goes.append("the uploaded file, which is still waiting to be read")
    if getattr(extract, "quality", None) is not None:
        goes.append("its data quality report")
    breakdowns = extract.breakdowns.count()
    if breakdowns:
        goes.append(
            f"its {breakdowns} breakdown{'s' if breakdowns != 1 else ''}, so its dashboard and the breakdowns CSV "
            "are no longer available"
        )
    measures = [
        {
            "name": measure.name,
            "values": measure.values.count(),
            "goals": [goal.statement for goal in measure.goals.all()],
        }
        for measure in measures_built_on(extract).prefetch_related("goals")
    ]
    used_by = [item.title for item in extract.used_by.all()]
    return DeletionView(goes=goes, measures=measures, used_by=used_by)


def may_see_raw(extract: Extract, user, membership) -> bool:
    """Unsuppressed figures: only the analyst who uploaded the data."""
    return extract.uploaded_by_id == user.pk and role_can(membership.role, Action.SEE_UNSUPPRESSED)


@dataclass
class ExtractView:
    facts: list[tuple[str, str]]
    dropped_identifiers: list[str]
    job_running: bool
    job_heading: str
    has_breakdowns: bool
    mapping_from_saved: bool


def extract_view(extract: Extract, *, user) -> ExtractView:
    facts = [
        ("Kind", extract.get_kind_display()),
        ("File", f"{extract.original_filename} ({extract.size_bytes / 1024:,.0f} KB)"),
        ("Uploaded", f"{extract.created_at:%-d %B %Y, %H:%M} by {extract.uploaded_by.full_name}"),
        ("Status", extract.get_state_display()),
    ]
    if extract.row_count is not None:
        facts.append(("Rows", f"{extract.row_count:,}"))
    if extract.population_id:
        facts.append(("Population denominators", extract.population.title))
    job = extract.job
    running = bool(job) and not job.is_finished
    headings = {
        Extract.State.READING: "Reading the file",
        Extract.State.PROCESSING: "Checking quality and breaking down",
    }
    saved = bool(extract.suggested_mapping) and not extract.mapping and job and job.result.get("mapping_from_saved")
    return ExtractView(
        facts=facts,
        dropped_identifiers=list(extract.dropped_identifiers or []),
        job_running=running or extract.state in headings,
        job_heading=headings.get(extract.state, "Progress"),
        has_breakdowns=extract.breakdowns.exists(),
        mapping_from_saved=bool(saved),
    )


def quality_view(report: dict, *, show_values: bool) -> dict:
    """The quality report for the page: with the invalid values themselves only
    for the analyst who uploaded the file (`show_values`, see may_see_raw);
    everyone else gets counts and row numbers (engine.without_values)."""
    if not show_values:
        report = engine.without_values(report)
    return {"report": report, "show_values": show_values, "chart": charts.quality_completeness(report)}


def quality_trend(extract: Extract) -> list[dict]:
    """Completeness of each characteristic across this project's uploads of the same kind, oldest first."""
    earlier = (
        Extract.objects.filter(project=extract.project, kind=extract.kind, state=Extract.State.READY)
        .select_related("quality")
        .order_by("created_at")
    )
    trend = []
    for item in earlier:
        report = getattr(item, "quality", None)
        if report is None:
            continue
        fields = report.report.get("fields", {})
        trend.append(
            {
                "title": item.title,
                "date": item.created_at,
                "fields": {key: value.get("completeness") for key, value in fields.items()},
            }
        )
    return trend


@dataclass
class Section:
    title: str
    dimension: str
    charts: list = field(default_factory=list)
    summary: dict = field(default_factory=dict)


def breakdown_data(item: Breakdown, *, raw: bool) -> dict:
    """A stored breakdown as a page or export may show it: the true figures for
    the uploading analyst's raw view, otherwise the published ones. A result
    published before the current method (ADR 0008) is published again from
    its stored counts, so no older, more revealing figure is ever shown."""
    if raw:
        return item.result
    if item.published.get("method") == PUBLISH_METHOD:
        return item.published
    return publish_result(item.result, item.suppression_rule, confidence=float(item.confidence))


def dashboard_sections(extract: Extract, *, raw: bool) -> list[Section]:
    confidence = float(extract.confidence)
    sections = []
    for item in Breakdown.objects.filter(extract=extract).order_by("position"):
        data = breakdown_data(item, raw=raw)
        rows = data["rows"]
        dims = data["dimensions"]
        section = Section(title=data["label"], dimension=data["dimension"], summary=data.get("summary") or {})
        if len(dims) == 1:
            has_rates = any(row.get("rate") is not None for row in rows)
            if has_rates:
                section.charts.append(charts.rates_chart(rows, confidence))
                if data.get("reference"):
                    section.charts.append(charts.rate_ratio_forest(rows, data["reference"], confidence))
                section.charts.append(charts.share_vs_population(rows))
            else:
                section.charts.append(charts.shares_chart(rows, confidence))
            if any(row.get("outcome") is not None for row in rows):
                section.charts.append(charts.outcome_chart(rows, confidence))
            if any(row.get("score_mean") is not None for row in rows):
                section.charts.append(charts.score_chart(rows, confidence))
        elif len(dims) == 2:
            value = "rate" if any(row.get("rate") is not None for row in rows) else "count"
            section.charts.append(charts.intersection_heatmap(rows, dims[0], dims[1], value=value))
        if not raw:  # say under each published table how its figures were worked out (ADR 0008)
            section.charts = [disclosure.with_note(chart, item.suppression_rule) for chart in section.charts]
        sections.append(section)
    return sections


EXPORT_COLUMNS = [*ROW_SCHEMA[:-1], *EXTRA_FIGURES, "suppressed"]


def export_rows(extract: Extract, *, raw: bool) -> tuple[list[str], list[list]]:
    return export_table(
        [breakdown_data(item, raw=raw) for item in Breakdown.objects.filter(extract=extract).order_by("position")]
    )


def export_table(breakdowns: list[dict]) -> tuple[list[str], list[list]]:
    """The CSV/XLSX export's header and rows from stored breakdowns."""
    rows = []
    for data in breakdowns:
        for row in data["rows"]:
            rows.append([_export_value(row, column) for column in EXPORT_COLUMNS])
    return EXPORT_COLUMNS, rows


def _export_value(row: dict, column: str):
    if column == "count" and row.get("suppressed"):
        return "*"
    value = row.get(column)
    return "" if value is None else value
