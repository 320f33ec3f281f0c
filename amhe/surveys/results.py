"""Survey results (Identify 1B): the answers to a survey as one table, per-question
summaries, breakdowns by the respondents' own equality answers, and theme counts.

Everything here returns figures as they may be shown: small-number suppression
(amhe.stats.suppression, with the organisation's rule) is applied before a
number leaves this module, because a survey has no "uploading analyst" and
everyone who views results sees suppressed figures (ADR 0004, ADR 0007). The
true counts stay inside the functions; the objects handed to templates and
exports hold only what may be published.

The frame
---------
:func:`build_frame` reads a survey's submitted responses with four queries
(questions, response states, responses, answers) plus one for coded themes,
whatever the number of responses, and makes one pandas row per response:

* ``response``, ``channel``, ``language``, ``submitted_on``;
* the breakdown columns of :func:`amhe.surveys.equality.frame_columns`
  (``ethnicity_high``, ``ethnicity_high__kind``, ``age_band``...), so the
  breakdown engine of 1A (amhe.analysis.breakdown) works on it unchanged;
* per question ``q<pk>``: the answer (a string; a list of values for multiple
  choice; a float for numbers; ``None`` when not answered) and
  ``q<pk>__asked``: whether the respondent was shown the question. An answer
  left behind by a show-if rule the respondent's later answers switched off
  (they went back and changed the earlier answer) is blank and not asked.

Suppression of one question's answers
-------------------------------------
Percentages of a choice question are of everyone asked it, with "No answer"
as a row of its own. A base of "the people who answered" would publish two
totals (asked and answered) whose difference is the number who gave no
answer, and exact percentages give their bases away even when counts are
rounded; with one base there is one total.

* One answer from a list, agreement and rating scales: the cells are the
  options plus "No answer", one margin adding up to the people asked, with
  primary and secondary suppression (amhe.stats.suppress_table): a hidden
  answer cannot be worked out from the total and the others.
* Any answers from a list: each option (and "No answer") on its own against
  the people asked (they overlap, so there is no margin); hidden when the
  number choosing it, or not choosing it, is from 1 to the rule's threshold
  (otherwise "all but 3" would give the 3 away).
* By group (the breakdown engine, then ``publish``): for one answer from a
  list, groups x (answers + "no answer") is suppressed as a two-way table
  (each group's row adds up to its people asked, each answer's column to its
  total on the results page), so a group's hidden answer is neither 100% less
  its others nor the total less the other groups; for any answers from a
  list, each answer on its own, the numbers choosing and not choosing it
  across the groups. Means by group are hidden when few in the group
  answered.
* Means, medians and date ranges are hidden when fewer people answered than
  the rule's threshold; the number who answered a number, date or text
  question is not shown when the rule does not round and the number who did
  not is small (asked - answered would give it away).
* Themes: counts only, each on its own (a theme on all but a few answers is
  hidden too); by group, themes x groups with rows and columns as margins.

Limits: as amhe.stats.suppression says, rounding to 5 leaves some inference
possible, and the same answers cut two ways (by ethnic group and by age, or
on the overview and by group) are not cross-checked.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd
from django.db.models import Count

from amhe import stats
from amhe.analysis import charts, disclosure
from amhe.analysis.breakdown import BreakdownError, breakdown, publish, published_proportion, shown_part
from amhe.analysis.dimensions import SURVEY, dimensions_for
from amhe.stats import SuppressionRule
from amhe.surveys import equality, i18n, logic
from amhe.surveys.models import Answer, Question, Survey, SurveyResponse

CONFIDENCE = 0.95
DIMENSIONS = dimensions_for(SURVEY)  # what answers are broken down by (the equality section)
DEFAULT_DIMENSION = "ethnicity_high"
CHOICE_KINDS = (Question.Kind.SINGLE, Question.Kind.MULTIPLE, Question.Kind.LIKERT, Question.Kind.RATING)
SCALE_KINDS = (Question.Kind.LIKERT, Question.Kind.RATING)
TEXT_KINDS = (Question.Kind.TEXT, Question.Kind.LONG_TEXT)
NO_ANSWER = "No answer"
HIDDEN = None  # a figure that may not be shown


def rule_sentence(rule: SuppressionRule) -> str:
    """How small numbers are treated, in plain words, for the top of every results page."""
    if rule.primary_max == 0:
        return "All counts are shown exactly."
    rounding = f" Other counts are rounded to the nearest {rule.round_to}." if rule.round_to else ""
    return (
        f"To protect the people who answered, counts from 1 to {rule.primary_max} are not shown "
        f"(they show as {rule.symbol}).{rounding} Some other figures are hidden too, so that a hidden number "
        "cannot be worked out from the totals."
    )


# --------------------------------------------------------------------------- the frame


def column(question: Question | int) -> str:
    return f"q{question if isinstance(question, int) else question.pk}"


def asked_column(question: Question | int) -> str:
    return f"{column(question)}__asked"


@dataclass
class SurveyFrame:
    survey: Survey
    questions: list[Question]
    df: pd.DataFrame
    states: dict[str, int]  # true numbers of responses by state
    # question pk -> response id -> names of the themes coded on that answer
    themes: dict[int, dict[str, set[str]]] = field(default_factory=dict)

    @property
    def own_questions(self) -> list[Question]:
        return [q for q in self.questions if not q.equality_key]

    @property
    def equality_questions(self) -> list[Question]:
        return [q for q in self.questions if q.equality_key]

    @property
    def has_equality(self) -> bool:
        return bool(self.equality_questions)

    @property
    def submitted(self) -> int:
        return len(self.df)

    def number(self, question: Question) -> int:
        """The question's number among the survey's own questions (1-based)."""
        for i, q in enumerate(self.own_questions, start=1):
            if q.pk == question.pk:
                return i
        return 0

    def asked(self, question: Question) -> pd.Series:
        return self.df[asked_column(question)].astype(bool)

    def values(self, question: Question) -> pd.Series:
        """Answers of the people asked (None where they gave no answer)."""
        return self.df.loc[self.asked(question), column(question)]


def _normalise(kind: str, value):
    """An answer's JSON value as the frame holds it, or None for no answer."""
    if value is None:
        return None
    if kind == Question.Kind.MULTIPLE:
        items = value if isinstance(value, list) else [value]
        chosen = [str(v) for v in items if v not in (None, "")]
        return chosen or None
    if isinstance(value, list):
        return None  # a list where one value belongs: not an answer this kind can hold
    if kind == Question.Kind.NUMBER:
        if isinstance(value, bool):
            return None
        try:
            number = float(value)
        except (TypeError, ValueError):
            return None
        return number if math.isfinite(number) else None
    text = str(value).strip() if isinstance(value, str) else str(value)
    return text or None


