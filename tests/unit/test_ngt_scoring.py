"""NGT scoring (research/ngt/scoring.py) against examples worked out by hand."""

import pytest

from research.ngt import scoring
from research.ngt.scoring import OTHER_GROUPS, Ballot, Tally, score, split


def by_idea(results):
    return {r.idea: (r.points, r.rankers, r.place) for r in results}


def test_points_run_from_n_for_the_first_choice_down_to_1():
    assert [scoring.points(p, 5) for p in range(1, 6)] == [5, 4, 3, 2, 1]
    with pytest.raises(ValueError):
        scoring.points(6, 5)


def test_three_participants_top_3_worked_by_hand():
    # Top 3: 3 points for a first choice, 2 for a second, 1 for a third.
    # A: 3 (p1) + 2 (p2)          = 5 from 2 people
    # B: 2 (p1) + 3 (p2) + 3 (p3) = 8 from 3 people
    # C: 1 (p1) + 2 (p3)          = 3 from 2 people
    # D: 1 (p2) + 1 (p3)          = 2 from 2 people
    ballots = [
        Ballot("lived", ("A", "B", "C")),
        Ballot("staff", ("B", "A", "D")),
        Ballot("lived", ("B", "C", "D")),
    ]
    results = score(ballots, n=3, ideas=["A", "B", "C", "D", "E"])
    assert [r.idea for r in results] == ["B", "A", "C", "D", "E"]
    assert by_idea(results) == {"B": (8, 3, 1), "A": (5, 2, 2), "C": (3, 2, 3), "D": (2, 2, 4), "E": (0, 0, 5)}
    b = results[0]
    assert b.by_group == {"lived": Tally(2 + 3, 2), "staff": Tally(3, 1)}


def test_ties_share_a_place_and_rankers_break_a_tie_on_points():
    # Top 2. X: 2 + 1 = 3 from 2 people. Y: 2 + 1 = 3 from 2. Z: 2 + 1 = 3 from 2.
    # W: 2 from 1 person. X, Y, Z are level on points and rankers: all first, W fourth.
    ballots = [Ballot("staff", ("X", "Y")), Ballot("staff", ("Y", "Z")), Ballot("carer", ("Z", "X"))]
    results = score(ballots, n=2, ideas=["X", "Y", "Z"])
    assert by_idea(results) == {"X": (3, 2, 1), "Y": (3, 2, 1), "Z": (3, 2, 1)}
    # Same points, fewer rankers: P has 3 from one person (first of top 3), Q has 3 from two (2 + 1).
    results = score([Ballot("staff", ("P",)), Ballot("staff", ("Q",)), Ballot("lived", ("R", "S", "Q"))], n=3)
    places = by_idea(results)
    assert places["Q"] == (4, 2, 1)  # 3 + 1
    assert places["P"] == (3, 1, 2) and places["R"] == (3, 1, 2)  # level: share second place
    assert places["S"] == (2, 1, 4)


def test_a_participant_ranking_fewer_than_n_gives_the_same_points_by_position():
    # Top 5, but the second person ranks only two ideas: 5 and 4 points, not 2 and 1.
    ballots = [Ballot("lived", ("A", "B", "C", "D", "E")), Ballot("staff", ("B", "A"))]
    results = by_idea(score(ballots, n=5))
    assert results["A"] == (5 + 4, 2, 1)
    assert results["B"] == (4 + 5, 2, 1)
    assert results["C"] == (3, 1, 3)
    assert results["E"] == (1, 1, 5)


def test_merged_duplicates_pass_their_points_to_the_surviving_idea():
    # B was merged into A, and C into B (so into A). Top 3.
    # p1 ranks B first (3) -> A; p2 ranks A second (2); p3 ranks C third (1) -> A; p3's first is D (3).
    ballots = [
        Ballot("lived", ("B", "D")),
        Ballot("staff", ("D", "A")),
        Ballot("carer", ("D", "E", "C")),
    ]
    merged = {"B": "A", "C": "B"}
    results = score(ballots, n=3, ideas=["A", "B", "C", "D", "E"], merged_into=merged)
    assert [r.idea for r in results] == ["D", "A", "E"]  # B and C are no longer listed
    assert by_idea(results) == {"D": (3 + 2 + 3, 3, 1), "A": (3 + 2 + 1, 3, 2), "E": (2, 1, 3)}


