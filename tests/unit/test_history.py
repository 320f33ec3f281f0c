"""amhe.core.history, the pure part: values, changes and entries said in plain words."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from amhe.core.history import NOTHING, Change, Entry, Spec, changes, join_words, say, say_when, short

LONDON = ZoneInfo("Europe/London")
RATING = {1: "1 (rare)", 2: "2", 3: "3", 4: "4", 5: "5 (almost certain)"}


class Linked:  # stands for a model in the {(model, pk): name} map
    pass


def test_empty_values_are_said_as_nothing():
    for empty in (None, "", "   ", [], (), {}, set()):
        assert say(empty) == NOTHING


def test_dates_times_decimals_booleans_and_numbers():
    assert say(dt.date(2027, 4, 1)) == "1 April 2027"
    # Times are said in UK time: 13:05 UTC in summer is 14:05 in London.
    assert say(dt.datetime(2027, 7, 12, 13, 5, tzinfo=dt.UTC)) == "12 July 2027, 14:05"
    assert say_when(dt.datetime(2027, 3, 12, 14, 5, tzinfo=LONDON)) == "12 March 2027, 14:05"
    assert say(Decimal("127.0000")) == "127"
    assert say(Decimal("120.50")) == "120.5"
    assert say(Decimal("12345.6")) == "12,345.6"
    assert say(Decimal("-0.000")) == "0"
    assert say(Decimal("1E+3")) == "1,000"
    assert say(True) == "yes" and say(False) == "no"
    assert say(2500) == "2,500"
    assert say(0) == "0"  # zero is a value, not nothing


def test_choices_are_said_by_their_labels_and_text_is_quoted():
    assert say(5, choices=RATING) == "5 (almost certain)"
    assert say("red", choices={"red": "Red: off track"}) == "Red: off track"
    assert say("unknown code", choices={"red": "Red: off track"}) == "“unknown code”"
    assert say("  Staff leave ") == "“Staff leave”"
    assert say(["race", "sex"]) == "“race” and “sex”"
    assert say({"a": 1}) == "a: 1"


def test_long_names_are_cut_at_a_word():
    assert short("Halve detentions") == "Halve detentions"
    assert short("Reduce detentions among Black men in Leeds", 20) == "Reduce detentions…"
    assert len(short("x" * 200)) == 80


@given(st.text(max_size=200), st.integers(min_value=2, max_value=100))
def test_a_cut_name_is_never_longer_than_asked(text, limit):
    assert len(short(text, limit)) <= max(limit, 1)


def test_join_words():
    assert join_words([]) == ""
    assert join_words(["a"]) == "a"
    assert join_words(["a", "b"]) == "a and b"
    assert join_words(["a", "", "b", "c"]) == "a, b and c"


SPECS = [
    Spec("likelihood", "likelihood", choices=RATING),
    Spec("review_date", "next review"),
    Spec("owner", "owner", link=Linked),
    Spec("risks", "risks", link=Linked, many=True),
    Spec("notes", "notes"),
]


def test_changes_are_field_by_field_in_the_order_of_the_fields():
    old = {"likelihood": 3, "review_date": dt.date(2027, 4, 1), "owner": 1, "risks": [1], "notes": ""}
    new = {"likelihood": 4, "review_date": dt.date(2027, 5, 1), "owner": 2, "risks": [2, 1], "notes": ""}
    names = {(Linked, 1): "Asha Patel", (Linked, 2): "“Evening cover” (since deleted)"}
    found = changes(SPECS, old, new, names)
    assert [str(change) for change in found] == [
        "the likelihood from 3 to 4",
        "the next review from 1 April 2027 to 1 May 2027",
        "the owner from Asha Patel to “Evening cover” (since deleted)",
        "the risks from Asha Patel to Asha Patel and “Evening cover” (since deleted)",
    ]


def test_a_linked_record_with_no_name_and_a_removed_link():
    found = changes(SPECS, {"owner": 7}, {"owner": None})
    assert [str(change) for change in found] == ["the owner from no. 7 to nothing"]


def test_a_created_record_lists_what_it_was_given_and_skips_the_empty():
    found = changes(SPECS, None, {"likelihood": 2, "review_date": None, "owner": None, "risks": [], "notes": "x"})
    assert [change.as_set for change in found] == ["the likelihood set to 2", "the notes set to “x”"]


def test_the_same_value_said_the_same_way_is_no_change():
    # Blank text and None both read "nothing": saying "from nothing to nothing" would be noise.
    assert changes(SPECS, {"notes": None}, {"notes": ""}) == []


values = st.one_of(
    st.none(),
    st.text(max_size=20),
    st.integers(min_value=-(10**6), max_value=10**6),
    st.booleans(),
    st.dates(),
    st.decimals(allow_nan=False, allow_infinity=False, places=4, min_value=-(10**6), max_value=10**6),
)


@given(values)
def test_every_value_is_said_in_words(value):
    said = say(value)
    assert said and said.strip() == said
    assert "None" not in said or (isinstance(value, str) and "None" in value)


@given(st.fixed_dictionaries({"likelihood": st.sampled_from(list(RATING)), "notes": st.text(max_size=10)}))
def test_a_snapshot_compared_with_itself_has_no_changes(snapshot):
    assert changes(SPECS, snapshot, dict(snapshot)) == []


@given(st.sampled_from(list(RATING)), st.sampled_from(list(RATING)))
def test_a_change_is_found_exactly_when_the_value_differs(before, after):
    found = changes(SPECS, {"likelihood": before}, {"likelihood": after})
    assert bool(found) == (before != after)


def test_entries_read_as_sentences():
    when = dt.datetime(2027, 3, 12, 14, 5, tzinfo=LONDON)
    changed = Entry(
        when=when,
        who="Asha Patel",
        type="~",
        kind="risk",
        item="the risk “Staff leave”",
        changes=(Change("likelihood", "3", "4"), Change("next review", "1 April 2027", "1 May 2027")),
    )
    assert changed.sentence == (
        "12 March 2027, 14:05 — Asha Patel changed the likelihood from 3 to 4 "
        "and the next review from 1 April 2027 to 1 May 2027"
    )
    assert changed.headline == "Asha Patel changed the risk “Staff leave”"
    added = Entry(when, "Sam Lead", "+", "risk", "the risk “Staff leave”", (Change("likelihood", NOTHING, "3"),))
    assert added.what == "Sam Lead added the risk “Staff leave”, with the likelihood set to 3"
    deleted = Entry(when, "Sam Lead", "-", "risk", "the risk “Staff leave”")
    assert deleted.what == "Sam Lead deleted the risk “Staff leave”" and deleted.details == []
    begins = Entry(when, "", "=", "risk", "the risk “Staff leave”", (Change("likelihood", NOTHING, "3"),))
    assert begins.what == "The history of the risk “Staff leave” begins here, as it stood: the likelihood was 3"
    unchanged = Entry(when, "Sam Lead", "~", "risk", "the risk “Staff leave”")
    assert unchanged.what == "Sam Lead changed the risk “Staff leave” without changing anything"
