"""A survey's results, worked out once by a job and stored (as 1A's breakdowns are).

The `surveys.figures` job (amhe/surveys/jobs.py) reads the answers with
amhe.surveys.results, applies small-number suppression with the
organisation's rule, and stores only what may be shown, as JSON, in one
`SurveyFigures` row per survey: the responses overview, every question's
summary and its breakdown by every equality characteristic asked, who
answered, themes by group, and the sheets of the results download. The
results pages and downloads read that row and do no pandas work.

When the answers change (a response sent or entered by staff, themes coded, the
survey closed or reopened), the service that changed them calls
:func:`request_refresh` in its transaction: it counts the request in the
database and queues one job, once the transaction commits, unless a job is
already waiting (a waiting job reads the newest answers when it starts), so
fifty responses entered in a row make one job, not fifty. A job that finds
its figures already current does nothing; otherwise it replaces them in one
transaction, so running it twice does no harm.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.template.defaultfilters import pluralize
from django.utils import timezone
from plotly.utils import PlotlyJSONEncoder

from amhe.analysis import charts
from amhe.core import services as core_services
from amhe.core.models import Job
from amhe.stats import SuppressionRule
from amhe.surveys import export
from amhe.surveys import results as survey_results
from amhe.surveys.models import Question, Survey, SurveyFigures, SurveyResponse

KIND = "surveys.figures"
VERSION = 1  # of the stored layout: a change makes every survey's figures stale


# --------------------------------------------------------------------------- figures a later step adds


@dataclass(frozen=True)
class Extra:
    """Figures a step works out from a survey's answers and stores with the rest
    (e.g. Evaluate's PREM and PROM scores): `compute(frame, rule)` returns
    published (suppressed) JSON, or None when the survey has none of them;
    `fingerprint(survey)` is whatever else they depend on besides the answers
    and questions (it goes into `inputs_hash`). Registered at app ready, so the
    survey engine never imports the step."""

    key: str
    compute: Callable[[survey_results.SurveyFrame, SuppressionRule], dict | None]
    fingerprint: Callable[[Survey], object]


_EXTRAS: dict[str, Extra] = {}


def register_extra(extra: Extra) -> Extra:
    _EXTRAS[extra.key] = extra
    return extra


def _extras(frame: survey_results.SurveyFrame, rule: SuppressionRule) -> dict:
    out = {}
    for key, extra in sorted(_EXTRAS.items()):
        data = extra.compute(frame, rule)
        if data is not None:
            out[key] = data
    return out


# --------------------------------------------------------------------------- working out (the job)


def plain(value):
    """JSON as the database keeps it: numpy numbers as numbers, tuples as lists, NaN as null."""
    return json.loads(json.dumps(value, cls=PlotlyJSONEncoder))


def _chart(chart: charts.Chart | None) -> dict | None:
    return None if chart is None else dataclasses.asdict(chart)


def _summary(summary: survey_results.QuestionSummary) -> dict:
    data = {f.name: getattr(summary, f.name) for f in dataclasses.fields(summary) if f.name != "question"}
    data["question_id"] = summary.question.pk
    data["options"] = [dataclasses.asdict(row) for row in summary.options]
    data["themes"] = [dataclasses.asdict(row) for row in summary.themes]
    data["chart"] = _chart(summary.chart)
    return data


def _breakdown(result: survey_results.QuestionBreakdown) -> dict:
    return {
        "dimension": result.dimension,
        "dimension_label": result.dimension_label,
        "measure": result.measure,
        "n_label": result.n_label,
        "columns": result.columns,
        "rows": [dataclasses.asdict(row) for row in result.rows],
        "option_choices": result.option_choices,
        "any_suppressed": result.any_suppressed,
        "series": result.series,
    }


def compute(frame: survey_results.SurveyFrame, rule: SuppressionRule) -> dict:
    """Everything the results pages and downloads show, as published (suppressed) JSON."""
    dimensions = survey_results.available_dimensions(frame)
    cache: dict = {}
    summaries = survey_results.summarise(frame, rule)
    breakdowns: dict[str, dict] = {}
    if frame.has_equality:
        for summary in summaries:
            if summary.question.kind not in survey_results.breakdown_kinds():
                continue
            breakdowns[str(summary.question.pk)] = {
                key: _breakdown(
                    survey_results.question_breakdown(frame, summary.question, key, rule, cache=cache, with_chart=False)
                )
                for key in dimensions
            }
    themes = {}
    if frame.has_equality:
        for key in dimensions:
            table = survey_results.themes_by_group(frame, key, rule)
            themes[key] = {**dataclasses.asdict(table), "chart": _chart(table.chart)}
    who = [
        {**section, "chart": _chart(section["chart"])} for section in survey_results.who_answered(frame, rule, cache)
    ]
    sheets = export.results_sheets(frame, rule)
    return plain(
        {
            "version": VERSION,
            "rule": rule.key,
            "has_equality": frame.has_equality,
            "dimensions": dimensions,
            "overview": dataclasses.asdict(survey_results.overview(frame, rule)),
            "summaries": [_summary(summary) for summary in summaries],
            "breakdowns": breakdowns,
            "who": who,
            "themes": themes,
            "sheets": [dataclasses.asdict(sheet) for sheet in sheets],
            "extra": _extras(frame, rule),
        }
    )


def inputs_hash(frame: survey_results.SurveyFrame, rule: SuppressionRule) -> str:
    """A fingerprint of everything the figures are worked out from: the same
    answers, themes, questions and rule give the same figures."""
    questions = [
        [q.pk, q.kind, q.text, q.position, q.options, q.min_value, q.max_value, q.equality_key, q.show_if_question_id]
        for q in frame.questions
    ]
    themes = {
        str(question): {response: sorted(names) for response, names in sorted(coded.items())}
        for question, coded in sorted(frame.themes.items())
    }
    inputs = {
        "version": VERSION,
        "rule": rule.key,
        "languages": list(frame.survey.languages or []),
        "questions": questions,
        "states": dict(sorted(frame.states.items())),
        "answers": frame.df.to_dict("list"),
        "themes": themes,
        "extra": {key: extra.fingerprint(frame.survey) for key, extra in sorted(_EXTRAS.items())},
    }
    return hashlib.sha256(json.dumps(inputs, sort_keys=True, default=str).encode()).hexdigest()


# --------------------------------------------------------------------------- asking for them (services)


def enqueue_unless_waiting(figures: SurveyFigures, survey: Survey, by) -> Job:
    """Queue a job for the survey's figures, unless one is waiting to start (it
    will read the newest answers). A running job may have read the answers
    already, so one more is queued behind it."""
    job = figures.job
    if job is not None and job.state == Job.State.QUEUED:
        return job
    job = core_services.job_enqueue(by=by, project=survey.project, kind=KIND, params={"survey_id": str(survey.pk)})
    SurveyFigures.objects.filter(pk=figures.pk).update(job=job)
    figures.job = job
    return job


def lock_row(survey: Survey) -> SurveyFigures:
    SurveyFigures.objects.get_or_create(survey=survey)
    return SurveyFigures.objects.select_for_update(of=("self",)).select_related("job").get(survey=survey)


@transaction.atomic(savepoint=False)  # part of the caller's transaction: nothing to undo on its own
def request_refresh(*, survey: Survey, by=None) -> Job:
    """The survey's answers have changed (in this transaction): count the
    request and queue one job to work the figures out again once it commits.

    Every respondent's send calls this: the UPDATE both counts and locks the row until the
    commit, so it is two queries (the row with its job read after it), not lock_row's three."""
    counted = SurveyFigures.objects.filter(survey=survey).update(requested=F("requested") + 1)
    if not counted:
        SurveyFigures.objects.get_or_create(survey=survey)
        SurveyFigures.objects.filter(survey=survey).update(requested=F("requested") + 1)
    figures = SurveyFigures.objects.select_related("job").get(survey=survey)
    user = by if getattr(by, "is_authenticated", False) else None
    return enqueue_unless_waiting(figures, survey, user)


