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


@pytest.mark.parametrize(("part_rows", "chunk"), [(None, None), (1, 1), (7, 3), (60, 1 << 20), (1 << 19, 64)])
@pytest.mark.parametrize("string_type", ["large_string", "string"])
def test_repeated_ids_in_one_hash_table_or_in_parts_match_a_set(monkeypatch, part_rows, chunk, string_type):
    import numpy as np
    import pyarrow as pa

    from identify.engine import quality

    if part_rows is not None:  # split into parts by the IDs' last bytes, each hashed on its own
        monkeypatch.setattr(quality, "_PART_ROWS", part_rows)
        monkeypatch.setattr(quality, "_CHUNK", chunk)
    rng = np.random.default_rng(3)
    pool = [None, "", "P1", "P10", "1P", "Q-0001", "Q-1001", "ID 7", "é7", "ünïcode-ID", "x" * 40]
    pool += [f"P{v}" for v in range(60)]
    ids = [pool[i] for i in rng.integers(0, len(pool), size=700)]
    kind = getattr(pa, string_type)()
    whole = pa.array(ids, kind)
    chunks = pa.chunked_array([whole.slice(0, 123), whole.slice(123, 0), whole.slice(123)])  # sliced, as read
    repeated = quality._repeated(chunks)
    seen, want = set(), []
    for v in ids:
        want.append(v is not None and v in seen)
        seen.add(v)
    assert repeated.tolist() == want
    assert len(set(quality._tail_hash(whole).tolist())) > 10  # the parts are not all one


@pytest.mark.parametrize("part_rows", [None, 5])
def test_duplicate_examples_are_the_first_repeated_ids_and_their_first_rows(monkeypatch, part_rows):
    from identify import engine
    from identify.engine import quality

    if part_rows is not None:
        monkeypatch.setattr(quality, "_PART_ROWS", part_rows)
        monkeypatch.setattr(quality, "_CHUNK", 4)
    ids = ["A", "B", "", "C", "B", "NULL", "", "A", "D", "B", "E", "F", "E", "G", "F", "H", "G", "B", "B", "H", "A"]
    ids += ["B", "Z", "Z"]
    csv = "Person_ID,Ethnicity\n" + "".join(f"{v},A\n" for v in ids)
    table = engine.read_extract(csv.encode(), filename="x.csv", max_bytes=10**6).table
    report = engine.quality_report(engine.normalise(table, {"Person_ID": "record_id", "Ethnicity": "ethnicity"}))
    # Repeats (in row order): B (row 6), A, B, E, F, G, H, ...: the first five distinct are
    # B, A, E, F, G, each with its first five rows (spreadsheet rows start at 2).
    assert report["duplicates"] == {
        "by": "record_id",
        "column": "Person_ID",
        "rows": 12,
        "examples": [[3, 6, 11, 19, 20], [2, 9, 22], [12, 14], [13, 16], [15, 18]],
    }


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


def test_duplicates_checked_in_parts_are_the_same_as_before(monkeypatch, golden):
    """The hostile extract's record IDs checked as a 10M-row extract's are (in parts)."""
    from identify.engine import quality

    monkeypatch.setattr(quality, "_PART_ROWS", 500)
    monkeypatch.setattr(quality, "_CHUNK", 1000)
    got = json.loads(eq.canonical(eq.job_outputs("as_saved")["record"]))
    assert got["quality"]["duplicates"]["rows"] > 0
    assert eq.canonical(got["quality"]) == eq.canonical(golden["record"]["quality"])


def test_rows_are_taken_chunk_by_chunk_as_arrow_takes_them():
    import numpy as np
    import pyarrow as pa

    from identify.engine.normalise import take_rows

    whole = pa.array([f"v{i}" if i % 7 else None for i in range(50)], pa.large_string())
    chunks = pa.chunked_array([whole.slice(0, 13), whole.slice(13, 0), whole.slice(13, 30), whole.slice(43)])
    for rows in ([], [0], [12, 13, 42, 43, 49], list(range(50)), [5, 6, 7, 8, 14, 20, 21, 48]):
        rows = np.array(rows, dtype=np.int64)
        taken = take_rows(chunks, rows)
        assert taken.type == chunks.type
        assert taken.to_pylist() == whole.take(pa.array(rows, pa.int64())).to_pylist()
