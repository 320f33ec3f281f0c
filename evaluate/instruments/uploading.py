"""Uploaded PREM and PROM scores: a CSV or Excel file with one row per
respondent, read safely by Identify's reader (identify.engine.read_extract:
encodings, huge or compressed files, control characters, columns that identify
people are removed), checked here, scored by evaluate.instruments.scoring and
summarised per period by the same code as a survey's scores
(evaluate.instruments.figures.compute_use), so the figures get exactly the
suppression survey results get.

The columns (names in any case; spaces, hyphens and underscores alike):

* ``date`` (required): the day the person answered, as 2025-04-30 or 30/04/2025.
* either ``item_1`` ... ``item_N`` (the answers to the instrument's items, as the
  answer's wording or its score; blank when not answered) or ``score`` (a total
  already worked out: a number in the instrument's range; for a share
  instrument such as the Friends and Family Test, 1 for positive and 0 for not).
* optional equality answers, as the survey's equality questions record them
  (the code or the wording, "Prefer not to say", or blank): ``ethnic_group``,
  ``sex``, ``age_band``.

Any other column is ignored and not stored. Every problem is reported with its
row (as a spreadsheet numbers it) and column, up to :data:`MAX_PROBLEMS`; a file
with any problem stores nothing. Messages never quote a cell's value.

It runs as a job (evaluate/jobs.py), bounded by :data:`MAX_BYTES`,
:data:`MAX_ROWS` and :data:`MAX_PERIODS`: at those limits it takes about half a
minute (benchmarks/instrument_upload.py), too long for a request.
"""

from __future__ import annotations

import dataclasses
import datetime
import re
from collections import defaultdict

import pandas as pd

from amhe.stats import SuppressionRule
from amhe.surveys import equality
from amhe.surveys import results as survey_results
from amhe.surveys.models import Question, Survey
from evaluate.instruments import figures as instrument_figures
from evaluate.instruments import scoring
from evaluate.models import SurveyInstrument
from identify import engine

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
MAX_COLUMNS = 80
MAX_PERIODS = 36
MAX_PROBLEMS = 10

MONTH, QUARTER, YEAR = "month", "quarter", "year"
EQUALITY_COLUMNS = {  # column -> the survey's equality question key
    "ethnic_group": "ethnic_group",
    "sex": "sex",
    "age_band": "age",
}
_DMY = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[ T].*)?")
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


class UploadProblem(ValueError):
    """The file cannot be used; ``messages`` says why, one sentence each."""

    def __init__(self, messages: list[str]):
        super().__init__(" ".join(messages))
        self.messages = messages


@dataclasses.dataclass
class Period:
    start: datetime.date
    end: datetime.date
    scores: list[scoring.Score]
    equality: list[dict[str, str | None]]


@dataclasses.dataclass
class Read:
    periods: list[Period]
    rows: int
    ignored: list[str]  # columns ignored (not stored)
    removed: list[str]  # columns removed as identifying people
    equality_columns: list[str]  # of EQUALITY_COLUMNS, the ones the file has


def _name(column: str) -> str:
    return re.sub(r"[\s\-_]+", "_", column.strip().casefold())


def parse_date(text: str) -> datetime.date | None:
    text = text.strip()
    try:
        if match := _ISO.fullmatch(text):
            return datetime.date(int(match[1]), int(match[2]), int(match[3]))
        if match := _DMY.fullmatch(text):
            return datetime.date(int(match[3]), int(match[2]), int(match[1]))
    except ValueError:
        return None
    return None


def period_of(day: datetime.date, grouping: str) -> tuple[datetime.date, datetime.date]:
    """The calendar month, quarter or year the day falls in."""
    if grouping == YEAR:
        return datetime.date(day.year, 1, 1), datetime.date(day.year, 12, 31)
    first_month = day.month if grouping == MONTH else (day.month - 1) // 3 * 3 + 1
    start = datetime.date(day.year, first_month, 1)
    last_month = first_month + (0 if grouping == MONTH else 2)
    following = datetime.date(day.year + (last_month == 12), last_month % 12 + 1, 1)
    return start, following - datetime.timedelta(days=1)


