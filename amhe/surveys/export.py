"""Survey results as CSV and Excel (XLSX) downloads.

Every cell goes through :func:`amhe.analysis.csv_safe.csv_safe`, in CSV and XLSX
alike: text a spreadsheet could run as a formula (``=``, ``+``, ``-`` or ``@``
first, whatever spaces, control or invisible characters come before it) gets a
leading ``'``, so a spreadsheet never runs an answer as a formula (openpyxl
would otherwise store ``=HYPERLINK(...)`` as a live formula). In XLSX the
characters Excel files cannot hold are removed first, then the check is made,
so removing them cannot uncover a formula.

Two kinds of download:

* aggregated results (:func:`results_sheets`): the same suppressed figures as
  the pages, built by the same functions (amhe.surveys.results), one
  section per sheet;
* record-level answers (:func:`responses_sheet`): one row per submitted
  response, for leads and analysts only, headed "Record-level answers: not
  for publication".
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from amhe.analysis.csv_safe import csv_safe
from amhe.analysis.downloads import XLSX_TYPE, attachment, csv_download
from amhe.stats import SuppressionRule
from amhe.surveys import i18n
from amhe.surveys import results as survey_results
from amhe.surveys.models import Question, SurveyResponse

RECORD_LEVEL_BANNER = "Record-level answers: not for publication"
AGGREGATED_BANNER = (
    "Survey results with small-number suppression: counts of 1 to {max} are shown as {symbol}{rounding}; "
    "some further figures are hidden so a hidden number cannot be worked out. Percentages and their confidence "
    "intervals are worked out from the counts as shown, not the exact ones."
)
SHEET_TITLE_MAX = 31
_SHEET_BAD = str.maketrans(dict.fromkeys("[]:*?/\\", " "))


@dataclass
class Sheet:
    title: str
    columns: list[str]
    rows: list[list] = field(default_factory=list)


def safe(value):
    """One cell, safe for CSV and Excel: formula triggers neutralised, None blank."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return csv_safe(value)


def _xlsx_value(value):
    """One cell for Excel: characters XLSX cannot hold removed, *then* made safe
    ("\x01=1+1" would otherwise become the formula "=1+1")."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return safe(value)


def csv_text(sheets: Iterable[Sheet], *, banner: str | None = None) -> str:
    """Sheets one after another, each with a title line and its header row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    if banner:
        writer.writerow([safe(banner)])
    sheets = list(sheets)
    for i, sheet in enumerate(sheets):
        if len(sheets) > 1:
            if i:
                writer.writerow([])
            writer.writerow([safe(sheet.title)])
        writer.writerow([safe(c) for c in sheet.columns])
        for row in sheet.rows:
            writer.writerow([safe(v) for v in row])
    return buffer.getvalue()


def _sheet_title(title: str, used: set[str]) -> str:
    base = " ".join(title.translate(_SHEET_BAD).split())[:SHEET_TITLE_MAX].strip("'") or "Sheet"
    name, n = base, 2
    while name.casefold() in used:
        suffix = f" ({n})"
        name = base[: SHEET_TITLE_MAX - len(suffix)] + suffix
        n += 1
    used.add(name.casefold())
    return name


def xlsx_bytes(sheets: Iterable[Sheet], *, banner: str | None = None) -> bytes:
    """One worksheet per sheet; the banner, when given, is the first row of each."""
    workbook = Workbook(write_only=True)
    used: set[str] = set()
    for sheet in sheets:
        worksheet = workbook.create_sheet(title=_sheet_title(sheet.title, used))
        if banner:
            worksheet.append([_xlsx_value(banner)])
        worksheet.append([_xlsx_value(c) for c in sheet.columns])
        for row in sheet.rows:
            worksheet.append([_xlsx_value(v) for v in row])
    if not used:
        workbook.create_sheet(title="Empty")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_response(filename: str, sheets: Iterable[Sheet], *, banner: str | None = None) -> HttpResponse:
    response = csv_download(filename)
    response.write(csv_text(sheets, banner=banner))
    return response


def xlsx_response(filename: str, sheets: Iterable[Sheet], *, banner: str | None = None) -> HttpResponse:
    return attachment(filename, content_type=XLSX_TYPE, content=xlsx_bytes(sheets, banner=banner))


