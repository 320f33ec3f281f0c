"""The breakdown engine on small tables whose answers can be worked out by
hand, checked against amhe.stats (itself tested against published OHID
reference values in test_stats.py)."""

import json
from io import StringIO
from pathlib import Path

import pandas as pd
import pytest
from django.core.management import CommandError, call_command

from amhe import stats
from amhe.analysis.breakdown import BreakdownError, breakdown, publish
from amhe.core import taxonomy
from identify import engine

DEMO = Path(__file__).resolve().parents[2] / "identify" / "data" / "demo"


def normalised(rows: list[dict], mapping: dict) -> pd.DataFrame:
    raw = pd.DataFrame(rows, dtype="string")
    raw.index = pd.RangeIndex(2, 2 + len(raw), name="_row")
    checked = engine.Mapping.from_dict(mapping, columns=list(raw.columns))
    return engine.normalise(raw, checked).table


def records(spec: dict[str, int], **extra) -> list[dict]:
    """spec: ethnic code -> number of records."""
    out = []
    for code, n in spec.items():
        out.extend({"EthnicCategory": code, **extra} for _ in range(n))
    return out


POPULATION = pd.DataFrame({"ethnicity": ["A", "M", "N"], "population": [100_000, 10_000, 5_000]})


def population_table():
    raw = POPULATION.astype("string")
    checked = engine.Mapping.from_dict({"ethnicity": "ethnicity", "population": "population"}, columns=list(raw))
    table = engine.normalise(raw, checked).table
    table["population"] = POPULATION["population"].to_numpy()
    return table


@pytest.fixture
def table():
    return normalised(
        records({"A": 200, "M": 90, "N": 30, "Z": 12, "99": 5, "": 3, "Q7": 2}), {"EthnicCategory": "ethnicity"}
    )


def by_group(result):
    return {row["group"]: row for row in result.rows}


def test_counts_shares_and_missing_kinds_kept_apart(table):
    result = breakdown(table, ["ethnicity"])
    rows = by_group(result)
    total = 342
    assert rows["White - British"]["count"] == 200
    assert rows["Black or Black British - Caribbean"]["count"] == 90
    assert rows["Not stated"]["count"] == 12
    assert rows["Not known"]["count"] == 5
    assert rows["Missing (blank)"]["count"] == 3
    assert rows["Invalid code"]["count"] == 2
    assert sum(row["count"] for row in result.rows) == total
    share = stats.proportion(90, total)
    caribbean = rows["Black or Black British - Caribbean"]
    assert (caribbean["share"], caribbean["share_lower"], caribbean["share_upper"]) == (
        share.value,
        share.lower,
        share.upper,
    )
    # Every answered category is listed, even with no records; missing kinds come last.
    assert rows["Asian or Asian British - Indian"]["count"] == 0
    assert [row["kind"] for row in result.rows][-4:] == ["not_stated", "not_known", "blank", "invalid"]


def test_rates_and_rate_ratios_against_the_largest_population(table):
    result = breakdown(table, ["ethnicity"], population=population_table())
    rows = by_group(result)
    white, caribbean, african = (
        rows["White - British"],
        rows["Black or Black British - Caribbean"],
        rows["Black or Black British - African"],
    )
    assert white["reference"] and result.reference == "White - British"
    expected = stats.rate(90, 10_000)
    assert (caribbean["rate"], caribbean["rate_lower"], caribbean["rate_upper"]) == (
        expected.value,
        expected.lower,
        expected.upper,
    )
    assert caribbean["rate"] == pytest.approx(900.0)
    ratio = stats.rate_ratio(90, 10_000, 200, 100_000)
    assert caribbean["rate_ratio"] == pytest.approx(4.5) == ratio.value
    assert (caribbean["rate_ratio_lower"], caribbean["rate_ratio_upper"]) == (ratio.lower, ratio.upper)
    assert white["rate_ratio"] == 1.0 and white["rate_ratio_lower"] is None
    assert african["rate"] == pytest.approx(600.0)
    # Groups with no population have no rate; missing kinds never do.
    assert rows["Asian or Asian British - Indian"]["rate"] is None
    assert rows["Not stated"]["rate"] is None and rows["Not stated"]["population"] is None
    # Relative inequity: share of cases (among groups with a population) over share of population.
    assert caribbean["relative_inequity"] == pytest.approx((90 / 320) / (10_000 / 115_000))


