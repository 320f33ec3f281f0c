"""Read an uploaded extract (CSV or Excel .xlsx) into a table of strings.

:func:`read_extract` refuses bad files with an :class:`ExtractError` whose message
says, in plain English, what is wrong, where (row and column, counted as a
spreadsheet does: row 1 is the column names, row 2 the first data row) and what to
do about it. Messages never quote cell values, so an error cannot echo a person's
details back to the screen or into a log.

What it does, in order
----------------------
1. Size first: an empty file, or one larger than ``max_bytes``, is refused before
   anything is read.
2. Sniffs the content (the file name is only used in messages): a zip with
   ``xl/workbook.xml`` is an Excel workbook (first sheet, read-only openpyxl);
   other zips, old ``.xls``/password-protected workbooks and binary files (NUL
   bytes, undecodable bytes, control characters) are refused. Text is UTF-8 (with or
   without a byte-order mark), UTF-16 with a byte-order mark, or Windows-1252 (what
   Excel's plain "CSV" saves), so the three give identical tables.
3. The delimiter is sniffed among ``,`` ``;`` tab and ``|`` from the first rows.
4. CSV is parsed by pyarrow (quoted fields may hold delimiters and newlines), all
   columns as strings, batch by batch so fully empty rows (including millions of
   trailing ``,,,,`` rows) are dropped as they are read. An irregular file (a row
   with too many or too few values, a parse failure) is re-read by Python's
   :mod:`csv` module to find and name the exact rows.
5. Columns must have distinct, non-blank names (an unnamed column with no values
   is ignored); no field may be longer than ``max_field_chars``.
6. Direct identifiers are removed and never stored: columns *named* like NHS
   number, name, date of birth, full postcode, address, email or phone, and
   columns whose *values* are mostly valid NHS numbers (modulus 11 check digit) or
   full UK postcodes. Each removal is reported in :attr:`Extract.dropped_identifiers`
   (column names), :attr:`Extract.identifier_details` (why) and as an
   :data:`IDENTIFIER_COLUMNS_DROPPED` notice. Postcode district or sector and LSOA
   columns are kept. The caller must delete the original upload.

The table keeps every value as text, exactly as uploaded (spaces included);
normalising is :mod:`identify.engine.normalise`'s job. Its index, named
:data:`ROW`, is each row's spreadsheet row number, so quality reports can point
at rows the uploader can find. Cells that start with ``=``, ``+``, ``-`` or ``@``
are kept as data; anything written back out to CSV or Excel must pass through
:func:`amhe.analysis.csv_safe.csv_safe`.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
import warnings
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO, Final

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from .pseudonyms import may_contain_bytes, pseudonymise_array

__all__ = [
    "ROW",
    "NHS_PSEUDONYM_COLUMN",
    "IDENTIFIER_COLUMNS_DROPPED",
    "EMPTY_ROWS_DROPPED",
    "SHORT_ROWS_PADDED",
    "FIRST_SHEET_ONLY",
    "UNNAMED_EMPTY_COLUMNS_IGNORED",
    "Extract",
    "ExtractError",
    "read_extract",
    "column_letter",
    "is_valid_nhs_number",
    "identifier_kind_for_name",
]

#: Name of the table's index: the spreadsheet row number of each data row.
ROW: Final = "_row"
#: Name of the column of pseudonyms that replaces an NHS number column (given a key).
NHS_PSEUDONYM_COLUMN: Final = "NHS number (pseudonym)"

# Notice codes (``Extract.notices[i]["code"]``).
IDENTIFIER_COLUMNS_DROPPED: Final = "identifier_columns_dropped"
EMPTY_ROWS_DROPPED: Final = "empty_rows_dropped"
SHORT_ROWS_PADDED: Final = "short_rows_padded"
FIRST_SHEET_ONLY: Final = "first_sheet_only"
UNNAMED_EMPTY_COLUMNS_IGNORED: Final = "unnamed_empty_columns_ignored"

DELIMITERS: Final = (",", ";", "\t", "|")
_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "vertical bar (|)"}

_SNIFF_BYTES = 256 * 1024
_READ_CHUNK = 1024 * 1024
_BLOCK_SIZE = 4 * 1024 * 1024
_PY_CHUNK_ROWS = 65_536
# A column chunk of at least this many rows whose values repeat (at most half as many
# distinct values as rows) is kept dictionary-encoded: each distinct value once and a
# small integer per row. A column whose chunks all are becomes a categorical of strings.
_DICT_MIN_ROWS = 4096
_DICT_MAX_SHARE = 0.5
_CONTENT_SAMPLE = 1000
_CONTENT_SHARE = 0.5  # a column is an identifier if at least half its sampled values are
_MAX_EXAMPLE_ROWS = 5

_ZIP_MAGIC = b"PK\x03\x04"
# A workbook is a zip of XML files. Before anything unzips it, its members' sizes
# (as the zip's directory declares them: Python's zipfile never inflates a member
# past its declared size, and a member that claims less than it holds fails its
# CRC check) must look like a spreadsheet's, not a zip bomb's: openpyxl holds the
# shared strings in memory and builds each row whole. Limits as Apache POI's
# ZipSecureFile (inflation at most 100 times, checked once a member passes 1 MB).
_ZIP_MAX_MEMBERS = 10_000
_ZIP_MAX_RATIO = 100
_ZIP_RATIO_GRACE = 1024 * 1024
_ZIP_MAX_UNPACKED = 2 * 1024 * 1024 * 1024  # all members together
_ZIP_MAX_SHARED_STRINGS = 256 * 1024 * 1024  # xl/sharedStrings.xml, read whole into memory
# Excel's own limit; wider CSV header rows are not spreadsheets.
_MAX_HEADER_WIDTH = 16_384
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_SAVE_AS = (
    "Open it in Excel and save it as 'CSV UTF-8 (Comma delimited)' or as an Excel Workbook (.xlsx), then upload that"
)
_STRING_DTYPE = pd.StringDtype("pyarrow", na_value=np.nan)  # pandas' default "str" dtype, backed by Arrow


# --------------------------------------------------------------------------- results and errors


class ExtractError(Exception):
    """An upload we cannot use, with a plain-English message for the uploader.

    ``code`` is a stable machine-readable reason (``too_large``, ``empty``,
    ``not_text``, ``mixed_encoding``, ``not_spreadsheet``, ``old_excel``,
    ``xlsx_unreadable``, ``xlsx_too_big_unzipped``, ``no_data``, ``too_many_rows``,
    ``too_many_columns``, ``no_column_names``, ``ragged_rows``, ``field_too_long``,
    ``unclosed_quote``, ``duplicate_columns``, ``blank_column_name``, ``bad_csv``,
    ``only_identifiers``). ``row`` is a spreadsheet row number and ``column`` a
    column name or letter, when the problem is in one place.
    """

    def __init__(self, code: str, message: str, row: int | None = None, column: str | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.row = row
        self.column = column

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "row": self.row, "column": self.column}

    def __repr__(self) -> str:
        return f"ExtractError({self.code!r}, {self.message!r}, row={self.row!r}, column={self.column!r})"


@dataclass
class Extract:
    """A readable upload: its table of strings and what we learned reading it.

    ``table`` has one column per kept column (pyarrow-backed ``str`` dtype, or a
    categorical of such strings for a column whose values repeat (see
    ``_DICT_MIN_ROWS``); values exactly as uploaded, blanks as ``""``) and an index named :data:`ROW` holding
    spreadsheet row numbers. ``table.attrs["extract"]`` carries :meth:`metadata`
    so it travels with the table (pandas also stores ``attrs`` in Parquet).
    """

    table: pd.DataFrame
    filename: str
    format: str  # "csv" or "xlsx"
    encoding: str | None  # "utf-8", "utf-8-sig", "utf-16", "windows-1252"; None for xlsx
    delimiter: str | None  # None for xlsx
    header_row: int  # spreadsheet row of the column names (1 unless rows above it were empty)
    sheet: str | None = None  # xlsx: name of the sheet read
    empty_rows_dropped: int = 0
    identifier_details: list[dict[str, Any]] = field(default_factory=list)  # column, position, kind, message
    notices: list[dict[str, Any]] = field(default_factory=list)
    pseudonymised: list[str] = field(default_factory=list)  # columns of pseudonyms in place of NHS numbers

    @property
    def columns(self) -> list[str]:
        return [str(c) for c in self.table.columns]

    @property
    def dropped_identifiers(self) -> list[str]:
        """Names of the columns removed because they identify people."""
        return [str(d["column"]) for d in self.identifier_details]

    @property
    def row_count(self) -> int:
        return len(self.table)

    @property
    def source_rows(self) -> np.ndarray:
        """Spreadsheet row number of each table row (the index)."""
        return self.table.index.to_numpy()

    def metadata(self) -> dict[str, Any]:
        """JSON-serialisable description of the read (no cell values)."""
        return {
            "filename": self.filename,
            "format": self.format,
            "encoding": self.encoding,
            "delimiter": self.delimiter,
            "sheet": self.sheet,
            "header_row": self.header_row,
            "first_data_row": int(self.table.index[0]) if len(self.table) else None,
            "row_count": self.row_count,
            "columns": self.columns,
            "empty_rows_dropped": self.empty_rows_dropped,
            "dropped_identifiers": self.dropped_identifiers,
            "identifier_details": [dict(d) for d in self.identifier_details],
            "pseudonymised": list(self.pseudonymised),
            "notices": [dict(n) for n in self.notices],
        }


# --------------------------------------------------------------------------- small helpers


def column_letter(index: int) -> str:
    """Spreadsheet letter for a 0-based column index: 0 -> "A", 26 -> "AA"."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _col_ref(index: int, name: str | None = None) -> str:
    letter = column_letter(index)
    return f"column {letter} ('{name}')" if name else f"column {letter}"


