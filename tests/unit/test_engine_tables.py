"""The stored table between the jobs (identify.engine.tables): what is saved comes back
the same (values, column types, categories, index, attrs), a table stored before as
Parquet still loads, and the mapping page's first rows read only what they need."""

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from identify import engine
from identify.engine import tables

CSV = (
    "Person_ID,EthnicCategory,Gender,Note\n"
    + "".join(f"P{i % 300},{'ABCZ'[i % 4]},{i % 3},{'é' * (i % 5)}\n" for i in range(5000))
    + "P1,,,\n"
)


@pytest.fixture
def table():
    frame = engine.read_extract(CSV.encode(), filename="t.csv", max_bytes=10**7).table
    assert isinstance(frame["EthnicCategory"].dtype, pd.CategoricalDtype)  # a repeating column
    assert frame.attrs["extract"]["row_count"] == 5001
    return frame


def _same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    assert a.equals(b)
    assert list(a.columns) == list(b.columns) and list(a.dtypes) == list(b.dtypes)
    assert a.index.equals(b.index) and a.index.name == b.index.name and type(a.index) is type(b.index)
    for column in a.columns:
        if isinstance(a[column].dtype, pd.CategoricalDtype):
            assert list(a[column].cat.categories) == list(b[column].cat.categories)
            assert (a[column].cat.codes.to_numpy() == b[column].cat.codes.to_numpy()).all()
    assert a.attrs == b.attrs


def test_a_saved_table_comes_back_the_same(table, tmp_path):
    path = tmp_path / f"t{engine.TABLE_SUFFIX}"
    engine.save_table(table, path)
    assert path.read_bytes()[:6] == b"ARROW1"
    back = engine.load_table(path)
    _same(table, back)
    assert back.index.name == engine.ROW and back.attrs["extract"]["row_count"] == 5001
    # and it is normalised the same as the table read
    mapping = {"Person_ID": "record_id", "EthnicCategory": "ethnicity", "Gender": "sex"}
    assert engine.normalise(back, mapping).table.equals(engine.normalise(table, mapping).table)


def test_a_table_stored_as_parquet_before_loads_as_it_did(table, tmp_path):
    path = tmp_path / "old.parquet"
    table.to_parquet(path)
    _same(pd.read_parquet(path), engine.load_table(path))
    _same(table, engine.load_table(path))


def test_a_table_without_attrs_or_rows(tmp_path):
    empty = pd.DataFrame({"a": pd.Series([], dtype="str")}, index=pd.RangeIndex(0, name=engine.ROW))
    engine.save_table(empty, tmp_path / "e.arrow")
    back = engine.load_table(tmp_path / "e.arrow")
    assert len(back) == 0 and list(back.columns) == ["a"] and back.attrs == {}
    assert engine.first_rows(tmp_path / "e.arrow", ["a"], 10) is None


@pytest.mark.parametrize("batch_rows", [7, 1000, 1 << 16])
@pytest.mark.parametrize("stored", ["arrow", "parquet"])
def test_first_rows_are_the_named_columns_first_rows(table, tmp_path, monkeypatch, batch_rows, stored):
    monkeypatch.setattr(tables, "_BATCH_ROWS", batch_rows)
    path = tmp_path / f"t.{stored}"
    engine.save_table(table, path) if stored == "arrow" else table.to_parquet(path)
    batch = engine.first_rows(path, ["Gender", "Person_ID", "not stored"], 1000)
    assert isinstance(batch, pa.RecordBatch)
    assert batch.schema.names == ["Gender", "Person_ID"]  # as named; others not read
    assert batch.num_rows == 1000
    assert batch.column("Person_ID").to_pylist() == table["Person_ID"].iloc[:1000].tolist()
    gender = batch.column("Gender")
    gender = gender.dictionary_decode() if pa.types.is_dictionary(gender.type) else gender
    assert gender.to_pylist() == table["Gender"].iloc[:1000].astype("str").tolist()
    assert engine.first_rows(path, ["not stored"], 1000) is None


def test_the_stored_file_is_compressed(tmp_path, monkeypatch):
    rng = np.random.default_rng(1)
    frame = pd.DataFrame({"code": pd.Series(rng.choice(["A", "B", "C"], 100_000), dtype="str")})
    engine.save_table(frame, tmp_path / "zstd.arrow")
    monkeypatch.setattr(tables, "_COMPRESSION", None)
    engine.save_table(frame, tmp_path / "plain.arrow")
    assert (tmp_path / "zstd.arrow").stat().st_size < (tmp_path / "plain.arrow").stat().st_size / 3
    _same(engine.load_table(tmp_path / "zstd.arrow"), engine.load_table(tmp_path / "plain.arrow"))
