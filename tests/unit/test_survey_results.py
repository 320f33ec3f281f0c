"""Survey results (Identify 1B): the frame of submitted responses, per-question
figures, small-number suppression, breakdowns by the respondents' own
equality answers, themes by group and the export helpers."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from amhe import stats
from amhe.analysis import charts
from amhe.surveys import equality, export
from amhe.surveys import results as sr
from amhe.surveys.models import Answer, Question, SurveyResponse, Theme
from tests.factories import QuestionFactory, SurveyFactory, SurveyResponseFactory

pytestmark = pytest.mark.django_db

NHS = stats.RULES["nhs"]
LT10 = stats.RULES["nhs_lt10"]
LIKERT = [
    {"value": "1", "label": "Strongly disagree"},
    {"value": "2", "label": "Disagree"},
    {"value": "3", "label": "Neither agree nor disagree"},
    {"value": "4", "label": "Agree"},
    {"value": "5", "label": "Strongly agree"},
]


def equality_question(survey, key: str, position: int, show_if: Question | None = None, values=()):
    standard = equality.BY_KEY[key]
    return QuestionFactory(
        survey=survey,
        position=position,
        kind="single",
        text=str(standard.text),
        equality_key=key,
        options=standard.option_list(),
        show_if_question=show_if,
        show_if_values=list(values),
    )


@pytest.fixture
def survey():
    return SurveyFactory(include_equality=True)


@pytest.fixture
def ethnic(survey):
    group = equality_question(survey, "ethnic_group", 100)
    white = equality_question(survey, "ethnicity_white", 101, group, ["WHITE"])
    return group, white


def respond(survey, answers: dict, *, state="submitted", channel="open", language="en-gb") -> SurveyResponse:
    response = SurveyResponseFactory(survey=survey, state=state, channel=channel, language=language)
    Answer.objects.bulk_create(Answer(response=response, question=q, value=v) for q, v in answers.items())
    return response


def many(survey, n: int, answers: dict, **kwargs) -> None:
    for _ in range(n):
        respond(survey, answers, **kwargs)


def by_label(rows):
    return {row.label: row for row in rows}


# --------------------------------------------------------------------------- the frame


def test_frame_has_one_row_per_submitted_response_with_equality_columns(survey, ethnic):
    group, white = ethnic
    q = QuestionFactory(survey=survey, position=1)
    respond(survey, {q: "yes", group: "WHITE", white: "WHITE_IRISH"})
    respond(survey, {q: "no", group: equality.PREFER_NOT})
    respond(survey, {q: "no"})
    respond(survey, {q: "yes", group: "BLACK"}, state="in_progress")

    frame = sr.build_frame(survey)

    assert len(frame.df) == 3
    assert frame.states == {"submitted": 3, "in_progress": 1}
    rows = frame.df.to_dict("records")
    got = sorted(
        (r[sr.column(q)], r["ethnicity_high"] or "", r["ethnicity_high__kind"], r["ethnicity"] or "") for r in rows
    )
    assert got == [
        ("no", "", "blank", ""),
        ("no", "", "not_stated", ""),
        ("yes", "WHITE", "valid", "WHITE_IRISH"),
    ]
    assert all(r["sex__kind"] == "blank" for r in rows)  # not asked in this survey: blank, as the engine expects
    assert [q.pk for q in frame.own_questions] == [q.pk]
    assert frame.has_equality


def test_frame_keeps_multiple_choice_as_lists_and_blanks_empty_answers(survey):
    q = QuestionFactory(
        survey=survey,
        kind="multiple",
        options=[{"value": "a", "label": "A"}, {"value": "b", "label": "B"}, {"value": "c", "label": "C"}],
    )
    n = QuestionFactory(survey=survey, kind="number", options=[])
    t = QuestionFactory(survey=survey, kind="text", options=[])
    first = respond(survey, {q: ["a", "c"], n: 4, t: "  "})
    second = respond(survey, {q: [], n: "12.5", t: "Too far to travel"})
    third = respond(survey, {q: "b"})

    rows = {r["response"]: r for r in sr.build_frame(survey).df.to_dict("records")}
    rows = [rows[str(r.pk)] for r in (first, second, third)]

    assert [r[sr.column(q)] for r in rows] == [["a", "c"], None, ["b"]]
    assert [r[sr.column(n)] for r in rows] == [4.0, 12.5, None]
    assert [r[sr.column(t)] for r in rows] == [None, "Too far to travel", None]
    assert all(r[sr.asked_column(q)] for r in rows)


def test_show_if_answers_left_behind_are_blank_and_not_asked(survey):
    parent = QuestionFactory(survey=survey, position=1)
    child = QuestionFactory(survey=survey, position=2, show_if_question=parent, show_if_values=["yes"])
    grandchild = QuestionFactory(survey=survey, position=3, show_if_question=child, show_if_values=["yes"])
    kept = respond(survey, {parent: "yes", child: "yes", grandchild: "no"})
    # Answered the follow-ups, then went back and changed the first answer to "no".
    changed = respond(survey, {parent: "no", child: "yes", grandchild: "yes"})

    rows = {r["response"]: r for r in sr.build_frame(survey).df.to_dict("records")}
    rows = [rows[str(kept.pk)], rows[str(changed.pk)]]

    assert [r[sr.column(child)] for r in rows] == ["yes", None]
    assert [r[sr.asked_column(child)] for r in rows] == [True, False]
    assert [r[sr.column(grandchild)] for r in rows] == ["no", None]
    assert [r[sr.asked_column(grandchild)] for r in rows] == [True, False]


def test_show_if_on_an_ethnic_group_detail_question_ignores_a_stale_detail(survey, ethnic):
    group, white = ethnic
    respond(survey, {group: "BLACK", white: "WHITE_IRISH"})  # changed group after answering the White detail

    row = sr.build_frame(survey).df.to_dict("records")[0]

    assert row["ethnicity_high"] == "BLACK"
    assert row["ethnicity__kind"] == "blank"
    assert row[sr.column(white)] is None


def test_the_frame_takes_a_handful_of_queries_for_1000_responses_of_20_questions(survey, django_assert_max_num_queries):
    questions = [QuestionFactory(survey=survey, position=i) for i in range(20)]
    responses = SurveyResponse.objects.bulk_create(
        SurveyResponse(survey=survey, channel="open", state="submitted", consented=True) for _ in range(1000)
    )
    Answer.objects.bulk_create(
        Answer(response=r, question=q, value="yes" if (i + j) % 3 else "no")
        for i, r in enumerate(responses)
        for j, q in enumerate(questions)
    )

    with django_assert_max_num_queries(5):
        frame = sr.build_frame(survey)

    assert frame.df.shape[0] == 1000
    assert all(sr.column(q) in frame.df.columns for q in questions)


# --------------------------------------------------------------------------- one question


def test_single_choice_counts_shares_and_wilson_intervals(survey):
    q = QuestionFactory(survey=survey)
    many(survey, 30, {q: "yes"})
    many(survey, 20, {q: "no"})

    summary = sr.summarise_question(sr.build_frame(survey), q, NHS)

    rows = by_label(summary.options)
    assert rows["Yes"].count == 30 and rows["No"].count == 20
    expected = stats.proportion(30, 50)
    assert rows["Yes"].share == pytest.approx(0.6)
    assert (rows["Yes"].share_lower, rows["Yes"].share_upper) == pytest.approx((expected.lower, expected.upper))
    assert rows[sr.NO_ANSWER].count == 0 and not rows[sr.NO_ANSWER].suppressed
    assert summary.asked == 50
    assert dict(summary.facts) == {"People asked": "50"}
    assert summary.chart.summary == "Most people asked (60%) chose Yes."
    assert summary.chart.table["rows"][0] == ["Yes", "30", "60%", "46% to 72%"]
    assert summary.chart.table["rows"][2] == ["No answer", "0", "0%", "0% to 7%"]


def test_an_answer_chosen_by_3_is_suppressed_and_a_complementary_cell_hidden(survey):
    q = QuestionFactory(
        survey=survey,
        options=[
            {"value": "a", "label": "Often"},
            {"value": "b", "label": "Sometimes"},
            {"value": "c", "label": "Never"},
        ],
    )
    many(survey, 20, {q: "a"})
    many(survey, 3, {q: "b"})
    many(survey, 12, {q: "c"})

    summary = sr.summarise_question(sr.build_frame(survey), q, NHS)

    rows = by_label(summary.options)
    assert rows["Sometimes"].suppressed and rows["Sometimes"].count is None and rows["Sometimes"].share is None
    # Otherwise 35 - 20 - 12 = 3: the next smallest answer is hidden too.
    assert rows["Never"].suppressed and rows["Never"].count is None
    assert rows["Often"].count == 20 and not rows["Often"].suppressed
    # Nothing shown lets the 3 be worked out: two hidden cells in every total.
    hidden = [r for r in summary.options if r.suppressed]
    assert len(hidden) == 2
    table = summary.chart.table["rows"]
    assert ["Sometimes", "*", "*", "*"] in table and ["Never", "*", "*", "*"] in table
    assert "3" not in [cell for row in table for cell in row]
    assert "Figures could not be shown for 2 answers" in summary.chart.summary
    assert summary.chart.footnotes


def test_no_answer_is_part_of_the_margin(survey):
    q = QuestionFactory(survey=survey)
    other = QuestionFactory(survey=survey)
    many(survey, 20, {q: "yes", other: "yes"})
    many(survey, 15, {q: "no", other: "yes"})
    many(survey, 2, {other: "yes"})  # skipped q

    summary = sr.summarise_question(sr.build_frame(survey), q, NHS)

    rows = by_label(summary.options)
    assert rows[sr.NO_ANSWER].suppressed
    # 37 asked, so with "no answer" hidden one answer must go too.
    assert rows["No"].suppressed and not rows["Yes"].suppressed
    # Of everyone asked, from the published numbers: 20 of 35 (37 rounded), not 20 of 37.
    assert rows["Yes"].share == pytest.approx(20 / 35)


def test_nhs_rule_rounds_shown_counts_to_5(survey):
    q = QuestionFactory(survey=survey)
    many(survey, 12, {q: "yes"})
    many(survey, 13, {q: "no"})

    summary = sr.summarise_question(sr.build_frame(survey), q, NHS)

    rows = by_label(summary.options)
    assert (rows["Yes"].count, rows["No"].count) == (10, 15)
    assert summary.asked == 25
    # Worked out from the published counts (10 of 25), not the true 12: 12/25 beside "10" gives 12 away.
    assert rows["Yes"].share == pytest.approx(10 / 25)


def test_without_rounding_the_number_who_answered_is_hidden_when_the_rest_is_small(survey):
    n = QuestionFactory(survey=survey, kind="number", options=[])
    other = QuestionFactory(survey=survey)
    many(survey, 40, {n: 3, other: "yes"})
    many(survey, 3, {other: "yes"})

    unrounded = sr.summarise_question(sr.build_frame(survey), n, LT10)
    rounded = sr.summarise_question(sr.build_frame(survey), n, NHS)

    assert dict(unrounded.facts)["People asked"] == "43"
    assert dict(unrounded.facts)["People who answered"] == "*"  # 43 - 40 would give the 3 away
    assert dict(rounded.facts)["People who answered"] == "40"


def test_multiple_choice_options_are_suppressed_one_by_one(survey):
    q = QuestionFactory(
        survey=survey,
        kind="multiple",
        options=[
            {"value": "gp", "label": "GP"},
            {"value": "crisis", "label": "Crisis team"},
            {"value": "police", "label": "Police"},
        ],
    )
    many(survey, 3, {q: ["gp", "crisis", "police"]})
    many(survey, 20, {q: ["gp", "crisis"]})
    many(survey, 9, {q: ["gp"]})

    summary = sr.summarise_question(sr.build_frame(survey), q, NHS)

    rows = by_label(summary.options)
    assert rows["Police"].suppressed  # 3 chose it
    assert rows["GP"].count == 30 and rows["GP"].share == 1.0  # everyone: a true 0 did not, which is shown
    assert not rows["Crisis team"].suppressed
    # 23 of 32, published as 25 of 30: the percentage is of the published numbers.
    assert rows["Crisis team"].count == 25 and rows["Crisis team"].share == pytest.approx(25 / 30)
    assert summary.asked == 30  # the denominator, rounded
    assert "they could choose more than one" in summary.chart.summary

    # All but 3 chose it: hidden too, or the 3 who did not would be known.
    many(survey, 3, {q: ["crisis"]})
    rows = by_label(sr.summarise_question(sr.build_frame(survey), q, NHS).options)
    assert rows["GP"].suppressed and rows["GP"].share is None


def test_likert_has_a_mean_score_hidden_below_the_threshold(survey):
    q = QuestionFactory(survey=survey, kind="likert", options=LIKERT)
    many(survey, 10, {q: "4"})
    many(survey, 10, {q: "2"})
    summary = sr.summarise_question(sr.build_frame(survey), q, NHS)
    facts = dict(summary.facts)
    assert facts["Mean score"].startswith("3.0 (95% confidence interval 2.")

    small = SurveyFactory()
    q2 = QuestionFactory(survey=small, kind="likert", options=LIKERT)
    many(small, 5, {q2: "5"})
    facts = dict(sr.summarise_question(sr.build_frame(small), q2, NHS).facts)
    assert facts["Mean score"] == "Not shown: too few people answered"


def test_number_and_date_questions(survey):
    n = QuestionFactory(survey=survey, kind="number", options=[])
    d = QuestionFactory(survey=survey, kind="date", options=[])
    for i in range(10):
        respond(survey, {n: i, d: f"2024-{i + 1:02d}-15"})
    frame = sr.build_frame(survey)

    facts = dict(sr.summarise_question(frame, n, NHS).facts)
    assert facts["Median"] == "4.5"
    assert facts["Mean"].startswith("4.5 (95% confidence interval")
    facts = dict(sr.summarise_question(frame, d, NHS).facts)
    assert facts["Dates given (to the month)"] == "January 2024 to October 2024"


# --------------------------------------------------------------------------- breakdowns


def test_breakdown_by_ethnic_group_gives_outcome_proportions_with_suppression(survey, ethnic):
    group, _ = ethnic
    q = QuestionFactory(survey=survey)
    many(survey, 15, {q: "yes", group: "WHITE"})
    many(survey, 10, {q: "no", group: "WHITE"})
    many(survey, 10, {q: "yes", group: "BLACK"})
    many(survey, 10, {q: "no", group: "BLACK"})
    many(survey, 3, {q: "yes", group: "ASIAN"})
    many(survey, 8, {q: "no", group: "MIXED"})
    many(survey, 10, {q: "no", group: equality.PREFER_NOT})

    result = sr.question_breakdown(sr.build_frame(survey), q, "ethnicity_high", NHS)

    assert result.dimension_label == "Ethnic group"
    assert result.columns == ["Yes", "No"]
    yes = {row["group"]: row for row in result.series[0]}
    assert yes["White"]["outcome"] == pytest.approx(0.6)
    assert yes["White"]["outcome_n"] == 25
    assert yes["Black, Black British, Black Welsh, Caribbean or African"]["outcome"] == pytest.approx(0.5)
    assert yes["Asian, Asian British or Asian Welsh"]["suppressed"]
    assert yes["Asian, Asian British or Asian Welsh"]["outcome"] is None
    # "Not stated" is kept as a group of its own; 10 said no, 0 yes: shown.
    assert yes["Not stated"]["outcome"] == 0.0
    # Secondary suppression: with Asian (3) hidden, the next smallest group is hidden so the 3 cannot be worked out.
    assert yes["Mixed or Multiple ethnic groups"]["suppressed"]
    assert yes["Mixed or Multiple ethnic groups"]["outcome"] is None
    # The table says the same, with no number under the threshold.
    table = {row.label: row for row in result.rows}
    assert table["White"].answered == "25"
    assert table["White"].cells[0].text == "60.0% (40.7% to 76.6%)"
    assert table["Asian, Asian British or Asian Welsh"].cells[0].suppressed
    assert result.chart.title.startswith("People who chose “Yes”, by ethnic group")


def test_breakdown_hides_a_proportion_whose_numerator_is_small(survey, ethnic):
    group, _ = ethnic
    q = QuestionFactory(survey=survey)
    many(survey, 20, {q: "yes", group: "WHITE"})
    many(survey, 2, {q: "no", group: "WHITE"})
    many(survey, 20, {q: "yes", group: "BLACK"})
    many(survey, 20, {q: "no", group: "BLACK"})

    result = sr.question_breakdown(sr.build_frame(survey), q, "ethnicity_high", NHS)

    yes = {row["group"]: row for row in result.series[0]}
    # 20 of 22 White people said yes: showing 90.9% would say 2 said no.
    assert yes["White"]["suppressed"] and yes["White"]["outcome"] is None


def test_scale_breakdown_gives_mean_scores_by_group(survey, ethnic):
    group, _ = ethnic
    q = QuestionFactory(survey=survey, kind="likert", options=LIKERT)
    many(survey, 10, {q: "5", group: "WHITE"})
    many(survey, 10, {q: "3", group: "WHITE"})
    many(survey, 12, {q: "2", group: "BLACK"})
    many(survey, 4, {q: "1", group: "MIXED"})

    result = sr.question_breakdown(sr.build_frame(survey), q, "ethnicity_high", NHS)

    assert result.measure == "mean"
    rows = {row["group"]: row for row in result.series[0]}
    assert rows["White"]["score_mean"] == pytest.approx(4.0)
    assert rows["White"]["score_n"] == 20
    assert rows["Mixed or Multiple ethnic groups"]["suppressed"]
    assert rows["Mixed or Multiple ethnic groups"]["score_mean"] is None


def test_unknown_dimension_falls_back_to_ethnic_group(survey, ethnic):
    q = QuestionFactory(survey=survey)
    respond(survey, {q: "yes"})
    result = sr.question_breakdown(sr.build_frame(survey), q, "shoe_size", NHS)
    assert result.dimension == "ethnicity_high"


def test_who_answered_uses_the_engine_with_suppression(survey, ethnic):
    group, _ = ethnic
    many(survey, 20, {group: "WHITE"})
    many(survey, 3, {group: "BLACK"})
    many(survey, 9, {group: "ASIAN"})

    sections = {s["dimension"]: s for s in sr.who_answered(sr.build_frame(survey), NHS)}

    assert list(sections) == ["ethnicity_high", "ethnicity"]  # only what the survey asked about
    rows = {row["group"]: row for row in sections["ethnicity_high"]["rows"]}
    assert rows["White"]["count"] == 20
    assert rows["Black, Black British, Black Welsh, Caribbean or African"]["suppressed"]
    assert rows["Asian, Asian British or Asian Welsh"]["suppressed"]  # secondary


# --------------------------------------------------------------------------- themes


def code(response, question, *names):
    answer = Answer.objects.get(response=response, question=question)
    answer.themes.set(Theme.objects.get_or_create(project=response.survey.project, name=n)[0] for n in names)


def test_theme_counts_by_group_are_suppressed_on_rows_and_columns(survey, ethnic):
    group, _ = ethnic
    t = QuestionFactory(survey=survey, kind="long_text", options=[])
    people = {"WHITE": 20, "BLACK": 10, "ASIAN": 12}
    transport = {"WHITE": 3, "BLACK": 9, "ASIAN": 12}
    for code_, n in people.items():
        for i in range(n):
            r = respond(survey, {t: f"answer {i}", group: code_})
            code(r, t, "Waiting times", *(["Transport"] if i < transport[code_] else []))

    table = sr.themes_by_group(sr.build_frame(survey), "ethnicity_high", NHS)

    rows = {theme: (total, dict(zip(table.groups, cells, strict=True))) for theme, total, cells in table.rows}
    white = "White"
    black = next(g for g in table.groups if g.startswith("Black"))
    asian = next(g for g in table.groups if g.startswith("Asian"))
    assert rows["Waiting times"][0] == "40" and rows["Transport"][0] == "25"  # 42 and 24, rounded
    assert rows["Transport"][1][white] == "*"  # 3
    # Or 24 - 12 - ... would give the 3. Black (9) and Asian (12) both show as 10: the first in
    # the table's order is hidden, not the truly smaller one, which would tell 9 < 12 (ADR 0008).
    assert rows["Transport"][1][asian] == "*"
    assert rows["Transport"][1][black] == "10"
    assert rows["Waiting times"][1][white] == "*"  # the column: 20 with the 3 would give it
    assert rows["Waiting times"][1][asian] == "*"  # and then the Asian column
    assert rows["Waiting times"][1][black] == "10"
    assert "3" not in {cell for _, cells in rows.values() for cell in cells.values()}
    assert table.any_suppressed
    assert table.chart is not None and table.chart.kind == "Heat map"


def test_theme_counts_of_a_question(survey):
    t = QuestionFactory(survey=survey, kind="text", options=[])
    for i in range(20):
        r = respond(survey, {t: f"answer {i}"})
        code(r, t, *(["Staff were kind"] if i < 12 else ["Language"] if i < 15 else []))
    rows = by_label(sr.theme_rows(sr.build_frame(survey), t, NHS))
    assert rows["Staff were kind"].count == 10
    assert rows["Language"].suppressed and rows["Language"].count is None
    chart = sr.summarise_question(sr.build_frame(survey), t, NHS).chart
    assert chart.summary.startswith("Of the themes shown, the most common theme was Staff were kind, in 10 answers.")
    assert chart.table["rows"] == [["Staff were kind", "10"], ["Language", "*"]]


# --------------------------------------------------------------------------- charts and exports


def test_answers_chart_summaries_use_shown_figures_only():
    rows = [
        {"label": "Agree", "count": 10, "share": 0.4, "share_lower": 0.2, "share_upper": 0.6, "suppressed": False},
        {"label": "Disagree", "count": None, "share": None, "suppressed": True},
        {"label": "No answer", "count": 15, "share": 0.5, "share_lower": 0.3, "share_upper": 0.7, "no_answer": True},
    ]
    chart = charts.survey_answers_chart(rows, title="Answers", chart_id="c")
    # "No answer" is the biggest bar but never the most common answer.
    assert chart.summary == (
        "Of the answers shown, the most common answer was Agree, chosen by 40% of the people asked. "
        "Figures could not be shown for 1 answer because the numbers were too small."
    )
    assert chart.table["rows"][1] == ["Disagree", "*", "*", "*"]
    assert chart.figure["data"][0]["x"] == [40.0, 50.0]
    assert chart.footnotes


def test_export_cells_are_safe_from_formula_injection():
    sheet = export.Sheet("Answers", ["Answer"], [['=HYPERLINK("http://x","y")'], ["+1+1"], ["-2"], [3], [None]])
    text = export.csv_text([sheet])
    assert "'=HYPERLINK" in text and "'+1+1" in text
    assert "'-2" not in text  # a negative number is data, not a formula

    workbook = load_workbook(io.BytesIO(export.xlsx_bytes([sheet], banner="@banner")))
    cells = [c for row in workbook.active.iter_rows() for c in row]
    assert cells[0].value == "'@banner"
    formula = next(c for c in cells if c.value and "HYPERLINK" in str(c.value))
    assert formula.value.startswith("'=") and formula.data_type == "s"
    assert not any(c.data_type == "f" for c in cells)


def test_xlsx_sheet_titles_are_valid_and_unique():
    sheets = [
        export.Sheet("Who: answered [by]/group?" * 3, ["a"]),
        export.Sheet("Who: answered [by]/group?" * 3, ["a"]),
    ]
    workbook = load_workbook(io.BytesIO(export.xlsx_bytes(sheets)))
    titles = workbook.sheetnames
    assert len(set(titles)) == 2 and all(len(t) <= 31 for t in titles)
    assert not any(c in t for t in titles for c in "[]:*?/\\")


def test_aggregated_export_has_the_suppressed_figures(survey, ethnic):
    group, _ = ethnic
    q = QuestionFactory(
        survey=survey,
        options=[
            {"value": "a", "label": "Often"},
            {"value": "b", "label": "Sometimes"},
            {"value": "c", "label": "Never"},
        ],
    )
    many(survey, 20, {q: "a", group: "WHITE"})
    many(survey, 3, {q: "b", group: "BLACK"})
    many(survey, 12, {q: "c", group: "WHITE"})

    sheets = {s.title: s for s in export.results_sheets(sr.build_frame(survey), NHS)}

    assert list(sheets) == ["Responses", "Questions", "Who answered", "Answers by group", "Themes"]
    questions = sheets["Questions"]
    people = questions.columns.index("People")
    answer = questions.columns.index("Answer or figure")
    shown = {row[answer]: row[people] for row in questions.rows if row[people] is not None}
    assert shown == {"Often": 20, "Sometimes": "*", "Never": "*", sr.NO_ANSWER: 0}


def test_a_rating_scale_without_stored_options_uses_its_ends(survey):
    q = QuestionFactory(survey=survey, kind="rating", options=[], min_value=1, max_value=4)
    many(survey, 10, {q: "4"})
    many(survey, 10, {q: "2"})
    respond(survey, {q: "9"})  # not on the scale: listed, not dropped

    summary = sr.summarise_question(sr.build_frame(survey), q, NHS)

    assert [row.label for row in summary.options] == ["1", "2", "3", "4", "9 (not in the list of answers)", "No answer"]
    assert by_label(summary.options)["4"].count == 10
    assert dict(summary.facts)["Mean score"].startswith("3.3 ")


def test_a_groups_hidden_answer_cannot_be_worked_out_from_its_other_answers(survey, ethnic):
    group, _ = ethnic
    q = QuestionFactory(
        survey=survey,
        options=[
            {"value": "a", "label": "Often"},
            {"value": "b", "label": "Sometimes"},
            {"value": "c", "label": "Never"},
        ],
    )
    for code_, (often, sometimes, never) in {"WHITE": (20, 3, 10), "ASIAN": (10, 12, 10), "BLACK": (9, 11, 12)}.items():
        many(survey, often, {q: "a", group: code_})
        many(survey, sometimes, {q: "b", group: code_})
        many(survey, never, {q: "c", group: code_})

    result = sr.question_breakdown(sr.build_frame(survey), q, "ethnicity_high", NHS)

    by_answer = dict(zip(result.columns, result.series, strict=True))
    white = {label: next(r for r in rows if r["group"] == "White") for label, rows in by_answer.items()}
    assert white["Sometimes"]["suppressed"]  # 3 people
    # Otherwise Sometimes = 100% - Often - Never for White.
    assert sum(1 for row in white.values() if row["suppressed"]) >= 2
    # And down the column, so the 3 cannot come from the answer's total on the results page.
    sometimes = result.series[result.columns.index("Sometimes")]
    assert (
        sum(
            1
            for row in sometimes
            if row["suppressed"] and row["group"] != "Black, Black British, Black Welsh, Caribbean or African"
        )
        >= 1
    )
    assert sum(1 for row in sometimes if row["suppressed"]) >= 2
    table = {row.label: row for row in result.rows}
    assert table["White"].answered == "35"  # the group's total is still shown
