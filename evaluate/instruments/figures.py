"""PREM and PROM results of a survey, worked out by the survey engine's figures
job and stored with the survey's other figures (registered with
amhe.surveys.figures at app ready: the engine never imports Evaluate).

Each response's score comes from its answers to the instrument's questions
(evaluate.instruments.scoring). The scores then go through the engine's own
summaries and breakdowns, as if they were the answers to one more question
(an unsaved Question standing for the score), so they get exactly the
suppression survey answers get (amhe.surveys.results): the score's mean is
shown only when enough people have one, the bands and the share are
suppressed as a one-way table, and by group the engine's breakdown hides
small groups with secondary suppression. Only these published figures are
stored."""

from __future__ import annotations

import dataclasses

import pandas as pd

from amhe import stats
from amhe.analysis import charts
from amhe.stats import SuppressionRule
from amhe.surveys import figures as survey_figures
from amhe.surveys import results as survey_results
from amhe.surveys.models import Question, Survey
from evaluate.instruments import scoring
from evaluate.models import SurveyInstrument

KEY = "evaluate.instruments"
SCORE_PK, BAND_PK = 0, -1  # the unsaved questions standing for the score and its band (no real pk is 0 or less)
POSITIVE, OTHER = "positive", "other"


def responses_scores(frame: survey_results.SurveyFrame, use: SurveyInstrument) -> list[scoring.Score]:
    """Each submitted response's score, in the frame's order."""
    df = frame.df
    columns = []
    items = len(use.definition["items"])
    # A question per item; an item whose question is gone counts as unanswered.
    for question_id in [*use.questions, *([None] * items)][:items]:
        if question_id is None:
            columns.append((pd.Series([None] * len(df), index=df.index, dtype=object), {}))
            continue
        name = survey_results.column(int(question_id))
        asked = survey_results.asked_column(int(question_id))
        if name in df:
            columns.append((df[name].where(df[asked].astype(bool), None), use.scores.get(str(question_id), {})))
        else:  # the question was deleted from the survey: the item counts as unanswered
            columns.append((pd.Series([None] * len(df), index=df.index, dtype=object), {}))
    out = []
    for row in range(len(df)):
        answers = []
        for values, to_index in columns:
            value = values.iloc[row]
            answers.append(None if value is None else to_index.get(str(value)))
        out.append(scoring.score(use.definition, answers))
    return out


def _objects(values: list, df: pd.DataFrame) -> pd.Series:
    """A column as the frame holds answers: Python values, None for no answer (never NaN)."""
    return pd.Series(values, index=df.index, dtype=object)


def _fake(survey: Survey, pk: int, kind: str, text: str, options: list[dict] | None = None) -> Question:
    return Question(pk=pk, survey=survey, kind=kind, text=text, options=options or [], position=0)


def _renamed(chart: charts.Chart | None, chart_id: str, title: str) -> dict | None:
    return None if chart is None else dataclasses.asdict(dataclasses.replace(chart, id=chart_id, title=title))


