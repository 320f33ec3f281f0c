"""EDS 2022 totals and bands (evaluate.frameworks.scoring): the default bands at each
boundary, bands as data (configurable), and the totals by domain. The default bands
are NHS England's EDS 2022 ratings and score card as the README gives them."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from evaluate.frameworks import scoring
from evaluate.frameworks.catalogue import EDS_2022

EDS = scoring.EDS_2022_BANDS
EDS_ITEMS = [(code, items) for code, _, items in EDS_2022["sections"]]


@pytest.mark.parametrize(
    ("total", "rating"),
    [
        (0, "Undeveloped"),
        (7, "Undeveloped"),
        (8, "Developing"),
        (21, "Developing"),
        (22, "Achieving"),
        (32, "Achieving"),
        (33, "Excelling"),
    ],
)
def test_eds_default_bands_at_each_boundary(total, rating):
    assert scoring.band_for(total, EDS) == rating


def test_bands_are_configurable():
    stricter = [{"from": 0, "label": "Undeveloped"}, {"from": 10, "label": "Developing"}, {"from": 30, "label": "Fine"}]
    assert scoring.band_for(9, stricter) == "Undeveloped"
    assert scoring.band_for(10, stricter) == "Developing"
    assert scoring.band_for(29, stricter) == "Developing"
    assert scoring.band_for(33, stricter) == "Fine"
    assert scoring.band_for(5, []) is None


@pytest.mark.parametrize(
    ("bands", "words"),
    [
        ([{"from": 1, "label": "A"}], "must start at 0"),
        ([{"from": 0, "label": "A"}, {"from": 0, "label": "B"}], "increasing order"),
        ([{"from": 0, "label": "A"}, {"from": 9, "label": "B"}, {"from": 4, "label": "C"}], "increasing order"),
        ([{"from": 0, "label": ""}], "needs a label"),
        ([{"from": -1, "label": "A"}], "0 or more"),
        ([{"from": 0.5, "label": "A"}], "0 or more"),
        ([{"from": 0}], "exactly"),
        (["0"], "exactly"),
    ],
)
def test_bad_bands_are_refused_in_words(bands, words):
    with pytest.raises(ValueError, match=words):
        scoring.check_bands(bands)


def test_a_band_above_the_highest_total_is_refused():
    with pytest.raises(ValueError, match="highest possible total"):
        scoring.check_bands([{"from": 0, "label": "A"}, {"from": 34, "label": "B"}], maximum=33)
    scoring.check_bands(EDS, maximum=33)


def _eds(values):
    """(domain code, rating) for the eleven EDS 2022 outcomes, in order."""
    codes = [code for code, items in EDS_ITEMS for _ in items]
    assert len(codes) == 11
    return list(zip(codes, values, strict=True))


def test_eds_has_eleven_outcomes_so_the_total_is_out_of_33():
    result = scoring.totals(_eds([3] * 11), top=3, bands=EDS)
    assert (result.total, result.maximum, result.overall) == (33, 33, "Excelling")
    assert result.sections == {"1": 12, "2": 12, "3": 9}
    assert result.section_maximums == {"1": 12, "2": 12, "3": 9}


def test_totals_by_domain_and_overall():
    # Domain 1: 2+1+2+1 = 6; domain 2: 2+1+2+2 = 7; domain 3: 2+2+2 = 6; total 19: Developing.
    result = scoring.totals(_eds([2, 1, 2, 1, 2, 1, 2, 2, 2, 2, 2]), top=3, bands=EDS)
    assert result.sections == {"1": 6, "2": 7, "3": 6}
    assert (result.total, result.overall, result.complete) == (19, "Developing", True)


def test_no_overall_rating_until_every_outcome_is_rated():
    result = scoring.totals(_eds([3, 3, 3, 3, 3, 3, 3, 3, 3, 3, None]), top=3, bands=EDS)
    assert (result.total, result.rated, result.items, result.overall, result.complete) == (30, 10, 11, None, False)


@given(st.lists(st.integers(min_value=0, max_value=3), min_size=11, max_size=11))
def test_the_overall_rating_follows_the_total(values):
    result = scoring.totals(_eds(values), top=3, bands=EDS)
    assert result.total == sum(values) == sum(result.sections.values())
    expected = "Undeveloped" if sum(values) < 8 else "Developing" if sum(values) <= 21 else "Achieving"
    if sum(values) == 33:
        expected = "Excelling"
    assert result.overall == expected


@given(st.lists(st.integers(min_value=0, max_value=3), min_size=11, max_size=11), st.integers(0, 10))
def test_raising_one_rating_never_lowers_the_overall_rating(values, index):
    order = [band["label"] for band in EDS]
    index = index % 11
    before = scoring.totals(_eds(values), top=3, bands=EDS).overall
    raised = list(values)
    raised[index] = min(3, raised[index] + 1)
    after = scoring.totals(_eds(raised), top=3, bands=EDS).overall
    assert order.index(after) >= order.index(before)