def refresh_if_worked_out(*, survey: Survey, by=None) -> None:
    """The questions changed (their wording, order or options show in the results):
    work the figures out again, if the survey has any yet."""
    if SurveyFigures.objects.filter(survey=survey).exists():
        request_refresh(survey=survey, by=by)


def is_current(figures: SurveyFigures | None, rule: SuppressionRule) -> bool:
    return (
        figures is not None
        and figures.ready
        and figures.computed >= figures.requested
        and figures.suppression_rule == rule.key
        and figures.figures.get("version") == VERSION
    )


def is_working(figures: SurveyFigures | None) -> bool:
    """Whether a job for these figures is waiting or running."""
    job = figures.job if figures is not None else None
    return job is not None and job.state in (Job.State.QUEUED, Job.State.RUNNING)


@transaction.atomic
def ensure_fresh(*, survey: Survey, rule: SuppressionRule, by=None) -> Job | None:
    """For a page that found the figures missing or out of date (the rule
    changed, or a job failed): queue a job unless one is on its way."""
    figures = lock_row(survey)
    if is_current(figures, rule) or is_working(figures):
        return figures.job
    if not figures.ready and figures.requested == 0:
        SurveyFigures.objects.filter(pk=figures.pk).update(requested=1)
    user = by if getattr(by, "is_authenticated", False) else None
    return enqueue_unless_waiting(figures, survey, user)


