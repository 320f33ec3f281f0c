"""deliver.risks.scoring: the 5 x 5 NHS risk matrix (NPSA 2008 bands)."""

import pytest

from deliver.risks import scoring


@pytest.mark.parametrize(
    ("likelihood", "impact", "expected_score", "expected_band"),
    [
        (1, 1, 1, "low"),
        (1, 3, 3, "low"),
        (3, 1, 3, "low"),
        (2, 2, 4, "moderate"),
        (1, 5, 5, "moderate"),
        (2, 3, 6, "moderate"),
        (2, 4, 8, "high"),
        (3, 3, 9, "high"),
        (4, 3, 12, "high"),
        (5, 3, 15, "extreme"),
        (4, 4, 16, "extreme"),
        (5, 5, 25, "extreme"),
    ],
)
def test_score_and_band(likelihood, impact, expected_score, expected_band):
    value = scoring.score(likelihood, impact)
    assert value == expected_score
    assert scoring.band(value).code == expected_band


def test_every_cell_has_exactly_one_band_and_the_bands_meet_at_the_published_cut_points():
    counts = {band.code: 0 for band in scoring.BANDS}
    for row in scoring.matrix():
        for _likelihood, _impact, value, band in row:
            counts[band.code] += 1
            assert band.lowest <= value <= band.highest
    # Counted by hand from the printed NPSA matrix: 5 green, 7 yellow, 7 orange and 6 red cells.
    assert counts == {"low": 5, "moderate": 7, "high": 7, "extreme": 6}
    assert sorted(scoring.SCORES) == [1, 2, 3, 4, 5, 6, 8, 9, 10, 12, 15, 16, 20, 25]


def test_matrix_is_printed_with_almost_certain_at_the_top_and_negligible_on_the_left():
    rows = scoring.matrix()
    assert [cell[2] for cell in rows[0]] == [5, 10, 15, 20, 25]
    assert [cell[2] for cell in rows[-1]] == [1, 2, 3, 4, 5]


@pytest.mark.parametrize("bad", [0, 6, -1, 2.5, "3", None, True])
def test_ratings_outside_1_to_5_are_refused_with_a_plain_message(bad):
    with pytest.raises(ValueError, match="from 1 to 5"):
        scoring.score(bad, 3)
    with pytest.raises(ValueError, match="Impact must be"):
        scoring.score(3, bad)


@pytest.mark.parametrize("bad", [0, 7, 11, 13, 14, 26])
def test_numbers_no_cell_has_are_not_scores(bad):
    with pytest.raises(ValueError, match="not a score"):
        scoring.band(bad)