def test_reference_by_name_or_code_and_a_clear_error_otherwise(table):
    by_code = breakdown(table, ["ethnicity"], population=population_table(), reference="N")
    assert by_code.reference == "Black or Black British - African"
    by_name = breakdown(
        table, ["ethnicity"], population=population_table(), reference="black or black british - african"
    )
    assert by_name.reference == by_code.reference
    with pytest.raises(BreakdownError, match="No group called 'Martian'"):
        breakdown(table, ["ethnicity"], population=population_table(), reference="Martian")
    with pytest.raises(BreakdownError, match="Unknown characteristic 'hair'"):
        breakdown(table, ["hair"])


def test_intersection_cells_add_up_to_the_one_way_counts():
    rows = records({"A": 20, "M": 12}, Gender="1") + records({"A": 25, "M": 9}, Gender="2")
    table = normalised(rows, {"EthnicCategory": "ethnicity", "Gender": "sex"})
    cross = breakdown(table, ["ethnicity_high", "sex"])
    cells = {row["group"]: row["count"] for row in cross.rows}
    assert cells["White / Male"] == 20 and cells["Black or Black British / Female"] == 9
    assert cross.dimension == "ethnicity_high×sex"
    one_way = by_group(breakdown(table, ["ethnicity_high"]))
    assert sum(c for g, c in cells.items() if g.startswith("White /")) == one_way["White"]["count"] == 45


def test_aggregate_extracts_are_weighted_by_their_count_column():
    raw = [{"Ethnicity": "A", "Count": "40"}, {"Ethnicity": "M", "Count": "12"}, {"Ethnicity": "A", "Count": "5"}]
    table = normalised(raw, {"Ethnicity": "ethnicity", "Count": "count"})
    rows = by_group(breakdown(table, ["ethnicity"], count_column="count"))
    assert rows["White - British"]["count"] == 45
    assert rows["Black or Black British - Caribbean"]["count"] == 12


def test_outcome_proportions_and_score_means_by_group():
    rows = (
        [{"EthnicCategory": "A", "Recovered": "Y", "Score": "20"}] * 30
        + [{"EthnicCategory": "A", "Recovered": "N", "Score": "10"}] * 20
        + [{"EthnicCategory": "M", "Recovered": "Y", "Score": "8"}] * 5
        + [{"EthnicCategory": "M", "Recovered": "N", "Score": "4"}] * 15
        + [{"EthnicCategory": "M", "Recovered": "X", "Score": ""}] * 3
    )
    table = normalised(rows, {"EthnicCategory": "ethnicity", "Recovered": "outcome", "Score": "score"})
    result = by_group(breakdown(table, ["ethnicity"]))
    white, caribbean = result["White - British"], result["Black or Black British - Caribbean"]
    expected = stats.proportion(5, 20)
    assert (caribbean["outcome"], caribbean["outcome_lower"], caribbean["outcome_upper"]) == (
        expected.value,
        expected.lower,
        expected.upper,
    )
    assert caribbean["outcome_n"] == 20  # the 3 "not known" outcomes are left out
    assert white["outcome"] == pytest.approx(0.6)
    assert white["score_mean"] == pytest.approx(16.0) and white["score_n"] == 50
    assert caribbean["score_mean"] == pytest.approx(5.0)
    assert caribbean["score_lower"] < 5.0 < caribbean["score_upper"]


def test_age_standardised_rates_when_both_tables_have_five_year_bands():
    bands = ["20-24", "40-44", "70-74"]
    rows = []
    for band, n in zip(bands, [30, 10, 5], strict=True):
        rows += [{"EthnicCategory": "M", "AgeBand": band}] * n
    table = normalised(rows, {"EthnicCategory": "ethnicity", "AgeBand": "age_band"})
    assert "age_band_5y" in table.columns
    codes = [code for code, _ in taxonomy.code_list("age_band_5y").choices()]
    pop_raw = pd.DataFrame({"ethnicity": ["M"] * len(codes), "age_band": codes, "population": ["1000"] * len(codes)})
    checked = engine.Mapping.from_dict(
        {"ethnicity": "ethnicity", "age_band": "age_band", "population": "population"}, columns=list(pop_raw)
    )
    population = engine.normalise(pop_raw.astype("string"), checked).table
    population["population"] = 1000.0
    caribbean = by_group(breakdown(table, ["ethnicity"], population=population))["Black or Black British - Caribbean"]
    events = [{"20-24": 30, "40-44": 10, "70-74": 5}.get(code, 0) for code in codes]
    expected = stats.dsr(events, [1000.0] * len(codes))
    assert caribbean["dsr"] == pytest.approx(expected.value)
    assert (caribbean["dsr_lower"], caribbean["dsr_upper"]) == (expected.lower, expected.upper)


