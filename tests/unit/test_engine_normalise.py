"""Mapping and normalising extracts: identify.engine.mapping and .normalise (no database)."""

import importlib

import numpy as np
import pandas as pd
import pytest

from identify.engine import FIELDS, Mapping, MappingError, detect_mapping, normalise, read_extract
from identify.engine.normalise import KIND_DTYPE, load_lsoa_imd_lookup

LOOKUP = {"E01000001": 9, "E01000002": 10, "E01011362": 1, "E01011363": 4}


def table(**columns) -> pd.DataFrame:
    """A raw table like the reader's: strings, indexed by spreadsheet row (2, 3, ...)."""
    n = len(next(iter(columns.values())))
    index = pd.Index(range(2, n + 2), name="_row")
    return pd.DataFrame({k: pd.Series(v, dtype="str", index=index) for k, v in columns.items()})


def norm(field, values, *, lookup=None, column="Col"):
    columns, mapping = {column: values}, {column: field}
    if FIELDS[field].role != "characteristic":  # a mapping needs a characteristic
        columns["Eth"], mapping["Eth"] = ["A"] * len(values), "ethnicity"
    return normalise(table(**columns), mapping, lsoa_lookup=lookup)


def codes_and_kinds(result, name):
    t = result.table
    return list(zip(t[name].tolist(), t[f"{name}__kind"].astype(str).tolist(), strict=True))


# --------------------------------------------------------------------------- detect_mapping


def test_detects_mhsds_names():
    columns = [
        "Person_ID",
        "EthnicCategory",
        "EthnicCategory2021",
        "Gender",
        "GenderIDCode",
        "GenderSameAtBirthIndicator",
        "AgeRepPeriodEnd",
        "LSOA2011",
        "ReferralRequestReceivedDate",
        "SexualOrientationCode",
        "ReligiousOrOtherBeliefSystemAffiliation",
        "DisabilityCode",
        "MaritalStatus",
        "UniqMonthID",
    ]
    assert detect_mapping(columns) == {
        "Person_ID": "record_id",
        "EthnicCategory": "ethnicity",
        "EthnicCategory2021": "ethnicity_2021",
        "Gender": "sex",
        "GenderIDCode": "gender_identity",
        "GenderSameAtBirthIndicator": "gender_same_at_birth",
        "AgeRepPeriodEnd": "age",
        "LSOA2011": "lsoa",
        "ReferralRequestReceivedDate": "date",
        "SexualOrientationCode": "sexual_orientation",
        "ReligiousOrOtherBeliefSystemAffiliation": "religion",
        "DisabilityCode": "disability",
        "MaritalStatus": "marital_status",
        "UniqMonthID": None,  # a reporting month, not a record
    }


def test_detects_plain_english_headers_ignoring_case_spaces_and_underscores():
    columns = ["ETHNIC_GROUP", " sex ", "Age (years)", "imd decile", "Number of detentions", "Religion or belief"]
    assert detect_mapping(columns) == {
        "ETHNIC_GROUP": "ethnicity",
        " sex ": "sex",
        "Age (years)": "age",
        "imd decile": "imd_decile",
        "Number of detentions": "count",
        "Religion or belief": "religion",
    }
    assert detect_mapping(["Ethnicity", "Population"]) == {"Ethnicity": "ethnicity", "Population": "population"}
    assert detect_mapping(["Ethnic category code", "Count"]) == {"Ethnic category code": "ethnicity", "Count": "count"}


def test_each_field_goes_to_one_column_the_best_match():
    # AgeServReferRecDate (age at referral) is preferred over AgeRepPeriodEnd, whatever the order
    assert detect_mapping(["AgeRepPeriodEnd", "AgeServReferRecDate"]) == {
        "AgeRepPeriodEnd": None,
        "AgeServReferRecDate": "age",
    }
    assert detect_mapping(["Ethnicity", "Ethnic group"]) == {"Ethnicity": "ethnicity", "Ethnic group": None}


def test_detected_mapping_avoids_refused_combinations():
    found = detect_mapping(["LSOA2011", "IMD decile", "Age", "Age band", "Person_ID", "Count"])
    assert found == {
        "LSOA2011": "lsoa",
        "IMD decile": None,
        "Age": "age",
        "Age band": None,
        "Person_ID": None,
        "Count": "count",
    }
    Mapping.from_dict(found)  # valid