def _rows_text(rows: list[int], total: int) -> str:
    shown = ", ".join(str(r) for r in rows)
    more = total - len(rows)
    return f"{shown} and {more:,} more" if more > 0 else shown


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n:,} {word if n == 1 else (plural or word + 's')}"


def _megabytes(size: int) -> str:
    if size < 1024:
        return f"{size:,} bytes"
    if size < 1024 * 1024:
        return f"{size / 1024:,.0f} KB"
    mb = size / (1024 * 1024)
    return f"{mb:,.0f} MB" if mb >= 10 else f"{mb:,.1f} MB"


# --------------------------------------------------------------------------- identifiers


def _compact(name: str) -> str:
    return re.sub(r"[^0-9a-z]+", "", name.casefold())


_PERSON = r"(?:patient|person|pers|client|serviceuser|su|pt|home|contact|usual)?"
_IDENTIFIER_NAMES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("nhs_number", re.compile(_PERSON + r"nhs(?:number|no|num|numb|nbr)?")),
    (
        "name",
        re.compile(
            _PERSON + r"(?:full|first|last|given|family|middle|fore|sur|preferred|christian|maiden|birth)?names?"
        ),
    ),
    ("date_of_birth", re.compile(_PERSON + r"(?:dob|dateofbirth|dateofbirthdob|birthdate|birthdt|birthday|datebirth)")),
    (
        "address",
        re.compile(_PERSON + r"(?:address(?:line)?\d*|fulladdress|street(?:address)?|addressline\d*)"),
    ),
    (
        "contact",
        re.compile(
            _PERSON + r"(?:e?mail(?:address)?|telephone(?:number|no)?|phone(?:number|no)?|mobile(?:number|no)?|telno)"
        ),
    ),
)
_POSTCODE_PARTS = ("district", "sector", "area", "outward", "outcode", "prefix", "partial", "region", "half", "part")
_IDENTIFIER_WHAT = {
    "nhs_number": "NHS numbers",
    "name": "people's names",
    "date_of_birth": "dates of birth",
    "postcode": "full postcodes",
    "address": "addresses",
    "contact": "contact details",
}


def identifier_kind_for_name(name: str) -> str | None:
    """The kind of direct identifier a column *name* suggests, or ``None``.

    ``"NHS Number"``, ``"nhs_no"``, ``"Surname"``, ``"DOB"``, ``"PersonBirthDate"`` and
    ``"Postcode (full)"`` are identifiers; ``"Postcode district"``, ``"Postcode sector"``,
    ``"LSOA2011"`` and ``"Pseudo NHS number"`` are not.
    """
    key = _compact(name)
    if not key:
        return None
    for kind, pattern in _IDENTIFIER_NAMES:
        if pattern.fullmatch(key):
            return kind
    if ("postcode" in key or "postalcode" in key or key in {"pcode", "zip", "zipcode"}) and not any(
        part in key for part in _POSTCODE_PARTS
    ):
        return "postcode"
    return None


def is_valid_nhs_number(value: str) -> bool:
    """True for a 10-digit NHS number (spaces/hyphens allowed) with a correct modulus 11 check digit."""
    digits = value.replace(" ", "").replace("-", "")
    if len(digits) != 10 or not digits.isdigit() or len(set(digits)) == 1:
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


_FULL_POSTCODE = re.compile(r"(?:[A-Z]{1,2}[0-9][A-Z0-9]?|GIR) ?[0-9][A-Z]{2}")


def _content_identifier(values: list[str]) -> str | None:
    """ "nhs_number" or "postcode" if most sampled (non-blank) values are one, else None."""
    values = [v.strip() for v in values if v.strip()]
    if not values:
        return None
    need = max(1, int(len(values) * _CONTENT_SHARE + 0.999999))
    if sum(1 for v in values if is_valid_nhs_number(v)) >= need:
        return "nhs_number"
    if sum(1 for v in values if _FULL_POSTCODE.fullmatch(v.upper())) >= need:
        return "postcode"
    return None