def figures_for(survey: Survey) -> SurveyFigures | None:
    return SurveyFigures.objects.select_related("job").filter(survey=survey).first()


# --------------------------------------------------------------------------- reading them (pages)


def _chart_of(data: dict | None) -> charts.Chart | None:
    return None if data is None else charts.Chart(**{**data, "footnotes": tuple(data.get("footnotes") or ())})


@dataclass
class Freshness:
    """What the page says about how up to date its figures are."""

    ready: bool
    current: bool
    computed_at: object
    responses_counted: int
    newer: int  # submitted responses not in the figures yet

    @property
    def sentence(self) -> str:
        if not self.ready:
            return "Results are being worked out; refresh this page in a moment."
        when = timezone.localtime(self.computed_at)
        counted = f"{self.responses_counted:,} submitted response{pluralize(self.responses_counted)}"
        text = f"Figures as of {when:%-d %B %Y at %H:%M}, from {counted}."
        if not self.current:
            if self.newer > 0:
                text += (
                    f" {self.newer:,} newer response{pluralize(self.newer)} will be included shortly; "
                    "refresh this page in a moment."
                )
            else:
                text += " They are being worked out again; refresh this page in a moment."
        return text


class StoredFigures:
    """A survey's stored figures, as the results templates and downloads read them."""

    def __init__(self, survey: Survey, figures: SurveyFigures | None, rule: SuppressionRule, *, by=None):
        self.survey = survey
        self.row = figures
        self.current = is_current(figures, rule)
        if not self.current and not is_working(figures):
            ensure_fresh(survey=survey, rule=rule, by=by)
        self.data = figures.figures if figures is not None and figures.ready else {}
        self.ready = bool(self.data) and self.data.get("version") == VERSION
        if not self.ready:
            self.data = {}
        newer = 0
        if self.ready and not self.current:
            submitted = SurveyResponse.objects.filter(survey=survey, state=SurveyResponse.State.SUBMITTED).count()
            newer = max(0, submitted - figures.responses_counted)
        self.freshness = Freshness(
            ready=self.ready,
            current=self.current,
            computed_at=figures.computed_at if self.ready else None,
            responses_counted=figures.responses_counted if self.ready else 0,
            newer=newer,
        )

    @property
    def has_equality(self) -> bool:
        return bool(self.data.get("has_equality"))

    @property
    def dimensions(self) -> list[str]:
        return list(self.data.get("dimensions") or [])

    def dimension_choices(self) -> list[tuple[str, str]]:
        return [(key, survey_results.DIMENSIONS[key].label) for key in self.dimensions]

    def valid_dimension(self, key: str | None) -> str:
        """As results.valid_dimension: `key` if the survey can be broken down by it, else ethnic group."""
        keys = self.dimensions
        if key in keys:
            return key
        default = survey_results.DEFAULT_DIMENSION
        return default if default in keys or not keys else keys[0]

    def overview(self) -> survey_results.Overview | None:
        data = self.data.get("overview")
        if data is None:
            return None
        return survey_results.Overview(
            submitted=data["submitted"],
            in_progress=data["in_progress"],
            by_channel=[survey_results.CountRow(**row) for row in data["by_channel"]],
            by_language=[survey_results.CountRow(**row) for row in data["by_language"]],
        )

    def _summary(self, data: dict, question: Question) -> survey_results.QuestionSummary:
        fields = {key: value for key, value in data.items() if key != "question_id"}
        return survey_results.QuestionSummary(
            **{
                **fields,
                "question": question,
                "options": [survey_results.OptionRow(**row) for row in data["options"]],
                "themes": [survey_results.OptionRow(**row) for row in data["themes"]],
                "facts": [tuple(fact) for fact in data["facts"]],
                "chart": _chart_of(data["chart"]),
            }
        )

    def summaries(self, questions: list[Question]) -> list[survey_results.QuestionSummary]:
        """Summaries of the questions stored (in their stored order) that still exist."""
        by_pk = {q.pk: q for q in questions}
        return [
            self._summary(data, by_pk[data["question_id"]])
            for data in self.data.get("summaries", [])
            if data["question_id"] in by_pk
        ]

    def summary(self, question: Question) -> survey_results.QuestionSummary | None:
        for data in self.data.get("summaries", []):
            if data["question_id"] == question.pk:
                return self._summary(data, question)
        return None

    def breakdown(
        self, question: Question, dimension: str, rule: SuppressionRule, *, option: str | None = None
    ) -> survey_results.QuestionBreakdown | None:
        data = self.data.get("breakdowns", {}).get(str(question.pk), {}).get(dimension)
        if data is None:
            return None
        option_choices = [tuple(choice) for choice in data["option_choices"]]
        chart, option = survey_results.breakdown_chart(
            question,
            dimension,
            data["measure"],
            data["columns"],
            option_choices,
            data["series"],
            option,
            rule,
        )
        return survey_results.QuestionBreakdown(
            question=question,
            dimension=data["dimension"],
            dimension_label=data["dimension_label"],
            measure=data["measure"],
            n_label=data["n_label"],
            columns=data["columns"],
            rows=[
                survey_results.GroupRow(
                    label=row["label"],
                    kind=row["kind"],
                    answered=row["answered"],
                    cells=[survey_results.GroupCell(**cell) for cell in row["cells"]],
                )
                for row in data["rows"]
            ],
            chart=chart,
            option=option,
            option_choices=option_choices,
            any_suppressed=data["any_suppressed"],
            series=data["series"],
        )

    def who(self) -> list[dict]:
        return [{**section, "chart": _chart_of(section["chart"])} for section in self.data.get("who", [])]

    def themes_table(self, dimension: str) -> survey_results.ThemeTable | None:
        data = self.data.get("themes", {}).get(dimension)
        if data is None:
            return None
        return survey_results.ThemeTable(
            dimension=data["dimension"],
            dimension_label=data["dimension_label"],
            groups=data["groups"],
            rows=[tuple(row) for row in data["rows"]],
            chart=_chart_of(data["chart"]),
            any_suppressed=data["any_suppressed"],
        )

    def extra_figures(self, key: str) -> dict | None:
        """The stored figures a step registered under `key` (see Extra), or None."""
        return (self.data.get("extra") or {}).get(key)

    def sheets(self) -> list[export.Sheet]:
        return [export.Sheet(**sheet) for sheet in self.data.get("sheets", [])]


def stored(survey: Survey, rule: SuppressionRule, *, by=None) -> StoredFigures:
    """The survey's stored figures for a page; queues a job if they are missing or out of date."""
    return StoredFigures(survey, figures_for(survey), rule, by=by)