def test_identifier_like_columns_are_never_mapped():
    assert detect_mapping(["Date of birth", "NHS Number", "Date"]) == {
        "Date of birth": None,
        "NHS Number": None,
        "Date": "date",
    }


def test_fields_include_what_the_brief_needs_and_no_date_of_birth():
    for key in (
        "ethnicity",
        "ethnicity_2021",
        "sex",
        "gender_identity",
        "gender_same_at_birth",
        "age",
        "age_band",
        "lsoa",
        "imd_decile",
        "sexual_orientation",
        "religion",
        "disability",
        "marital_status",
        "homeless",
        "refugee_asylum",
        "count",
        "date",
        "record_id",
        "outcome",
        "score",
        "population",
    ):
        assert key in FIELDS
    assert "date_of_birth" not in FIELDS
    assert FIELDS["ethnicity"].code_list == "nhs_ethnic_category"
    assert FIELDS["homeless"].characteristic == "homelessness"


# --------------------------------------------------------------------------- Mapping validation


def messages(mapping, **kwargs):
    with pytest.raises(MappingError) as info:
        Mapping.from_dict(mapping, **kwargs)
    return [e["message"] for e in info.value.errors]


def test_two_columns_to_one_field_is_refused():
    assert messages({"Ethnicity": "ethnicity", "Ethnic group": "ethnicity"}) == [
        "Columns 'Ethnicity' and 'Ethnic group' are both set to Ethnicity (NHS ethnic category). Choose one and set "
        "the other to 'Not used'."
    ]


def test_count_and_record_id_together_are_refused():
    (message,) = messages({"Ethnicity": "ethnicity", "N": "count", "Id": "record_id"})
    assert message.startswith("A count column means each row is a group of people, but a record ID means")


def test_date_of_birth_is_not_a_field():
    (message,) = messages({"Ethnicity": "ethnicity", "Born": "date_of_birth"})
    assert message == "Column 'Born': Dates of birth identify people and are not used: map an age column instead."


def test_unknown_field_missing_column_and_no_characteristic_are_refused():
    assert "is not something we can use" in messages({"Ethnicity": "shoe_size"})[0]
    assert messages({"Ethnicity": "ethnicity"}, columns=["Age"]) == [
        "There is no column called 'Ethnicity' in this file. Choose the columns again."
    ]
    assert messages({"N": "count"}) == [
        "Choose at least one column that holds a characteristic, such as ethnicity, sex, age or LSOA, so there is "
        "something to break the data down by."
    ]
    assert "Map either age in years or age band" in messages({"A": "age", "B": "age_band"})[0]
    assert "Map either LSOA or IMD decile" in messages({"A": "lsoa", "B": "imd_decile"})[0]


def test_mapping_error_is_an_extract_error_listing_every_problem():
    from identify.engine import ExtractError

    with pytest.raises(ExtractError) as info:
        Mapping({"A": "ethnicity", "B": "ethnicity", "C": "nonsense"})
    assert info.value.code == "mapping"
    assert len(info.value.to_dict()["errors"]) == 2


def test_mapping_views():
    mapping = Mapping.from_dict({"N": "count", "Eth": "ethnicity", "Unused": None, "Sex": ""})
    assert mapping.to_dict() == {"N": "count", "Eth": "ethnicity"}
    assert mapping.shape == "aggregate"
    assert mapping.column_for("ethnicity") == "Eth" and mapping.column_for("sex") is None
    assert mapping.characteristic_fields == ["ethnicity"]
    assert "count" in mapping
    assert Mapping({"Eth": "ethnicity"}).shape == "record"


# --------------------------------------------------------------------------- ethnicity