def _dictionary_encoded(chunk: pa.Array) -> pa.Array:
    """The chunk dictionary-encoded when its values repeat (see _DICT_MIN_ROWS), else as it
    is. The codes are as small as the dictionary allows (8 or 16 bits for most columns)."""
    if not pa.types.is_large_string(chunk.type) or len(chunk) < _DICT_MIN_ROWS or chunk.null_count:
        return chunk
    encoded = pc.dictionary_encode(chunk)
    if len(encoded.dictionary) > len(chunk) * _DICT_MAX_SHARE:
        return chunk
    codes = _code_type(len(encoded.dictionary))
    if codes == pa.int32():
        return encoded
    return pa.DictionaryArray.from_arrays(encoded.indices.cast(codes, safe=False), encoded.dictionary)


def _code_type(categories: int) -> pa.DataType:
    """The smallest signed integer type holding codes for this many categories (as pandas' codes)."""
    return pa.int8() if categories < 127 else pa.int16() if categories < 32767 else pa.int32()


def _compact_chunks(chunks: list[pa.Array]) -> list[pa.Array]:
    """A column's chunks, each dictionary-encoded when its values repeat, until one does
    not (the column is then text: see _column_series, so the rest are left alone)."""
    out = []
    for k, chunk in enumerate(chunks):
        chunk = _dictionary_encoded(chunk)
        out.append(chunk)
        if not pa.types.is_dictionary(chunk.type):
            return out + chunks[k + 1 :]
    return out


def _strings(chunk: pa.Array) -> pa.Array:
    """The chunk's values as strings (a dictionary-encoded chunk decoded)."""
    if pa.types.is_dictionary(chunk.type):
        return chunk.dictionary.take(chunk.indices)
    return chunk


def _column_series(chunks: list[pa.Array], index: pd.Index) -> pd.Series:
    """A column of the table: a categorical of strings when every chunk is
    dictionary-encoded (each distinct value stored once), else Arrow strings.

    The chunks' dictionaries are merged in order (as ``unify_dictionaries`` would) and
    each chunk's codes translated straight into one array of the smallest code type,
    without a 32-bit copy of every code on the way."""
    if chunks and all(pa.types.is_dictionary(c.type) for c in chunks):
        merged = pc.dictionary_encode(pa.chunked_array([c.dictionary for c in chunks], type=pa.large_string()))
        categories = pd.Index(pd.array(merged.chunk(0).dictionary, dtype=_STRING_DTYPE))
        codes = np.empty(sum(len(c) for c in chunks), dtype=_code_type(len(categories)).to_pandas_dtype())
        start = 0
        for chunk, translate in zip(chunks, merged.chunks, strict=True):
            table = translate.indices.to_numpy().astype(codes.dtype, copy=False)
            np.take(table, chunk.indices.to_numpy(), out=codes[start : start + len(chunk)])
            start += len(chunk)
        return pd.Series(pd.Categorical.from_codes(codes, categories=categories), index=index, copy=False)
    strings = pa.chunked_array([_strings(c) for c in chunks], type=pa.large_string())
    return pd.Series(strings, dtype=_STRING_DTYPE, index=index, copy=False)


def _free_name(wanted: str, taken: set[str]) -> str:
    """``wanted``, or ``wanted 2``, ``wanted 3``... whichever no column has yet."""
    name, n = wanted, 1
    while name in taken:
        n += 1
        name = f"{wanted} {n}"
    return name


def _sample_values(chunks: list[pa.Array]) -> list[str]:
    """Up to _CONTENT_SAMPLE non-blank values from a column, from the top."""
    out: list[str] = []
    for chunk in chunks:
        chunk = _strings(chunk)
        nonblank = pc.filter(chunk, pc.not_equal(pc.utf8_trim_whitespace(chunk), ""))
        out.extend(nonblank.slice(0, _CONTENT_SAMPLE - len(out)).to_pylist())
        if len(out) >= _CONTENT_SAMPLE:
            break
    return out


# --------------------------------------------------------------------------- the source file


class _Source:
    def __init__(self, path_or_bytes: str | os.PathLike[str] | bytes | bytearray | memoryview):
        if isinstance(path_or_bytes, bytes | bytearray | memoryview):
            self.data: bytes | None = bytes(path_or_bytes)
            self.path: Path | None = None
            self.size = len(self.data)
        else:
            self.data = None
            self.path = Path(os.fspath(path_or_bytes))
            self.size = self.path.stat().st_size

    def open(self) -> BinaryIO:
        if self.data is not None:
            return io.BytesIO(self.data)
        assert self.path is not None
        return self.path.open("rb")

    def head(self, n: int) -> bytes:
        with self.open() as f:
            return f.read(n)


# --------------------------------------------------------------------------- entry point


def read_extract(
    path_or_bytes: str | os.PathLike[str] | bytes,
    *,
    filename: str,
    max_bytes: int,
    max_rows: int = 20_000_000,
    max_field_chars: int = 10_000,
    max_columns: int = 100,
    pseudonym_key: str | bytes | None = None,
) -> Extract:
    """Read a CSV or .xlsx upload into an :class:`Extract`, or raise :class:`ExtractError`.

    With ``pseudonym_key``, an NHS number column is not simply removed: it is replaced
    by a column of pseudonyms (:mod:`identify.engine.pseudonyms`, HMAC-SHA256 under
    that key) named :data:`NHS_PSEUDONYM_COLUMN`, so records of one person can still be
    linked without the number being stored.

    ``filename`` is the name the uploader gave the file (used in messages only: the
    format is decided from the content). Direct identifier columns are removed.
    A file with more than ``max_columns`` named columns is refused: each column is
    a choice on the mapping page (a hundred make a page of about 200 KB), and an
    equality extract needs a dozen or so, so a wider file is almost always a whole
    database export that should be cut down before it leaves its system.
    """
    name = Path(filename).name or "the file"
    source = _Source(path_or_bytes)
    if source.size == 0:
        raise ExtractError(
            "empty", f"The file '{name}' is empty (0 bytes). Check that the data was exported, then upload it again."
        )
    if source.size > max_bytes:
        raise ExtractError(
            "too_large",
            f"The file '{name}' is {_megabytes(source.size)}, which is larger than the {_megabytes(max_bytes)} limit. "
            "Split it into smaller files (for example one per quarter) or remove columns you do not need, "
            "then upload each part.",
        )
    head = source.head(_SNIFF_BYTES)
    if head.startswith(_ZIP_MAGIC):
        parsed = _parse_xlsx(source, name, max_rows=max_rows, max_field_chars=max_field_chars, max_columns=max_columns)
    elif head.startswith(_OLE2_MAGIC):
        raise ExtractError(
            "old_excel",
            f"'{name}' is an old-style Excel 97-2003 (.xls) workbook or a password-protected workbook, which we "
            f"cannot read. Remove any password, then save it as an Excel Workbook (.xlsx) or 'CSV UTF-8' and "
            "upload that.",
        )
    else:
        parsed = _parse_csv(
            source, name, head, max_rows=max_rows, max_field_chars=max_field_chars, max_columns=max_columns
        )
    return _finish(parsed, name, pseudonym_key=pseudonym_key)


