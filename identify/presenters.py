"""What Identify's pages show, worked out from stored results so templates
hold no logic and no page recomputes a breakdown."""

from dataclasses import dataclass, field

import pyarrow as pa
import pyarrow.compute as pc

from amhe.analysis import charts, disclosure
from amhe.analysis.breakdown import ANSWERED as ANSWERED_KINDS
from amhe.analysis.breakdown import (
    EXTRA_FIGURES,
    INTERSECTION_SEPARATOR,
    PUBLISH_METHOD,
    ROW_SCHEMA,
    publish_result,
)
from amhe.core import files
from amhe.core.access import Action, role_can
from amhe.core.models import Measure, Role
from identify import engine
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
        with files.local_copy(extract.table_path.name) as path:
            batch = engine.first_rows(path, extract.columns, SAMPLE_ROWS)
    except (OSError, pa.ArrowException):
        return {}
    if batch is None:
        return {}
    samples = {}
    for name, values in zip(batch.schema.names, batch.columns, strict=True):
        if pa.types.is_dictionary(values.type):  # a column whose values repeat is stored dictionary-encoded
            values = values.dictionary_decode()
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


@dataclass
class QualityTrend:
    """Completeness by upload: one column per characteristic, headed by its name."""

    columns: list[str]  # the characteristics' names, e.g. "Ethnic group"
    rows: list[dict]  # {"title", "date", "values": [completeness or None, one per column]}


def quality_trend(extract: Extract) -> QualityTrend:
    """Completeness of each characteristic across this project's uploads of the same kind, oldest first."""
    earlier = (
        Extract.objects.filter(project=extract.project, kind=extract.kind, state=Extract.State.READY)
        .select_related("quality")
        .order_by("created_at")
    )
    labels: dict[str, str] = {}  # field -> name, in the order first seen
    uploads = []
    for item in earlier:
        report = getattr(item, "quality", None)
        if report is None:
            continue
        fields = report.report.get("fields", {})
        for key, value in fields.items():
            labels.setdefault(key, value.get("label") or key)
        uploads.append((item, fields))
    rows = [
        {
            "title": item.title,
            "date": item.created_at,
            "values": [fields.get(key, {}).get("completeness") for key in labels],
        }
        for item, fields in uploads
    ]
    return QualityTrend(columns=list(labels.values()), rows=rows)


# --------------------------------------------------------------------------- breakdown dashboard
#
# The dashboard is an overview page that leads with what stands out (the largest
# differences whose intervals rule out chance) and one page per characteristic,
# so nobody scrolls past every breakdown to find one.

STANDOUT_LIMIT = 10  # differences listed on the overview; the rest are on each characteristic's page


def characteristic_slug(dimension: str) -> str:
    """The URL part for a breakdown: "ethnicity_high×sex" → "ethnicity-high-by-sex"."""
    return dimension.replace(INTERSECTION_SEPARATOR, "-by-").replace("_", "-").lower()


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


@dataclass
class Characteristic:
    """One breakdown, for moving between the dashboard's pages."""

    slug: str
    title: str
    dimension: str
    position: int


@dataclass
class Section:
    title: str
    dimension: str
    charts: list = field(default_factory=list)
    summary: dict = field(default_factory=dict)
    slug: str = ""
    slope: str = ""  # the slope index of inequality in words (deprivation deciles)


@dataclass
class Difference:
    """A group whose rate differs from its reference group's by more than chance."""

    characteristic: Characteristic
    group: str
    reference: str
    direction: str  # "higher" or "lower"
    ratio: str
    interval: str
    sentence: str
    at_least: float  # the smallest difference the interval allows, as a factor (for ranking)


@dataclass
class DashboardOverview:
    characteristics: list[Characteristic]
    differences: list[Difference]  # every reliable difference, largest first
    has_rates: bool
    comparable: bool  # False: once suppressed, no characteristic has two groups to compare
    confidence: str

    @property
    def lead(self) -> str:
        """The sentence for the largest difference."""
        return "The largest: " + _lower_first(self.differences[0].sentence) if self.differences else ""

    @property
    def top_differences(self) -> list[Difference]:
        return self.differences[:STANDOUT_LIMIT]

    @property
    def more_differences(self) -> int:
        return max(len(self.differences) - STANDOUT_LIMIT, 0)


def _breakdowns(extract: Extract):
    return Breakdown.objects.filter(extract=extract).order_by("position")


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


def _characteristic(item: Breakdown) -> Characteristic:
    return Characteristic(
        slug=characteristic_slug(item.dimension),
        title=item.published["label"],
        dimension=item.dimension,
        position=item.position,
    )


def characteristics(extract: Extract) -> list[Characteristic]:
    """The extract's breakdowns, for the dashboard's contents list (their labels only:
    no breakdown's figures are loaded)."""
    return [
        Characteristic(slug=characteristic_slug(dimension), title=label, dimension=dimension, position=position)
        for dimension, position, label in _breakdowns(extract).values_list("dimension", "position", "published__label")
    ]


