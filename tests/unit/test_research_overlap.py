"""The overlap warning (research.evidence.overlap, pure Python), with hand-worked examples."""

import pytest

from research.evidence.overlap import Candidate, find_overlaps, jaccard, stem, words

NEW = "Peer support for Black carers in crisis"  # stems: peer, support, black, car, crisi (5)


@pytest.mark.parametrize(
    "word, expected",
    [
        ("supporting", "support"),
        ("supported", "support"),
        ("supports", "support"),
        ("services", "servic"),
        ("service", "servic"),
        ("carers", "car"),
        ("access", "access"),  # -ss is kept
        ("bus", "bus"),  # the stem would be shorter than 3 letters
        ("communities", "community"),
    ],
)
def test_stem(word, expected):
    assert stem(word) == expected


def test_words_drop_stop_words_short_words_and_numbers_and_keep_the_first_spelling():
    assert words("Peer support for Black carers in crisis, 24/7 in NHS mental health services") == {
        "peer": "peer",
        "support": "support",
        "black": "black",
        "car": "carers",
        "crisi": "crisis",
    }
    assert words("") == {}
    assert words(None) == {}


def test_jaccard():
    assert jaccard({"a", "b", "c"}, {"b", "c", "d"}) == pytest.approx(2 / 4)
    assert jaccard(set(), set()) == 0.0


def test_overlaps_need_the_same_people_and_similar_words():
    cafe = Candidate(1, "Crisis café", "Crisis café run by peers", frozenset({"race"}))
    # crisi, café, run, peer (4 stems); shared with NEW: crisi, peer (2); union 5 + 4 - 2 = 7.
    cafe_for_older_people = Candidate(2, "Crisis café (older people)", "Crisis café run by peers", frozenset({"age"}))
    group = Candidate(
        3, "Carers' group", "Black carers peer support group meets weekly in Harehills", frozenset({"carer"})
    )
    # black, car, peer, support, group, meet, weekly, harehill (8); shared 4; union 5 + 8 - 4 = 9.
    housing = Candidate(4, "Housing advice", "Housing advice for refugees", frozenset({"race"}))
    # hous, advic, refuge: nothing shared.

    found = find_overlaps(
        NEW, characteristics=["race", "carer"], candidates=[cafe, cafe_for_older_people, group, housing]
    )

    assert [o.candidate.id for o in found] == [3, 1]  # most similar first
    assert found[0].similarity == pytest.approx(4 / 9)
    assert found[0].shared_words == ("black", "carers", "peer", "support")
    assert found[0].shared_characteristics == ("carer",)
    assert found[1].similarity == pytest.approx(2 / 7)
    assert found[1].shared_words == ("crisis", "peer")
    assert found[1].shared_characteristics == ("race",)


def test_a_long_text_sharing_three_words_overlaps_below_the_threshold():
    long = Candidate(
        1,
        "Long",
        "peer black carers plus alpha beta gamma delta epsilon zeta eta theta iota kappa",
        frozenset({"race"}),
    )
    # 14 stems, 3 shared with NEW: Jaccard 3 / (5 + 14 - 3) = 3/16 < 0.2, but 3 shared words.
    found = find_overlaps(NEW, characteristics=["race"], candidates=[long])
    assert len(found) == 1
    assert found[0].similarity == pytest.approx(3 / 16)
    # Two shared words and a low Jaccard: not similar enough.
    assert find_overlaps(NEW, characteristics=["race"], candidates=[long], min_shared=4) == []


def test_the_same_population_counts_as_the_same_people():
    cafe = Candidate(1, "Crisis café", "Crisis café run by peers", populations=frozenset({7}))
    found = find_overlaps(NEW, populations=[7, 8], candidates=[cafe])
    assert [(o.candidate.id, o.shared_populations, o.shared_characteristics) for o in found] == [(1, (7,), ())]
    assert find_overlaps(NEW, populations=[8], candidates=[cafe]) == []


def test_nothing_about_people_means_no_overlap_however_similar_the_words():
    same = Candidate(1, "Same", NEW, frozenset({"race"}))
    assert find_overlaps(NEW, candidates=[same]) == []
    assert find_overlaps(NEW, characteristics=["race"], candidates=[same])[0].similarity == 1.0
