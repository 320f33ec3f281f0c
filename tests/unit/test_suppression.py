"""Small-number suppression: primary rules, rounding, secondary suppression.

Rules under test (amhe.stats.suppression):
* "nhs"      -- NHS Digital: 1-7 suppressed, everything else rounded to the nearest 5, 0 stays 0;
* "nhs_lt10" -- 1-9 suppressed, no rounding;
* "none"     -- nothing suppressed (uploading analyst only).

No test here touches the database.
"""

import random

import pytest

from amhe.stats import (
    RULES,
    SuppressionRule,
    display_count,
    format_count,
    get_rule,
    is_primary_suppressed,
    is_publishable,
    suppress_table,
    unprotected_margins,
)

# --------------------------------------------------------------------------
# Rules and primary suppression


def test_rules_registered():
    assert set(RULES) == {"nhs", "nhs_lt10", "none"}
    assert RULES["nhs"].primary_max == 7 and RULES["nhs"].round_to == 5
    assert RULES["nhs_lt10"].primary_max == 9 and RULES["nhs_lt10"].round_to is None
    assert RULES["none"].primary_max == 0 and RULES["none"].round_to is None
    for key, rule in RULES.items():
        assert rule.key == key and rule.name and rule.description
    assert get_rule("nhs") is RULES["nhs"]
    assert get_rule(RULES["none"]) is RULES["none"]
    with pytest.raises(ValueError):
        get_rule("gdpr")
    with pytest.raises(ValueError):
        SuppressionRule(key="x", name="x", description="x", primary_max=-1)


@pytest.mark.parametrize(
    ("count", "shown"),
    [
        (0, 0),
        (1, None),
        (5, None),
        (7, None),
        (8, 10),
        (10, 10),
        (12, 10),
        (13, 15),
        (17, 15),
        (18, 20),
        (100, 100),
        (102, 100),
        (103, 105),
        (1234, 1235),
    ],
)
def test_nhs_rule_suppresses_1_to_7_and_rounds_to_5(count, shown):
    assert display_count(count, "nhs") == shown
    assert is_publishable(count, "nhs") is (shown is not None)


@pytest.mark.parametrize(
    ("count", "shown"),
    [(0, 0), (1, None), (7, None), (8, None), (9, None), (10, 10), (11, 11), (12, 12), (13, 13)],
)
def test_lt10_rule_suppresses_1_to_9_without_rounding(count, shown):
    assert display_count(count, "nhs_lt10") == shown
    assert is_primary_suppressed(count, "nhs_lt10") is (shown is None)


@pytest.mark.parametrize("count", [0, 1, 2, 7, 8, 9, 13])
def test_none_rule_shows_everything_exactly(count):
    assert display_count(count, "none") == count
    assert is_publishable(count, RULES["none"])


def test_zero_is_never_suppressed_and_never_created_by_rounding():
    for key in RULES:
        assert display_count(0, key) == 0
    # the smallest shown count under the NHS rule is 8, which rounds up, not to 0
    assert min(display_count(c, "nhs") for c in range(8, 200)) == 10


def test_format_count_and_bad_input():
    assert format_count(3, "nhs") == "*"
    assert format_count(1234, "nhs") == "1,235"
    assert format_count(1234, "none") == "1,234"
    with pytest.raises(ValueError):
        display_count(-1, "nhs")
    with pytest.raises(ValueError):
        display_count(float("nan"), "nhs")


# --------------------------------------------------------------------------
# Secondary suppression


def test_one_way_table_single_primary_gets_a_secondary():
    # All ethnic groups of one sex, total published.
    counts = {"White": 120, "Black": 5, "Asian": 30, "Mixed": 12, "Other": 40}
    hidden = suppress_table(counts, [list(counts)], "nhs")
    assert {c for c, h in hidden.items() if h} == {"Black", "Mixed"}  # Mixed: smallest visible
    assert unprotected_margins(counts, [list(counts)], hidden, "nhs") == []


def test_secondary_skips_zero_cells_and_breaks_ties_by_order():
    counts = {"A": 5, "B": 0, "C": 20, "D": 30}
    assert [c for c, h in suppress_table(counts, [list(counts)], "nhs").items() if h] == ["A", "C"]
    ties = {"A": 3, "B": 20, "C": 20}
    assert [c for c, h in suppress_table(ties, [list(ties)], "nhs").items() if h] == ["A", "B"]
    assert [c for c, h in suppress_table(ties, [["A", "C", "B"]], "nhs").items() if h] == ["A", "C"]


def test_no_secondary_when_two_cells_already_hidden_or_total_hidden():
    two = {"A": 3, "B": 6, "C": 40}
    assert [c for c, h in suppress_table(two, [list(two)], "nhs").items() if h] == ["A", "B"]
    # total 3 + 0 = 3 is itself suppressed, so nothing can be recovered from it
    small_total = {"A": 3, "B": 0}
    assert [c for c, h in suppress_table(small_total, [list(small_total)], "nhs").items() if h] == ["A"]


def test_secondary_uses_zero_cell_only_when_nothing_else_is_left():
    # C is primary; margin (B, C) then hides B (12) as a secondary.  In margin
    # (A, B) the only visible cell is A = 0, and total(A, B) = 12 would reveal B
    # exactly, so the zero cell is hidden as well.
    counts = {"A": 0, "B": 12, "C": 2}
    margins = [["B", "C"], ["A", "B"]]
    hidden = suppress_table(counts, margins, "nhs")
    assert hidden == {"A": True, "B": True, "C": True}
    assert unprotected_margins(counts, margins, hidden, "nhs") == []