# --------------------------------------------------------------------------- aggregated results


def aggregated_banner(rule: SuppressionRule) -> str:
    if rule.primary_max == 0:
        return "Survey results: all counts exact."
    rounding = f" and other counts are rounded to the nearest {rule.round_to}" if rule.round_to else ""
    return AGGREGATED_BANNER.format(max=rule.primary_max, symbol=rule.symbol, rounding=rounding)


def _count(value, rule: SuppressionRule):
    return rule.symbol if value is None else value


def _percent(value, decimals: int = 0):
    return None if value is None else round(value * 100, decimals)


def results_sheets(frame: survey_results.SurveyFrame, rule: SuppressionRule) -> list[Sheet]:
    """Everything the results pages show, suppressed the same way, as sheets:
    responses, each question's answers, who answered, answers by group, themes."""
    sheets = [_responses_overview(frame, rule)]
    summaries = survey_results.summarise(frame, rule)
    sheets.append(_questions(summaries, rule))
    cache: dict = {}
    if frame.has_equality:
        sheets.append(_who_answered(frame, rule, cache))
        sheets.append(_by_group(frame, summaries, rule, cache))
    sheets.append(_themes(frame, summaries, rule))
    return sheets


def _responses_overview(frame, rule) -> Sheet:
    overview = survey_results.overview(frame, rule)
    sheet = Sheet("Responses", ["Measure", "Group", "Responses"])
    sheet.rows.append(["Status", "Submitted", _count(overview.submitted, rule)])
    sheet.rows.append(["Status", "In progress", _count(overview.in_progress, rule)])
    for row in overview.by_channel:
        sheet.rows.append(["Channel (submitted)", row.label, _count(row.count, rule)])
    for row in overview.by_language:
        sheet.rows.append(["Language (submitted)", row.label, _count(row.count, rule)])
    return sheet


def _questions(summaries, rule) -> Sheet:
    sheet = Sheet(
        "Questions",
        [
            "Question number",
            "Question",
            "Answer or figure",
            "People",
            "Percentage of people who answered",
            "95% confidence interval: lower",
            "95% confidence interval: upper",
            "Figure",
        ],
    )
    for summary in summaries:
        number, text = summary.number, summary.question.text
        for what, figure in summary.facts:
            sheet.rows.append([number, text, what, None, None, None, None, figure])
        rows = summary.themes if summary.is_text else summary.options
        for row in rows:
            label = f"Theme: {row.label}" if summary.is_text else row.label
            if row.suppressed:
                sheet.rows.append([number, text, label, rule.symbol, rule.symbol, rule.symbol, rule.symbol, None])
            else:
                sheet.rows.append(
                    [
                        number,
                        text,
                        label,
                        row.count,
                        _percent(row.share),
                        _percent(row.share_lower),
                        _percent(row.share_upper),
                        None,
                    ]
                )
    return sheet


def _who_answered(frame, rule, cache) -> Sheet:
    sheet = Sheet(
        "Who answered",
        [
            "Characteristic",
            "Group",
            "People",
            "Percentage",
            "95% confidence interval: lower",
            "95% confidence interval: upper",
        ],
    )
    for section in survey_results.who_answered(frame, rule, cache):
        for row in section["rows"]:
            if row["suppressed"]:
                sheet.rows.append([section["label"], row["group"], rule.symbol, rule.symbol, rule.symbol, rule.symbol])
            else:
                sheet.rows.append(
                    [
                        section["label"],
                        row["group"],
                        row["count"],
                        _percent(row["share"], 1),
                        _percent(row["share_lower"], 1),
                        _percent(row["share_upper"], 1),
                    ]
                )
    return sheet


