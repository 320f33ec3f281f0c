"""Data quality reports: identify.engine.quality (no database)."""

import csv
import io
import json

import pytest

from identify.engine import THRESHOLDS, Mapping, normalise, quality_report, read_extract, without_values

LOOKUP = {"E01011362": 1, "E01011363": 4}


def extract_of(rows):
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return read_extract(out.getvalue().encode(), filename="x.csv", max_bytes=10**7)


def report_of(rows, mapping, **kwargs):
    extract = extract_of(rows)
    result = normalise(extract.table, Mapping.from_dict(mapping), lsoa_lookup=LOOKUP)
    report = quality_report(result, **kwargs)
    assert json.loads(json.dumps(report)) == report  # JSON-serialisable, no numpy types
    return report


def field(report, key):
    return report["fields"][key] if key in report["fields"] else report["measures"][key]


def findings(report, code=None, field_key=None):
    return [
        f
        for f in report["finding_details"]
        if (code is None or f["code"] == code) and (field_key is None or f["field"] == field_key)
    ]


ETHNICITY_ROWS = [["Ethnicity", "Team"]] + [[v, "North"] for v in ["A", "A", "A", "A", "N", "C", "Z", "99", "", "Q"]]


def test_shares_per_field():
    report = report_of(ETHNICITY_ROWS, {"Ethnicity": "ethnicity"})
    eth = field(report, "ethnicity")
    assert eth["rows"] == 10
    assert eth["counts"] == {
        "valid": 5,
        "other": 1,
        "not_stated": 1,
        "not_known": 1,
        "not_applicable": 0,
        "blank": 1,
        "invalid": 1,
    }
    assert eth["completeness"] == 0.9  # not blank
    assert eth["validity"] == pytest.approx(8 / 9, abs=1e-6)  # codes in the list, of the non-blank
    assert eth["not_stated"] == 0.1
    assert eth["not_known"] == 0.1
    assert eth["other"] == 0.1  # "any other White background"
    assert eth["invalid"] == 0.1 and eth["blank"] == 0.1
    assert eth["missing_or_not_stated"] == 0.4
    assert eth["invalid_examples"] == [
        {"value": "Q", "count": 1, "rows": [11], "reason": "not an NHS ethnic category code or name"}
    ]
    assert eth["column"] == "Ethnicity" and eth["unit"] == "records"
    assert set(eth["flags"]) == {"validity", "missing", "vague"}  # 1 in 6 answers is "any other"
    assert report["rows"] == 10 and report["shape"] == "record"
    assert report["thresholds"] == THRESHOLDS


def test_missing_finding_recommends_a_data_quality_improvement_plan():
    report = report_of(ETHNICITY_ROWS, {"Ethnicity": "ethnicity"})
    (finding,) = findings(report, "missing", "ethnicity")
    assert finding["level"] == "warning"
    assert finding["message"].startswith(
        "Ethnicity is missing or not stated for 40.0% of records (blank 10.0%, not stated (Z) 10.0%, "
        "not known (99) 10.0%, invalid 10.0%)."
    )
    assert "a Data Quality Improvement Plan should be agreed with the data provider" in finding["message"]


def test_missing_between_notice_and_warning_thresholds_is_a_notice():
    rows = [["Ethnicity"]] + [["A"]] * 92 + [["Z"]] * 8
    report = report_of(rows, {"Ethnicity": "ethnicity"})
    (finding,) = findings(report, "missing", "ethnicity")
    assert finding["level"] == "notice"
    assert "8.0% of records (not stated (Z) 8.0%)" in finding["message"]


def test_completeness_below_ninety_percent_is_flagged():
    rows = [["Ethnicity", "Team"]] + [["A", "North"]] * 85 + [["", "South"]] * 15
    report = report_of(rows, {"Ethnicity": "ethnicity"})
    eth = field(report, "ethnicity")
    assert eth["completeness"] == 0.85 and "completeness" in eth["flags"]
    (finding,) = findings(report, "missing", "ethnicity")
    assert "Only 85.0% of records have a value at all, below the 90.0% completeness threshold." in finding["message"]


