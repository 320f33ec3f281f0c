"""What a progress report says, collected from what each step publishes.

`collect(project)` reads every step's published records (never raw counts: 1A's
breakdowns are the suppressed `published` figures, survey response counts go through
the organisation's suppression rule, measures' values are those the pages show) and
returns a plain `Document` of sections with headings, paragraphs, tables and figures
(charts: drawn by reports.figures from the same chart a page shows, with its caption,
sentence, text alternative and data table). The renderers (reports.render) turn it
into PDF, Word, Excel or CSV. A step that has nothing yet says so in one line.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone

from amhe.core import cycle
from amhe.core.models import MeasureValue, SmartGoal
from amhe.core.presenters import cycle_view, goal_view
from amhe.core.selectors import suppression_rule_for
from amhe.stats import display_count
from amhe.surveys.models import SurveyResponse
from amhe.surveys.results import rule_sentence
from amhe.surveys.selectors import surveys_of_step
from deliver.decisions import selectors as decision_selectors
from deliver.eia import presenters as eia_presenters
from deliver.eia import selectors as eia_selectors
from deliver.models.tracking import Rag
from deliver.risks import scoring
from deliver.risks import selectors as risk_selectors
from deliver.strategy import selectors as strategy_selectors
from deliver.tracking import selectors as tracking_selectors
from evaluate.benchmarking import presenters as benchmark_presenters
from evaluate.benchmarking import selectors as benchmark_selectors
from evaluate.benchmarking.views import benchmark_rows
from evaluate.feedback import selectors as feedback_selectors
from evaluate.frameworks import presenters as framework_presenters
from evaluate.frameworks import selectors as framework_selectors
from evaluate.measures import presenters as measure_presenters
from evaluate.measures import selectors as measure_selectors
from evaluate.measures.views import measure_rows
from evaluate.review import selectors as review_selectors
from identify.models import Extract
from identify.presenters import characteristics, dashboard_section, export_rows
from reports import figures
from research.priorities import selectors as priority_selectors

# How many of the latest ready uploads 1A shows (each a table of its published breakdowns).
LATEST_UPLOADS = 3
MARKING_SENSITIVE = "OFFICIAL-SENSITIVE"
MARKING_OFFICIAL = "OFFICIAL"

Cell = str | int | float | None


@dataclass
class Table:
    caption: str
    header: list[str]
    rows: list[list[Cell]]

    @property
    def sheet_name(self) -> str:
        """A worksheet or file name from the caption (Excel: at most 31 characters, no []:*?/\\)."""
        name = "".join(c for c in self.caption if unicodedata.category(c) not in ("Cc", "Cf"))
        name = re.sub(r"[\[\]:*?/\\']", "", name).strip() or "Table"
        return name[:31]


NUMBER = re.compile(r"-?\d{1,3}(,\d{3})*(\.\d+)?|-?\d+(\.\d+)?")


def _cell(text: str) -> Cell:
    """A chart table's formatted cell ("1,235", "12.5") as a number, so Excel holds a number;
    anything else ("12.5%", "*", "10.1 to 14.2") as it is."""
    if isinstance(text, str) and NUMBER.fullmatch(text):
        number = float(text.replace(",", ""))
        return int(number) if "." not in text else number
    return text


@dataclass
class Figure:
    """A chart in the report: its caption, sentence, text alternative, data table and
    picture (None when reports.figures does not draw that kind: the table and sentence
    stand alone)."""

    caption: str
    summary: str
    alt: str
    table: Table
    picture: figures.Drawing | None
    notes: list[str] = field(default_factory=list)

    @property
    def svg(self) -> str:
        return figures.to_svg(self.picture, self.alt) if self.picture else ""

    def png(self) -> bytes | None:
        return figures.to_png(self.picture) if self.picture else None


def figure_of(chart) -> Figure:
    """A report figure from a page's chart (amhe.analysis.charts.Chart): the same
    published figures, sentence and table."""
    table = chart.table
    return Figure(
        caption=chart.title,
        summary=chart.summary,
        alt=f"{chart.kind}: {chart.title}. {chart.summary}",
        table=Table(table["caption"], list(table["columns"]), [[_cell(c) for c in row] for row in table["rows"]]),
        picture=figures.drawing(chart.figure),
        notes=list(chart.footnotes),
    )


@dataclass
class Section:
    heading: str
    paragraphs: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    subsections: list[Section] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)

    def all_tables(self) -> list[Table]:
        return [
            *self.tables,
            *(f.table for f in self.figures),
            *(t for sub in self.subsections for t in sub.all_tables()),
        ]

    def all_text(self) -> list[str]:
        text = [self.heading, *self.paragraphs]
        for figure in self.figures:
            text += [figure.caption, figure.summary, *figure.notes]
        for table in [*self.tables, *(f.table for f in self.figures)]:
            text += [table.caption, *table.header, *(str(c) for row in table.rows for c in row if c is not None)]
        for sub in self.subsections:
            text += sub.all_text()
        return text


@dataclass
class Document:
    title: str
    project: str
    area: str
    cycle: int
    data_period: str
    suppression: str
    marking: str
    made_at: datetime
    made_by: str
    sections: list[Section]

    @property
    def cover_lines(self) -> list[tuple[str, str]]:
        return [
            ("Project", self.project),
            ("Area", self.area),
            ("Cycle", str(self.cycle)),
            ("Data period", self.data_period),
            ("Small-number suppression", self.suppression),
            ("Marking", self.marking),
            ("Made", f"{timezone.localtime(self.made_at):%-d %B %Y %H:%M} by {self.made_by}"),
        ]

    def tables(self) -> list[Table]:
        return [t for s in self.sections for t in s.all_tables()]

    def all_text(self) -> list[str]:
        text = [self.title, *(f"{k}: {v}" for k, v in self.cover_lines)]
        for section in self.sections:
            text += section.all_text()
        return text


def nothing_yet(step_title: str, what: str) -> str:
    return f"{step_title}: nothing yet ({what})."


def table_or_nothing(
    heading: str, items, *, nothing: tuple[str, str], caption: str, header: list[str], rows
) -> Section:
    """A section with a table of `items` (its rows from ``rows(items)``), or, with no
    items, the one line saying so (``nothing_yet(*nothing)``)."""
    section = Section(heading)
    if not items:
        section.paragraphs.append(nothing_yet(*nothing))
    else:
        section.tables.append(Table(caption, header, rows(items)))
    return section


def _date(value) -> str:
    return f"{value:%-d %B %Y}" if value else ""


# --- the cover ---------------------------------------------------------------------


def data_period(project) -> str:
    values = MeasureValue.objects.filter(measure__project=project)
    first = values.order_by("period_start").values_list("period_start", flat=True).first()
    last = values.order_by("-period_end").values_list("period_end", flat=True).first()
    if first and last:
        return f"{_date(first)} to {_date(last)} (the measures' values)"
    uploads = Extract.objects.filter(project=project, state=Extract.State.READY)
    first_upload = uploads.order_by("created_at").values_list("created_at", flat=True).first()
    if first_upload:
        last_upload = uploads.order_by("-created_at").values_list("created_at", flat=True).first()
        return f"Uploads from {_date(first_upload)} to {_date(last_upload)}"
    return "No data uploaded yet"


def marking(project) -> str:
    """OFFICIAL-SENSITIVE when the project holds record-level data (an upload of one
    row per person or event); OFFICIAL otherwise. Figures in the report are the
    published, suppressed ones either way."""
    record_level = Extract.objects.filter(project=project, shape=Extract.Shape.RECORD).exists()
    return MARKING_SENSITIVE if record_level else MARKING_OFFICIAL


# --- the sections --------------------------------------------------------------------


def summary_section(project, rule, mark: str) -> Section:
    current = dict(project.Step.choices)[project.current_step]
    paragraphs = [
        f"{project.name} is in cycle {project.cycle_number} of the Advancing Mental Health Equality cycle "
        f"for {project.area}. It is at step {current}.",
    ]
    if project.description:
        paragraphs.append(project.description)
    paragraphs.append(
        f"Suppression rule: {rule.name}. {rule_sentence(rule)} Every figure in this report is a published "
        "figure, with this rule applied, whoever made the report."
    )
    paragraphs.append(f"Marking: {mark}.")
    return Section("Summary", paragraphs)


def cycle_section(project) -> Section:
    steps = cycle_view(project, can_edit=False)
    rows = [
        [f"{step.number}. {step.title}", sub.code, sub.title, sub.state_label, sub.note]
        for step in steps
        for sub in step.substeps
    ]
    done = sum(step.done_count for step in steps)
    return Section(
        "Where the cycle stands",
        [f"{done} of {len(rows)} sub-steps are complete."],
        [Table("Sub-steps of the cycle", ["Step", "Sub-step", "Title", "State", "Note"], rows)],
    )


def goals_section(project) -> Section:
    goals = list(SmartGoal.objects.filter(project=project).select_related("measure", "owner"))
    if not goals:
        return Section("SMART goals", [nothing_yet("SMART goals", "no goal has been written")])
    rows_by_measure = {row.measure.pk: row for row in measure_rows(project)}
    rows = []
    for goal in goals:
        view = goal_view(goal)
        row = rows_by_measure.get(goal.measure_id)
        rows.append(
            [
                view.statement,
                view.measure,
                view.baseline,
                row.latest_text if row and row.latest else "No value yet",
                view.target,
                view.status_label,
                row.variation.label if row and row.variation else (row.note if row else "No measure linked"),
                row.assurance.label if row and row.assurance else "",
            ]
        )
    header = ["Goal", "Measure", "Baseline", "Latest value", "Target", "Status", "Variation", "Assurance"]
    return Section("SMART goals", [f"{len(goals)} goals."], [Table("SMART goals", header, rows)])


def identify_section(project, rule) -> Section:
    title = cycle.STEPS[0].title
    section = Section(f"1. {title}")
    extracts = list(
        Extract.objects.filter(project=project, state=Extract.State.READY)
        .exclude(kind=Extract.Kind.POPULATION)
        .order_by("-created_at")[:LATEST_UPLOADS]
    )
    one_a = Section("1A: key figures from the data")
    if not extracts:
        one_a.paragraphs.append(nothing_yet("1A", "no upload has been broken down"))
    for extract in extracts:
        header, rows = export_rows(extract, raw=False)  # the published, suppressed figures only
        if rows:
            readable = [str(h).replace("_", " ").capitalize() for h in header]
            one_a.tables.append(Table(f"1A {extract.title}", readable, [list(r) for r in rows]))
    if extracts:
        one_a.paragraphs.append(
            f"The published breakdowns of the latest {len(extracts)} uploads. Counts shown as {rule.symbol} "
            "are suppressed; others may be rounded."
        )
    section.subsections.append(one_a)
    if extracts:
        section.subsections.append(inequality_charts(extracts[0]))

    def survey_row(survey):
        count = SurveyResponse.objects.filter(survey=survey, state=SurveyResponse.State.SUBMITTED).count()
        shown = display_count(count, rule)
        return [survey.title, survey.get_state_display(), rule.symbol if shown is None else shown]

    surveys = list(surveys_of_step(project, "identify").order_by("created_at"))
    one_b = table_or_nothing(
        "1B: engagement with communities",
        surveys,
        nothing=("1B", "no survey yet"),
        caption="1B surveys",
        header=["Survey", "State", "Responses"],
        rows=lambda surveys: [survey_row(survey) for survey in surveys],
    )
    if surveys:
        one_b.paragraphs.append(f"{len(surveys)} surveys. Response counts follow the suppression rule.")
    section.subsections.append(one_b)
    return section


def inequality_charts(extract) -> Section:
    """1A's charts of the latest upload, as its dashboard draws them from the published
    figures (never the uploader's raw view)."""
    section = Section("1A: key inequality charts")
    for characteristic in characteristics(extract):
        found = dashboard_section(extract, characteristic.slug, raw=False)
        if found is None:
            continue
        section.figures.extend(figure_of(chart) for chart in found.charts)
        if found.slope:
            section.paragraphs.append(found.slope)
    if section.figures:
        section.paragraphs.insert(
            0, f"The charts of the latest upload, {extract.title}, from its published figures, each with its table."
        )
    else:
        section.paragraphs.append(nothing_yet("1A charts", f"{extract.title} has no breakdown to chart"))
    return section


def spc_charts(project) -> Section:
    """Evaluate 4A's SPC chart of each measure, as its measure page draws it."""
    section = Section("SPC charts")
    targets = measure_selectors.targets(project)
    for measure in measure_selectors.measures(project):
        goal = targets.get(measure.pk)
        chart = measure_presenters.measure_chart(
            measure,
            list(measure.values.all()),
            [r.date for r in measure.rebases.all()],
            goal.target_value if goal else None,
            screen=True,
        )
        if chart.spc is None:
            section.paragraphs.append(f"{measure.name}: {chart.too_few}")
        else:
            figure = figure_of(chart.spc.chart)
            if chart.polarity_sentence:
                figure.notes.insert(0, chart.polarity_sentence)
            section.figures.append(figure)
    if not section.figures and not section.paragraphs:
        section.paragraphs.append(nothing_yet("4A SPC charts", "no measure yet"))
    return section


def research_section(project) -> Section:
    priorities = list(priority_selectors.agreed_priorities(project))
    section = table_or_nothing(
        f"2. {cycle.STEPS[1].title}",
        priorities,
        nothing=("Research", "no agreed priority yet"),
        caption="2C agreed priorities",
        header=["Priority", "Impact", "Effort", "Time horizon", "From"],
        rows=lambda priorities: [
            [p.title, p.get_impact_display(), p.get_effort_display(), p.get_horizon_display(), p.get_source_display()]
            for p in priorities
        ],
    )
    if priorities:
        section.paragraphs.append(f"{len(priorities)} agreed priorities.")
    return section


def deliver_section(project) -> Section:
    section = Section(f"3. {cycle.STEPS[2].title}")
    strategy = strategy_selectors.strategy_of(project)
    if strategy is None:
        section.paragraphs.append(nothing_yet("Deliver", "no strategy yet"))
    else:
        sub = Section("Strategy")
        interventions = list(strategy_selectors.interventions(strategy))
        sub.paragraphs.append(f"{strategy.title}. {len(interventions)} interventions.")
        if strategy.vision:
            sub.paragraphs.append(strategy.vision)
        if interventions:
            sub.tables.append(
                Table(
                    "3A interventions",
                    ["Intervention", "Kind", "EIA"],
                    [[i.title, i.get_kind_display(), eia_selectors.status_for(i) or "No EIA"] for i in interventions],
                )
            )
        section.subsections.append(sub)

        section.subsections.append(
            table_or_nothing(
                "Equality impact assessments",
                eia_selectors.eias(project),
                nothing=("EIA", "no equality impact assessment yet"),
                caption="3A EIA status",
                header=["Assesses", "Status"],
                rows=lambda eias: [
                    [
                        str(e.strategy or e.intervention),
                        eia_presenters.status_line(e, eia_selectors.latest(e), eia_selectors.last_signed_off(e)),
                    ]
                    for e in eias
                ],
            )
        )
        section.subsections.append(
            table_or_nothing(
                "Actions by RAG rating",
                list(tracking_selectors.actions(strategy)),
                nothing=("3B", "no action yet"),
                caption="3B actions by RAG",
                header=["RAG rating", "Actions"],
                rows=lambda actions: [[label, sum(1 for a in actions if a.rag == code)] for code, label in Rag.choices],
            )
        )

    def risk_row(risk):
        value = scoring.score(risk.likelihood, risk.impact)
        return [risk.title, value, scoring.band(value).label, _date(risk.review_date)]

    section.subsections.append(
        table_or_nothing(
            "Risks",
            risk_selectors.risks(project),
            nothing=("3C", "no risk recorded"),
            caption="3C risk register",
            header=["Risk", "Score", "Band", "Next review"],
            rows=lambda risks: [risk_row(risk) for risk in risks],
        )
    )
    section.subsections.append(
        table_or_nothing(
            "Decisions",
            list(decision_selectors.decisions(project)),
            nothing=("3C", "no decision logged"),
            caption="3C decision log",
            header=["Date", "Decision", "Made by"],
            rows=lambda decisions: [[_date(d.decided_on), d.decision, d.made_by] for d in decisions],
        )
    )
    return section


def evaluate_section(project) -> Section:
    section = Section(f"4. {cycle.STEPS[3].title}")
    rows = measure_rows(project)
    section.subsections.append(
        table_or_nothing(
            "Measures over time",
            rows,
            nothing=("4A", "no measure yet"),
            caption="4A measures",
            header=["Measure", "Latest period", "Latest value", "Variation", "Assurance"],
            rows=lambda rows: [
                [
                    str(row.measure),
                    row.latest.label if row.latest else "",
                    row.latest.value if row.latest else None,
                    row.variation.label if row.variation else row.note,
                    row.assurance.label if row.assurance else "",
                ]
                for row in rows
            ],
        )
    )
    if rows:
        section.subsections.append(spc_charts(project))

    benchmarks = benchmark_rows(project)
    sub = table_or_nothing(
        "Benchmarking",
        benchmarks,
        nothing=("4A benchmarking", "no benchmark yet"),
        caption="4A benchmarking",
        header=["Benchmark", "How we compare"],
        rows=lambda benchmarks: [[str(b), v] for b, v in benchmarks],
    )
    if benchmarks:
        rule = suppression_rule_for(project)
        for benchmark, _ in benchmarks:  # each one's funnel plot, from the figures its page shows
            view = benchmark_presenters.benchmark_view(
                benchmark,
                benchmark_selectors.comparators(benchmark),
                benchmark_selectors.latest_value(benchmark.measure),
                rule,
            )
            if view.result is None:
                sub.paragraphs.append(f"{benchmark}: {view.empty}")
                continue
            figure = figure_of(view.result.chart)
            if view.own_note:
                figure.notes.append(view.own_note)
            sub.figures.append(figure)
    section.subsections.append(sub)

    def assessment_row(assessment):
        summary = framework_presenters.summary(assessment, framework_selectors.ratings(assessment))
        return [assessment.framework.name, assessment.period, _date(assessment.assessed_on), summary.sentence]

    section.subsections.append(
        table_or_nothing(
            "Self-assessments (EDS 2022, PCREF)",
            list(framework_selectors.assessments(project)),
            nothing=("4A self-assessments", "no EDS 2022 or PCREF assessment yet"),
            caption="4A self-assessments",
            header=["Framework", "Period", "Assessed on", "Rating"],
            rows=lambda assessments: [assessment_row(assessment) for assessment in assessments],
        )
    )
    section.subsections.append(
        table_or_nothing(
            "You said, we did",
            feedback_selectors.published_entries(project),
            nothing=("4B", 'no "you said, we did" entry published'),
            caption="4B you said, we did",
            header=["You said", "We did", "Published"],
            rows=lambda entries: [[e.you_said, e.we_did, _date(e.published_on)] for e in entries],
        )
    )

    review = review_selectors.review_of(project)
    sub = Section("Review of the cycle")
    if review is None:
        sub.paragraphs.append(nothing_yet("4C", "the review has not started"))
    else:
        sub.paragraphs.append(f"The review is {review.get_state_display().lower()}.")
        for label, text in (
            ("What works", review.what_works),
            ("What does not work", review.what_does_not),
            ("Gaps and needs", review.gaps_and_needs),
            ("Recommendations for commissioning", review.recommendations),
        ):
            if text:
                sub.paragraphs.append(f"{label}: {text}")
    section.subsections.append(sub)
    return section


def collect(project, *, made_by: str = "", made_at: datetime | None = None) -> Document:
    """The progress report of `project`, from what each step publishes."""
    rule = suppression_rule_for(project)
    mark = marking(project)
    return Document(
        title=f"Progress report: {project.name}",
        project=project.name,
        area=project.area,
        cycle=project.cycle_number,
        data_period=data_period(project),
        suppression=f"{rule.name}: {rule_sentence(rule)}",
        marking=mark,
        made_at=made_at or timezone.now(),
        made_by=made_by or "the progress_report command",
        sections=[
            summary_section(project, rule, mark),
            cycle_section(project),
            goals_section(project),
            identify_section(project, rule),
            research_section(project),
            deliver_section(project),
            evaluate_section(project),
        ],
    )