def test_publish_hides_small_counts_rounds_the_rest_and_protects_totals(table):
    result = breakdown(table, ["ethnicity"], population=population_table())
    published = {row["group"]: row for row in publish(result, "nhs")}
    # Primary: 1..7 hidden (not known 5, blank 3, invalid 2), with everything worked out from them.
    for group in ("Not known", "Missing (blank)", "Invalid code"):
        assert published[group]["suppressed"] and published[group]["count"] is None
        assert published[group]["share"] is None
    # Others rounded to the nearest 5; zero stays zero.
    assert published["Not stated"]["count"] in (None, 10)
    assert published["White - British"]["count"] == 200
    assert published["Asian or Asian British - Indian"]["count"] == 0
    # No margin is left with exactly one hidden cell.
    hidden = [row for row in published.values() if row["suppressed"]]
    assert len(hidden) != 1
    # The unsuppressed figures are not changed by publishing.
    assert by_group(result)["Not known"]["count"] == 5


def test_secondary_suppression_in_an_intersection():
    rows = records({"A": 40, "M": 3}, Gender="1") + records({"A": 50, "M": 30}, Gender="2")
    table = normalised(rows, {"EthnicCategory": "ethnicity", "Gender": "sex"})
    result = breakdown(table, ["ethnicity_high", "sex"])
    published = {row["group"]: row for row in publish(result, "nhs")}
    assert published["Black or Black British / Male"]["suppressed"]  # 3: primary
    # Its row and column would give it away: another cell in each must be hidden too.
    assert published["Black or Black British / Female"]["suppressed"]  # its row
    assert published["White / Male"]["suppressed"]  # its column
    assert published["White / Female"]["suppressed"]  # which then leaves the White row with one hidden
    assert published["White / Female"]["rate"] is None and published["White / Female"]["share"] is None


# --- The command line -------------------------------------------------------------------


def run(*args) -> str:
    out = StringIO()
    call_command("breakdown", *args, stdout=out)
    return out.getvalue()


def test_command_json_schema_and_the_demo_inequality():
    output = json.loads(
        run(
            str(DEMO / "leeds_crisis_referrals_demo.csv"),
            "--by",
            "ethnicity_high",
            "--population",
            str(DEMO / "leeds_population_by_ethnicity_census2011.csv"),
            "--reference",
            "White",
        )
    )
    assert set(output) == {"rows", "data_quality"}
    keys = {
        "dimension",
        "group",
        "count",
        "population",
        "share",
        "share_lower",
        "share_upper",
        "rate",
        "rate_lower",
        "rate_upper",
        "rate_ratio",
        "rate_ratio_lower",
        "rate_ratio_upper",
        "suppressed",
    }
    assert all(set(row) == keys for row in output["rows"])
    rows = {row["group"]: row for row in output["rows"]}
    black = rows["Black or Black British"]
    assert 3.0 < black["rate_ratio"] < 4.0 and black["rate_ratio_lower"] > 1
    assert black["count"] % 5 == 0  # NHS Digital rounding by default
    assert rows["Not stated"]["rate"] is None
    assert output["data_quality"]["rows"] == 4727
    assert any("Ethnicity" in finding for finding in output["data_quality"]["findings"])


def test_command_csv_and_intersections():
    text = run(
        str(DEMO / "leeds_crisis_referrals_demo.csv"),
        "--intersect",
        "ethnicity_high,sex",
        "--format",
        "csv",
        "--suppression",
        "none",
    )
    table = pd.read_csv(StringIO(text))
    assert set(table["dimension"]) == {"ethnicity_high×sex"}
    assert table["count"].sum() == 4727


def test_command_errors_say_what_to_do(tmp_path):
    with pytest.raises(CommandError, match="Say what to break down by"):
        run(str(DEMO / "leeds_crisis_referrals_demo.csv"))
    with pytest.raises(CommandError, match="--intersect takes two or three"):
        run(str(DEMO / "leeds_crisis_referrals_demo.csv"), "--intersect", "ethnicity")
    with pytest.raises(CommandError, match="No file at"):
        run(str(tmp_path / "missing.csv"), "--by", "sex")
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(CommandError, match="empty"):
        run(str(empty), "--by", "sex")