def test_invalid_codes_up_to_five_examples_with_spreadsheet_rows():
    values = ["A"] * 3 + ["Q"] * 7 + ["V", "W", "Y", "0", "XX", "J"]
    report = report_of([["Ethnicity"]] + [[v] for v in values], {"Ethnicity": "ethnicity"})
    examples = field(report, "ethnicity")["invalid_examples"]
    assert len(examples) == 5
    assert examples[0] == {
        "value": "Q",
        "count": 7,
        "rows": [5, 6, 7, 8, 9],  # first data row is spreadsheet row 2
        "reason": "not an NHS ethnic category code or name",
    }
    (finding,) = findings(report, "invalid", "ethnicity")
    assert finding["level"] == "warning"
    assert "12 rows have values that are not valid (75.0% of filled-in values)" in finding["message"]
    assert "'Q' (rows 5, 6, 7, 8, 9, and more)" in finding["message"]
    assert "Check the right column is mapped" in finding["message"]


def test_a_few_invalid_codes_are_a_notice():
    rows = [["Sex"]] + [["1"]] * 99 + [["Q"]]
    report = report_of(rows, {"Sex": "sex"})
    (finding,) = findings(report, "invalid", "sex")
    assert finding["level"] == "notice"
    assert (
        "Sex: 1 row has a value that is not valid (1.0% of filled-in values), for example 'Q' (row 101)"
        in (finding["message"])
    )


def test_vague_any_other_groups_are_reported():
    rows = [["Ethnicity"]] + [["A"]] * 8 + [["C"], ["S"]]
    report = report_of(rows, {"Ethnicity": "ethnicity"})
    assert field(report, "ethnicity")["other_of_answered"] == 0.2
    (finding,) = findings(report, "vague")
    assert "20.0% of the answers for ethnicity are vague 'any other' groups" in finding["message"]
    assert "'White - Any other White background'" in finding["message"]


def test_lsoa_2021_codes_get_a_specific_hint():
    rows = [["LSOA2021"], ["E01035000"], ["E01011362"]]
    report = report_of(rows, {"LSOA2021": "lsoa"})
    (finding,) = findings(report, "invalid", "lsoa")
    assert "'E01035000' (row 2)" in finding["message"]
    assert "use 2011 LSOA codes in England" in finding["message"]
    assert field(report, "lsoa")["invalid_examples"][0]["reason"].startswith("LSOA not in IoD 2019 lookup")


def test_without_values_keeps_counts_and_rows_but_no_cell_value():
    rows = [["Ethnicity", "Age"], ["A", "30"], ["Jane Doe", "41"], ["B", "Smith"], ["Jane Doe", "52"], ["Q", "60"]]
    report = report_of(rows, {"Ethnicity": "ethnicity", "Age": "age"})
    stored = json.dumps(report)
    assert "Jane Doe" in stored and "Smith" in stored  # the uploading analyst's report quotes them

    public = without_values(report)
    assert json.dumps(report) == stored  # the stored report is not changed
    text = json.dumps(public)
    assert "Jane Doe" not in text and "Smith" not in text and "'Q'" not in text
    (finding,) = findings(public, "invalid", "ethnicity")
    assert finding["message"].startswith(
        "Ethnicity: 3 rows have values that are not valid (60.0% of filled-in values), for example rows 3, 5, 6. "
        "Check the right column is mapped"
    )
    assert public["findings"] == [f["message"] for f in public["finding_details"]]
    assert public["fields"]["ethnicity"]["invalid_examples"][0] == {
        "count": 2,
        "rows": [3, 5],
        "reason": "not an NHS ethnic category code or name",
    }
    assert all("value" not in e for r in public["measures"].values() for e in r["invalid_examples"])
    # Everything else is as the uploader sees it.
    assert public["fields"]["ethnicity"]["counts"] == report["fields"]["ethnicity"]["counts"]
    assert len(public["finding_details"]) == len(report["finding_details"])


def test_without_values_says_and_more_beyond_the_examples():
    values = ["A"] * 3 + ["Q"] * 7 + ["V", "W", "Y", "0", "XX", "J"]
    report = report_of([["Ethnicity"]] + [[v] for v in values], {"Ethnicity": "ethnicity"})
    (finding,) = findings(without_values(report), "invalid", "ethnicity")
    assert (
        "12 rows have values that are not valid (75.0% of filled-in values), for example rows 5, 6, 7, 8, 9, and "
        "more." in finding["message"]
    )
    assert "'Q'" not in finding["message"]


def test_duplicates_by_record_id():
    rows = [["Person_ID", "Ethnicity"], ["P1", "A"], ["P2", "B"], ["P1", "A"], ["", "A"], ["", "B"], ["P1", "C"]]
    report = report_of(rows, {"Person_ID": "record_id", "Ethnicity": "ethnicity"})
    assert report["duplicates"] == {"by": "record_id", "column": "Person_ID", "rows": 2, "examples": [[2, 4, 7]]}
    (finding,) = findings(report, "duplicates")
    assert finding["message"].startswith("2 rows repeat a record ID ('Person_ID') already used in an earlier row")