def build_frame(survey: Survey) -> SurveyFrame:
    """The submitted responses as one row each (see the module docstring)."""
    questions = list(Question.objects.filter(survey=survey).order_by("position", "pk"))
    states = {
        row["state"]: row["n"]
        for row in SurveyResponse.objects.filter(survey=survey).values("state").annotate(n=Count("pk")).order_by()
    }
    submitted = SurveyResponse.State.SUBMITTED
    responses = list(
        SurveyResponse.objects.filter(survey=survey, state=submitted)
        .order_by("submitted_on", "started_on", "pk")
        .values_list("pk", "channel", "language", "submitted_on")
    )
    kinds = {q.pk: q.kind for q in questions}
    by_response: dict = {pk: {} for pk, *_ in responses}
    answer_rows = Answer.objects.filter(response__survey=survey, response__state=submitted).values_list(
        "response_id", "question_id", "value"
    )
    for response_id, question_id, value in answer_rows.iterator(chunk_size=5000):
        if question_id in kinds and response_id in by_response:
            by_response[response_id][question_id] = _normalise(kinds[question_id], value)

    theme_rows = Answer.themes.through.objects.filter(
        answer__response__survey=survey, answer__response__state=submitted
    ).values_list("answer__response_id", "answer__question_id", "theme__name")
    themes: dict[int, dict[str, set[str]]] = {}
    for response_id, question_id, name in theme_rows:
        themes.setdefault(question_id, {}).setdefault(str(response_id), set()).add(name)

    equality_keys = {q.pk: q.equality_key for q in questions if q.equality_key}
    eq_columns = list(equality.frame_columns({}))
    data: dict[str, list] = {name: [] for name in ("response", "channel", "language", "submitted_on", *eq_columns)}
    for q in questions:
        data[column(q)] = []
        data[asked_column(q)] = []
    for pk, channel, language, submitted_on in responses:
        answers = by_response[pk]
        shown = logic.shown_questions(questions, answers)
        data["response"].append(str(pk))
        data["channel"].append(channel)
        data["language"].append(language)
        data["submitted_on"].append(submitted_on)
        own_equality = {}
        for q in questions:
            value = answers.get(q.pk) if shown[q.pk] else None
            data[column(q)].append(value)
            data[asked_column(q)].append(shown[q.pk])
            if q.pk in equality_keys and value is not None:
                own_equality[equality_keys[q.pk]] = value
        for name, value in equality.frame_columns(own_equality).items():
            data[name].append(value)
    frame = pd.DataFrame({name: pd.Series(values, dtype=object) for name, values in data.items()})
    for q in questions:
        frame[asked_column(q)] = frame[asked_column(q)].astype(bool)
    return SurveyFrame(survey=survey, questions=questions, df=frame, states=states, themes=themes)


# --------------------------------------------------------------------------- suppression helpers


def _protect(
    counts: Mapping, margins: Iterable[Iterable], rule: SuppressionRule, hidden: Iterable = ()
) -> dict[object, bool]:
    """Primary and secondary suppression as amhe.stats.suppress_table, starting
    from cells that are already hidden for another reason (`hidden`)."""
    margin_list = [list(m) for m in margins]
    suppressed = {cell: stats.is_primary_suppressed(value, rule) for cell, value in counts.items()}
    for cell in hidden:
        if cell in suppressed:
            suppressed[cell] = True
    if rule.primary_max == 0:
        return suppressed
    changed = True
    while changed:
        changed = False
        for margin in margin_list:
            if stats.display_count(sum(counts[c] for c in margin), rule) is None:
                continue
            if sum(1 for c in margin if suppressed[c]) != 1:
                continue
            visible = [(i, c) for i, c in enumerate(margin) if not suppressed[c]]
            if not visible:
                continue
            # Smallest by the shown (rounded) count: the choice says nothing a reader cannot see (ADR 0008).
            pool = [(stats.display_count(counts[c], rule), i, c) for i, c in visible if counts[c] > 0] or [
                (stats.display_count(counts[c], rule), i, c) for i, c in visible
            ]
            _, _, chosen = min(pool, key=lambda item: (item[0], item[1]))
            suppressed[chosen] = True
            changed = True
    return suppressed