# --------------------------------------------------------------------------- parsed (before checks)


@dataclass
class _Parsed:
    format: str
    header: list[str]
    header_row: int
    chunks: list[list[pa.Array]]  # per column, string arrays
    rows: np.ndarray  # spreadsheet row numbers of kept rows
    empty_rows: int = 0
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    notices: list[dict[str, Any]] = field(default_factory=list)


def _check_field_lengths(parsed_chunks: list[pa.Array], rows: np.ndarray, header: list[str], limit: int) -> None:
    """Raise field_too_long for the first (top-most) over-long value in a batch."""
    worst: tuple[int, int] | None = None  # (position in batch, column)
    for col, arr in enumerate(parsed_chunks):
        values = arr.dictionary if pa.types.is_dictionary(arr.type) else arr
        if len(arr) == 0 or pc.max(pc.binary_length(values)).as_py() <= limit:
            continue  # no value has more bytes than the limit allows characters
        lengths = pc.utf8_length(_strings(arr))
        if pc.max(lengths).as_py() > limit:
            pos = pc.index(pc.greater(lengths, limit), True).as_py()
            if worst is None or pos < worst[0]:
                worst = (pos, col)
    if worst is not None:
        pos, col = worst
        raise _field_too_long(int(rows[pos]), col, header[col] if col < len(header) else None, limit)


def _field_too_long(row: int, col: int | None, name: str | None, limit: int) -> ExtractError:
    where = f"row {row}" if col is None else f"row {row}, {_col_ref(col, (name or '').strip() or None)}"
    return ExtractError(
        "field_too_long",
        f"The value in {where} is longer than {limit:,} characters, which is too long for the data we expect. "
        'This is often caused by a quote mark (") that is opened but never closed, so the rest of the file is read '
        "as one value. Check that row, fix or remove the value, then upload the file again.",
        row=row,
        column=column_letter(col) if col is not None else None,
    )


def _too_many_rows(limit: int) -> ExtractError:
    return ExtractError(
        "too_many_rows",
        f"The file has more than {limit:,} rows of data, which is more than we can process at once. Split it into "
        "smaller files (for example one per quarter) and upload each part.",
    )


class _Rows:
    """The data rows a row-by-row reader (the exact CSV reader, the Excel reader) keeps:
    each is checked against the field-length and row limits, then stored as Arrow
    string chunks of `_PY_CHUNK_ROWS` rows, with its spreadsheet row number."""

    def __init__(self, *, max_rows: int, max_field_chars: int) -> None:
        self.max_rows = max_rows
        self.max_field_chars = max_field_chars
        self.header: list[str] = []
        self.chunks: list[list[pa.Array]] = []
        self.numbers: list[int] = []
        self._buffer: list[list[str]] = []

    def start(self, header: list[str]) -> None:
        self.header = header
        self.chunks = [[] for _ in header]

    def add(self, row: int, cells: list[str]) -> None:
        """Keep one row (as many cells as the header has), or raise ExtractError."""
        if max(map(len, cells)) > self.max_field_chars:
            col = next(i for i, v in enumerate(cells) if len(v) > self.max_field_chars)
            raise _field_too_long(row, col, self.header[col], self.max_field_chars)
        if len(self.numbers) >= self.max_rows:
            raise _too_many_rows(self.max_rows)
        self._buffer.append(cells)
        self.numbers.append(row)
        if len(self._buffer) >= _PY_CHUNK_ROWS:
            self.flush()

    def flush(self) -> None:
        if self._buffer:
            for j, values in enumerate(zip(*self._buffer, strict=True)):
                self.chunks[j].append(pa.array(values, type=pa.large_string()))
            self._buffer.clear()

    def parsed(self, **details: Any) -> _Parsed:
        """What was read (format, header_row, empty_rows and the rest in `details`)."""
        self.flush()
        return _Parsed(header=self.header, chunks=self.chunks, rows=np.asarray(self.numbers, dtype=np.int64), **details)


def _swallowed_rows(record: list[str], delimiter: str, ncols: int) -> bool:
    """True if a record with line breaks in a value reads, line by line, as two or more whole rows: a quote
    mark was opened and not closed where the value should have ended, so the rows after it were read into it.
    (A note that runs over two lines gives at most one line with a full row's delimiters.)"""
    if ncols < 2:
        return False
    lines = delimiter.join(record).splitlines()
    return sum(1 for line in lines if line.count(delimiter) >= ncols - 1) >= 2


def _unclosed_quote(row: int, col: int, name: str | None) -> ExtractError:
    return ExtractError(
        "unclosed_quote",
        f'The value in row {row}, {_col_ref(col, (name or "").strip() or None)} starts with a quote mark (") that '
        "is not closed where the value ends, so the rows after it would be read as part of that one value. Delete "
        "the stray quote mark (or, if the value really holds quote marks, put the whole value in quote marks and "
        'write each quote mark inside it twice, like ""this""), then upload the file again.',
        row=row,
        column=column_letter(col),
    )


def _filled(column: pa.Array) -> pa.Array:
    """Per value, whether it has anything but whitespace (as utf8_trim_whitespace
    would leave something, without building the trimmed strings). A dictionary-encoded
    column's distinct values are looked at once."""
    if pa.types.is_dictionary(column.type):
        return pc.take(_filled(column.dictionary), column.indices)
    return pc.and_not(pc.greater(pc.binary_length(column), 0), pc.utf8_is_space(column))


def _check_swallowed_rows(columns: list[pa.Array], rows: np.ndarray, header: list[str], delimiter: str) -> None:
    """Raise unclosed_quote for the first (top-most) value in a batch that swallowed whole rows."""
    if len(header) < 2:
        return
    worst: tuple[int, int] | None = None  # (position in batch, column)
    for col, arr in enumerate(columns):
        if len(arr) == 0:
            continue
        if not may_contain_bytes(arr.dictionary if pa.types.is_dictionary(arr.type) else arr, b"\r\n"):
            continue
        breaks = pc.match_substring_regex(_strings(arr), "[\r\n]")
        if not pc.any(breaks).as_py():
            continue
        for pos in np.flatnonzero(breaks.to_numpy(zero_copy_only=False)):
            if worst is not None and pos >= worst[0]:
                break
            if _swallowed_rows([c[int(pos)].as_py() for c in columns], delimiter, len(header)):
                worst = (int(pos), col)
                break
    if worst is not None:
        pos, col = worst
        raise _unclosed_quote(int(rows[pos]), col, header[col])


def _no_column_names(blank_row: int, header_row: int, delimiter: str) -> ExtractError:
    return ExtractError(
        "no_column_names",
        f"Row {blank_row} has no column names: it is empty apart from {_DELIMITER_NAMES[delimiter]}s, so we cannot "
        f"tell whether row {header_row} holds the column names or the first row of data. Put the column names in "
        "row 1 and delete any empty rows above them, then upload the file again.",
        row=blank_row,
    )