def _answer_lookup(definition: dict) -> dict[str, int]:
    """An item's answer (its wording, or its score when no two answers share it) -> the answer's index."""
    lookup: dict[str, int] = {}
    scores: dict[str, list[int]] = defaultdict(list)
    for index, option in enumerate(definition["options"]):
        lookup[option["label"].strip().casefold()] = index
        if option.get("score") is not None:
            scores[str(option["score"])].append(index)
    for score, indexes in scores.items():
        if len(indexes) == 1:
            lookup.setdefault(score, indexes[0])
    return lookup


def answers_text(definition: dict) -> str:
    parts = []
    for option in definition["options"]:
        score = option.get("score")
        parts.append(f"'{option['label']}'" + ("" if score is None else f" ({score})"))
    return ", ".join(parts)


def _equality_lookup(key: str) -> tuple[dict[str, str], str]:
    question = equality.BY_KEY[key]
    lookup: dict[str, str] = {}
    for option in question.option_list():
        lookup[str(option["value"]).casefold()] = option["value"]
        lookup[str(option["label"]).strip().casefold()] = option["value"]
    words = ", ".join(f"'{option['label']}'" for option in question.option_list())
    return lookup, words


def _score_of(definition: dict, text: str) -> float | None | str:
    """A total from the `score` column: the number, None when blank, or a problem in words."""
    text = text.strip()
    if not text:
        return None
    if not _NUMBER.fullmatch(text):
        return "is not a number"
    value = float(text)
    low, high = scoring.score_range(definition)
    method = definition["method"]
    if method == scoring.SHARE:
        return value if value in (0.0, 1.0) else "must be 1 (a positive answer) or 0 (any other answer)"
    if not low <= value <= high:
        return f"must be from {low:g} to {high:g}"
    if method == scoring.SUM and not value.is_integer():
        return "must be a whole number (the instrument's total)"
    return value