def _shown_part(part: int, whole: int, rule: SuppressionRule) -> int | None:
    """A sub-total (e.g. people who answered, of people asked) as it may be
    shown: not when the rest (whole - part) is suppressed and the rule does
    not round, since whole - part would give the hidden number away."""
    return shown_part(part, whole, rule)


def _enough(n: int, rule: SuppressionRule) -> bool:
    """Whether a figure worked out from n people (mean, median, range) may be shown."""
    return n > rule.primary_max


def _fmt_count(value: int | None, rule: SuppressionRule) -> str:
    return rule.symbol if value is None else f"{value:,}"


def _pct(value: float | None) -> str:
    return charts.format_percent(value, 0)


def _ci(lower, upper) -> str:
    if lower is None or upper is None:
        return charts.NOT_AVAILABLE
    return f"{_pct(lower)} to {_pct(upper)}"


def _number(value: float | None) -> str:
    if value is None:
        return charts.NOT_AVAILABLE
    return f"{value:,.1f}" if not float(value).is_integer() else f"{value:,.0f}"


# --------------------------------------------------------------------------- one question


@dataclass
class OptionRow:
    """One answer's publishable figures: `count` is None when suppressed."""

    value: str
    label: str
    count: int | None
    share: float | None  # 0 to 1, of the people who answered
    share_lower: float | None
    share_upper: float | None
    suppressed: bool
    no_answer: bool = False

    def as_chart_row(self) -> dict:
        return {
            "label": self.label,
            "count": self.count,
            "share": self.share,
            "share_lower": self.share_lower,
            "share_upper": self.share_upper,
            "suppressed": self.suppressed,
            "no_answer": self.no_answer,
        }


@dataclass
class QuestionSummary:
    question: Question
    number: int
    kind: str
    kind_label: str
    asked: int | None
    answered: int | None
    options: list[OptionRow] = field(default_factory=list)
    facts: list[tuple[str, str]] = field(default_factory=list)  # (what, figure) for a summary list
    notes: list[str] = field(default_factory=list)
    chart: charts.Chart | None = None
    themes: list[OptionRow] = field(default_factory=list)  # text questions: coded themes
    has_breakdown: bool = False  # choice, scale and number questions break down by group

    @property
    def is_text(self) -> bool:
        return self.kind in TEXT_KINDS

    @property
    def title(self) -> str:
        return f"Question {self.number}: {self.question.text}"


def options_of(question: Question) -> list[dict]:
    """The question's options ({"value", "label"}); rating scales without a
    stored list get one from their ends (0 to 10 unless set)."""
    options = [dict(o) for o in (question.options or []) if isinstance(o, dict) and "value" in o]
    if question.equality_key:
        options = i18n.options(question, i18n.DEFAULT)
    if not options and question.kind == Question.Kind.RATING:
        low = 0 if question.min_value is None else question.min_value
        high = 10 if question.max_value is None else question.max_value
        options = [{"value": str(v), "label": str(v)} for v in range(low, high + 1)]
    for option in options:
        option["value"] = str(option["value"])
        option.setdefault("label", option["value"])
    return options


def _with_unlisted(options: list[dict], values: Iterable) -> list[dict]:
    """Options plus any value answered that is not (or no longer) in the list."""
    known = {o["value"] for o in options}
    extra = []
    for value in values:
        items = value if isinstance(value, list) else [value]
        for item in items:
            if item is not None and str(item) not in known:
                known.add(str(item))
                extra.append({"value": str(item), "label": f"{item} (not in the list of answers)"})
    return options + extra


def _scores(values: pd.Series) -> list[float]:
    scores = []
    for value in values:
        try:
            number = float(value)
        except (TypeError, ValueError):
            continue
        if math.isfinite(number):
            scores.append(number)
    return scores


def summarise_question(frame: SurveyFrame, question: Question, rule: SuppressionRule) -> QuestionSummary:
    """Publishable figures for one question, with its chart (see the module docstring)."""
    values = frame.values(question)
    asked_n = len(values)
    answered_mask = values.map(lambda v: v is not None)
    answered_n = int(answered_mask.sum())
    summary = QuestionSummary(
        question=question,
        number=frame.number(question),
        kind=question.kind,
        kind_label=question.get_kind_display(),
        asked=stats.display_count(asked_n, rule),
        answered=_shown_part(answered_n, asked_n, rule),
    )
    summary.facts.append(("People asked", _fmt_count(summary.asked, rule)))
    summary.facts.append(("People who answered", _fmt_count(summary.answered, rule)))
    if question.show_if_question_id:
        summary.notes.append("Only some people were asked this question, depending on an earlier answer.")
    kind = question.kind
    if kind in CHOICE_KINDS:
        _summarise_choice(summary, question, values[answered_mask], asked_n, answered_n, rule)
        summary.has_breakdown = True
    elif kind == Question.Kind.NUMBER:
        _summarise_number(summary, values[answered_mask], rule)
        summary.has_breakdown = True
    elif kind == Question.Kind.DATE:
        _summarise_date(summary, values[answered_mask], rule)
    elif kind in TEXT_KINDS:
        _summarise_text(summary, frame, question, values[answered_mask], answered_n, rule)
    return summary