@pytest.mark.parametrize(
    ("value", "code", "kind", "high"),
    [
        ("A", "A", "valid", "WHITE"),
        (" a ", "A", "valid", "WHITE"),
        ("White British", "A", "valid", "WHITE"),
        ("white - british", "A", "valid", "WHITE"),
        ("WHITE: IRISH", "B", "valid", "WHITE"),
        ("Black or Black British - African", "N", "valid", "BLACK"),
        ("White: English, Welsh, Scottish, Northern Irish or British", "A", "valid", "WHITE"),
        ("White: Roma", "C", "other", "WHITE"),  # ONS 2021 via ons2021_to_nhs
        ("Other ethnic group: Arab", "S", "other", "OTHER"),
        ("Asian, Asian British or Asian Welsh: Chinese", "R", "valid", "OTHER"),
        ("Other - Chinese", "R", "valid", "OTHER"),
        ("Asian - Chinese", "R", "valid", "OTHER"),
        ("White - Other", "C", "other", "WHITE"),
        ("Mixed: any other", "G", "other", "MIXED"),
        ("CA", "C", "other", "WHITE"),  # local sub-code rolls up to the national letter
        ("White - Any other White background", "C", "other", "WHITE"),
        ("Z", "Z", "not_stated", ""),
        ("Prefer not to say", "Z", "not_stated", ""),
        ("99", "99", "not_known", ""),
        ("X", "99", "not_known", ""),
        ("Not known", "99", "not_known", ""),
        ("", "", "blank", ""),
        ("   ", "", "blank", ""),
        ("NULL", "", "blank", ""),
        ("Q", "", "invalid", ""),
        ("White - African", "", "invalid", ""),  # group and category disagree: not guessed
        ("ZZ", "", "invalid", ""),
    ],
)
def test_ethnicity_values(value, code, kind, high):
    result = norm("ethnicity", [value])
    assert codes_and_kinds(result, "ethnicity") == [(code, kind)]
    high_kind = "valid" if kind in ("valid", "other") else kind
    assert codes_and_kinds(result, "ethnicity_high") == [(high, high_kind)]


def test_missing_kinds_and_invalid_are_never_merged_and_originals_are_kept():
    result = norm("ethnicity", ["A", "Z", "99", "", "Q", "Q", "A"])
    kinds = result.table["ethnicity__kind"].astype(str).tolist()
    assert kinds == ["valid", "not_stated", "not_known", "blank", "invalid", "invalid", "valid"]
    assert result.table["ethnicity"].tolist() == ["A", "Z", "99", "", "", "", "A"]
    invalid = result.kinds("ethnicity") == "invalid"
    assert result.original("ethnicity")[invalid].tolist() == ["Q", "Q"]
    assert result.original("ethnicity")[invalid].index.tolist() == [6, 7]  # spreadsheet rows
    assert result.invalid_reasons == {"ethnicity": {"Q": "not an NHS ethnic category code or name"}}


def test_ethnicity_2021_alone_also_gives_nhs_ethnicity():
    result = norm("ethnicity_2021", ["White: Roma", "Other ethnic group: Arab", "Not stated", "nonsense"])
    assert codes_and_kinds(result, "ethnicity_2021") == [
        ("WHITE_ROMA", "valid"),
        ("OTHER_ARAB", "valid"),
        ("NOT_STATED", "not_stated"),
        ("", "invalid"),
    ]
    assert result.table["ethnicity_2021_high"].tolist() == ["WHITE", "OTHER", "", ""]
    assert codes_and_kinds(result, "ethnicity") == [
        ("C", "other"),
        ("S", "other"),
        ("Z", "not_stated"),
        ("", "invalid"),
    ]
    assert result.info["ethnicity_from_2021"] is True


# --------------------------------------------------------------------------- other code lists


def test_sex_codes_labels_and_missing_words():
    values = ["1", "Male", "m", "F", "2", "9", "X", "0", "Unknown", "Prefer not to say", "Other", ""]
    assert codes_and_kinds(norm("sex", values), "sex") == [
        ("1", "valid"),
        ("1", "valid"),
        ("1", "valid"),
        ("2", "valid"),
        ("2", "valid"),
        ("9", "valid"),
        ("X", "not_known"),
        ("X", "not_known"),
        ("X", "not_known"),
        ("", "not_stated"),  # PERSON STATED GENDER has no "not stated" code, but it is not invalid either
        ("", "invalid"),
        ("", "blank"),
    ]


