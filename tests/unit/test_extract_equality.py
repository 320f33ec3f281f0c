"""The extract job's results are the same as before it worked on distinct values
and integer codes: a hostile extract (blanks, blank words, mixed case, unknown and
local codes, control characters, formula-like text, impossible ages and dates,
LSOAs outside the lookup, padded and repeated record IDs), a counts file and a
population table go through the job's steps, and everything the job stores
(quality report, every breakdown of its plan with and without the population,
published under two suppression rules) and every normalised column's values
must equal what the code before the change produced (the golden file, written by
``python -m tests.unit.extract_equality`` at c01d3eb)."""

import gzip
import json

import pandas as pd
import pytest

from tests.unit import extract_equality as eq


@pytest.fixture(scope="module", params=eq.VARIANTS)
def outputs(request):
    return eq.job_outputs(request.param)


@pytest.fixture(scope="module")
def golden():
    return json.loads(gzip.decompress(eq.GOLDEN.read_bytes()))


def test_the_reader_keeps_repeating_columns_as_categoricals(tmp_path):
    from identify import engine

    table = engine.read_extract(eq.hostile_csv(), filename="x.csv", max_bytes=10**8).table
    assert isinstance(table["EthnicCategory"].dtype, pd.CategoricalDtype)
    assert isinstance(table["EthnicCategory"].cat.categories.dtype, pd.StringDtype)
    assert isinstance(table["Person_ID"].dtype, pd.StringDtype)  # mostly distinct: kept as strings
    table.to_parquet(tmp_path / "t.parquet")
    back = pd.read_parquet(tmp_path / "t.parquet")
    assert isinstance(back["EthnicCategory"].dtype, pd.CategoricalDtype)  # the saved table keeps it
    assert back["EthnicCategory"].tolist() == table["EthnicCategory"].tolist()


def test_the_hostile_extract_is_hostile(outputs):
    quality = outputs["record"]["quality"]
    assert quality["rows"] > 5000
    assert quality["duplicates"]["rows"] > 0
    for key in ("ethnicity", "sex", "gender_identity", "sexual_orientation", "religion", "disability", "lsoa"):
        counts = quality["fields"][key]["counts"]
        assert counts["blank"] and counts["invalid"] and counts["valid"], key
    values = {e["value"] for e in quality["fields"]["ethnicity"]["invalid_examples"]}
    assert any(any(ord(ch) < 32 for ch in v) for v in values)  # control characters reach the report


@pytest.mark.parametrize("part", ["population", "record", "aggregate"])
def test_same_results_as_before(outputs, golden, part):
    got = json.loads(eq.canonical(outputs[part]))
    want = golden[part]
    assert got.keys() == want.keys()
    for key in want:
        if key == "breakdowns":
            assert len(got[key]) == len(want[key])
            for mine, theirs in zip(got[key], want[key], strict=True):
                assert eq.canonical(mine) == eq.canonical(theirs), mine["dims"]
        else:
            assert eq.canonical(got[key]) == eq.canonical(want[key]), key


@pytest.mark.parametrize("chunk", [None, 1, 7, 1 << 20])
def test_duplicate_ids_by_sorting_or_hashing_match_factorize(monkeypatch, chunk):
    import numpy as np
    import pyarrow as pa

    from identify.engine import quality

    if chunk is not None:  # sort, comparing neighbours this many at a time
        monkeypatch.setattr(quality, "_HASH_MAX_ROWS", 0)
        monkeypatch.setattr(quality, "_SORTED_CHUNK", chunk)
    rng = np.random.default_rng(3)
    ids = [None if v == 0 else f"P{v}" for v in rng.integers(0, 40, size=500)]
    halves = pa.chunked_array([pa.array(ids[:123], pa.large_string()), pa.array(ids[123:], pa.large_string())])
    keys = pd.Series(halves, dtype=pd.StringDtype("pyarrow", na_value=np.nan))
    codes, first = quality._key_codes(keys)
    expected, _ = pd.factorize(pd.Series(ids, dtype=object), use_na_sentinel=True)
    assert ((codes < 0) == (expected < 0)).all()
    for code in set(expected[expected >= 0]):  # same IDs, same number; different IDs, different numbers
        assert len(set(codes[expected == code])) == 1
    assert len(set(codes[codes >= 0])) == len(set(expected[expected >= 0]))
    seen, want_first = set(), []
    for v in ids:
        want_first.append(v not in seen)
        seen.add(v)
    valid = expected >= 0
    assert (first[valid] == np.array(want_first)[valid]).all()


def test_record_ids_with_nothing_to_trim_are_kept_as_read():
    from identify import engine

    rows = ["Person_ID,Ethnicity"] + [f"P{i % 50},A" for i in range(200)] + ["NULL,B", "null,B"]
    table = engine.read_extract("\n".join(rows).encode(), filename="x.csv", max_bytes=10**6).table
    result = engine.normalise(table, {"Person_ID": "record_id", "Ethnicity": "ethnicity"})
    assert result.table["record_id"].tolist() == [f"P{i % 50}" for i in range(200)] + ["", ""]
    assert result.table["record_id__kind"].tolist() == ["valid"] * 200 + ["blank", "blank"]
    quality = engine.quality_report(result)
    assert quality["duplicates"]["rows"] == 150 and quality["duplicates"]["examples"][0] == [2, 52, 102, 152]


def test_a_categorical_record_id_column_is_pseudonymised_like_text():
    import numpy as np

    from identify import engine

    values = ["P1", " p1 ", "P2", "", None, "P1", "P3"]
    as_text = pd.DataFrame({"Id": pd.Series(values, dtype=pd.StringDtype("pyarrow", na_value=np.nan))})
    as_categories = pd.DataFrame({"Id": pd.Series(values, dtype="category")})
    text = engine.pseudonymise_columns(as_text, ["Id"], "k" * 32)["Id"].tolist()
    categorical = engine.pseudonymise_columns(as_categories, ["Id"], "k" * 32)
    assert isinstance(categorical["Id"].dtype, pd.CategoricalDtype)
    assert categorical["Id"].tolist() == text
    assert text[0] != "P1" and text[-1] not in ("", "P3") and text[3] == text[4] == ""