# --------------------------------------------------------------------------- CSV


# A well-formed UTF-8 sequence for a character beyond ASCII. In a file that is not UTF-8 as a whole, one of these
# means part of it was saved as UTF-8 and part as something else: read as Windows-1252 it would come out as "CafÃ©".
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}"
    rb"|\xed[\x80-\x9f][\x80-\xbf]|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}|\xf4[\x80-\x8f][\x80-\xbf]{2}"
)


# A control character other than tab, line feed, form feed and carriage return.
_CONTROL_CHARACTER = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")


def detect_encoding(data: bytes, *, filename: str) -> tuple[str, str]:
    """(python codec, label) of a whole CSV file's bytes, or :class:`ExtractError` as the 1A upload would refuse it
    (binary, undecodable, or a mix of UTF-8 and another encoding)."""
    return _detect_encoding(_Source(data), data[:_SNIFF_BYTES], Path(filename).name or "the file")


def _detect_encoding(source: _Source, head: bytes, name: str) -> tuple[str, str]:
    """(python codec, label). Refuses binary, undecodable and mixed-encoding files."""
    if head.startswith(codecs.BOM_UTF8):
        python, label = "utf-8-sig", "utf-8-sig"
    elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        python, label = "utf-16", "utf-16"
    else:
        python = label = "utf-8"
    if python != "utf-16":
        decoder = codecs.getincrementaldecoder("utf-8")("strict")
        utf8_ok = True
        not_utf8_line = offset = 0
        with source.open() as f:
            while chunk := f.read(_READ_CHUNK):
                if b"\x00" in chunk:
                    raise _not_text(name, "it contains binary data (NUL bytes)")
                if utf8_ok:
                    try:
                        decoder.decode(chunk)
                    except UnicodeDecodeError as exc:
                        utf8_ok = False
                        not_utf8_line = _line_at(source, offset) + chunk.count(b"\n", 0, max(exc.start, 0))
                offset += len(chunk)
            if utf8_ok:
                try:
                    decoder.decode(b"", final=True)
                except UnicodeDecodeError:
                    utf8_ok, not_utf8_line = False, _line_at(source, offset)
        if not utf8_ok:
            if python == "utf-8-sig":
                raise _not_text(name, "it says it is UTF-8 but some of its bytes are not UTF-8")
            decoder = codecs.getincrementaldecoder("cp1252")("strict")
            lines, tail = 1, b""
            with source.open() as f:
                while chunk := f.read(_READ_CHUNK):
                    seen = tail + chunk
                    found = _UTF8_SEQUENCE.search(seen)
                    if found:
                        utf8_line = lines + seen.count(b"\n", 0, found.start()) - tail.count(b"\n")
                        raise _mixed_encoding(name, utf8_line, not_utf8_line)
                    lines += chunk.count(b"\n")
                    tail = chunk[-3:]
                    try:
                        decoder.decode(chunk)
                    except UnicodeDecodeError:
                        raise _not_text(name, "its bytes are neither UTF-8 nor Windows-1252 text") from None
            python, label = "cp1252", "windows-1252"
    sample = codecs.getincrementaldecoder(python)("replace").decode(head, final=False)
    controls = len(_CONTROL_CHARACTER.findall(sample))
    if controls > max(2, len(sample) // 100):
        raise _not_text(name, "it contains binary data (control characters)")
    return python, label


def _line_at(source: _Source, offset: int) -> int:
    """The line (counted from 1) that the byte at ``offset`` is on."""
    lines = 1
    with source.open() as f:
        while offset > 0 and (chunk := f.read(min(_READ_CHUNK, offset))):
            lines += chunk.count(b"\n")
            offset -= len(chunk)
    return lines


def _mixed_encoding(name: str, utf8_line: int, other_line: int) -> ExtractError:
    return ExtractError(
        "mixed_encoding",
        f"'{name}' mixes two kinds of text encoding: some of it (for example line {utf8_line}) is saved as UTF-8 and "
        f"some (for example line {other_line}) is not, so letters such as é or ł would come out wrong. This happens "
        "when files saved by different programs are joined together: save each one from Excel as 'CSV UTF-8 "
        "(Comma delimited)' before joining them. Otherwise open the file in Excel, correct the letters that look "
        "wrong and save it as 'CSV UTF-8 (Comma delimited)'. Then upload it again.",
    )


def _not_text(name: str, why: str) -> ExtractError:
    return ExtractError(
        "not_text",
        f"We cannot read '{name}' as a CSV file because {why}: it may be a PDF, image, database or other "
        f"non-text file renamed to .csv, or saved in an unusual encoding. {_SAVE_AS}.",
    )


def _sniff_delimiter(sample: str) -> str:
    best, best_score = ",", (False, 0.0, 0)
    for delimiter in DELIMITERS:
        records = []
        try:
            for record in csv.reader(io.StringIO(sample), delimiter=delimiter):
                if "".join(record).strip():
                    records.append(len(record))
                if len(records) >= 200:
                    break
        except csv.Error:
            continue
        if not records:
            continue
        # The most common width, so a title row above the column names does not hide the delimiter.
        width = max(set(records), key=lambda n: (records.count(n), n))
        consistency = records.count(width) / len(records)
        score = (width > 1, consistency, width)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _parse_csv(
    source: _Source, name: str, head: bytes, *, max_rows: int, max_field_chars: int, max_columns: int
) -> _Parsed:
    python_codec, label = _detect_encoding(source, head, name)
    sample = codecs.getincrementaldecoder(python_codec)("replace").decode(head, final=source.size <= len(head))
    if source.size > len(head) and "\n" in sample:
        sample = sample[: sample.rindex("\n") + 1]  # whole lines only
    if not sample.strip() and source.size <= len(head):
        raise ExtractError(
            "empty",
            f"The file '{name}' has no data in it (only empty lines). Check that the data was exported, then upload "
            "it again.",
        )
    delimiter = _sniff_delimiter(sample)
    header, header_row, skip_lines, blank_header = _sample_header(sample, delimiter)
    if header is not None and blank_header:
        raise _no_column_names(blank_header, header_row, delimiter)
    if header is not None:
        _check_header_names(header, header_row, max_columns=max_columns)
        try:
            return _parse_csv_arrow(
                source,
                python_codec,
                label,
                delimiter,
                header,
                header_row,
                skip_lines,
                max_rows=max_rows,
                max_field_chars=max_field_chars,
            )
        except _Irregular:
            pass  # re-read below to name the rows
    return _parse_csv_python(
        source,
        name,
        python_codec,
        label,
        delimiter,
        max_rows=max_rows,
        max_field_chars=max_field_chars,
        max_columns=max_columns,
    )


def _sample_header(sample: str, delimiter: str) -> tuple[list[str] | None, int, int, int]:
    """(header, its row number, lines before it, the first row above it that was only delimiters or 0)
    from the sample, if the header is in it."""
    reader = csv.reader(io.StringIO(sample), delimiter=delimiter)
    record_no = 0
    lines_before = 0
    blank_header = 0
    try:
        for record in reader:
            record_no += 1
            if "".join(record).strip():
                return record, record_no, lines_before, blank_header
            if len(record) > 1 and not blank_header:
                blank_header = record_no
            lines_before = reader.line_num
    except csv.Error:
        return None, 0, 0, 0
    return None, 0, 0, 0


class _Irregular(Exception):
    """The fast reader met something only the exact reader can describe."""


def _parse_csv_arrow(
    source: _Source,
    python_codec: str,
    label: str,
    delimiter: str,
    header: list[str],
    header_row: int,
    skip_lines: int,
    *,
    max_rows: int,
    max_field_chars: int,
) -> _Parsed:
    ncols = len(header)
    read_options = pacsv.ReadOptions(
        use_threads=True,
        block_size=_BLOCK_SIZE,
        skip_rows=skip_lines,
        autogenerate_column_names=True,
        encoding="utf8" if python_codec in ("utf-8", "utf-8-sig") else python_codec,
    )
    parse_options = pacsv.ParseOptions(
        delimiter=delimiter,
        quote_char='"',
        double_quote=True,
        escape_char=False,
        newlines_in_values=True,
        ignore_empty_lines=False,
        invalid_row_handler=lambda _row: "error",
    )
    convert_options = pacsv.ConvertOptions(
        column_types={f"f{i}": pa.large_string() for i in range(ncols)},
        strings_can_be_null=False,
        quoted_strings_can_be_null=False,
        check_utf8=False,  # _detect_encoding read the whole file as text already (or Arrow transcodes it)
    )
    chunks: list[list[pa.Array]] = [[] for _ in range(ncols)]
    text: set[int] = set()  # columns with a chunk kept as text: no need to encode the rest
    row_parts: list[np.ndarray] = []
    kept = empty = 0
    next_row = header_row  # the first record read is the header itself
    first = True
    try:
        with source.open() as f:
            reader = pacsv.open_csv(
                f, read_options=read_options, parse_options=parse_options, convert_options=convert_options
            )
            if reader.schema.names != [f"f{i}" for i in range(ncols)]:
                raise _Irregular
            for batch in reader:
                columns = list(batch.columns)
                rows = np.arange(next_row, next_row + batch.num_rows, dtype=np.int64)
                next_row += batch.num_rows
                if first:
                    first = False
                    if [c[0].as_py() for c in columns] != header:
                        raise _Irregular
                    columns = [c.slice(1) for c in columns]
                    rows = rows[1:]
                if not columns or len(rows) == 0:
                    continue
                # Each column whose values repeat is encoded first, so the checks below look at each
                # distinct value once (a column with a chunk that does not repeat is text: see
                # _compact_chunks).
                encoded = [col if j in text else _dictionary_encoded(col) for j, col in enumerate(columns)]
                mask = _filled(encoded[0])
                for col in encoded[1:]:
                    mask = pc.or_(mask, _filled(col))
                n_kept = pc.sum(mask).as_py() or 0
                empty += len(rows) - n_kept
                if n_kept == 0:
                    continue
                if n_kept < len(rows):  # encoded again from the kept rows only
                    columns = [pc.filter(col, mask) for col in columns]
                    encoded = [col if j in text else _dictionary_encoded(col) for j, col in enumerate(columns)]
                    rows = rows[mask.to_numpy(zero_copy_only=False)]
                del columns
                _check_swallowed_rows(encoded, rows, header, delimiter)
                _check_field_lengths(encoded, rows, header, max_field_chars)
                kept += n_kept
                if kept > max_rows:
                    raise _too_many_rows(max_rows)
                for j, col in enumerate(encoded):
                    chunks[j].append(col)
                    if not pa.types.is_dictionary(col.type):
                        text.add(j)
                row_parts.append(rows)
    except (pa.ArrowException, UnicodeDecodeError) as exc:
        raise _Irregular from exc
    return _Parsed(
        format="csv",
        header=header,
        header_row=header_row,
        chunks=chunks,
        rows=np.concatenate(row_parts) if row_parts else np.empty(0, dtype=np.int64),
        empty_rows=empty,
        encoding=label,
        delimiter=delimiter,
    )


def _parse_csv_python(
    source: _Source,
    name: str,
    python_codec: str,
    label: str,
    delimiter: str,
    *,
    max_rows: int,
    max_field_chars: int,
    max_columns: int,
) -> _Parsed:
    """The exact (slower) reader: names ragged rows, pads short ones, finds parse errors."""
    if csv.field_size_limit() <= max_field_chars:
        csv.field_size_limit(max_field_chars + 1)
    header: list[str] | None = None
    header_row = 0
    ncols = 0
    kept = _Rows(max_rows=max_rows, max_field_chars=max_field_chars)
    ragged: list[int] = []
    ragged_total = 0
    ragged_width = 0
    short: list[int] = []
    short_total = 0
    empty = record_no = blank_header = 0

    with source.open() as raw:
        text = io.TextIOWrapper(raw, encoding=python_codec, newline="")
        reader = csv.reader(text, delimiter=delimiter, quotechar='"', doublequote=True, strict=False)
        while True:
            try:
                record = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                if "field larger than field limit" in str(exc):
                    raise _field_too_long(record_no + 1, None, None, max_field_chars) from None
                raise ExtractError(
                    "bad_csv",
                    f"We could not read row {record_no + 1} of '{name}' as CSV. Check that row for stray quote "
                    f'marks ("), or {_SAVE_AS[0].lower()}{_SAVE_AS[1:]}.',
                    row=record_no + 1,
                ) from None
            record_no += 1
            if not "".join(record).strip():
                if header is not None:
                    empty += 1
                elif len(record) > 1 and not blank_header:
                    blank_header = record_no
                continue
            if header is None:
                header, header_row, ncols = record, record_no, len(record)
                if blank_header:
                    raise _no_column_names(blank_header, header_row, delimiter)
                _check_header_names(header, header_row, max_columns=max_columns)
                kept.start(header)
                continue
            broken = next((i for i, v in enumerate(record[:ncols]) if "\n" in v or "\r" in v), None)
            if broken is not None and _swallowed_rows(record, delimiter, ncols):
                raise _unclosed_quote(record_no, broken, header[broken])
            width = len(record)
            if width > ncols:
                if any(v.strip() for v in record[ncols:]):
                    ragged_total += 1
                    if len(ragged) < _MAX_EXAMPLE_ROWS:
                        ragged.append(record_no)
                        ragged_width = ragged_width or width
                    continue
                record = record[:ncols]
            elif width < ncols:
                short_total += 1
                if len(short) < _MAX_EXAMPLE_ROWS:
                    short.append(record_no)
                record = record + [""] * (ncols - width)
            if ragged_total:
                continue  # we will refuse the file; keep counting, stop storing
            kept.add(record_no, record)
    if header is None:
        raise ExtractError(
            "empty",
            f"The file '{name}' has no data in it (only empty rows). Check that the data was exported, then upload it "
            "again.",
        )
    if ragged_total:
        first = ragged[0]
        hint = (
            " The first row should hold the column names: delete any title rows above them."
            if ncols == 1
            else f" This usually means a value contains a {_DELIMITER_NAMES[delimiter]} but has no quote marks "
            f'(") around it.'
        )
        raise ExtractError(
            "ragged_rows",
            f"Row {first} has {ragged_width} values but the column names in row {header_row} cover only {ncols} "
            f"{'column' if ncols == 1 else 'columns'}, so we cannot tell which value belongs to which column "
            f"({_plural(ragged_total, 'row')} like this: {_rows_text(ragged, ragged_total)}).{hint} Fix those rows, "
            "or save the file again from Excel as 'CSV UTF-8', then upload it again.",
            row=first,
        )
    notices = []
    if short_total:
        notices.append(
            {
                "code": SHORT_ROWS_PADDED,
                "message": f"{_plural(short_total, 'row')} had fewer values than there are columns (rows "
                f"{_rows_text(short, short_total)}); the missing values at the end were treated as blank.",
                "rows": short,
                "count": short_total,
            }
        )
    return kept.parsed(
        format="csv", header_row=header_row, empty_rows=empty, encoding=label, delimiter=delimiter, notices=notices
    )


# --------------------------------------------------------------------------- XLSX


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return ""
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    return str(value)


def _parse_xlsx(source: _Source, name: str, *, max_rows: int, max_field_chars: int, max_columns: int) -> _Parsed:
    try:
        with source.open() as f, zipfile.ZipFile(f) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError):
        raise ExtractError(
            "not_spreadsheet",
            f"'{name}' looks like a zip file but it is damaged, so we cannot open it. {_SAVE_AS}.",
        ) from None
    if "xl/workbook.xml" not in {member.filename for member in members}:
        raise ExtractError(
            "not_spreadsheet",
            f"'{name}' is a zip file (or a Word, PowerPoint or OpenDocument file), not a CSV file or Excel workbook. "
            f"{_SAVE_AS}.",
        )
    _check_zip_sizes(members, name)
    import openpyxl  # imported here: only workbooks need it

    with source.open() as stream:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                workbook = openpyxl.load_workbook(stream, read_only=True, data_only=True)
        except Exception:  # noqa: BLE001 - openpyxl raises many types for damaged workbooks
            raise ExtractError(
                "xlsx_unreadable",
                f"We could not open the Excel workbook '{name}': it may be damaged or use features we cannot read. "
                f"{_SAVE_AS}.",
            ) from None
        try:
            return _read_sheet(
                workbook, name, max_rows=max_rows, max_field_chars=max_field_chars, max_columns=max_columns
            )
        except ExtractError:
            raise
        except Exception:  # noqa: BLE001 - a damaged sheet fails part-way through
            raise ExtractError(
                "xlsx_unreadable",
                f"We could not read the first sheet of the Excel workbook '{name}': it may be damaged. {_SAVE_AS}.",
            ) from None
        finally:
            workbook.close()