def test_common_words_for_sex_are_recognised_and_reported_as_valid():
    from identify.engine import quality_report

    values = ["Man", "Woman", "M", "F", "Male", "Female", "man", "woman", "m", "f", "MALE", "female", " Woman "]
    result = norm("sex", values)
    assert codes_and_kinds(result, "sex") == [
        (code, "valid") for code in ["1", "2", "1", "2", "1", "2", "1", "2", "1", "2", "1", "2", "2"]
    ]
    report = quality_report(result)["fields"]["sex"]
    assert report["validity"] == 1.0 and report["invalid_examples"] == []


@pytest.mark.parametrize(
    ("field", "value", "code", "kind"),
    [
        ("gender_identity", "Non-binary", "3", "valid"),
        ("gender_identity", "4", "4", "other"),
        ("gender_same_at_birth", "No", "N", "valid"),
        ("sexual_orientation", "Bisexual", "3", "valid"),
        ("sexual_orientation", "729951000000104", "Z", "not_stated"),  # SNOMED CT as used in MHSDS
        ("religion", "Muslim", "MUSLIM", "valid"),
        ("religion", "Other religion", "OTHER_RELIGION", "other"),
        ("disability", "Yes", "Y", "valid"),
        ("disability", "1", "Y", "valid"),
        ("disability", "0", "N", "valid"),
        ("marital_status", "8", "8", "not_applicable"),
        ("homeless", "True", "Y", "valid"),
        ("homeless", "0", "N", "valid"),
        ("refugee_asylum", "Z", "Z", "not_stated"),
        ("outcome", "1", "Y", "valid"),
        ("outcome", "N", "N", "valid"),
        ("imd_decile", "01", "1", "valid"),
        ("imd_decile", "10.0", "10", "valid"),
        ("imd_decile", "11", "", "invalid"),
    ],
)
def test_coded_fields(field, value, code, kind):
    assert codes_and_kinds(norm(field, [value]), field) == [(code, kind)]


def test_imd_decile_gives_quintile():
    result = norm("imd_decile", ["1", "2", "3", "10", "", "x"])
    assert codes_and_kinds(result, "imd_quintile") == [
        ("1", "valid"),
        ("1", "valid"),
        ("2", "valid"),
        ("5", "valid"),
        ("", "blank"),
        ("", "invalid"),
    ]


# --------------------------------------------------------------------------- age


def test_age_in_years_gives_both_band_schemes():
    result = norm("age", ["17", "18", "89.9", "65", "0", "120", "121", "-1", "abc", "", "Unknown", "30 years"])
    t = result.table
    assert t["age_band"].tolist() == ["0-17", "18-24", "65+", "65+", "0-17", "65+", "", "", "", "", "", "25-34"]
    assert t["age_band_5y"].tolist() == ["15-19", "15-19", "85-89", "65-69", "0-4", "90+", "", "", "", "", "", "30-34"]
    assert t["age__kind"].astype(str).tolist() == ["valid"] * 6 + ["invalid"] * 3 + ["blank", "not_known", "valid"]
    assert t["age_band__kind"].astype(str).tolist() == t["age__kind"].astype(str).tolist()
    assert t["age"].iloc[2] == pytest.approx(89.9) and np.isnan(t["age"].iloc[6])
    assert result.invalid_reasons["age"] == {
        "121": "outside 0 to 120 years",
        "-1": "outside 0 to 120 years",
        "abc": "not a number of years",
    }
    assert result.dimensions["age_band"]["code_list"] == "age_band_mh"
    assert result.dimensions["age_band_5y"]["code_list"] == "age_band_5y"


def test_age_bands_already_grouped_mental_health_scheme():
    result = norm("age_band", ["18-24", "25 to 34", "65+", "Under 18", "65 and over", "18 - 24 years", "0-4", "?", ""])
    assert codes_and_kinds(result, "age_band") == [
        ("18-24", "valid"),
        ("25-34", "valid"),
        ("65+", "valid"),
        ("0-17", "valid"),
        ("65+", "valid"),
        ("18-24", "valid"),
        ("", "invalid"),  # a 5-year band in a column of mental health bands
        ("", "invalid"),
        ("", "blank"),
    ]
    assert "use one set of bands" in result.invalid_reasons["age_band"]["0-4"]
    assert result.info["age_band_scheme"] == "age_band_mh"
    assert result.fields["age_band"]["code_column"] == "age_band"