def read(data: bytes, *, filename: str, definition: dict, grouping: str) -> Read:
    """Read and check an upload of `definition`'s scores; UploadProblem if it cannot be used."""
    try:
        extract = engine.read_extract(
            data, filename=filename, max_bytes=MAX_BYTES, max_rows=MAX_ROWS, max_columns=MAX_COLUMNS
        )
    except engine.ExtractError as exc:
        raise UploadProblem([exc.message]) from None
    table = extract.table
    columns: dict[str, str] = {}
    for column in extract.columns:
        columns.setdefault(_name(column), column)
    n_items = len(definition["items"])
    item_names = [f"item_{i}" for i in range(1, n_items + 1)]
    has_items = [name for name in item_names if name in columns]
    problems: list[str] = []
    if "date" not in columns:
        problems.append("The file has no 'date' column: add one with the day each person answered (as 2025-04-30).")
    if "score" in columns and has_items:
        problems.append("The file has both a 'score' column and item columns: keep one or the other.")
    elif "score" not in columns and len(has_items) != n_items:
        missing = [name for name in item_names if name not in columns]
        if has_items:
            problems.append(
                f"The file has no column {', '.join(missing[:5])}{' and more' if len(missing) > 5 else ''}: "
                f"{definition['name']} has {n_items} items, so give item_1 to item_{n_items} (or one 'score' column)."
            )
        else:
            problems.append(
                f"The file has no 'score' column and no item columns: give either a 'score' column with each "
                f"person's total, or item_1 to item_{n_items} with their answers."
            )
    if problems:
        raise UploadProblem(problems)
    known = {"date", "score", *item_names, *EQUALITY_COLUMNS}
    ignored = [column for name, column in columns.items() if name not in known]
    lookup = _answer_lookup(definition)
    equality_lookups = {name: _equality_lookup(key) for name, key in EQUALITY_COLUMNS.items() if name in columns}
    by_period: dict[tuple[datetime.date, datetime.date], Period] = {}
    use_items = "score" not in columns

    def problem(row: int, column: str, what: str) -> None:
        problems.append(f"Row {row}, column '{column}': {what}.")
        if len(problems) >= MAX_PROBLEMS:
            raise UploadProblem([*problems, "Correct these and upload the file again (nothing was saved)."])

    for row_number, row in zip(table.index, table.itertuples(index=False, name=None), strict=True):
        cells = dict(zip(extract.columns, row, strict=True))
        day_text = str(cells[columns["date"]] or "")
        day = parse_date(day_text)
        if day is None:
            problem(
                int(row_number),
                columns["date"],
                "the date is blank" if not day_text.strip() else "this is not a date such as 2025-04-30 or 30/04/2025",
            )
        answers: list[int | None] = []
        result = None
        if use_items:
            for name in item_names:
                text = str(cells[columns[name]] or "").strip()
                if not text:
                    answers.append(None)
                    continue
                index = lookup.get(text.casefold())
                if index is None:
                    problem(
                        int(row_number),
                        columns[name],
                        f"this is not one of the answers ({answers_text(definition)}); leave it blank if not answered",
                    )
                answers.append(index)
            result = scoring.score(definition, answers)
        else:
            value = _score_of(definition, str(cells[columns["score"]] or ""))
            if isinstance(value, str):
                problem(int(row_number), columns["score"], f"the score {value}")
            else:
                result = scoring.Score(
                    value,
                    0 if value is None else 1,
                    scoring.band_of(definition, value) if definition["method"] == scoring.SUM else "",
                )
        person: dict[str, str | None] = {}
        for name, (values, words) in equality_lookups.items():
            text = str(cells[columns[name]] or "").strip()
            if not text:
                continue
            code = values.get(text.casefold())
            if code is None:
                problem(int(row_number), columns[name], f"this is not one of {words} (or blank)")
            person[EQUALITY_COLUMNS[name]] = code
        if day is None or result is None:
            continue
        start, end = period_of(day, grouping)
        period = by_period.get((start, end))
        if period is None:
            if len(by_period) >= MAX_PERIODS:
                raise UploadProblem(
                    [f"The file covers more than {MAX_PERIODS} periods: upload at most {MAX_PERIODS} at a time."]
                )
            period = by_period[(start, end)] = Period(start, end, [], [])
        period.scores.append(result)
        period.equality.append(person)
    if problems:
        raise UploadProblem([*problems, "Correct these and upload the file again (nothing was saved)."])
    if not by_period:
        raise UploadProblem(["The file has no rows of scores under the column names."])
    return Read(
        periods=sorted(by_period.values(), key=lambda p: p.start),
        rows=len(table),
        ignored=ignored,
        removed=extract.dropped_identifiers,
        equality_columns=list(equality_lookups),
    )


def _frame(survey: Survey, period: Period, keys: list[str]) -> survey_results.SurveyFrame:
    """The period's respondents as a survey frame: no answers of their own, only the
    equality columns the breakdown engine reads (the scores are added by compute_use)."""
    columns = list(equality.frame_columns({}))
    data: dict[str, list] = {"response": [], **{name: [] for name in columns}}
    for number, person in enumerate(period.equality):
        data["response"].append(str(number))
        for name, value in equality.frame_columns(person).items():
            data[name].append(value)
    df = pd.DataFrame({name: pd.Series(values, dtype=object) for name, values in data.items()})
    # Unsaved questions standing for the equality questions the file answered (negative pks: never a real one).
    questions = [
        Question(pk=-10 - i, survey=survey, kind=Question.Kind.SINGLE, text=key, equality_key=key, position=0)
        for i, key in enumerate(keys)
    ]
    return survey_results.SurveyFrame(survey=survey, questions=questions, df=df, states={})


def figures(
    *, project, key: str, name: str, definition: dict, period: Period, columns: list[str], rule: SuppressionRule
):
    """A period's published figures, as a survey's figures of an instrument are stored."""
    survey = Survey(project=project, title=name)
    use = SurveyInstrument(pk=0, key=key, name=name, definition=definition)
    frame = _frame(survey, period, [EQUALITY_COLUMNS[c] for c in columns])
    return instrument_figures.compute_use(frame, use, rule, {}, results=period.scores)