def compute_use(
    frame: survey_results.SurveyFrame,
    use: SurveyInstrument,
    rule: SuppressionRule,
    cache: dict,
    results: list[scoring.Score] | None = None,
) -> dict:
    """The published figures of one instrument in a frame. `results` are the
    responses' scores when they do not come from the frame's answers (uploaded
    scores: evaluate.instruments.uploading)."""
    definition = use.definition
    method = definition["method"]
    results = responses_scores(frame, use) if results is None else results
    survey = frame.survey
    df = frame.df.copy()
    slug = f"instrument-{use.pk}"
    data: dict = {"id": use.pk, "name": use.name, "method": method, "by": {}}
    if method == scoring.SHARE:
        options = [
            {"value": POSITIVE, "label": "Positive: " + " or ".join(_positive_labels(definition))},
            {"value": OTHER, "label": "Any other answer"},
        ]
        question = _fake(survey, SCORE_PK, Question.Kind.SINGLE, use.name, options)
        df[survey_results.column(SCORE_PK)] = _objects(
            [None if not r.scored else (POSITIVE if r.value == 1.0 else OTHER) for r in results], df
        )
        df[survey_results.asked_column(SCORE_PK)] = pd.Series([r.scored for r in results], index=df.index, dtype=bool)
    else:
        question = _fake(survey, SCORE_PK, Question.Kind.NUMBER, f"{use.name} score")
        df[survey_results.column(SCORE_PK)] = _objects([r.value for r in results], df)
        df[survey_results.asked_column(SCORE_PK)] = True
    scored_frame = dataclasses.replace(frame, df=df)
    summary = survey_results.summarise_question(scored_frame, question, rule)
    labels = {
        "People asked": "Responses with a scored answer" if method == scoring.SHARE else "Responses",
        "People who answered": "Responses with a score",
        "Mean": "Mean score",
    }
    data["facts"] = [[labels.get(what, what), figure] for what, figure in summary.facts if what != "Median"]
    data["overall"] = _overall(summary, method, rule, [r.value for r in results if r.scored])
    if method == scoring.SHARE:
        data["options"] = [dataclasses.asdict(row) for row in summary.options if not row.no_answer]
        data["chart"] = _renamed(summary.chart, f"chart-{slug}", f"{use.name}: answers")
    elif definition.get("bands"):
        bands = [{"value": str(i), "label": band["label"]} for i, band in enumerate(definition["bands"])]
        band_question = _fake(survey, BAND_PK, Question.Kind.SINGLE, f"{use.name} band", bands)
        labels = {band["label"]: str(i) for i, band in enumerate(definition["bands"])}
        df[survey_results.column(BAND_PK)] = _objects([labels.get(r.band) if r.scored else None for r in results], df)
        df[survey_results.asked_column(BAND_PK)] = True
        band_summary = survey_results.summarise_question(dataclasses.replace(frame, df=df), band_question, rule)
        data["options"] = [dataclasses.asdict(row) for row in band_summary.options]
        for row in data["options"]:
            if row["no_answer"]:
                row["label"] = "No score (too many questions not answered)"
        data["chart"] = _renamed(band_summary.chart, f"chart-{slug}-bands", f"{use.name}: scores by band")
    if frame.has_equality:
        for key in survey_results.available_dimensions(frame):
            result = survey_results.question_breakdown(scored_frame, question, key, rule, cache=cache)
            label = survey_results.DIMENSIONS[key].label.lower()
            what = "Share positive" if method == scoring.SHARE else "Mean score"
            data["by"][key] = {
                "dimension_label": result.dimension_label,
                "measure": result.measure,
                "columns": result.columns[:1] if method == scoring.SHARE else result.columns,
                "rows": [
                    {**dataclasses.asdict(row), "cells": [dataclasses.asdict(c) for c in row.cells[:1]]}
                    for row in result.rows
                ],
                "any_suppressed": result.any_suppressed,
                "series": [_point(row, method) for row in (result.series[0] if result.series else [])],
                "chart": _renamed(result.chart, f"chart-{slug}-by-{key.replace('_', '-')}", f"{what} by {label}"),
            }
    return data


def _point(row: dict, method: str) -> dict:
    """One group's published figure, for the sentence: the mean, or the share as a percentage."""
    keys = (
        ("outcome", "outcome_lower", "outcome_upper")
        if method == scoring.SHARE
        else ("score_mean", "score_lower", "score_upper")
    )
    scale = 100 if method == scoring.SHARE else 1
    values = [None if row.get(k) is None else float(row[k]) * scale for k in keys]
    return {
        "group": row.get("group"),
        "kind": row.get("kind"),
        "value": None if row.get("suppressed") else values[0],
        "lower": None if row.get("suppressed") else values[1],
        "upper": None if row.get("suppressed") else values[2],
        "suppressed": bool(row.get("suppressed")),
    }


def _positive_labels(definition: dict) -> list[str]:
    return [definition["options"][i]["label"].lower() for i in definition.get("positive") or []]


def _overall(summary, method: str, rule: SuppressionRule, values: list[float]) -> dict:
    """The survey's one figure for a measure series: the mean score, or the share
    positive, as published (None when it may not be shown)."""
    if method == scoring.SHARE:
        positive = next((row for row in summary.options if row.value == POSITIVE), None)
        if positive is None or positive.suppressed or positive.share is None:
            return {"value": None, "lower": None, "upper": None, "n": summary.asked, "numerator": None}
        return {
            "value": positive.share * 100,
            "lower": positive.share_lower * 100,
            "upper": positive.share_upper * 100,
            "n": summary.asked,
            "numerator": positive.count,
        }
    n = len(values)
    if n <= rule.primary_max or n == 0:
        return {"value": None, "lower": None, "upper": None, "n": summary.answered, "numerator": None}
    estimate = stats.mean(values, survey_results.CONFIDENCE)
    return {
        "value": estimate.value,
        "lower": estimate.lower,
        "upper": estimate.upper,
        "n": summary.answered,
        "numerator": None,
    }


def compute(frame: survey_results.SurveyFrame, rule: SuppressionRule) -> dict | None:
    uses = list(SurveyInstrument.objects.filter(survey=frame.survey).order_by("created_at", "pk"))
    if not uses:
        return None
    cache: dict = {}
    return {"uses": {str(use.pk): compute_use(frame, use, rule, cache) for use in uses}}


def fingerprint(survey: Survey) -> object:
    return [
        [use.pk, use.definition, use.questions, use.scores]
        for use in SurveyInstrument.objects.filter(survey=survey).order_by("pk")
    ]


def register() -> None:
    survey_figures.register_extra(survey_figures.Extra(key=KEY, compute=compute, fingerprint=fingerprint))