def _summarise_choice(summary, question, answered: pd.Series, asked_n: int, answered_n: int, rule) -> None:
    """Counts and percentages of the people asked, "No answer" included (see the module docstring)."""
    options = _with_unlisted(options_of(question), answered)
    multiple = question.kind == Question.Kind.MULTIPLE
    no_answer = asked_n - answered_n
    if multiple:
        counts = {o["value"]: sum(1 for v in answered if o["value"] in v) for o in options}
        cells = {**counts, NO_ANSWER: no_answer}
        # Each answer on its own (they overlap): hidden if the number choosing it, or not, is small.
        hidden = {
            value: stats.is_primary_suppressed(n, rule) or stats.is_primary_suppressed(asked_n - n, rule)
            for value, n in cells.items()
        }
    else:
        counts = {o["value"]: int((answered.astype(str) == o["value"]).sum()) for o in options}
        cells = {**counts, NO_ANSWER: no_answer}
        hidden = _protect(cells, [list(cells)], rule)
    # "People who answered" would be the people asked less "no answer": only for the other kinds.
    summary.answered = None
    summary.facts = [fact for fact in summary.facts if fact[0] != "People who answered"]
    for option in [*options, {"value": NO_ANSWER, "label": NO_ANSWER}]:
        value = option["value"]
        is_no_answer = value == NO_ANSWER
        if hidden[value]:
            row = OptionRow("" if is_no_answer else value, option["label"], None, None, None, None, True, is_no_answer)
        else:
            n = cells[value]
            # Of the published (rounded) numbers, never the true ones (ADR 0008).
            estimate = published_proportion(n, asked_n, rule, CONFIDENCE)
            row = OptionRow(
                "" if is_no_answer else value,
                option["label"],
                stats.display_count(n, rule),
                estimate.value,
                estimate.lower,
                estimate.upper,
                False,
                is_no_answer,
            )
        summary.options.append(row)
    summary.notes.append("Percentages are of everyone asked the question, including those who gave no answer.")
    if multiple:
        summary.notes.append("People could choose more than one answer, so the percentages add up to more than 100%.")
    if question.kind in SCALE_KINDS:
        scores = _scores(answered)
        if _enough(len(scores), rule):
            estimate = stats.mean(scores, CONFIDENCE)
            interval = (
                f" (95% confidence interval {estimate.lower:,.1f} to {estimate.upper:,.1f})"
                if estimate.lower is not None
                else ""
            )
            summary.facts.append(("Mean score", f"{estimate.value:,.1f}{interval}"))
            if question.kind == Question.Kind.LIKERT:
                summary.notes.append("Mean score: 1 is the first answer on the scale and 5 the last.")
        else:
            summary.facts.append(("Mean score", "Not shown: too few people answered"))
    summary.chart = disclosure.with_note(
        charts.survey_answers_chart(
            [row.as_chart_row() for row in summary.options],
            title=f"Answers to question {summary.number}",
            chart_id=f"chart-question-{question.pk}",
            style="multiple" if multiple else "single",
        ),
        rule,
    )


def _summarise_number(summary, answered: pd.Series, rule) -> None:
    numbers = _scores(answered)
    if _enough(len(numbers), rule):
        estimate = stats.mean(numbers, CONFIDENCE)
        interval = (
            f" (95% confidence interval {estimate.lower:,.1f} to {estimate.upper:,.1f})"
            if estimate.lower is not None
            else ""
        )
        summary.facts.append(("Mean", f"{estimate.value:,.1f}{interval}"))
        summary.facts.append(("Median", _number(float(np.median(numbers)))))
    else:
        summary.facts.append(("Mean and median", "Not shown: too few people answered"))


def _month(value) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]).replace(day=1)
    except ValueError:
        return None


def _summarise_date(summary, answered: pd.Series, rule) -> None:
    months = [m for m in (_month(v) for v in answered) if m is not None]
    if _enough(len(months), rule):
        first, last = min(months), max(months)
        text = f"{first:%B %Y}" if first == last else f"{first:%B %Y} to {last:%B %Y}"
        summary.facts.append(("Dates given (to the month)", text))
    else:
        summary.facts.append(("Dates given", "Not shown: too few people answered"))


