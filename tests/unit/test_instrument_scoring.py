"""PREM and PROM scoring (evaluate/instruments/scoring.py and catalogue.py):
hand-worked scores and bands for the PHQ-9, GAD-7 and the Friends and Family
Test, our missing-items rule, a team's own instrument with reverse-scored items,
the checks on a definition, and with Hypothesis: every score stays in its range,
a complete response is scored exactly, and prorating follows the rule."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evaluate.instruments import scoring
from evaluate.instruments.catalogue import BUILT_IN, FFT, GAD7, PHQ9

# Option indices: 0 Not at all, 1 Several days, 2 More than half the days, 3 Nearly every day.


def test_phq9_hand_worked_total_and_band():
    answers = [1, 2, 0, 3, 1, 1, 2, 0, 0]  # 1+2+0+3+1+1+2+0+0 = 10
    result = scoring.score(PHQ9, answers)
    assert result.value == 10 and result.band == "Moderate" and result.answered == 9


@pytest.mark.parametrize(
    ("total", "band"),
    [(0, "Minimal"), (4, "Minimal"), (5, "Mild"), (9, "Mild"), (10, "Moderate"), (14, "Moderate")]
    + [(15, "Moderately severe"), (19, "Moderately severe"), (20, "Severe"), (27, "Severe")],
)
def test_phq9_bands_at_each_cut_point(total, band):
    # Kroenke, Spitzer and Williams 2001: 5, 10, 15 and 20 start mild, moderate, moderately severe, severe.
    answers = [3] * (total // 3) + ([total % 3] if total % 3 else [])
    answers += [0] * (9 - len(answers))
    result = scoring.score(PHQ9, answers)
    assert result.value == total and result.band == band


@pytest.mark.parametrize(
    ("total", "band"), [(4, "Minimal"), (5, "Mild"), (10, "Moderate"), (15, "Severe"), (21, "Severe")]
)
def test_gad7_bands(total, band):
    # Spitzer, Kroenke, Williams and Lowe 2006: 5, 10 and 15 start mild, moderate and severe.
    answers = [3] * (total // 3) + ([total % 3] if total % 3 else [])
    answers += [0] * (7 - len(answers))
    assert scoring.score(GAD7, answers).band == band


def test_phq9_one_item_missing_is_prorated_and_two_give_no_score():
    # 8 answered, total 9: 9 / 8 * 9 = 10.125, rounded to 10.
    one_missing = [1, 1, 1, 1, 1, 1, 1, 2, None]
    result = scoring.score(PHQ9, one_missing)
    assert result.value == 10 and result.answered == 8 and result.band == "Moderate"
    # 8 answered, total 4: 4.5 rounds half up to 5 (Mild, not Minimal).
    assert scoring.score(PHQ9, [1, 1, 1, 1, 0, 0, 0, 0, None]).value == 5
    two_missing = [3, 3, 3, 3, 3, 3, 3, None, None]
    assert scoring.score(PHQ9, two_missing).value is None
    assert scoring.score(PHQ9, [None] * 9).value is None


def test_fft_share_counts_very_good_and_good_and_leaves_out_dont_know():
    assert scoring.score(FFT, [0]).value == 1.0  # Very good
    assert scoring.score(FFT, [1]).value == 1.0  # Good
    assert scoring.score(FFT, [2]).value == 0.0  # Neither good nor poor
    assert scoring.score(FFT, [4]).value == 0.0  # Very poor
    assert scoring.score(FFT, [5]).value is None  # Don't know: left out
    assert scoring.score(FFT, [None]).value is None


OWN = {
    "name": "Feeling listened to",
    "items": ["Staff listened to me", "I felt rushed", "I was treated with respect"],
    "options": [
        {"label": "Never", "score": 1},
        {"label": "Sometimes", "score": 2},
        {"label": "Always", "score": 3},
        {"label": "Not sure", "score": None},
    ],
    "method": scoring.MEAN,
    "reverse": [1],
    "max_missing": 1,
    "bands": [],
}


def test_own_instrument_mean_with_a_reverse_scored_item():
    # Always (3), Never on the reversed item (1 -> 3), Sometimes (2): mean 8 / 3.
    result = scoring.score(OWN, [2, 0, 1])
    assert result.value == pytest.approx(8 / 3)
    # "Not sure" is not scored: counts as unanswered, one allowed.
    assert scoring.score(OWN, [2, 3, 2]).value == 3.0
    assert scoring.score(OWN, [3, 3, 2]).value is None


def test_shipped_definitions_pass_their_own_checks():
    for definition in BUILT_IN.values():
        assert scoring.problems(definition) == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"items": []}, "Enter the items"),
        ({"options": [{"label": "Yes", "score": 1}]}, "from 2 to"),
        ({"options": [{"label": "Yes", "score": 1}, {"label": "yes", "score": 0}]}, "must be different"),
        ({"reverse": [5]}, "Reverse-scored items"),
        ({"max_missing": 3}, "Items that may be missing"),
        ({"method": "sum", "bands": [{"low": 3, "high": 8, "label": "All"}]}, "must run from 3 to 9"),
        (
            {"method": "sum", "bands": [{"low": 3, "high": 5, "label": "Low"}, {"low": 7, "high": 9, "label": "High"}]},
            "no gap or overlap",
        ),
        ({"bands": [{"low": 1, "high": 3, "label": "All"}]}, "only be given for a total"),
        ({"method": "share", "positive": [0]}, "exactly one item"),
    ],
)
def test_a_definition_with_a_mistake_is_refused_in_plain_words(change, message):
    found = scoring.problems({**OWN, **change})
    assert any(message in problem for problem in found), found


def test_bands_that_cover_the_range_are_accepted():
    bands = [{"low": 3, "high": 5, "label": "Low"}, {"low": 6, "high": 9, "label": "High"}]
    assert scoring.problems({**OWN, "method": "sum", "bands": bands}) == []


ANSWERS = st.lists(st.one_of(st.none(), st.integers(0, 5)), min_size=9, max_size=9)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ANSWERS)
def test_every_score_stays_in_its_range_and_has_a_band(raw):
    for definition in (PHQ9, GAD7, FFT, OWN, {**OWN, "method": scoring.SUM}):
        options = len(definition["options"])
        answers = [None if a is None else a % options for a in raw[: len(definition["items"])]]
        result = scoring.score(definition, answers)
        if result.value is not None:
            low, high = scoring.score_range(definition)
            assert low <= result.value <= high
            if definition.get("bands"):
                assert result.band


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.integers(0, 3), min_size=9, max_size=9), st.integers(0, 8))
def test_prorating_rule(answers, missing):
    complete = scoring.score(PHQ9, answers)
    assert complete.value == sum(answers)  # nothing missing: the plain total
    gapped = list(answers)
    gapped[missing] = None
    rest = sum(answers) - answers[missing]
    prorated = scoring.score(PHQ9, gapped).value
    assert prorated == int(rest * 9 / 8 + 0.5)  # the mean of 8 answered items times 9, halves up
    assert abs(prorated - sum(answers)) <= 3  # never further from the true total than the missing item could be
    gapped[(missing + 1) % 9] = None
    assert scoring.score(PHQ9, gapped).value is None  # two missing: no score


# --------------------------------------------------------------------------- the sentence by group


def _point(group, value, lower, upper, kind="valid"):
    hidden = value is None
    return {"group": group, "kind": kind, "value": value, "lower": lower, "upper": upper, "suppressed": hidden}


def test_the_sentence_names_the_highest_and_lowest_shown_and_counts_the_hidden():
    from evaluate.instruments.presenters import group_sentence

    series = [
        _point("White", 9.0, 8.0, 10.0),
        _point("Asian", 18.0, 16.5, 19.5),
        _point("Black", None, None, None),
        _point("Not stated", 25.0, 20.0, 30.0, kind="not_stated"),  # not a group to compare
    ]
    text = group_sentence("PHQ-9", "sum", "Ethnic group", series)
    assert "highest for Asian (18.0) and lowest for White (9.0)" in text
    assert "do not overlap" in text and "1 group is not shown" in text and "Not stated" not in text
    series[1] = _point("Asian", 10.5, 9.5, 11.5)
    assert "overlap, so the difference could be chance" in group_sentence("PHQ-9", "sum", "Ethnic group", series)
    assert group_sentence("FFT", "share", "Sex", [_point("Female", 80.0, 70.0, 90.0)]).startswith("Too few groups")