def _check_zip_sizes(members: list[zipfile.ZipInfo], name: str) -> None:
    """Refuse a workbook that would unzip to far more than a spreadsheet does (a zip bomb), before unzipping it."""
    unpacked = sum(member.file_size for member in members)
    suspicious = len(members) > _ZIP_MAX_MEMBERS or unpacked > _ZIP_MAX_UNPACKED
    for member in members:
        if member.file_size > _ZIP_RATIO_GRACE and member.file_size > _ZIP_MAX_RATIO * max(member.compress_size, 1):
            suspicious = True
        if member.filename == "xl/sharedStrings.xml" and member.file_size > _ZIP_MAX_SHARED_STRINGS:
            suspicious = True
    if suspicious:
        raise ExtractError(
            "xlsx_too_big_unzipped",
            f"We did not open the Excel workbook '{name}': it is {_megabytes(sum(m.compress_size for m in members))} "
            f"but would unpack to {_megabytes(unpacked)}, far more than a spreadsheet of that size does, so it may "
            "be damaged or made to harm the system. If it is your data, open it in Excel and save "
            "it as 'CSV UTF-8 (Comma delimited)', then upload that.",
        )


def _read_sheet(workbook: Any, name: str, *, max_rows: int, max_field_chars: int, max_columns: int) -> _Parsed:
    sheets = workbook.worksheets
    if not sheets:
        raise ExtractError("no_data", f"The workbook '{name}' has no sheets with data. {_SAVE_AS}.")
    sheet = sheets[0]
    # A read-only sheet stops at the size its <dimension> tag gives, which some programs
    # write wrongly (or never update): forget it, so every row and column is read.
    sheet.reset_dimensions()
    notices = []
    if len(sheets) > 1:
        notices.append(
            {
                "code": FIRST_SHEET_ONLY,
                "message": f"We read only the first sheet, '{sheet.title}'. The workbook has {len(sheets)} sheets: to "
                "use another, move it to the front or upload it as its own file.",
            }
        )
    header: list[str] | None = None
    header_row = ncols = 0
    kept = _Rows(max_rows=max_rows, max_field_chars=max_field_chars)
    empty = 0

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for row_no, values in enumerate(sheet.iter_rows(min_row=1, values_only=True), start=1):
            if values.count(None) == len(values):
                if header is not None:
                    empty += 1
                continue
            cells = [_cell_text(v) for v in values]
            if not "".join(cells).strip():
                if header is not None:
                    empty += 1
                continue
            if header is None:
                last = max(i for i, v in enumerate(cells) if v.strip())
                header, header_row, ncols = cells[: last + 1], row_no, last + 1
                _check_header_names(header, header_row, max_columns=max_columns, xlsx=True)
                kept.start(header)
                continue
            if len(cells) > ncols:
                extra = next((i for i in range(ncols, len(cells)) if cells[i].strip()), None)
                if extra is not None:
                    letter = column_letter(extra)
                    raise ExtractError(
                        "blank_column_name",
                        f"Row {row_no} has a value in column {letter}, but column {letter} has no name in row "
                        f"{header_row}. Give column {letter} a name in row {header_row} (or delete what is in it), "
                        "then upload the file again. If the first row is a title, delete the rows above the column "
                        "names.",
                        row=row_no,
                        column=letter,
                    )
                cells = cells[:ncols]
            elif len(cells) < ncols:
                cells.extend([""] * (ncols - len(cells)))
            kept.add(row_no, cells)
    if header is None:
        raise ExtractError(
            "empty",
            f"The first sheet ('{sheet.title}') of '{name}' is empty. Put the data on the first sheet, with the column "
            "names in the first row, then upload it again.",
        )
    return kept.parsed(format="xlsx", header_row=header_row, empty_rows=empty, sheet=sheet.title, notices=notices)