def theme_rows(frame: SurveyFrame, question: Question, rule: SuppressionRule) -> list[OptionRow]:
    """The themes coded on one question's answers: how many answers carry each,
    each suppressed on its own (themes overlap, so there is no margin; a theme
    on all but a few answers is hidden too). Counts only: a percentage of the
    answers would give the number of answers, and so the number of people who
    gave none, away."""
    values = frame.values(question)
    answered_ids = {frame.df.at[i, "response"] for i, v in values.items() if v is not None}
    coded = frame.themes.get(question.pk, {})
    counts: dict[str, int] = {}
    for response_id, names in coded.items():
        if response_id in answered_ids:
            for name in names:
                counts[name] = counts.get(name, 0) + 1
    total = len(answered_ids)
    shown, hidden = [], []
    # Most common first by the *shown* (rounded) count, then by name: ordering by the true
    # count would tell which of two themes both shown as 55 is really larger (ADR 0008).
    for name, n in sorted(
        counts.items(), key=lambda item: (-(stats.display_count(item[1], rule) or 0), item[0].casefold())
    ):
        if stats.is_primary_suppressed(n, rule) or stats.is_primary_suppressed(total - n, rule):
            hidden.append(OptionRow(name, name, None, None, None, None, True))
        else:
            shown.append(OptionRow(name, name, stats.display_count(n, rule), None, None, None, False))
    # Hidden themes last, by name: their place in the order would hint at their size.
    return shown + sorted(hidden, key=lambda r: r.label.casefold())


def _summarise_text(summary, frame, question, answered: pd.Series, answered_n: int, rule) -> None:
    summary.themes = theme_rows(frame, question, rule)
    if summary.themes:
        summary.chart = charts.survey_answers_chart(
            [row.as_chart_row() for row in summary.themes],
            title=f"Themes in the answers to question {summary.number}",
            chart_id=f"chart-question-{question.pk}-themes",
            style="theme",
        )
    else:
        summary.notes.append("No themes have been coded on these answers yet.")


def summarise(frame: SurveyFrame, rule: SuppressionRule) -> list[QuestionSummary]:
    return [summarise_question(frame, q, rule) for q in frame.own_questions]


# --------------------------------------------------------------------------- responses overview


@dataclass
class CountRow:
    label: str
    count: int | None  # None: suppressed


@dataclass
class Overview:
    submitted: int | None
    in_progress: int | None
    by_channel: list[CountRow]
    by_language: list[CountRow]


def overview(frame: SurveyFrame, rule: SuppressionRule) -> Overview:
    """How many responded, and how (channel, language), suppressed."""
    df = frame.df

    def table(series: pd.Series, labels: Mapping[str, str]) -> list[CountRow]:
        counts = {key: int(n) for key, n in series.value_counts().items()}
        ordered = [key for key in labels if key in counts] + sorted(k for k in counts if k not in labels)
        hidden = _protect({k: counts[k] for k in ordered}, [ordered], rule)
        return [
            CountRow(labels.get(k, k), None if hidden[k] else stats.display_count(counts[k], rule)) for k in ordered
        ]

    languages = {code: i18n.staff_language_name(code) for code in i18n.offered_languages(frame.survey)}
    return Overview(
        submitted=stats.display_count(frame.submitted, rule),
        in_progress=stats.display_count(frame.states.get(SurveyResponse.State.IN_PROGRESS, 0), rule),
        by_channel=table(df["channel"], dict(SurveyResponse.Channel.choices)),
        by_language=table(df["language"], languages),
    )


def who_answered(frame: SurveyFrame, rule: SuppressionRule, cache: dict | None = None) -> list[dict]:
    """The make-up of the people who responded by each equality characteristic:
    [{"dimension", "label", "rows", "chart"}], suppressed by the engine."""
    cache = {} if cache is None else cache
    sections = []
    for key in available_dimensions(frame):
        dimension = DIMENSIONS[key]
        result = breakdown(frame.df, [key], registry=DIMENSIONS, key_cache=cache, confidence=CONFIDENCE)
        rows = publish(result, rule.key)
        chart = charts.survey_respondents_chart(
            rows,
            CONFIDENCE,
            title=f"Who answered: {dimension.label.lower()}",
            chart_id=f"chart-who-{key.replace('_', '-')}",
        )
        chart = disclosure.with_note(chart, rule)
        sections.append({"dimension": key, "label": dimension.label, "rows": rows, "chart": chart})
    return sections


# --------------------------------------------------------------------------- breakdown of one question


# The equality questions each breakdown characteristic is worked out from.
DIMENSION_SOURCES = {
    "ethnicity_high": ("ethnic_group",),
    "ethnicity": ("ethnic_group",),
    "age_band": ("age",),
    "sex": ("sex",),
    "gender_same": ("gender_same",),
    "sexual_orientation": ("sexual_orientation",),
    "religion": ("religion",),
    "disability": ("health_condition",),
    "carer": ("carer",),
}


def available_dimensions(frame: SurveyFrame) -> list[str]:
    """The characteristics this survey asked about (so can break down by), in the usual order."""
    asked = {q.equality_key for q in frame.equality_questions}
    return [key for key in DIMENSIONS if any(source in asked for source in DIMENSION_SOURCES.get(key, (key,)))]


def dimension_choices(frame: SurveyFrame | None = None) -> list[tuple[str, str]]:
    keys = available_dimensions(frame) if frame is not None else list(DIMENSIONS)
    return [(key, DIMENSIONS[key].label) for key in keys]


def valid_dimension(key: str | None, frame: SurveyFrame | None = None) -> str:
    """`key` if the survey can be broken down by it, else ethnic group (or the first it can)."""
    keys = available_dimensions(frame) if frame is not None else list(DIMENSIONS)
    if key in keys:
        return key
    return DEFAULT_DIMENSION if DEFAULT_DIMENSION in keys or not keys else keys[0]