def test_duplicates_by_identical_rows_without_record_id():
    rows = [["Ethnicity", "Team"], ["A", "North"], ["A", "South"], ["A", "North"]]
    report = report_of(rows, {"Ethnicity": "ethnicity"})
    assert report["duplicates"] == {"by": "all_columns", "column": None, "rows": 1, "examples": [[2, 4]]}
    assert findings(report, "duplicates")[0]["level"] == "notice"


def test_aggregate_shares_are_weighted_by_count_and_repeated_groups_found():
    rows = [["Ethnicity", "Count"], ["A", "90"], ["Z", "10"], ["B", "*"], ["A", "5"]]
    report = report_of(rows, {"Ethnicity": "ethnicity", "Count": "count"})
    assert report["shape"] == "aggregate" and report["unit"] == "people"
    eth = field(report, "ethnicity")
    assert eth["unit"] == "people"
    assert eth["not_stated"] == pytest.approx(10 / 105, abs=1e-6)
    assert eth["counts"]["valid"] == 3  # counts are of rows
    count = field(report, "count")
    assert count["total"] == 105.0 and count["counts"]["invalid"] == 1
    assert count["invalid_examples"][0]["value"] == "*"
    assert report["duplicates"]["by"] == "groups" and report["duplicates"]["rows"] == 1


def test_date_range():
    rows = [["Ethnicity", "ReferralRequestReceivedDate"], ["A", "2024-04-01"], ["A", "31/03/2025"], ["A", "soon"]]
    report = report_of(rows, {"Ethnicity": "ethnicity", "ReferralRequestReceivedDate": "date"})
    assert report["dates"] == {
        "column": "ReferralRequestReceivedDate",
        "min": "2024-04-01",
        "max": "2025-03-31",
        "blank": 0,
        "invalid": 1,
    }
    (finding,) = findings(report, "date_range")
    assert finding["message"].startswith(
        "Dates in 'ReferralRequestReceivedDate' run from 1 April 2024 to 31 March 2025"
    )


def test_dropped_identifier_columns_are_reported():
    rows = [["NHS Number", "Ethnicity"], ["9434765919", "A"]]
    report = report_of(rows, {"Ethnicity": "ethnicity"})
    assert report["dropped_identifiers"] == ["NHS Number"]
    (finding,) = findings(report, "identifier_columns_dropped")
    assert finding["level"] == "warning"
    assert "We removed column 'NHS Number' because it identifies people; it was not stored." in finding["message"]


def test_dropped_identifiers_can_be_passed_in():
    report = report_of(ETHNICITY_ROWS, {"Ethnicity": "ethnicity"}, dropped_identifiers=["DOB"])
    assert report["dropped_identifiers"] == ["DOB"]


def test_reading_notices_are_carried_as_information():
    rows = [["Ethnicity", "Sex"], ["A", "1"], ["", ""], ["B", "2"]]
    report = report_of(rows, {"Ethnicity": "ethnicity", "Sex": "sex"})
    (finding,) = findings(report, "empty_rows_dropped")
    assert finding["level"] == "info" and finding["message"] == "We ignored 1 empty row."


def test_clean_extract_says_no_problems_found():
    rows = [["Ethnicity", "Sex"], ["A", "1"], ["B", "2"], ["N", "2"]]
    report = report_of(rows, {"Ethnicity": "ethnicity", "Sex": "sex"})
    assert report["finding_details"][0]["code"] == "no_problems"
    assert all(f["level"] == "info" for f in report["finding_details"])


def test_findings_are_ordered_by_severity():
    report = report_of(ETHNICITY_ROWS, {"Ethnicity": "ethnicity"})
    order = {"warning": 0, "notice": 1, "info": 2}
    levels = [order[f["level"]] for f in report["finding_details"]]
    assert levels == sorted(levels)
    assert report["findings"] == [f["message"] for f in report["finding_details"]]  # plain sentences


def test_fields_are_the_characteristics_and_measures_are_apart():
    rows = [["Ethnicity", "Sex", "Count"], ["A", "1", "3"], ["B", "2", "4"]]
    report = report_of(rows, {"Count": "count", "Ethnicity": "ethnicity", "Sex": "sex"})
    assert list(report["fields"]) == ["ethnicity", "sex"]
    assert report["field_order"] == ["ethnicity", "sex"]
    assert list(report["measures"]) == ["count"]
    assert report["fields"]["sex"]["label"] == "Sex (person stated gender)"