def _by_group(frame, summaries, rule, cache) -> Sheet:
    sheet = Sheet(
        "Answers by group",
        [
            "Question number",
            "Question",
            "Characteristic",
            "Group",
            "Answer or measure",
            "People who answered",
            "Percentage who chose it, or mean",
            "95% confidence interval: lower",
            "95% confidence interval: upper",
        ],
    )
    for summary in summaries:
        if not summary.has_breakdown:
            continue
        for key in survey_results.available_dimensions(frame):
            result = survey_results.question_breakdown(
                frame, summary.question, key, rule, cache=cache, with_chart=False
            )
            if result is None:
                continue
            for label, rows in zip(result.columns, result.series, strict=True):
                for row in rows:
                    base = [summary.number, summary.question.text, result.dimension_label, row["group"], label]
                    if row["suppressed"]:
                        sheet.rows.append([*base, rule.symbol, rule.symbol, rule.symbol, rule.symbol])
                    elif result.measure == "share":
                        sheet.rows.append(
                            [
                                *base,
                                row.get("outcome_n"),
                                _percent(row.get("outcome"), 1),
                                _percent(row.get("outcome_lower"), 1),
                                _percent(row.get("outcome_upper"), 1),
                            ]
                        )
                    else:
                        sheet.rows.append(
                            [
                                *base,
                                row.get("score_n"),
                                _round(row.get("score_mean")),
                                _round(row.get("score_lower")),
                                _round(row.get("score_upper")),
                            ]
                        )
    return sheet


def _round(value, places: int = 1):
    return None if value is None else round(float(value), places)


def _themes(frame, summaries, rule) -> Sheet:
    sheet = Sheet(
        "Themes",
        [
            "Question number",
            "Question",
            "Theme",
            "Characteristic",
            "Group",
            "Count",
        ],
    )
    for summary in summaries:
        if not summary.is_text:
            continue
        for row in summary.themes:
            sheet.rows.append(
                [summary.number, summary.question.text, row.label, "All answers", "All", _count(row.count, rule)]
            )
    if frame.has_equality:
        for key in survey_results.available_dimensions(frame):
            table = survey_results.themes_by_group(frame, key, rule)
            for theme, total, cells in table.rows:
                sheet.rows.append(
                    ["All", "People whose answers carry the theme", theme, table.dimension_label, "All", total]
                )
                for group, cell in zip(table.groups, cells, strict=True):
                    sheet.rows.append(
                        ["All", "People whose answers carry the theme", theme, table.dimension_label, group, cell]
                    )
    return sheet


# --------------------------------------------------------------------------- record-level answers


def _labels(question: Question) -> dict[str, str]:
    return {o["value"]: o["label"] for o in survey_results.options_of(question)}


def _answer_text(question: Question, value, labels: dict[str, str]):
    if value is None:
        return None
    if question.kind == Question.Kind.MULTIPLE:
        return "; ".join(labels.get(v, v) for v in value)
    if question.kind == Question.Kind.NUMBER:
        return int(value) if float(value).is_integer() else value
    if question.kind in (Question.Kind.SINGLE, Question.Kind.LIKERT, Question.Kind.RATING) or question.equality_key:
        return labels.get(str(value), str(value))
    return value


def responses_sheet(frame: survey_results.SurveyFrame) -> Sheet:
    """One row per submitted response with every answer (labels, not codes)
    and the themes coded on free-text answers. Not suppressed: leads and
    analysts only."""
    columns = ["Response", "Submitted on", "Channel", "Language"]
    own_numbers = {q.pk: n for n, q in enumerate(frame.own_questions, start=1)}
    plan = []
    for q in frame.questions:
        heading = f"Q{own_numbers[q.pk]}. {q.text}" if q.pk in own_numbers else f"Equality: {q.text}"
        columns.append(heading)
        plan.append((q, _labels(q), False))
        if q.kind in survey_results.TEXT_KINDS:
            columns.append(f"Q{own_numbers.get(q.pk, '')} themes")
            plan.append((q, None, True))
    channels = dict(SurveyResponse.Channel.choices)
    sheet = Sheet("Responses", columns)
    df = frame.df
    for i, record in enumerate(df.to_dict("records"), start=1):
        row = [
            i,
            record["submitted_on"].isoformat() if record["submitted_on"] else None,
            channels.get(record["channel"], record["channel"]),
            i18n.staff_language_name(record["language"]),
        ]
        for q, labels, is_themes in plan:
            value = record[survey_results.column(q)]
            if is_themes:
                names = frame.themes.get(q.pk, {}).get(record["response"], set()) if value is not None else set()
                row.append(", ".join(sorted(names, key=str.casefold)))
            else:
                row.append(_answer_text(q, value, labels))
        sheet.rows.append(row)
    return sheet
