"""What the API answers: plain dicts and lists, the same published (small-number
suppressed) figures the pages show beyond the uploading analyst, whoever asks.
No raw counts, no free text of respondents, no personal data beyond names of
owners the pages show too."""

from __future__ import annotations

from amhe.analysis import spc_charts
from amhe.core import presenters as core_presenters
from amhe.core.models import Project, SmartGoal
from amhe.stats import spc
from amhe.surveys import figures as survey_figures
from amhe.surveys.models import Survey
from evaluate.frameworks import presenters as framework_presenters
from evaluate.frameworks import selectors as framework_selectors
from evaluate.measures import presenters as measure_presenters
from evaluate.measures import selectors as measure_selectors
from identify import presenters as identify_presenters
from identify.models import Breakdown, Extract


def _number(value):
    return None if value is None else float(value)


def _date(value):
    return None if value is None else value.isoformat()


def project(item: Project) -> dict:
    return {
        "id": item.pk,
        "name": item.name,
        "area": item.area,
        "area_code": item.area_code,
        "cycle_number": item.cycle_number,
        "current_step": item.current_step,
        "current_step_label": item.get_current_step_display(),
        "status": item.status,
        "start_date": _date(item.start_date),
    }


def progress(item: Project) -> list[dict]:
    """Every sub-step (1A to 4C) and where the project stands on each (as the project page)."""
    return [
        {
            "step": step.number,
            "step_title": step.title,
            "code": sub.code,
            "title": sub.title,
            "state": sub.state,
            "state_label": sub.state_label,
        }
        for step in core_presenters.cycle_view(item, can_edit=False)
        for sub in step.substeps
    ]


def measure_value(value) -> dict:
    """A measure's value for one period; a suppressed value has no number."""
    hidden = value.suppressed
    return {
        "period_start": _date(value.period_start),
        "period_end": _date(value.period_end),
        "period": measure_presenters.period_label(value.period_start, value.period_end),
        "value": None if hidden else _number(value.value),
        "lower": None if hidden else _number(value.lower),
        "upper": None if hidden else _number(value.upper),
        "suppressed": hidden,
    }


def goals(item: Project) -> list[dict]:
    """The SMART goals with their measure's series."""
    rows = []
    queryset = (
        SmartGoal.objects.filter(project=item)
        .select_related("measure", "owner", "population")
        .prefetch_related("measure__values")
        .order_by("target_date", "pk")
    )
    for goal in queryset:
        measure = goal.measure
        rows.append(
            {
                "id": goal.pk,
                "statement": goal.statement,
                "status": goal.status,
                "status_label": goal.get_status_display(),
                "population": goal.population.title if goal.population_id else "",
                "measure_description": goal.measure_description,
                "baseline_value": _number(goal.baseline_value),
                "baseline_date": _date(goal.baseline_date),
                "target_value": _number(goal.target_value),
                "target_date": _date(goal.target_date),
                "owner": goal.owner.full_name if goal.owner_id else "",
                "measure": None
                if measure is None
                else {
                    "id": measure.pk,
                    "name": measure.name,
                    "unit": measure.unit,
                    "direction": measure.direction,
                },
                "values": []
                if measure is None
                else [
                    measure_value(v) for v in sorted(measure.values.all(), key=lambda v: (v.period_end, v.period_start))
                ],
            }
        )
    return rows


def spc_series(item: Project) -> list[dict]:
    """Each measure's XmR chart (Evaluate 4A): points with mean, limits and point type,
    the variation and assurance icons' words. Suppressed or missing values are left
    out of the chart, as on the measure pages."""
    targets = measure_selectors.targets(item)
    rows = []
    for measure in measure_selectors.measures(item):
        values = list(measure.values.all())
        periods = measure_presenters.series(values)
        points = measure_presenters.plotted(periods)
        goal = targets.get(measure.pk)
        target = None if goal is None else float(goal.target_value)
        entry = {
            "id": measure.pk,
            "name": measure.name,
            "unit": measure.unit,
            "direction": measure.direction,
            "target": target,
            "left_out": len(periods) - len(points),
            "variation": "",
            "variation_label": "",
            "assurance": "",
            "assurance_label": "",
            "note": "",
            "points": [],
        }
        if len(points) < 2:
            entry["note"] = "Needs at least two values for a chart."
            rows.append(entry)
            continue
        chart = spc.xmr(
            [p.value for p in points],
            options=spc.Options(
                polarity=measure_presenters.POLARITY.get(measure.direction, spc.Polarity.NEUTRAL),
                screen=True,
                target=target,
            ),
            rebase_at=measure_presenters.rebase_indexes(periods, [r.date for r in measure.rebases.all()]),
        )
        variation = spc_charts.variation_icon(chart.variation)
        assurance = spc_charts.assurance_icon(chart.assurance)
        entry.update(
            variation=variation.key,
            variation_label=variation.label,
            assurance=assurance.key if assurance else "",
            assurance_label=assurance.label if assurance else "",
            points=[
                {
                    "period": period.label,
                    "period_start": _date(period.start),
                    "period_end": _date(period.end),
                    "value": point.value,
                    "mean": point.mean,
                    "lower_limit": point.lpl,
                    "upper_limit": point.upl,
                    "point_type": str(point.point_type),
                    "rule": str(point.rule) if point.rule else "",
                    "segment": point.segment,
                }
                for period, point in zip(points, chart.points, strict=True)
            ],
        )
        rows.append(entry)
    return rows


