"""PREM and PROM scores as measure series: a source registered with Deliver's
measure registry (deliver/measures/sources.py) at app ready, so Deliver never
imports Evaluate.

A measure defined on an instrument (`{"source": "evaluate.instrument",
"instrument": "phq-9"}`) has one value per **closed** survey of the project
that asked it: the mean score (or, for a share instrument such as the Friends
and Family Test, the percentage answering positively) for the period from the
survey's publication to its last submitted response, with its 95% confidence
interval; and one per period of scores uploaded for the project
(evaluate.instruments.uploading), from the period's stored, published figures.
Values come from the stored, published figures only (ADR 0008): a figure
hidden for small numbers gives a value marked suppressed.
When the survey engine stores a survey's figures (`figures_stored`), the
measures of its instruments get their values worked out again (idempotent: a
value is matched by its period)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import Max
from django.utils import timezone

from amhe.core.models import Measure
from amhe.core.selectors import suppression_rule_for
from amhe.surveys import figures as survey_figures
from amhe.surveys.models import Survey, SurveyResponse
from deliver.measures import sources
from evaluate.instruments import figures as instrument_figures
from evaluate.instruments import scoring
from evaluate.models import InstrumentUploadPeriod, SurveyInstrument

SOURCE = "evaluate.instrument"
HIDDEN = "Hidden: too few people in the survey have a score to show it."
UPLOAD_HIDDEN = "Hidden: too few people in the uploaded scores of this period have a score to show it."


def definition(key: str) -> dict:
    return {"source": SOURCE, "instrument": key}


def unit_of(instrument: dict) -> str:
    return Measure.Unit.PERCENT if instrument["method"] == scoring.SHARE else Measure.Unit.SCORE


def _inputs(measure: Measure) -> list[SurveyInstrument | InstrumentUploadPeriod]:
    """The closed surveys that asked the instrument, then the periods of its uploaded scores."""
    key = (measure.definition or {}).get("instrument")
    surveys = list(
        SurveyInstrument.objects.filter(
            survey__project_id=measure.project_id,
            survey__state=Survey.State.CLOSED,
            key=key,
        )
        .select_related("survey__project__organisation")
        .order_by("survey__published_at", "pk")
    )
    uploads = list(
        InstrumentUploadPeriod.objects.filter(project_id=measure.project_id, key=key)
        .select_related("upload")
        .order_by("period_start", "pk")
    )
    return [*surveys, *uploads]


def period_of(survey: Survey) -> tuple[datetime.date, datetime.date]:
    """From the day the survey opened to the day of its last submitted response."""
    opened = survey.opens_at or survey.published_at or survey.created_at
    start = timezone.localdate(opened)
    last = SurveyResponse.objects.filter(survey=survey, state=SurveyResponse.State.SUBMITTED).aggregate(
        last=Max("submitted_on")
    )["last"]
    return start, max(start, last or start)


def _decimal(value) -> Decimal | None:
    return None if value is None else Decimal(str(round(float(value), 4)))


def _uploaded_figure(period: InstrumentUploadPeriod) -> sources.Figure:
    """A period of uploaded scores: its stored, published overall figure."""
    overall = (period.figures or {}).get("overall") or {}
    n = overall.get("n")
    if overall.get("value") is None:
        return sources.Figure(
            period.period_start, period.period_end, denominator=n, suppressed=True, note=UPLOAD_HIDDEN
        )
    return sources.Figure(
        period.period_start,
        period.period_end,
        _decimal(overall["value"]),
        _decimal(overall.get("lower")),
        _decimal(overall.get("upper")),
        numerator=overall.get("numerator"),
        denominator=n,
        note=f"Uploaded: '{period.upload.title}'.",
    )


def _figure(measure: Measure, use: SurveyInstrument | InstrumentUploadPeriod) -> sources.Figure:
    if isinstance(use, InstrumentUploadPeriod):
        return _uploaded_figure(use)
    survey = use.survey
    start, end = period_of(survey)
    rule = suppression_rule_for(survey.project)
    row = survey_figures.figures_for(survey)
    if not survey_figures.is_current(row, rule):
        raise sources.SourceError(f"The figures of '{survey.title}' are still being worked out.")
    data = ((row.figures.get("extra") or {}).get(instrument_figures.KEY) or {}).get("uses", {}).get(str(use.pk))
    if data is None:
        raise sources.SourceError(f"'{survey.title}' has no scores for {use.name} yet.")
    overall = data["overall"]
    n = overall.get("n")
    note = f"From '{survey.title}'."
    if overall.get("value") is None:
        return sources.Figure(start, end, denominator=n, suppressed=True, note=HIDDEN)
    return sources.Figure(
        start,
        end,
        _decimal(overall["value"]),
        _decimal(overall.get("lower")),
        _decimal(overall.get("upper")),
        numerator=overall.get("numerator"),
        denominator=n,
        note=note,
    )


def _describe(measure: Measure) -> str:
    key = (measure.definition or {}).get("instrument", "")
    use = SurveyInstrument.objects.filter(survey__project_id=measure.project_id, key=key).first()
    name = use.name if use else key
    return f"{name}: the score of each closed survey that asked it, and of each period of uploaded scores"


def register() -> None:
    sources.register(
        sources.Source(
            key=SOURCE,
            label="Evaluate 4A: PREM and PROM scores from the project's closed surveys and uploaded scores",
            inputs=_inputs,
            figure=_figure,
            describe=_describe,
        )
    )


def figures_stored(sender, *, survey_id, **kwargs) -> None:
    """A survey's figures are stored: queue the values of the measures of its instruments."""
    from evaluate.instruments import services

    services.measures_refresh_for_survey(survey_id=survey_id)
