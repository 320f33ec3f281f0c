"""The extract engine: read, map, normalise and check uploads of service data.

Pure pandas/pyarrow (no Django ORM or settings), so it runs in jobs and tests.

API
---
``read_extract(path_or_bytes, *, filename, max_bytes, max_rows=20_000_000, max_field_chars=10_000, max_columns=100)``
    -> ``Extract``. CSV or .xlsx (sniffed from the content) -> ``Extract.table``: a DataFrame of
    strings (pyarrow-backed ``str``; a column whose values repeat, at most half as many distinct
    values as rows in every chunk of 4,096 rows or more, is a categorical of those strings, each
    distinct value stored once: values are the same, memory a fraction) indexed by spreadsheet row number (``_row``;
    row 2 is the first data row; keep the index when saving, e.g.
    ``save_table(table, path)``), with ``encoding``, ``delimiter``, ``header_row``,
    ``row_count``, ``dropped_identifiers`` (column names), ``identifier_details``,
    ``notices`` and ``metadata()`` (also in ``table.attrs["extract"]``). Direct
    identifier columns (NHS number, name, date of birth, full postcode, address,
    contact details; by name or by content) are removed and reported (notice
    ``IDENTIFIER_COLUMNS_DROPPED``); the caller deletes the uploaded file. Bad
    files raise ``ExtractError(code, message, row, column)``. With ``pseudonym_key``
    an NHS number column is replaced by ``NHS_PSEUDONYM_COLUMN`` of pseudonyms
    (``Extract.pseudonymised``).
``pseudonym(value, key)``, ``pseudonymise_columns(table, columns, key)``
    Keyed HMAC-SHA256 pseudonyms of person identifiers (``pseudonyms`` module).
``FIELDS``, ``detect_mapping(columns) -> {column: field or None}``, ``Mapping``
    What a column can hold; a guess from the names; the checked mapping
    (``Mapping(dict)`` / ``Mapping.from_dict(d, columns=...)`` raise
    ``MappingError`` with ``errors``).
``normalise(raw, mapping, *, lsoa_lookup=None) -> Normalised``
    ``Normalised.table``: one taxonomy-code column plus ``<column>__kind`` (valid /
    other / not_stated / not_known / not_applicable / blank / invalid) per field,
    and derived dimensions (``ethnicity_high``, ``age_band`` (mental health
    bands), ``age_band_5y``, ``imd_decile``, ``imd_quintile``); invalid values
    have code ``""`` and stay in ``Normalised.raw`` with a reason in
    ``invalid_reasons``. ``load_lsoa_imd_lookup()`` gives the 2011 LSOA -> IMD
    2019 decile lookup shipped in ``identify/data``.
``quality_report(normalised) -> dict``
    ``fields`` (characteristics) and ``measures``: completeness, validity, not
    stated / not known / vague shares, invalid examples with row numbers; and
    duplicates, date range, dropped identifiers, ``findings`` (plain-English
    sentences) and ``finding_details`` (JSON-serialisable).
``without_values(report) -> dict``
    The report without any cell's value (counts and row numbers only), for
    everyone but the analyst who uploaded the file.
``save_table(table, path)``, ``load_table(path) -> DataFrame``, ``first_rows(path, columns, rows)``
    The stored table between the jobs (``tables`` module): an Arrow IPC file
    (``TABLE_SUFFIX``), index, column types and ``attrs`` kept; a table stored
    before as Parquet still loads.
"""

from collections.abc import Collection

from .mapping import FIELDS, RECORD_ID, Field, Mapping, MappingError, detect_mapping, field_choices
from .normalise import KINDS, Normalised, load_lsoa_imd_lookup, normalise
from .pseudonyms import is_person_key, pseudonym, pseudonymise_columns
from .quality import THRESHOLDS, quality_report, without_values
from .reading import IDENTIFIER_COLUMNS_DROPPED, NHS_PSEUDONYM_COLUMN, ROW, Extract, ExtractError, read_extract
from .tables import SUFFIX as TABLE_SUFFIX
from .tables import first_rows, load_table, save_table

__all__ = [
    "read_extract",
    "Extract",
    "ExtractError",
    "IDENTIFIER_COLUMNS_DROPPED",
    "ROW",
    "NHS_PSEUDONYM_COLUMN",
    "RECORD_ID",
    "is_person_key",
    "record_id_columns",
    "pseudonym",
    "pseudonymise_columns",
    "FIELDS",
    "Field",
    "detect_mapping",
    "field_choices",
    "Mapping",
    "MappingError",
    "normalise",
    "Normalised",
    "KINDS",
    "load_lsoa_imd_lookup",
    "quality_report",
    "without_values",
    "THRESHOLDS",
    "save_table",
    "load_table",
    "first_rows",
    "TABLE_SUFFIX",
]


def record_id_columns(columns: list[str], *, already: Collection[str]) -> list[str]:
    """The columns named like a record ID or a person key, not pseudonymised `already`:
    the read job stores them as pseudonyms too."""
    return [
        column
        for column in columns
        if column not in already and (detect_mapping([column])[column] == RECORD_ID or is_person_key(column))
    ]