def _comparable(rows: list[dict]) -> bool:
    """At least two real groups (not "not stated" and the like) shown with someone in them."""
    shown = [r for r in rows if not r.get("suppressed") and r.get("kind") in ANSWERED_KINDS and r.get("count")]
    return len(shown) >= 2


def dashboard_overview(extract: Extract, *, raw: bool) -> DashboardOverview:
    """What stands out across every breakdown. Whether groups can be compared at all is
    judged on the suppressed figures, as everyone but the uploader sees them."""
    conf = charts.confidence_label(float(extract.confidence))
    items = list(_breakdowns(extract) if raw else _breakdowns(extract).defer("result"))
    found: list[Difference] = []
    has_rates = False
    comparable = False
    for item in items:
        data = breakdown_data(item, raw=raw)
        characteristic = _characteristic(item)
        comparable = comparable or _comparable((data if not raw else breakdown_data(item, raw=False))["rows"])
        rows = data["rows"]
        has_rates = has_rates or any(r.get("rate") is not None for r in rows)
        reference = next((r for r in rows if r.get("reference")), None)
        if reference is None:
            continue
        reference_who = charts.group_phrase(reference)
        for row in rows:
            if row.get("reference") or row.get("suppressed") or row.get("rate_ratio") is None:
                continue
            direction = charts.ratio_verdict(row)
            if direction not in ("higher", "lower"):
                continue
            lower, upper = row["rate_ratio_lower"], row["rate_ratio_upper"]
            found.append(
                Difference(
                    characteristic=characteristic,
                    group=row["group"],
                    reference=data.get("reference") or reference["group"],
                    direction=direction,
                    ratio=charts.format_ratio(row["rate_ratio"]),
                    interval=f"{charts.format_ratio(lower)} to {charts.format_ratio(upper)}",
                    sentence=charts.ratio_difference_sentence(row, reference_who, conf),
                    at_least=lower if direction == "higher" else 1 / upper,
                )
            )
    found.sort(key=lambda d: d.at_least, reverse=True)
    return DashboardOverview(
        characteristics=[_characteristic(item) for item in items],
        differences=found,
        has_rates=has_rates,
        comparable=comparable,
        confidence=conf,
    )


def dashboard_section(extract: Extract, slug: str, *, raw: bool) -> Section | None:
    """The charts of one characteristic's breakdown, or None if the extract has none by that name."""
    dimension = next((c.dimension for c in characteristics(extract) if c.slug == slug), None)
    if dimension is None:
        return None
    items = _breakdowns(extract).filter(dimension=dimension)
    item = (items if raw else items.defer("result")).get()
    return _section(item, float(extract.confidence), raw=raw)


def _section(item: Breakdown, confidence: float, *, raw: bool) -> Section:
    """Chart titles name the breakdown by its own label ("ethnic group (high level)"), so no
    two charts of an extract share a title, and no two table regions share a name."""
    data = breakdown_data(item, raw=raw)
    rows = data["rows"]
    dims = data["dimensions"]
    by = _lower_first(data["label"])
    section = Section(
        title=data["label"],
        dimension=data["dimension"],
        summary=data.get("summary") or {},
        slug=characteristic_slug(item.dimension),
        slope=charts.slope_sentence(data.get("summary") or {}, confidence),
    )
    if len(dims) == 1:
        has_rates = any(row.get("rate") is not None for row in rows)
        if has_rates:
            section.charts.append(charts.rates_chart(rows, confidence, title=f"Rate per 100,000 people by {by}"))
            if data.get("reference"):
                section.charts.append(
                    charts.rate_ratio_forest(
                        rows,
                        data["reference"],
                        confidence,
                        title=f"Rate ratios by {by}, compared with {data['reference']}",
                    )
                )
            section.charts.append(
                charts.share_vs_population(rows, title=f"Share of records and of the population by {by}")
            )
        else:
            section.charts.append(charts.shares_chart(rows, confidence, title=f"Share of records by {by}"))
        if any(row.get("outcome") is not None for row in rows):
            section.charts.append(charts.outcome_chart(rows, confidence, title=f"Proportion with the outcome by {by}"))
        if any(row.get("score_mean") is not None for row in rows):
            section.charts.append(charts.score_chart(rows, confidence, title=f"Mean score by {by}"))
    elif len(dims) == 2:
        value = "rate" if any(row.get("rate") is not None for row in rows) else "count"
        words = "Rate per 100,000" if value == "rate" else "People"
        section.charts.append(charts.intersection_heatmap(rows, dims[0], dims[1], value=value, title=f"{words}: {by}"))
    if not raw:  # say under each published table how its figures were worked out (ADR 0008)
        section.charts = [disclosure.with_note(chart, item.suppression_rule) for chart in section.charts]
    return section


EXPORT_COLUMNS = [*ROW_SCHEMA[:-1], *EXTRA_FIGURES, "suppressed"]


def export_rows(extract: Extract, *, raw: bool) -> tuple[list[str], list[list]]:
    return export_table([breakdown_data(item, raw=raw) for item in _breakdowns(extract)])


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