def two_way(rows, cols, values):
    counts = {(r, c): values[i][j] for i, r in enumerate(rows) for j, c in enumerate(cols)}
    row_margins = [[(r, c) for c in cols] for r in rows]
    col_margins = [[(r, c) for r in rows] for c in cols]
    return counts, row_margins, col_margins


def test_two_way_table_iterates_across_rows_and_columns():
    rows, cols = ["R1", "R2", "R3"], ["C1", "C2", "C3"]
    counts, row_m, col_m = two_way(rows, cols, [[5, 20, 50], [40, 30, 25], [60, 70, 80]])
    grand = [list(counts)]

    # rows first: R1 -> R1C2; C1 -> R2C1; C2 -> R2C2; then all margins hold >= 2.
    hidden = suppress_table(counts, row_m + col_m + grand, "nhs")
    assert {k for k, h in hidden.items() if h} == {("R1", "C1"), ("R1", "C2"), ("R2", "C1"), ("R2", "C2")}
    assert unprotected_margins(counts, row_m + col_m + grand, hidden, "nhs") == []

    # columns first needs a second pass: C1 -> R2C1; R1 -> R1C2; R2 -> R2C3;
    # then (pass 2) C2 -> R2C2 and C3 -> R1C3.
    hidden = suppress_table(counts, col_m + row_m + grand, "nhs")
    assert {k for k, h in hidden.items() if h} == {(r, c) for r in ("R1", "R2") for c in cols}
    assert unprotected_margins(counts, col_m + row_m + grand, hidden, "nhs") == []


def test_sex_by_ethnicity_table_with_rule_lt10():
    sexes = ["Female", "Male"]
    groups = ["Asian", "Black", "Mixed", "White", "Other"]
    counts, by_sex, by_group = two_way(sexes, groups, [[14, 9, 11, 300, 25], [16, 22, 12, 280, 30]])
    margins = by_sex + by_group + [list(counts)]
    hidden = suppress_table(counts, margins, "nhs_lt10")
    # Female/Black (9) primary; its row -> Female/Mixed (11); Black column -> Male/Black (22);
    # Mixed column -> Male/Mixed (12); Male row then has two hidden.
    assert {k for k, h in hidden.items() if h} == {
        ("Female", "Black"),
        ("Female", "Mixed"),
        ("Male", "Black"),
        ("Male", "Mixed"),
    }
    assert unprotected_margins(counts, margins, hidden, "nhs_lt10") == []


def test_none_rule_never_suppresses():
    counts = {"a": 1, "b": 2, "c": 300}
    assert not any(suppress_table(counts, [list(counts)], "none").values())


def test_single_cell_margin_is_reported_as_unprotectable():
    counts = {"A": 12, "B": 3}
    margins = [["A", "B"], ["A"]]
    hidden = suppress_table(counts, margins, "nhs")
    assert hidden == {"A": True, "B": True}
    assert unprotected_margins(counts, margins, hidden, "nhs") == [1]  # caller must hide that total


def test_bad_table_input():
    with pytest.raises(ValueError):
        suppress_table({"a": 1}, [["a", "b"]], "nhs")
    with pytest.raises(ValueError):
        suppress_table({"a": -1, "b": 4}, [["a", "b"]], "nhs")


# --------------------------------------------------------------------------
# Property: no margin with a shown total is left with exactly one hidden cell


def random_count(rng):
    roll = rng.random()
    if roll < 0.15:
        return 0
    if roll < 0.45:
        return rng.randint(1, 9)
    if roll < 0.8:
        return rng.randint(10, 60)
    return rng.randint(61, 2000)


@pytest.mark.parametrize("rule", ["nhs", "nhs_lt10"])
def test_property_no_recoverable_cell_after_suppression(rule):
    rng = random.Random(20240501)
    for _ in range(400):
        shape = rng.choice(["one_way", "two_way", "two_way_no_grand"])
        if shape == "one_way":
            n = rng.randint(2, 8)
            counts = {i: random_count(rng) for i in range(n)}
            margins = [list(counts)]
        else:
            rows = [f"r{i}" for i in range(rng.randint(2, 5))]
            cols = [f"c{j}" for j in range(rng.randint(2, 6))]
            values = [[random_count(rng) for _ in cols] for _ in rows]
            counts, row_m, col_m = two_way(rows, cols, values)
            margins = row_m + col_m
            if shape == "two_way":
                margins.append(list(counts))
            rng.shuffle(margins)
        hidden = suppress_table(counts, margins, rule)
        # every primary cell is hidden; secondary only adds
        for cell, value in counts.items():
            if is_primary_suppressed(value, rule):
                assert hidden[cell]
        for margin in margins:
            n_hidden = sum(hidden[c] for c in margin)
            total_shown = display_count(sum(counts[c] for c in margin), rule) is not None
            assert not (total_shown and n_hidden == 1), (counts, margin, hidden)
        assert unprotected_margins(counts, margins, hidden, rule) == []
        # deterministic
        assert suppress_table(counts, margins, rule) == hidden
