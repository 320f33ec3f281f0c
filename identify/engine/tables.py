"""The stored table: how a read extract's table is kept between the read job and the
processing job (``Extract.table_path``).

It is an Arrow IPC file (the Feather version 2 format), each buffer compressed with
Zstandard: the columns exactly as the reader gave them (Arrow strings; a column whose
values repeat dictionary-encoded, each distinct value stored once), the index (the
spreadsheet row numbers) and the table's ``attrs`` (what the reader learned) in the
pandas metadata. Writing it and reading it back takes a fraction of the time Parquet
took (Parquet encodes and decodes every column's pages; Arrow IPC stores Arrow's own
buffers), and the file is as small.

Tables stored before as Parquet still open: :func:`load_table` and :func:`first_rows`
tell the format from the file's first bytes.
"""

from __future__ import annotations

import json
import os
from typing import Final

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

__all__ = ["SUFFIX", "save_table", "load_table", "first_rows"]

#: The stored table's file name ends so.
SUFFIX: Final = ".arrow"

_ATTRS: Final = b"PANDAS_ATTRS"  # where pandas keeps ``attrs`` in Parquet; the same here
_PARQUET: Final = b"PAR1"
_COMPRESSION: Final = "zstd"
_BATCH_ROWS: Final = 1 << 16  # rows per record batch: the mapping page's samples read one batch


def save_table(table: pd.DataFrame, path: str | os.PathLike) -> None:
    """Write ``table`` (index and ``attrs`` too) to ``path``."""
    arrow = pa.Table.from_pandas(table)  # the index as pandas.to_parquet keeps it (a RangeIndex as metadata)
    if table.attrs:
        arrow = arrow.replace_schema_metadata({**(arrow.schema.metadata or {}), _ATTRS: json.dumps(table.attrs)})
    options = pa.ipc.IpcWriteOptions(compression=_COMPRESSION)
    with pa.OSFile(os.fspath(path), "wb") as sink, pa.ipc.new_file(sink, arrow.schema, options=options) as writer:
        writer.write_table(arrow, max_chunksize=_BATCH_ROWS)


def load_table(path: str | os.PathLike) -> pd.DataFrame:
    """The table saved at ``path`` (by :func:`save_table`, or as Parquet before), with
    its index, column types and ``attrs`` as saved."""
    if _is_parquet(path):
        return pd.read_parquet(path)
    with pa.OSFile(os.fspath(path), "rb") as source:
        arrow = pa.ipc.open_file(source).read_all()
    frame = arrow.to_pandas()
    attrs = (arrow.schema.metadata or {}).get(_ATTRS)
    if attrs:
        frame.attrs = json.loads(attrs)
    return frame


def first_rows(path: str | os.PathLike, columns: list[str], rows: int) -> pa.RecordBatch | None:
    """Up to ``rows`` first rows of the named columns that are stored (in the order
    named), reading no more of the file than that needs; None when there are no rows
    or none of the columns is stored."""
    if _is_parquet(path):
        parquet = pq.ParquetFile(path)
        names = [c for c in columns if c in set(parquet.schema_arrow.names)]
        batch = next(parquet.iter_batches(batch_size=rows, columns=names), None) if names else None
        return batch if batch is not None and batch.num_rows else None
    with pa.OSFile(os.fspath(path), "rb") as source:
        stored = pa.ipc.open_file(source).schema.names
        names = [c for c in columns if c in set(stored)]
        if not names:
            return None
        fields = [i for i, name in enumerate(stored) if name in set(names)]
        reader = pa.ipc.open_file(source, options=pa.ipc.IpcReadOptions(included_fields=fields))
        batches, got = [], 0
        for i in range(reader.num_record_batches):
            if got >= rows:
                break
            batch = reader.get_batch(i).slice(0, rows - got)
            batches.append(batch)
            got += batch.num_rows
    if not got:
        return None
    batch = batches[0] if len(batches) == 1 else pa.Table.from_batches(batches).combine_chunks().to_batches()[0]
    return batch.select(names)


def _is_parquet(path: str | os.PathLike) -> bool:
    with open(path, "rb") as handle:
        return handle.read(len(_PARQUET)) == _PARQUET