def self_assessments(item: Project) -> list[dict]:
    """Each self-assessment (Evaluate 4A: EDS 2022, PCREF or the organisation's own
    framework) with its totals and overall rating (band) as the assessment page works them
    out, and every item's rating with its section's subtotal. Ratings only: the evidence
    text stays on the pages."""
    rows = []
    for assessment in framework_selectors.assessments(item):
        framework = assessment.framework
        summary = framework_presenters.summary(assessment, framework_selectors.ratings(assessment))
        totals = summary.totals
        levels = framework_presenters.levels_of(framework)
        rows.append(
            {
                "id": assessment.pk,
                "framework": {"key": framework.key, "name": framework.name, "short_name": framework.short_name},
                "period": assessment.period,
                "assessed_on": _date(assessment.assessed_on),
                "rated": totals.rated,
                "items": totals.items,
                "complete": totals.complete,
                "total": totals.total if summary.has_total else None,
                "maximum": totals.maximum if summary.has_total else None,
                "overall": totals.overall if summary.has_total else None,
                "low_count": summary.low_count,
                "summary": summary.sentence,
                "ratings": [
                    {
                        "section_code": block.code,
                        "section_title": block.title,
                        "section_subtotal": block.subtotal if summary.has_total else None,
                        "section_maximum": block.maximum if summary.has_total else None,
                        "code": row.item.code,
                        "title": row.item.title,
                        "rating": row.rating.rating,
                        "rating_label": framework_presenters.rating_text(row.rating.rating, levels),
                        "low": row.low,
                    }
                    for block in summary.sections
                    for row in block.rows
                ],
            }
        )
    return rows


def upload(extract: Extract) -> dict:
    return {
        "id": str(extract.pk),
        "title": extract.title,
        "kind": extract.kind,
        "kind_label": extract.get_kind_display(),
        "uploaded_at": extract.created_at.isoformat(),
    }


BREAKDOWN_COLUMNS = [c for c in identify_presenters.EXPORT_COLUMNS if c != "suppressed"]


def breakdowns(extract: Extract) -> list[dict]:
    """The upload's published breakdowns, one row per group: a suppressed group's count
    is null. Never the true counts, whoever asks (even the uploading analyst)."""
    rows = []
    for item in Breakdown.objects.filter(extract=extract).order_by("position"):
        data = identify_presenters.breakdown_data(item, raw=False)
        for row in data["rows"]:
            hidden = bool(row.get("suppressed"))
            shown = {column: row.get(column) for column in BREAKDOWN_COLUMNS}
            if hidden:
                shown["count"] = None
            rows.append({"breakdown": data.get("label", item.dimension), **shown, "suppressed": hidden})
    return rows


def survey(item: Survey) -> dict:
    return {
        "id": str(item.pk),
        "title": item.title,
        "substep": item.substep,
        "state": item.state,
        "published_at": _date(item.published_at),
        "closes_at": _date(item.closes_at),
    }


OPTION_FIELDS = ("value", "label", "count", "share", "share_lower", "share_upper", "suppressed", "no_answer")


def survey_results(item: Survey, rule, *, by) -> dict:
    """The survey's stored, suppressed question summaries (as its results pages and
    download): per question, the publishable figures of each answer or coded theme."""
    figures = survey_figures.stored(item, rule, by=by)
    questions = {q.pk: q for q in item.questions.all()}
    summaries = []
    for data in figures.data.get("summaries", []) if figures.ready else []:
        question = questions.get(data["question_id"])
        if question is None:
            continue
        answers = [
            {"answer_kind": "option", **{f: row.get(f) for f in OPTION_FIELDS}} for row in data.get("options", [])
        ] + [{"answer_kind": "theme", **{f: row.get(f) for f in OPTION_FIELDS}} for row in data.get("themes", [])]
        for answer in answers:
            if answer["suppressed"]:
                answer["count"] = None
        summaries.append(
            {
                "question_id": question.pk,
                "number": data.get("number"),
                "question": question.text,
                "kind": data.get("kind"),
                "asked": data.get("asked"),
                "answered": data.get("answered"),
                "answers": answers,
            }
        )
    return {
        "survey": survey(item),
        "ready": figures.ready,
        "freshness": figures.freshness.sentence,
        "questions": summaries,
    }