# --------------------------------------------------------------------------- shared checks


def _check_header_names(header: list[str], header_row: int, *, max_columns: int, xlsx: bool = False) -> None:
    """Refuse too many columns, and duplicate column names (ignoring case and surrounding spaces)."""
    named = sum(1 for raw in header if raw.replace("\ufeff", "").strip())
    if named > max_columns or len(header) > _MAX_HEADER_WIDTH:
        raise ExtractError(
            "too_many_columns",
            f"The file has {_plural(max(named, len(header)), 'column')} (row {header_row}), more than the "
            f"{max_columns:,} we can take. Keep only the columns you need, such as ethnicity, sex, age, area, dates "
            "and the counts, scores or outcomes, delete the rest, then upload the file again.",
            row=header_row,
        )
    seen: dict[str, int] = {}
    for i, raw in enumerate(header):
        label = raw.replace("\ufeff", "").strip()
        key = label.casefold()
        if not key:
            continue
        if key in seen:
            j = seen[key]
            raise ExtractError(
                "duplicate_columns",
                f"Columns {column_letter(j)} and {column_letter(i)} are both called '{label}' (row {header_row}). "
                "Give each column a different name, or delete the one you do not need, then upload the file again.",
                row=header_row,
                column=label,
            )
        seen[key] = i