def test_a_participant_who_ranked_an_idea_and_its_duplicate_counts_once_at_their_best():
    # Top 3: p1 ranks A first (3) and its duplicate B third (1): A gets 3 from p1, not 4.
    results = by_idea(score([Ballot("lived", ("A", "C", "B"))], n=3, merged_into={"B": "A"}))
    assert results == {"A": (3, 1, 1), "C": (2, 1, 2)}


def test_a_merge_loop_and_bad_ballots_are_refused():
    with pytest.raises(ValueError):
        scoring.surviving("A", {"A": "B", "B": "A"})
    with pytest.raises(ValueError):
        score([Ballot("staff", ("A", "A"))], n=3)
    with pytest.raises(ValueError):
        score([Ballot("staff", ("A", "B", "C"))], n=2)


def test_split_shows_groups_of_three_or_more_and_pools_smaller_ones():
    ballots = [Ballot("lived", ())] * 4 + [Ballot("staff", ())] * 3 + [Ballot("carer", ())] * 2 + [Ballot("other", ())]
    result = split(ballots, groups=["lived", "carer", "staff", "other"])
    assert result.split
    assert result.groups == ("lived", "staff", OTHER_GROUPS)
    assert result.pooled == ("carer", "other")
    assert result.rankers == {"lived": 4, "staff": 3, OTHER_GROUPS: 3}


def test_too_few_small_ones_are_pooled_with_the_smallest_group_but_lived_experience():
    # 3 lived experience, 4 staff, 3 other and 1 carer: showing every group of 3 or more
    # would give the carer's ranking away (total minus them), so the carer is counted with
    # the smallest shown group other than lived experience (other, 3), and lived experience
    # stays visible.
    ballots = (
        [Ballot("lived", ("A",))] * 3
        + [Ballot("staff", ("A",))] * 4
        + [Ballot("other", ("A",))] * 3
        + [Ballot("carer", ("B",))]
    )
    result = split(ballots, groups=["lived", "carer", "staff", "other"])
    assert result.groups == ("lived", "staff", OTHER_GROUPS)
    assert (result.pooled, result.host) == (("other", "carer"), "other")
    assert result.rankers == {"lived": 3, "staff": 4, OTHER_GROUPS: 4}
    b = next(r for r in score(ballots, n=1, groups=["lived", "carer", "staff", "other"]) if r.idea == "B")
    assert scoring.group_tally(b, result) == [Tally(0, 0), Tally(0, 0), Tally(1, 1)]


def test_no_split_when_only_lived_experience_could_take_the_small_groups_in():
    # 3 lived experience and 1 carer: pooling the carer with lived experience would leave
    # one column (the total), and showing lived experience alone gives the carer away.
    ballots = [Ballot("lived", ("A",))] * 3 + [Ballot("carer", ("B",))]
    result = split(ballots, groups=["lived", "carer", "staff", "other"])
    assert not result.split and result.groups == () and result.pooled == ("carer",)
    # The same with one staff group of 3 and no lived experience.
    staff_only = [Ballot("staff", ("A",))] * 3 + [Ballot("carer", ("B",))]
    assert not split(staff_only).split


def test_group_tally_pools_the_small_groups():
    ballots = [Ballot("lived", ("A", "B"))] * 3 + [Ballot("carer", ("B", "A"))] * 2 + [Ballot("other", ("B",))]
    results = score(ballots, n=2, groups=["lived", "carer", "staff", "other"])
    the_split = split(ballots, groups=["lived", "carer", "staff", "other"])
    assert the_split.groups == ("lived", OTHER_GROUPS)
    b = next(r for r in results if r.idea == "B")
    # B: lived 3 x 1 = 3 from 3; carers 2 x 2 = 4 and other 2 -> other groups 6 from 3.
    assert scoring.group_tally(b, the_split) == [Tally(3, 3), Tally(6, 3)]
    assert b.points == 9 and b.rankers == 6