@dataclass
class GroupCell:
    text: str  # "45% (38% to 52%)", "3.8 (3.5 to 4.1)" or the suppression symbol
    suppressed: bool


@dataclass
class GroupRow:
    label: str
    kind: str
    answered: str  # the group's people asked (proportions) or who answered (means), as shown
    cells: list[GroupCell]


@dataclass
class QuestionBreakdown:
    question: Question
    dimension: str
    dimension_label: str
    measure: str  # "share" (choice kinds) or "mean"
    n_label: str  # what the group's number counts: "People asked" or "People who answered"
    columns: list[str]  # option labels, or ["Mean score"]
    rows: list[GroupRow]
    chart: charts.Chart | None
    option: str | None  # value of the option charted
    option_choices: list[tuple[str, str]]
    any_suppressed: bool
    series: list[list[dict]] = field(default_factory=list)  # per column: the published rows by group


def _published_rows(
    result,
    rule: SuppressionRule,
    *,
    denominator: dict,
    measure: str,
    hidden: set | None = None,
    chosen: dict | None = None,
) -> list[dict]:
    """publish() plus the protection a per-group proportion or mean needs.

    `denominator` is the group's number asked (proportions) or who answered
    (means): each must be publishable, with secondary suppression across the
    groups (their total is on the results page). `hidden` adds the groups whose
    figure must be hidden for another reason (see :func:`_choice_hidden`).
    `chosen` (proportions): the group's people who chose the answer. A
    proportion is worked out from the published (rounded) numbers chosen and
    asked, never the true ones, so it gives away no more than they do (ADR 0008)."""
    published = publish(result, rule.key)
    codes = [row["group_code"] for row in published]
    pre_hidden = {row["group_code"] for row in published if row["suppressed"]}
    hidden_n = _protect({c: denominator.get(c, 0) for c in codes}, [codes], rule, pre_hidden)
    hidden_all = {c for c, h in hidden_n.items() if h} | set(hidden or ())
    n_key = "outcome_n" if measure == "share" else "score_n"
    out = []
    for row, raw in zip(published, result.rows, strict=True):
        row = dict(row)
        code = row["group_code"]
        if code in hidden_all and denominator.get(code, 0):
            for key in ("outcome", "outcome_lower", "outcome_upper", "score_mean", "score_lower", "score_upper"):
                row[key] = None
            row[n_key] = None
            row["suppressed"] = True
        else:
            # The group's number, rounded as every count is; not shown when the
            # rest of the group could then be worked out (rules that do not round).
            n = denominator.get(code, 0)
            row[n_key] = _shown_part(n, int(raw["count"]), rule) if n else 0
            row["suppressed"] = code in pre_hidden
            if measure == "share" and not row["suppressed"]:
                if n and row[n_key] is None:
                    # The number asked is not shown, and an exact proportion would give it away.
                    row.update(outcome=None, outcome_lower=None, outcome_upper=None, suppressed=True)
                else:
                    estimate = (
                        published_proportion((chosen or {}).get(code, 0), n, rule, CONFIDENCE)
                        if n
                        else stats.Estimate(None, None, None)
                    )
                    row.update(outcome=estimate.value, outcome_lower=estimate.lower, outcome_upper=estimate.upper)
        out.append(row)
    return out


def _yes_n(result) -> tuple[dict[str, int], dict[str, int]]:
    """Per group: people choosing the option, people asked (from the engine's outcome rows)."""
    yes: dict[str, int] = {}
    n: dict[str, int] = {}
    for row in result.rows:
        asked = int(round(row.get("outcome_n") or 0))
        n[row["group_code"]] = asked
        yes[row["group_code"]] = int(round((row.get("outcome") or 0) * asked))
    return yes, n


def _choice_hidden(results: list, kind: str, rule: SuppressionRule) -> list[set[str]]:
    """For each option, the groups whose proportion choosing it must be hidden.

    One answer from a list: a table of groups x (options + "no answer") whose
    rows add up to each group's people asked and whose columns add up to each
    answer's total on the results page; primary and secondary suppression over
    both, starting from the groups the engine hid. (Otherwise a group's hidden
    answer would be 100% less the others.)
    Any answers from a list: options overlap, so each option on its own: the
    numbers choosing it and not choosing it, across the groups."""
    published = publish(results[0], rule.key)
    codes = [row["group_code"] for row in published]
    pre_hidden = {row["group_code"] for row in published if row["suppressed"]}
    counts = [_yes_n(result) for result in results]
    if kind == Question.Kind.MULTIPLE:
        hidden_sets = []
        for yes, n in counts:
            no = {c: n.get(c, 0) - yes.get(c, 0) for c in codes}
            hidden = {c for c, h in _protect({c: yes.get(c, 0) for c in codes}, [codes], rule, pre_hidden).items() if h}
            hidden |= {c for c, h in _protect(no, [codes], rule, hidden).items() if h}
            hidden_sets.append(hidden)
        return hidden_sets
    n = counts[0][1]
    options = list(range(len(results))) + ["no answer"]
    cells: dict[tuple, int] = {}
    for code in codes:
        chosen = 0
        for i, (yes, _) in enumerate(counts):
            cells[(code, i)] = yes.get(code, 0)
            chosen += yes.get(code, 0)
        cells[(code, "no answer")] = n.get(code, 0) - chosen
    margins = [[(code, o) for o in options] for code in codes] + [[(code, o) for code in codes] for o in options]
    start = [(code, o) for code in pre_hidden for o in options]
    hidden = _protect(cells, margins, rule, start)
    return [{code for code in codes if hidden[(code, i)]} for i in range(len(results))]