def test_age_bands_already_grouped_five_year_scheme():
    result = norm("age_band", ["0-4", "5 to 9", "90+", "90 and over", "85-89"])
    assert result.table["age_band_5y"].tolist() == ["0-4", "5-9", "90+", "90+", "85-89"]
    assert "age_band" not in result.table.columns
    assert result.fields["age_band"]["kind_column"] == "age_band_5y__kind"


# --------------------------------------------------------------------------- LSOA and deprivation


def test_lsoa_gives_imd_decile_and_quintile_from_the_lookup():
    values = ["E01000001", " e01000002 ", "E01011362", "E01035000", "W01000001", "LS1 4AP", "", "Unknown"]
    result = norm("lsoa", values, lookup=LOOKUP)
    assert codes_and_kinds(result, "lsoa") == [
        ("E01000001", "valid"),
        ("E01000002", "valid"),
        ("E01011362", "valid"),
        ("", "invalid"),
        ("", "invalid"),
        ("", "invalid"),
        ("", "blank"),
        ("", "not_known"),
    ]
    assert result.table["imd_decile"].tolist() == ["9", "10", "1", "", "", "", "", ""]
    assert result.table["imd_quintile"].tolist() == ["5", "5", "1", "", "", "", "", ""]
    assert result.table["imd_decile__kind"].astype(str).tolist() == result.table["lsoa__kind"].astype(str).tolist()
    reasons = result.invalid_reasons["lsoa"]
    assert reasons["E01035000"].startswith("LSOA not in IoD 2019 lookup")
    assert reasons["LS1 4AP"] == "not an LSOA code (LSOA codes look like E01011362)"


def test_lsoa_without_lookup_checks_shape_only():
    result = norm("lsoa", ["E01035000", "nope"])
    assert codes_and_kinds(result, "lsoa") == [("E01035000", "valid"), ("", "invalid")]
    assert "imd_decile" not in result.table.columns
    assert "no LSOA lookup" in result.info["imd_from_lsoa"]


def test_shipped_lookup_covers_english_2011_lsoas():
    lookup = load_lsoa_imd_lookup()
    assert len(lookup) == 32_844
    assert lookup["E01000001"] == 9
    assert set(lookup.values()) == set(range(1, 11))


# --------------------------------------------------------------------------- measures


def test_counts_population_and_scores():
    counts = norm("count", ["12", "1,234", "0", "*", "-3", "2.5", "", "[c]"])
    assert counts.table["count"].tolist()[:3] == [12.0, 1234.0, 0.0]
    assert counts.table["count__kind"].astype(str).tolist() == ["valid"] * 3 + ["invalid"] * 3 + ["blank", "invalid"]
    assert counts.invalid_reasons["count"]["-3"] == "negative (counts cannot be below 0)"
    assert counts.invalid_reasons["count"]["2.5"] == "not a whole number (counts must be whole numbers)"
    scores = norm("score", ["-1.5", "+2", "3e1", "ten"])
    assert scores.table["score"].tolist()[:3] == [-1.5, 2.0, 30.0]  # negative numbers are data
    assert scores.table["score__kind"].astype(str).tolist() == ["valid", "valid", "valid", "invalid"]
    population = norm("population", ["609,714", "7031.5"])
    assert population.table["population"].tolist() == [609714.0, 7031.5]


def test_dates_are_read_day_first():
    values = [
        "2024-05-14",
        "14/05/2024",
        "2024-05-14 00:00:00",
        "14-May-2024",
        "2024-05-14T09:30:00Z",
        "31/02/2024",
        "05/14/2024",
        "",
        "1850-01-01",
    ]
    result = norm("date", values)
    dates = result.table["date"]
    assert [d.date().isoformat() for d in dates.iloc[:5]] == ["2024-05-14"] * 5
    assert result.table["date__kind"].astype(str).tolist() == ["valid"] * 5 + ["invalid", "invalid", "blank", "invalid"]
    assert dates.iloc[5:].isna().all()
    assert str(dates.dtype) == "datetime64[s]"