def _finish(parsed: _Parsed, name: str, *, pseudonym_key: str | bytes | None = None) -> Extract:
    header = [h.replace("\ufeff", "").strip() for h in parsed.header]
    if len(parsed.rows) == 0:
        ignored = f" (we ignored {_plural(parsed.empty_rows, 'empty row')})" if parsed.empty_rows else ""
        raise ExtractError(
            "no_data",
            f"'{name}' has column names in row {parsed.header_row} but no rows of data below them{ignored}. Check "
            "that the export included the data, then upload the file again.",
            row=parsed.header_row,
        )
    notices = list(parsed.notices)
    keep: list[int] = []
    unnamed_empty: list[str] = []
    for i, label in enumerate(header):
        if label:
            keep.append(i)
            continue
        chunks = parsed.chunks[i]
        filled = [pc.not_equal(pc.utf8_trim_whitespace(_strings(c)), "") for c in chunks]
        first = next(((k, pc.index(f, True).as_py()) for k, f in enumerate(filled) if pc.any(f).as_py()), None)
        if first is None:
            unnamed_empty.append(column_letter(i))
            continue
        offset = sum(len(c) for c in chunks[: first[0]]) + first[1]
        row = int(parsed.rows[offset])
        letter = column_letter(i)
        raise ExtractError(
            "blank_column_name",
            f"Column {letter} has no name in row {parsed.header_row} but has values (for example in row {row}). Give "
            f"every column a name in row {parsed.header_row}, or delete the columns you do not need, then upload the "
            "file again. If the first row is a title, delete the rows above the column names.",
            row=parsed.header_row,
            column=letter,
        )
    if unnamed_empty:
        notices.append(
            {
                "code": UNNAMED_EMPTY_COLUMNS_IGNORED,
                "message": f"{'Column' if len(unnamed_empty) == 1 else 'Columns'} {', '.join(unnamed_empty)} had no "
                "name and no values, so we ignored them.",
            }
        )
    dropped: list[dict[str, Any]] = []
    kept_columns: list[int] = []
    pseudonym_columns: dict[int, tuple[str, pa.ChunkedArray]] = {}  # in place of column i
    taken = {header[i] for i in keep}
    for i in keep:
        label = header[i]
        kind = identifier_kind_for_name(label)
        how = "name"
        if kind is None:
            kind = _content_identifier(_sample_values(parsed.chunks[i]))
            how = "content"
        if kind is None:
            kept_columns.append(i)
            continue
        if kind == "nhs_number" and pseudonym_key:
            new = _free_name(NHS_PSEUDONYM_COLUMN, taken)
            taken.add(new)
            pseudonym_columns[i] = (new, pseudonymise_array(parsed.chunks[i], pseudonym_key))
            kept_columns.append(i)
        because = (
            f"it holds {_IDENTIFIER_WHAT[kind]}"
            if how == "name"
            else f"most of its values look like {_IDENTIFIER_WHAT[kind]}"
        )
        detail = {
            "column": label,
            "position": column_letter(i),
            "kind": kind,
            "detected_by": how,
            "message": f"We removed column '{label}' because {because}, which identify people. It was not stored.",
        }
        if i in pseudonym_columns:
            new = pseudonym_columns[i][0]
            detail["replaced_by"] = new
            detail["message"] += (
                f" In its place, column '{new}' holds a pseudonym of each number, which links one person's records "
                "without the number."
            )
        dropped.append(detail)
        parsed.chunks[i] = []  # release the values
    if dropped:
        names = ", ".join(f"'{d['column']}'" for d in dropped)
        notices.insert(
            0,
            {
                "code": IDENTIFIER_COLUMNS_DROPPED,
                "message": f"We removed {'column' if len(dropped) == 1 else 'columns'} {names} because "
                f"{'it identifies' if len(dropped) == 1 else 'they identify'} people. "
                f"{'It was' if len(dropped) == 1 else 'They were'} not stored, and the uploaded file is deleted once "
                "read. Take these columns out before you upload next time."
                + (
                    f" NHS numbers were replaced by pseudonyms in column "
                    f"{', '.join(repr(new) for new, _ in pseudonym_columns.values())}."
                    if pseudonym_columns
                    else ""
                ),
                "columns": [d["column"] for d in dropped],
            },
        )
    if not kept_columns or all(i in pseudonym_columns for i in kept_columns):
        raise ExtractError(
            "only_identifiers",
            f"Every named column in '{name}' identifies people (such as NHS numbers, names, dates of birth or full "
            "postcodes), so we removed them all and nothing is left to analyse. Upload a file with columns such as "
            "ethnicity, sex, age or LSOA instead.",
        )
    if parsed.empty_rows:
        notices.append(
            {
                "code": EMPTY_ROWS_DROPPED,
                "message": f"We ignored {_plural(parsed.empty_rows, 'empty row')}.",
                "count": parsed.empty_rows,
            }
        )
    index = pd.Index(parsed.rows, name=ROW)
    data = {}
    for i in kept_columns:
        if i in pseudonym_columns:
            name, chunks = pseudonym_columns[i][0], pseudonym_columns[i][1].chunks
        else:
            name, chunks = header[i], parsed.chunks[i]
        data[name] = _column_series(_compact_chunks(chunks), index)
        parsed.chunks[i] = []  # held once, by the table
    table = pd.DataFrame(data, index=index, copy=False)
    extract = Extract(
        table=table,
        filename=name,
        format=parsed.format,
        encoding=parsed.encoding,
        delimiter=parsed.delimiter,
        header_row=parsed.header_row,
        sheet=parsed.sheet,
        empty_rows_dropped=parsed.empty_rows,
        identifier_details=dropped,
        notices=notices,
        pseudonymised=[new for new, _ in pseudonym_columns.values()],
    )
    table.attrs["extract"] = extract.metadata()
    return extract