def question_breakdown(
    frame: SurveyFrame,
    question: Question,
    dimension: str,
    rule: SuppressionRule,
    *,
    option: str | None = None,
    cache: dict | None = None,
    with_chart: bool = True,
) -> QuestionBreakdown | None:
    """Each option's proportion of the people asked (choice kinds) or the mean
    of the answers (scales, numbers) by the groups of one equality
    characteristic, suppressed. None for kinds that do not break down."""
    dimension = valid_dimension(dimension)
    dim = DIMENSIONS[dimension]
    cache = {} if cache is None else cache
    df = frame.df
    slim = _slim(df, dim)  # the engine needs only the characteristic's columns: copy no more
    asked = frame.asked(question)
    raw = df[column(question)].where(asked, None)
    answered = raw.map(lambda v: v is not None)
    kind = question.kind
    rows_by_column: list[list[dict]] = []
    columns: list[str] = []
    measure = "share"
    option_choices: list[tuple[str, str]] = []
    if kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE):
        options = _with_unlisted(options_of(question), raw[answered])
        results = []
        for o in options:
            value = o["value"]
            if kind == Question.Kind.MULTIPLE:
                chose = raw.map(lambda v, value=value: v is not None and value in v)
            else:
                chose = raw.map(lambda v, value=value: v is not None and str(v) == value)
            # Of the people asked: "no answer" counts as not choosing it, as on the results page.
            outcome = pd.Series(np.where(chose, "Y", "N"), index=df.index, dtype=object).where(asked, None)
            results.append(breakdown(slim.assign(outcome=outcome), [dimension], registry=DIMENSIONS, key_cache=cache))
            columns.append(o["label"])
            option_choices.append((value, o["label"]))
        if results:
            hidden_sets = _choice_hidden(results, kind, rule)
            for result, hidden in zip(results, hidden_sets, strict=True):
                yes, n = _yes_n(result)
                rows_by_column.append(
                    _published_rows(result, rule, denominator=n, measure="share", hidden=hidden, chosen=yes)
                )
    elif kind in (*SCALE_KINDS, Question.Kind.NUMBER):
        measure = "mean"
        score = pd.to_numeric(raw.where(answered, None), errors="coerce").astype(float)
        result = breakdown(slim.assign(score=score), [dimension], registry=DIMENSIONS, key_cache=cache)
        n_by = {r["group_code"]: int(r["score_n"] or 0) for r in result.rows}
        rows_by_column.append(_published_rows(result, rule, denominator=n_by, measure="mean"))
        columns.append("Mean score" if kind in SCALE_KINDS else "Mean")
    else:
        return None

    base_rows = rows_by_column[0] if rows_by_column else []
    table_rows = []
    any_suppressed = False
    for i, base in enumerate(base_rows):
        cells = []
        n_shown = None
        for col_rows in rows_by_column:
            row = col_rows[i]
            if row["suppressed"]:
                cells.append(GroupCell(rule.symbol, True))
                any_suppressed = True
                continue
            if measure == "share":
                n_value = row.get("outcome_n")
                text = (
                    f"{charts.format_percent(row['outcome'])} ({charts.format_percent(row['outcome_lower'])} to "
                    f"{charts.format_percent(row['outcome_upper'])})"
                    if row.get("outcome") is not None
                    else charts.NOT_AVAILABLE
                )
            else:
                n_value = row.get("score_n")
                if row.get("score_mean") is not None and row.get("score_lower") is not None:
                    text = f"{row['score_mean']:,.1f} ({row['score_lower']:,.1f} to {row['score_upper']:,.1f})"
                elif row.get("score_mean") is not None:
                    text = f"{row['score_mean']:,.1f}"
                else:
                    text = charts.NOT_AVAILABLE
            if n_shown is None and n_value is not None:
                n_shown = n_value
            cells.append(GroupCell(text, False))
        all_hidden = all(c.suppressed for c in cells)
        table_rows.append(
            GroupRow(
                label=base["group"],
                kind=base["kind"],
                answered=rule.symbol if all_hidden else (charts.NOT_AVAILABLE if n_shown is None else f"{n_shown:,}"),
                cells=cells,
            )
        )

    chart = None
    if with_chart:
        chart, option = breakdown_chart(
            question, dimension, measure, columns, option_choices, rows_by_column, option, rule
        )
    return QuestionBreakdown(
        question=question,
        dimension=dimension,
        dimension_label=dim.label,
        measure=measure,
        n_label="People asked" if measure == "share" else "People who answered",
        columns=columns,
        rows=table_rows,
        chart=chart,
        option=option,
        option_choices=option_choices,
        any_suppressed=any_suppressed,
        series=rows_by_column,
    )