def test_record_ids_are_trimmed():
    result = norm("record_id", [" P1 ", "P2", "", "NULL"])
    assert codes_and_kinds(result, "record_id") == [("P1", "valid"), ("P2", "valid"), ("", "blank"), ("", "blank")]


# --------------------------------------------------------------------------- the whole table


def test_normalise_a_read_extract_keeps_row_numbers_and_dtypes():
    data = (
        b"Person_ID,EthnicCategory,Gender,AgeRepPeriodEnd,LSOA2011,ReferralRequestReceivedDate\n"
        b"P1,A,1,29,E01011362,2024-05-14\n"
        b",,,,,\n"
        b"P2,Z,2,51,E01035000,2024-05-23\n"
    )
    extract = read_extract(data, filename="x.csv", max_bytes=10**6)
    mapping = Mapping.from_dict(detect_mapping(extract.columns), columns=extract.columns)
    result = normalise(extract.table, mapping, lsoa_lookup=LOOKUP)
    t = result.table
    assert list(t.index) == [2, 4]
    assert t.index.name == "_row"
    assert t["ethnicity"].tolist() == ["A", "Z"]
    assert t["imd_decile"].tolist() == ["1", ""]
    assert t["ethnicity__kind"].dtype == KIND_DTYPE
    # Code columns are categoricals of strings: one small integer per row.
    assert isinstance(t["ethnicity"].dtype, pd.CategoricalDtype)
    assert isinstance(t["ethnicity"].cat.categories.dtype, pd.StringDtype)
    assert set(result.dimensions) >= {"ethnicity", "ethnicity_high", "sex", "age_band", "age_band_5y", "imd_decile"}
    assert result.fields["ethnicity"] == {
        "column": "EthnicCategory",
        "code_column": "ethnicity",
        "kind_column": "ethnicity__kind",
        "code_list": "nhs_ethnic_category",
        "derived": ["ethnicity_high"],
    }
    assert result.frame is result.table
    assert result.shape == "record"


def test_normalise_accepts_plain_dicts_and_object_columns():
    raw = pd.DataFrame({"Ethnicity": ["A", None, "B"], "Count": ["3", "4", np.nan]}, dtype=object)
    result = normalise(raw, {"Ethnicity": "ethnicity", "Count": "count"})
    assert codes_and_kinds(result, "ethnicity") == [("A", "valid"), ("", "blank"), ("B", "valid")]
    assert result.table["count__kind"].astype(str).tolist() == ["valid", "valid", "blank"]
    assert result.shape == "aggregate"


def test_normalise_refuses_a_mapping_naming_missing_columns():
    with pytest.raises(MappingError):
        normalise(table(Ethnicity=["A"]), Mapping({"Ethnic group": "ethnicity"}))


def test_normalise_is_vectorised_over_distinct_values(monkeypatch):
    module = importlib.import_module("identify.engine.normalise")

    calls = []
    real = module._classify_ethnicity
    monkeypatch.setattr(module, "_classify_ethnicity", lambda v: calls.append(v) or real(v))
    result = norm("ethnicity", ["A", "B", "A", "Z"] * 5000)
    assert sorted(calls) == ["A", "B", "Z"]
    assert result.rows == 20_000


def test_field_choices_by_kind_of_extract():
    from identify.engine import field_choices

    population = dict(field_choices("population"))
    assert "population" in population and "ethnicity" in population
    assert "count" not in population and "record_id" not in population
    service = dict(field_choices("service_use"))
    assert "count" in service and "population" not in service and "score" not in service
    assert "score" in dict(field_choices("experience"))
    assert FIELDS["outcome"].kinds == ("outcomes",)


def test_row_numbers_come_back_for_a_table_saved_without_its_index(tmp_path):
    extract = read_extract(b"\nEthnicity,Sex\nA,1\nQ,2\n", filename="x.csv", max_bytes=10**6)
    path = tmp_path / "t.parquet"
    extract.table.to_parquet(path, index=False)
    raw = pd.read_parquet(path)
    assert list(raw.index) == [0, 1]
    result = normalise(raw, {"Ethnicity": "ethnicity"})
    assert list(result.table.index) == [3, 4]  # header in row 2
    assert result.original("ethnicity")[result.kinds("ethnicity") == "invalid"].index.tolist() == [4]
