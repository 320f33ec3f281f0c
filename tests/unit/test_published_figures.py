"""Published figures give away no more than the published counts (ADR 0008).

A property-based test (Hypothesis) over random tables, on every published
path: the 1A breakdown as the job stores it, as the dashboard and the CSV/XLSX
export read it (and as the command line prints it), Deliver's measure values
worked out from it (every group's rate and share, and the rate ratio of every
pair of groups, with their intervals, as a goal's baseline and later values
store them), and survey results by
group (answers by group, who answered, theme counts by group, the per-question
figures) with their CSV/XLSX sheets.

The property: take a random table of true counts and publish it. Then move
true counts about, cell by cell, keeping everything a reader is shown about
them: every count stays in its *class* (a count shown as 40 may be anything
from 38 to 42; a count hidden as 1 to 7 may be any of 1 to 7; 0 stays 0) and
so does every total that is published (a margin's total, a group's number
asked). Whatever the moves, every published figure -- shares, rates, rate
ratios, proportions and all their intervals, which cells are hidden, chart
tables and sentences, export rows -- must be exactly the same. So the
published output is a function of the published counts and the public
denominators only, and a reader who knows the populations and the totals
cannot narrow a count below its rounding or suppression.

Before ADR 0008 shares, rates and proportions were worked out from the true
counts, and this test failed on all three paths (e.g. a count of 38 shown as
40 beside a share of 38/1,000).
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from amhe import stats
from amhe.analysis import charts
from amhe.analysis.breakdown import breakdown, publish, publish_result
from amhe.surveys import equality, export
from amhe.surveys import results as sr
from amhe.surveys.models import Question, Survey
from deliver.measures import sources
from identify import engine, presenters
from identify.models import Breakdown

RULES = ["nhs", "nhs", "nhs_lt10"]  # rounding (where most can go wrong) twice as often
# Each example publishes two tables on every path, so examples are few but each
# moves many counts; the survey paths are slower (every results page and sheet).
PROPERTY = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SURVEY_PROPERTY = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# --------------------------------------------------------------------------- classes and moves


def klass(n: int, rule) -> object:
    """What a reader is told about a true count: 0, "hidden" (1 to the
    threshold) or the rounded count."""
    if n == 0:
        return 0
    if stats.is_primary_suppressed(n, rule):
        return "hidden"
    return stats.display_count(n, rule)


def small(n: int, rule) -> bool:
    """Whether a count is in the hidden range (a reader is told when a
    figure is hidden because a count is, but not that count's rounding)."""
    return stats.is_primary_suppressed(n, rule)


def interval(n: int, rule) -> tuple[int, int]:
    """Every true count a reader could not tell from `n`: same class."""
    if n == 0 or not stats.is_primary_suppressed(n, rule) and not stats.get_rule(rule).round_to:
        return n, n
    if stats.is_primary_suppressed(n, rule):
        return 1, stats.get_rule(rule).primary_max
    same = [v for v in range(n - 10, n + 11) if v > 0 and klass(v, rule) == klass(n, rule)]
    return min(same), max(same)


moves = st.lists(
    st.tuples(
        st.sampled_from(["rectangle", "pair", "one"]),
        *[st.integers(0, 59)] * 4,  # cells: taken modulo the table's rows and columns
        st.integers(0, 20),  # which amount, of those that keep the cells in their classes
    ),
    min_size=20,
    max_size=60,
)


def perturb(counts: np.ndarray, signature, draws, rule) -> np.ndarray:
    """Apply each drawn move to a copy of `counts` (a 2-D array of true counts)
    when it leaves `signature(counts)` -- what is published about the counts --
    unchanged; skip it otherwise. A move adds d to one cell, moves d from one
    cell to another, or moves d round a rectangle (keeping every row and
    column total); d is drawn from the amounts that keep each moved cell in
    its class."""
    target = signature(counts)
    current = counts.copy()
    rows, cols = current.shape
    for kind, a, b, c, e, pick in draws:
        i, j, i2, j2 = a % rows, b % cols, c % rows, e % cols
        if kind == "one":
            signs = {(i, j): 1}
        elif kind == "pair":
            signs = {(i, j): 1, (i2, j2): -1}
        else:
            signs = {(i, j): 1, (i2, j2): 1, (i, j2): -1, (i2, j): -1}
        if len(signs) < {"one": 1, "pair": 2, "rectangle": 4}[kind]:
            continue
        low, high = -(10**6), 10**6
        for cell, sign in signs.items():
            lo, hi = interval(int(counts[cell]), rule)  # the class of the original count
            v = int(current[cell])
            low, high = max(low, sign * (lo - v) if sign > 0 else v - hi), min(high, hi - v if sign > 0 else v - lo)
        if low > high:
            continue
        # Try every amount, starting from a drawn one, and keep the first that
        # leaves what is published unchanged.
        width = high - low + 1
        for step in range(width):
            d = low + (pick + step) % width
            if d == 0:
                continue
            trial = current.copy()
            for cell, sign in signs.items():
                trial[cell] += sign * d
            if (trial >= 0).all() and signature(trial) == target:
                current = trial
                break
    return current


def table_signature(counts: np.ndarray, rule, *, rows=True, columns=True) -> tuple:
    """Classes of every cell, every row and column total and the grand total."""
    parts = [tuple(klass(int(v), rule) for v in counts.flat), klass(int(counts.sum()), rule)]
    if rows:
        parts.append(tuple(klass(int(v), rule) for v in counts.sum(axis=1)))
    if columns:
        parts.append(tuple(klass(int(v), rule) for v in counts.sum(axis=0)))
    return tuple(parts)


def counts_strategy(rows: int, cols: int, largest: int = 400):
    # Mostly small and middling counts, where rounding and suppression bite.
    cell = st.one_of(st.integers(8, 60), st.integers(1, 9), st.just(0), st.integers(60, largest))
    return st.lists(cell, min_size=rows * cols, max_size=rows * cols).map(
        lambda values: np.array(values, dtype=np.int64).reshape(rows, cols)
    )


def chart_view(chart) -> dict | None:
    return None if chart is None else dataclasses.asdict(chart)


# --------------------------------------------------------------------------- 1A breakdowns

ETHNIC = ["A", "D", "H", "M", "R", "Z"]  # White, Mixed, Asian, Black, Other, not stated
HIGH = ["WHITE", "MIXED", "ASIAN", "BLACK", "OTHER"]
SEX = ["1", "2", "9"]
OUTCOME = ["Y", "N"]
DECILES = [str(d) for d in range(1, 11)]


def _normalised(raw: pd.DataFrame, mapping: dict) -> pd.DataFrame:
    raw = raw.astype("string")
    raw.index = pd.RangeIndex(2, 2 + len(raw), name="_row")
    return engine.normalise(raw, engine.Mapping.from_dict(mapping, columns=list(raw.columns))).table


# One normalised aggregate extract per shape, made once: the tests only change its counts.
ETHNIC_OUTCOME = _normalised(
    pd.DataFrame([{"Ethnic": e, "Outcome": o, "Count": "1"} for e, o in itertools.product(ETHNIC, OUTCOME)]),
    {"Ethnic": "ethnicity", "Outcome": "outcome", "Count": "count"},
)
ETHNIC_SEX = _normalised(
    pd.DataFrame([{"Ethnic": e, "Sex": s, "Count": "1"} for e, s in itertools.product(ETHNIC, SEX)]),
    {"Ethnic": "ethnicity", "Sex": "sex", "Count": "count"},
)
DECILE = _normalised(
    pd.DataFrame([{"Decile": d, "Count": "1"} for d in DECILES]), {"Decile": "imd_decile", "Count": "count"}
)


def population(rows: list[dict], mapping: dict, values: list[int]) -> pd.DataFrame:
    table = _normalised(pd.DataFrame(rows), mapping)
    table["population"] = [float(v) for v in values]
    return table


def published_1a(table: pd.DataFrame, dims: list[str], pop: pd.DataFrame | None, rule: str) -> dict:
    """Everything published about one breakdown, on every path that reads it."""
    result = breakdown(table, dims, count_column="count", population=pop)
    stored = publish_result(result, rule)
    # The dashboard and the exports read a stored Breakdown: one published now, and
    # one stored before ADR 0008 (published again from its stored counts when read).
    current = Breakdown(result=result.as_dict(), published=stored, suppression_rule=rule, confidence=0.95)
    older = Breakdown(
        result=result.as_dict(),
        published={**result.as_dict(), "rows": []},
        suppression_rule=rule,
        confidence=0.95,
    )
    data = presenters.breakdown_data(current, raw=False)
    assert presenters.breakdown_data(older, raw=False) == data
    rows = data["rows"]
    views = {
        "published": data,
        "export": presenters.export_table([data]),
        "command": publish(result, rule),
        "deliver measures": deliver_measures(current),
        "deliver measures, stored before ADR 0008": deliver_measures(older),
    }
    if len(dims) == 1:
        views["charts"] = [
            chart_view(charts.rates_chart(rows, 0.95)) if any(r.get("rate") is not None for r in rows) else None,
            chart_view(charts.rate_ratio_forest(rows, data["reference"], 0.95)) if data.get("reference") else None,
            chart_view(charts.share_vs_population(rows)),
            chart_view(charts.shares_chart(rows, 0.95)),
            chart_view(charts.outcome_chart(rows, 0.95)) if any(r.get("outcome") is not None for r in rows) else None,
        ]
    else:
        value = "rate" if any(r.get("rate") is not None for r in rows) else "count"
        views["charts"] = [chart_view(charts.intersection_heatmap(rows, dims[0], dims[1], value=value))]
    return views


PERIOD = (datetime.date(2024, 4, 1), datetime.date(2025, 3, 31))


def deliver_measures(item: Breakdown) -> list[dict]:
    """Deliver 3A: every measure a goal could be measured by from this breakdown -- each
    group's rate per 100,000 and share of records, and the rate ratio of every ordered pair
    of groups -- with the value, interval, numerator, denominator, whether it is hidden and
    the note, as a MeasureValue stores them (deliver.measures.sources.breakdown_figure)."""
    codes = [row["group_code"] for row in item.result["rows"]]
    definitions = [{"figure": f, "group": code} for code in codes for f in (sources.RATE, sources.SHARE)]
    definitions += [
        {"figure": sources.RATE_RATIO, "group": a, "comparison": b} for a, b in itertools.permutations(codes, 2)
    ]
    return [
        {**d, **dataclasses.asdict(sources.breakdown_figure(item, d, *PERIOD, title="Upload"))} for d in definitions
    ]


def _with_counts(table: pd.DataFrame, counts: np.ndarray) -> pd.DataFrame:
    return table.assign(count=counts.reshape(-1).astype(float))


def _outcome_signature(counts: np.ndarray, rule) -> tuple:
    """Groups x (outcome yes, no): each group's records and outcome numbers,
    the grand total; whether the numbers with and without the outcome are small."""
    return (
        tuple(klass(int(v), rule) for v in counts.sum(axis=1)),
        klass(int(counts.sum()), rule),
        tuple(klass(int(v), rule) for v in counts[:, 0]),
        tuple(small(int(v), rule) for v in counts[:, 1]),
    )


@PROPERTY
@given(
    rule=st.sampled_from(RULES),
    counts=counts_strategy(len(ETHNIC), len(OUTCOME)),
    pops=st.lists(st.one_of(st.none(), st.integers(50, 200_000)), min_size=len(HIGH), max_size=len(HIGH)),
    draws=moves,
)
def test_1a_one_characteristic_with_rates_ratios_and_outcomes(rule, counts, pops, draws):
    covered = [(code, p) for code, p in zip(["A", "D", "H", "M", "R"], pops, strict=True) if p]
    pop = (
        population([{"Ethnic": c} for c, _ in covered], {"Ethnic": "ethnicity"}, [p for _, p in covered])
        if covered
        else None
    )
    moved = perturb(counts, lambda c: _outcome_signature(c, rule), draws, rule)
    before = published_1a(_with_counts(ETHNIC_OUTCOME, counts), ["ethnicity_high"], pop, rule)
    after = published_1a(_with_counts(ETHNIC_OUTCOME, moved), ["ethnicity_high"], pop, rule)
    assert after == before


@PROPERTY
@given(
    rule=st.sampled_from(RULES),
    counts=counts_strategy(len(ETHNIC), len(SEX)),
    pops=st.lists(st.integers(50, 200_000), min_size=len(HIGH) * 2, max_size=len(HIGH) * 2),
    draws=moves,
)
def test_1a_intersection_with_rates(rule, counts, pops, draws):
    cells = list(itertools.product(["A", "D", "H", "M", "R"], ["1", "2"]))
    pop = population([{"Ethnic": e, "Sex": s} for e, s in cells], {"Ethnic": "ethnicity", "Sex": "sex"}, pops)
    moved = perturb(counts, lambda c: table_signature(c, rule), draws, rule)
    before = published_1a(_with_counts(ETHNIC_SEX, counts), ["ethnicity_high", "sex"], pop, rule)
    after = published_1a(_with_counts(ETHNIC_SEX, moved), ["ethnicity_high", "sex"], pop, rule)
    assert after == before


@PROPERTY
@given(
    rule=st.sampled_from(RULES),
    counts=counts_strategy(len(DECILES), 1),
    pops=st.lists(st.integers(5_000, 60_000), min_size=len(DECILES), max_size=len(DECILES)),
    draws=moves,
)
def test_1a_deprivation_deciles_and_the_slope_index(rule, counts, pops, draws):
    pop = population([{"Decile": d} for d in DECILES], {"Decile": "imd_decile"}, pops)
    moved = perturb(counts, lambda c: table_signature(c, rule, columns=False), draws, rule)
    before = published_1a(_with_counts(DECILE, counts), ["imd_decile"], pop, rule)
    after = published_1a(_with_counts(DECILE, moved), ["imd_decile"], pop, rule)
    assert after == before


def test_a_rate_no_longer_gives_a_rounded_count_back():
    """The issue's own example: 38 shown as 40; rate x population / 100,000 was 38."""
    counts = np.array([[38, 0], [200, 0], [300, 0], [400, 0], [500, 0], [0, 0]])
    pop = population([{"Ethnic": "A"}], {"Ethnic": "ethnicity"}, [10_000])
    rows = published_1a(_with_counts(ETHNIC_OUTCOME, counts), ["ethnicity_high"], pop, "nhs")["published"]["rows"]
    white = rows[0]
    assert white["count"] == 40
    assert white["rate"] * 10_000 / 100_000 == pytest.approx(40)
    assert white["share"] == pytest.approx(40 / 1440)  # of the published total (1,438 rounded)


def test_deliver_measures_from_a_breakdown_use_its_published_counts_only():
    """Deliver's measure values from the same table: the rate's numerator is 40, not 38, the
    share's denominator the published total, and the rate ratio compares published counts."""
    counts = np.array([[38, 0], [200, 0], [300, 0], [400, 0], [500, 0], [0, 0]])
    pop = population([{"Ethnic": "A"}, {"Ethnic": "M"}], {"Ethnic": "ethnicity"}, [10_000, 50_000])
    result = breakdown(_with_counts(ETHNIC_OUTCOME, counts), ["ethnicity_high"], count_column="count", population=pop)
    item = Breakdown(result=result.as_dict(), published=publish_result(result, "nhs"), suppression_rule="nhs")
    item.confidence = 0.95
    by = {(m["figure"], m["group"], m.get("comparison")): m for m in deliver_measures(item)}
    rate = by[("rate", "WHITE", None)]
    assert rate["numerator"] == 40 and float(rate["value"]) == pytest.approx(400, abs=0.01)
    share = by[("share", "WHITE", None)]
    assert share["denominator"] == 1440 and float(share["value"]) == pytest.approx(100 * 40 / 1440, abs=0.01)
    ratio = by[("rate_ratio", "WHITE", "BLACK")]
    assert float(ratio["value"]) == pytest.approx((40 / 10_000) / (400 / 50_000), abs=0.001)
    assert ratio["lower"] < ratio["value"] < ratio["upper"]


# --------------------------------------------------------------------------- 1B survey results

GROUPS = ["WHITE", "ASIAN", "BLACK", "MIXED", None]  # None: did not answer the ethnic group question
ANSWERS = ["a", "b", "c", None]  # None: no answer
THEMES = ["Waiting times", "Transport", "Staff", None]  # None: no theme coded


@functools.cache
def _equality_columns(group: str | None) -> dict:
    return equality.frame_columns({"ethnic_group": group} if group else {})


def survey_frame(cells: dict[tuple, int], *, themes: bool, multiple: bool = False) -> sr.SurveyFrame:
    """A frame of submitted responses built in memory: cells[(group, answer,
    answers chosen or theme)] respondents each."""
    survey = Survey(pk=1, title="Survey", languages=[])
    ethnic = Question(
        pk=100, survey=survey, position=100, kind="single", equality_key="ethnic_group", text="Ethnic group"
    )
    choice = Question(
        pk=1,
        survey=survey,
        position=1,
        kind="multiple" if multiple else "single",
        text="Which?",
        options=[{"value": v, "label": v.upper()} for v in ANSWERS if v],
    )
    text = Question(pk=2, survey=survey, position=2, kind="long_text", text="Tell us", options=[])
    questions = [text, ethnic] if themes else [choice, ethnic]
    data: dict[str, list] = {}
    coded: dict[str, set[str]] = {}
    k = 0
    for (group, value), n in cells.items():
        for _ in range(n):
            k += 1
            row = {"response": str(k), "channel": "open", "language": "en-gb", "submitted_on": None}
            row.update(_equality_columns(group))
            row[sr.column(ethnic)], row[sr.asked_column(ethnic)] = group, True
            if themes:
                row[sr.column(text)], row[sr.asked_column(text)] = "An answer", True
                if value:
                    coded[str(k)] = {value}
            else:
                answer = list(value) if multiple and value else value
                row[sr.column(choice)], row[sr.asked_column(choice)] = answer, True
            for key, item in row.items():
                data.setdefault(key, []).append(item)
    df = pd.DataFrame({key: pd.Series(values, dtype=object) for key, values in data.items()})
    for q in questions:
        df[sr.asked_column(q)] = df[sr.asked_column(q)].astype(bool)
    return sr.SurveyFrame(
        survey=survey,
        questions=questions,
        df=df,
        states={"submitted": len(df)},
        themes={text.pk: coded} if themes else {},
    )


def published_survey(frame: sr.SurveyFrame, rule_key: str) -> dict:
    rule = stats.RULES[rule_key]
    question = frame.own_questions[0]
    views = {
        "summary": _summary_view(sr.summarise_question(frame, question, rule)),
        "who answered": [
            {**section, "chart": chart_view(section["chart"])} for section in sr.who_answered(frame, rule)
        ],
        "sheets": [dataclasses.asdict(sheet) for sheet in export.results_sheets(frame, rule)],
    }
    if question.kind in ("single", "multiple"):
        by_group = sr.question_breakdown(frame, question, "ethnicity_high", rule)
        views["by group"] = {**dataclasses.asdict(by_group), "chart": chart_view(by_group.chart)}
        views["by group"].pop("question")
    else:
        table = sr.themes_by_group(frame, "ethnicity_high", rule)
        views["themes by group"] = {**dataclasses.asdict(table), "chart": chart_view(table.chart)}
    return views


def _summary_view(summary) -> dict:
    view = dataclasses.asdict(summary)
    view.pop("question")
    view["chart"] = chart_view(summary.chart)
    return view


def _cells(counts: np.ndarray, columns: list) -> dict[tuple, int]:
    return {(g, c): int(counts[i, j]) for i, g in enumerate(GROUPS) for j, c in enumerate(columns)}


@SURVEY_PROPERTY
@given(rule=st.sampled_from(RULES), counts=counts_strategy(len(GROUPS), len(ANSWERS), 120), draws=moves)
def test_survey_answers_by_group_and_their_exports(rule, counts, draws):
    # Published: each answer's number by group (as the percentage of the group's
    # people asked), each group's people asked, each answer's total, everyone asked.
    moved = perturb(counts, lambda c: table_signature(c, rule), draws, rule)
    before = published_survey(survey_frame(_cells(counts, ANSWERS), themes=False), rule)
    after = published_survey(survey_frame(_cells(moved, ANSWERS), themes=False), rule)
    assert after == before


CHOICES = [("a",), ("b",), ("a", "b"), ("a", "b", "c"), ("c",), None]  # answers chosen; None: no answer


def _multiple_signature(counts: np.ndarray, rule) -> tuple:
    """Groups x (sets of answers chosen): for each answer, the numbers choosing
    it and not choosing it, by group and in all; each group's people asked;
    everyone asked."""
    chose = np.stack([counts[:, [j for j, c in enumerate(CHOICES) if c and v in c]].sum(axis=1) for v in "abc"], axis=1)
    asked = counts.sum(axis=1, keepdims=True)
    return (
        table_signature(chose, rule),
        table_signature(asked - chose, rule),
        tuple(klass(int(v), rule) for v in asked.flat),
        klass(int(counts.sum()), rule),  # everyone asked
        tuple(small(int(counts.sum()) - int(v), rule) for v in chose.sum(axis=0)),
        klass(int(counts[:, -1].sum()), rule),  # no answer, in all
        small(int(counts[:, :-1].sum()), rule),  # people who answered, in all
    )


@SURVEY_PROPERTY
@given(rule=st.sampled_from(RULES), counts=counts_strategy(len(GROUPS), len(CHOICES), 120), draws=moves)
def test_survey_answers_by_group_to_a_question_with_any_answers(rule, counts, draws):
    moved = perturb(counts, lambda c: _multiple_signature(c, rule), draws, rule)
    before = published_survey(survey_frame(_cells(counts, CHOICES), themes=False, multiple=True), rule)
    after = published_survey(survey_frame(_cells(moved, CHOICES), themes=False, multiple=True), rule)
    assert after == before


def _theme_signature(counts: np.ndarray, rule) -> tuple:
    """Groups x (themes, no theme): each theme's number by group and in all,
    each group's people with any theme, each group's people, everyone."""
    themed = counts[:, :-1]
    answered = int(counts.sum())
    return (
        table_signature(themed, rule),
        tuple(klass(int(v), rule) for v in counts.sum(axis=1)),
        klass(answered, rule),
        tuple(small(answered - int(v), rule) for v in themed.sum(axis=0)),
    )


@SURVEY_PROPERTY
@given(rule=st.sampled_from(RULES), counts=counts_strategy(len(GROUPS), len(THEMES), 120), draws=moves)
def test_survey_theme_counts_by_group_and_their_exports(rule, counts, draws):
    moved = perturb(counts, lambda c: _theme_signature(c, rule), draws, rule)
    before = published_survey(survey_frame(_cells(counts, THEMES), themes=True), rule)
    after = published_survey(survey_frame(_cells(moved, THEMES), themes=True), rule)
    assert after == before


def test_a_groups_percentage_no_longer_gives_its_number_asked_away():
    """38 of a group asked, 20 chose "a": shown as 20 of 40 (50%), not 52.6%, which
    only 38 people asked could give."""
    cells = {(g, a): 0 for g in GROUPS for a in ANSWERS}
    cells[("WHITE", "a")], cells[("WHITE", "b")] = 20, 18
    cells[("ASIAN", "a")], cells[("ASIAN", "b")] = 30, 30
    rule = stats.RULES["nhs"]
    frame = survey_frame(cells, themes=False)
    result = sr.question_breakdown(frame, frame.own_questions[0], "ethnicity_high", rule)
    white = next(row for row in result.series[0] if row["group"] == "White")
    assert white["outcome_n"] == 40
    assert white["outcome"] == pytest.approx(20 / 40)


def test_the_moves_change_true_counts_and_keep_what_is_published():
    """The property is not vacuous: moves do change the true counts."""
    counts = np.array([[52, 41, 35], [23, 25, 12], [13, 10, 18], [50, 42, 55], [3, 40, 58], [46, 5, 37]])
    draws = [
        ("rectangle", a, b, c, d, e)
        for a, b, c, d, e in itertools.product(range(6), range(3), range(6), range(3), [1, 3])
    ]
    moved = perturb(counts, lambda c: table_signature(c, "nhs"), draws, "nhs")
    assert (moved != counts).sum() >= 6
    assert table_signature(moved, "nhs") == table_signature(counts, "nhs")
    assert (moved.sum(axis=0) == counts.sum(axis=0)).all() and (moved.sum(axis=1) == counts.sum(axis=1)).all()


def test_themes_shown_with_the_same_count_are_not_ordered_by_their_true_counts():
    """Found by the property: 12 and 11 answers both show as 10, so the order is by name."""
    cells = {(g, t): 0 for g in GROUPS for t in THEMES}
    cells[("WHITE", "Waiting times")], cells[("WHITE", "Staff")], cells[("WHITE", None)] = 12, 11, 30
    frame = survey_frame(cells, themes=True)
    rows = sr.theme_rows(frame, frame.own_questions[0], stats.RULES["nhs"])
    assert [(row.label, row.count) for row in rows] == [("Staff", 10), ("Waiting times", 10)]