def breakdown_chart(
    question: Question,
    dimension: str,
    measure: str,
    columns: list[str],
    option_choices: list,
    series: list[list[dict]],
    option: str | None,
    rule: SuppressionRule,
) -> tuple[charts.Chart | None, str | None]:
    """The chart of one question by group, from its published rows (no pandas):
    for choice questions, the share choosing `option` (the first if none or
    unknown); for scales and numbers, the mean. Returns (chart, option charted)."""
    chart = None
    label = DIMENSIONS[dimension].label.lower()
    if measure == "share" and option_choices:
        values = [v for v, _ in option_choices]
        index = values.index(option) if option in values else 0
        option = values[index]
        chart = charts.survey_choice_by_group_chart(
            series[index],
            CONFIDENCE,
            title=f"People who chose “{option_choices[index][1]}”, by {label}",
            chart_id=f"chart-question-{question.pk}-by-{dimension.replace('_', '-')}",
        )
    elif measure == "mean" and series:
        option = None
        chart = charts.score_chart(
            series[0],
            CONFIDENCE,
            title=f"{columns[0]} by {label}",
            chart_id=f"chart-question-{question.pk}-mean-by-{dimension.replace('_', '-')}",
        )
    if measure == "share":
        chart = disclosure.with_note(chart, rule)
    return chart, option


def _slim(df: pd.DataFrame, dim) -> pd.DataFrame:
    return df[[dim.column, f"{dim.column}__kind"]]


def breakdown_kinds() -> tuple[str, ...]:
    return (Question.Kind.SINGLE, Question.Kind.MULTIPLE, *SCALE_KINDS, Question.Kind.NUMBER)


# --------------------------------------------------------------------------- themes by group


@dataclass
class ThemeTable:
    dimension: str
    dimension_label: str
    groups: list[str]  # column headers
    rows: list[tuple[str, str, list[str]]]  # (theme, total shown, cells shown)
    chart: charts.Chart | None
    any_suppressed: bool


def themes_by_group(frame: SurveyFrame, dimension: str, rule: SuppressionRule) -> ThemeTable:
    """Respondents whose answers to this survey carry each theme, by the groups
    of one equality characteristic; rows (themes) and columns (groups) are both
    margins of the suppression."""
    dimension = valid_dimension(dimension)
    dim = DIMENSIONS[dimension]
    df = frame.df
    # Which respondents carry which theme, counting only answers they were asked.
    carriers: dict[str, set[str]] = {}
    asked_ids = {q.pk: set(df.loc[frame.asked(q), "response"]) for q in frame.questions if q.pk in frame.themes}
    for question_id, coded in frame.themes.items():
        for response_id, names in coded.items():
            if response_id in asked_ids.get(question_id, ()):
                for name in names:
                    carriers.setdefault(name, set()).add(response_id)
    themes = sorted(carriers, key=str.casefold)
    if not themes:
        return ThemeTable(dimension, dim.label, [], [], None, False)
    cache: dict = {}
    anyone = df["response"].isin(set().union(*carriers.values()))
    slim = _slim(df, dim)
    base = breakdown(
        slim.assign(_w=anyone.astype(int)),
        [dimension],
        registry=DIMENSIONS,
        count_column="_w",
        key_cache=cache,
    )
    groups = [(row["group_code"], row["group"]) for row in base.rows]
    counts: dict[tuple[str, str], int] = {}
    for theme in themes:
        weights = df["response"].isin(carriers[theme]).astype(int)
        result = breakdown(
            slim.assign(_w=weights), [dimension], registry=DIMENSIONS, count_column="_w", key_cache=cache
        )
        by_code = {row["group_code"]: int(row["count"]) for row in result.rows}
        for code, _ in groups:
            counts[(theme, code)] = by_code.get(code, 0)
    margins = [[(t, c) for c, _ in groups] for t in themes] + [[(t, c) for t in themes] for c, _ in groups]
    hidden = _protect(counts, margins, rule)
    rows = []
    heat = []
    for theme in themes:
        total = sum(counts[(theme, c)] for c, _ in groups)
        shown_total = stats.display_count(total, rule)
        cells = []
        for code, label in groups:
            n = counts[(theme, code)]
            shown = None if hidden[(theme, code)] else stats.display_count(n, rule)
            cells.append(_fmt_count(shown, rule))
            heat.append(
                {
                    "groups": {"theme": theme, dimension: label},
                    "count": shown,
                    "suppressed": hidden[(theme, code)],
                }
            )
        rows.append((theme, _fmt_count(shown_total, rule), cells))
    chart = charts.intersection_heatmap(
        heat,
        "theme",
        dimension,
        value="count",
        title=f"People whose answers carry each theme, by {dim.label.lower()}",
        chart_id=f"chart-themes-by-{dimension.replace('_', '-')}",
    )
    return ThemeTable(
        dimension=dimension,
        dimension_label=dim.label,
        groups=[label for _, label in groups],
        rows=rows,
        chart=chart,
        any_suppressed=any(hidden.values()),
    )


__all__ = [
    "BreakdownError",
    "SurveyFrame",
    "build_frame",
    "question_breakdown",
    "summarise",
    "summarise_question",
    "themes_by_group",
    "who_answered",
]
