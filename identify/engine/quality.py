"""Data quality report for a normalised extract (a JSON-serialisable dict).

For every mapped field it reports, in the style of NHS England's Data Quality
Maturity Index (DQMI), *completeness* (share of rows that are not blank) and
*validity* (share of non-blank values that are codes or names in the field's code
list, whatever their kind), and then what the recorded values say: the shares not
stated, not known and in vague "any other ..." groups, and the invalid values with
up to :data:`MAX_EXAMPLES` examples each and the spreadsheet rows they are in. It
also reports duplicate records, the date range, dropped identifier columns, and a
list of plain-English findings.

The invalid values are quoted for the analyst who uploaded the file only (one
can be a name typed in the wrong column): :func:`without_values` gives the
report everyone else sees, with counts and row numbers instead.

Shares are of records (rows). In a file of counts (a ``count`` column) the
characteristic shares are of people, i.e. rows weighted by their count (a
population file: by population); the ``unit`` says which.

Thresholds (:data:`THRESHOLDS`)
-------------------------------
These are AMHE's choices for flagging, not national standards.

* ``completeness_min`` 0.90: a field with under 90% of rows filled in is flagged
  (a DQMI-style completeness check).
* ``validity_min`` 0.95: a field with under 95% of filled-in values valid is a
  warning (any invalid value at all is a notice).
* ``missing_max`` 0.10: when more than 10% of records have no usable answer
  (blank, invalid, not stated or not known) the finding recommends a Data Quality
  Improvement Plan (DQIP) with the provider, and caution with that breakdown.
  From 5% (``missing_notice``) it is a notice.
* ``vague_max`` 0.10: more than 10% of answers in "any other ..." groups.
"""

from __future__ import annotations

from typing import Any, Final

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from amhe.core import taxonomy

from .mapping import CHARACTERISTIC, FIELDS
from .normalise import BLANK, INVALID, Normalised, _factorize, take_rows
from .reading import IDENTIFIER_COLUMNS_DROPPED

__all__ = ["quality_report", "without_values", "THRESHOLDS", "MAX_EXAMPLES", "REPORT_VERSION"]

REPORT_VERSION: Final = 1
MAX_EXAMPLES: Final = 5
THRESHOLDS: Final = {
    "completeness_min": 0.90,
    "validity_min": 0.95,
    "missing_max": 0.10,
    "missing_notice": 0.05,
    "vague_max": 0.10,
}

WARNING: Final = "warning"
NOTICE: Final = "notice"
INFO: Final = "info"
_LEVEL_ORDER = {WARNING: 0, NOTICE: 1, INFO: 2}

_COUNT_KINDS = (taxonomy.VALID, taxonomy.OTHER, taxonomy.NOT_STATED, taxonomy.NOT_KNOWN, taxonomy.NOT_APPLICABLE)


def _pct(share: float) -> str:
    value = share * 100
    if 0 < value < 0.1:
        return "under 0.1%"
    return f"{value:.1f}%"


def _share(part: float, whole: float) -> float | None:
    return round(float(part) / float(whole), 6) if whole else None


def _rows(index_values: Any) -> list[int]:
    return [int(v) for v in list(index_values)[:MAX_EXAMPLES]]


def _rows_phrase(rows: list[int]) -> str:
    return ("row " if len(rows) == 1 else "rows ") + ", ".join(str(r) for r in rows)


def _finding(level: str, code: str, message: str, field: str | None = None) -> dict[str, Any]:
    return {"level": level, "code": code, "field": field, "message": message}


def _weights(normalised: Normalised) -> tuple[np.ndarray | None, str]:
    frame = normalised.table
    for key, unit in (("count", "people"), ("population", "residents")):
        if key in normalised.fields:
            values = frame[key].to_numpy(dtype=np.float64, na_value=np.nan)
            return np.nan_to_num(values, nan=0.0), unit
    return None, "records"


def _kind_totals(kinds: pd.Series, weights: np.ndarray | None) -> dict[str, float]:
    if weights is None:
        counts = kinds.value_counts(sort=False)
        return {str(k): float(v) for k, v in counts.items()}
    sums = pd.Series(weights, index=kinds.index).groupby(kinds, observed=False).sum()
    return {str(k): float(v) for k, v in sums.items()}


def _invalid_examples(normalised: Normalised, key: str) -> list[dict[str, Any]]:
    """The most frequent invalid values (ties in order of first appearance) with
    their counts and first rows, worked out on the column's integer codes."""
    kinds = normalised.kinds(key)
    mask = (kinds == INVALID).to_numpy()
    if not mask.any():
        return []
    codes, values = _factorize(normalised.original(key))
    invalid = codes[mask]
    order = pd.unique(invalid)  # the invalid values, in order of first appearance
    counts = np.bincount(invalid, minlength=len(values))[order]
    ranked = pd.Series(counts, index=order).sort_values(ascending=False, kind="stable").head(MAX_EXAMPLES)
    rows_index = normalised.raw.index[mask]
    reasons = normalised.invalid_reasons.get(key, {})
    examples = []
    for code, count in ranked.items():
        text = values[code]
        rows = rows_index[np.flatnonzero(invalid == code)[:MAX_EXAMPLES]]
        examples.append(
            {"value": text, "count": int(count), "rows": _rows(rows), "reason": reasons.get(text, "not valid")}
        )
    return examples


def _missing_labels(code_list_key: str | None) -> dict[str, str]:
    """How to name each missing kind in messages: 'not stated (Z)'."""
    labels = {
        BLANK: "blank",
        INVALID: "invalid",
        taxonomy.NOT_STATED: "not stated",
        taxonomy.NOT_KNOWN: "not known",
    }
    if code_list_key:
        cl = taxonomy.code_list(code_list_key)
        for kind in (taxonomy.NOT_STATED, taxonomy.NOT_KNOWN):
            codes = [c.code for c in cl.of_kind(kind)]
            if codes:
                labels[kind] = f"{labels[kind]} ({', '.join(codes)})"
    return labels


def _field_report(normalised: Normalised, key: str, weights: np.ndarray | None, unit: str) -> dict[str, Any]:
    spec = FIELDS[key]
    info = normalised.fields[key]
    kinds = normalised.kinds(key)
    rows = len(kinds)
    by_row = _kind_totals(kinds, None)
    characteristic = spec.role == CHARACTERISTIC
    use_weights = weights if characteristic else None
    totals = _kind_totals(kinds, use_weights) if use_weights is not None else by_row
    whole = sum(totals.values())
    filled = whole - totals.get(BLANK, 0.0)
    answered = totals.get(taxonomy.VALID, 0.0) + totals.get(taxonomy.OTHER, 0.0)
    unusable = sum(totals.get(k, 0.0) for k in (BLANK, INVALID, taxonomy.NOT_STATED, taxonomy.NOT_KNOWN))
    report: dict[str, Any] = {
        "field": key,
        "label": spec.label,
        "role": spec.role,
        "column": info["column"],
        "code_list": info["code_list"],
        "rows": rows,
        "unit": unit if use_weights is not None else "records",
        "counts": {k: int(by_row.get(k, 0)) for k in (*_COUNT_KINDS, BLANK, INVALID)},
        "completeness": _share(filled, whole),
        "validity": _share(filled - totals.get(INVALID, 0.0), filled),
        "blank": _share(totals.get(BLANK, 0.0), whole),
        "invalid": _share(totals.get(INVALID, 0.0), whole),
        "not_stated": _share(totals.get(taxonomy.NOT_STATED, 0.0), whole),
        "not_known": _share(totals.get(taxonomy.NOT_KNOWN, 0.0), whole),
        "not_applicable": _share(totals.get(taxonomy.NOT_APPLICABLE, 0.0), whole),
        "other": _share(totals.get(taxonomy.OTHER, 0.0), whole),
        "other_of_answered": _share(totals.get(taxonomy.OTHER, 0.0), answered),
        "missing_or_not_stated": _share(unusable, whole),
        "invalid_examples": _invalid_examples(normalised, key),
        "flags": [],
    }
    frame = normalised.table
    column = info["code_column"]
    valid = (kinds == taxonomy.VALID).to_numpy()
    if key in ("count", "population", "score", "age") and valid.any():
        values = frame[column].to_numpy(dtype=np.float64, na_value=np.nan)[valid]
        report["min"] = float(values.min())
        report["max"] = float(values.max())
        if key in ("count", "population"):
            report["total"] = float(values.sum())
        else:
            report["mean"] = round(float(values.mean()), 4)
    if key == "date" and valid.any():
        dates = frame[column][valid]
        report["min"] = pd.Timestamp(dates.min()).date().isoformat()
        report["max"] = pd.Timestamp(dates.max()).date().isoformat()
    return report


def _invalid_message(report: dict[str, Any], *, with_values: bool) -> str:
    """The finding about a field's invalid values: quoting them (for the uploading
    analyst, who can see the file anyway) or with only their row numbers (for
    everyone else: a value in the wrong column can be a name)."""
    key = report["field"]
    label = FIELDS[key].label.split(" (")[0] if key in FIELDS else report.get("label", key)
    invalid = report["counts"][INVALID]
    examples = report["invalid_examples"]
    if with_values:
        example_text = "; ".join(
            f"'{e['value']}' ({_rows_phrase(e['rows'])}{', and more' if e['count'] > len(e['rows']) else ''})"
            for e in examples
        )
    else:
        rows = sorted({row for e in examples for row in e["rows"]})[:MAX_EXAMPLES]
        example_text = _rows_phrase(rows) + (", and more" if invalid > len(rows) else "")
    share_of_filled = 1 - (report["validity"] or 0)
    reasons = {e["reason"] for e in examples}
    what_to_do = (
        "Check the right column is mapped, then correct the values at source"
        + (f" using the {taxonomy.code_list(report['code_list']).name} codes" if report["code_list"] else "")
        + ". Invalid values are kept apart, never counted in a group."
    )
    if key == "lsoa" and any("not in IoD 2019 lookup" in r for r in reasons):
        what_to_do = (
            "Deprivation comes from the English Indices of Deprivation 2019, which use 2011 LSOA codes in England. "
            "If these are 2021 LSOA codes, map a 2011 LSOA column (LSOA2011) or an IMD decile column instead."
        )
    return (
        f"{label}: {invalid:,} {'row has a value that is' if invalid == 1 else 'rows have values that are'} "
        f"not valid ({_pct(share_of_filled)} of filled-in values), for example {example_text}. {what_to_do}"
    )


def without_values(report: dict[str, Any]) -> dict[str, Any]:
    """The report as everyone but the uploading analyst sees it: counts and row
    numbers, never a cell's value. The invalid-value findings are written again
    from the fields' figures, so this works on any stored report."""
    fields_by_key = {**report.get("measures", {}), **report.get("fields", {})}

    def strip(field_report: dict[str, Any]) -> dict[str, Any]:
        examples = [{k: v for k, v in e.items() if k != "value"} for e in field_report.get("invalid_examples", [])]
        return {**field_report, "invalid_examples": examples}

    details = []
    for detail in report.get("finding_details", []):
        detail = dict(detail)
        if detail.get("code") == "invalid":
            field_report = fields_by_key.get(detail.get("field"))
            if field_report is None:
                continue  # cannot say it without the values
            detail["message"] = _invalid_message(field_report, with_values=False)
        details.append(detail)
    return {
        **report,
        "fields": {key: strip(r) for key, r in report.get("fields", {}).items()},
        "measures": {key: strip(r) for key, r in report.get("measures", {}).items()},
        "findings": [d["message"] for d in details],
        "finding_details": details,
    }


def _field_findings(report: dict[str, Any], normalised: Normalised) -> list[dict[str, Any]]:
    key = report["field"]
    spec = FIELDS[key]
    label = spec.label.split(" (")[0]
    findings: list[dict[str, Any]] = []
    unit = report["unit"]
    if report["completeness"] is not None and report["completeness"] < THRESHOLDS["completeness_min"]:
        report["flags"].append("completeness")
    if report["validity"] is not None and report["validity"] < THRESHOLDS["validity_min"]:
        report["flags"].append("validity")
    missing = report["missing_or_not_stated"] or 0.0
    if spec.role == CHARACTERISTIC and missing > THRESHOLDS["missing_notice"]:
        names = _missing_labels(report["code_list"])
        parts = [
            f"{names[kind]} {_pct(report[share])}"
            for kind, share in (
                (BLANK, BLANK),
                (taxonomy.NOT_STATED, taxonomy.NOT_STATED),
                (taxonomy.NOT_KNOWN, taxonomy.NOT_KNOWN),
                (INVALID, INVALID),
            )
            if report[share]
        ]
        completeness = ""
        if "completeness" in report["flags"]:
            completeness = (
                f" Only {_pct(report['completeness'])} of {unit} have a value at all, below the "
                f"{_pct(THRESHOLDS['completeness_min'])} completeness threshold."
            )
        if missing > THRESHOLDS["missing_max"]:
            report["flags"].append("missing")
            findings.append(
                _finding(
                    WARNING,
                    "missing",
                    f"{label} is missing or not stated for {_pct(missing)} of {unit} ({', '.join(parts)})."
                    f"{completeness} That is more than {_pct(THRESHOLDS['missing_max'])}: a Data Quality "
                    "Improvement Plan should be agreed with the data provider to improve recording, and differences by "
                    f"{label.lower()} read with caution, because people whose {label.lower()} is missing may not be "
                    "like those whose is recorded.",
                    key,
                )
            )
        else:
            findings.append(
                _finding(
                    NOTICE,
                    "missing",
                    f"{label} is missing or not stated for {_pct(missing)} of {unit} ({', '.join(parts)}). Keep an "
                    "eye on it: above "
                    f"{_pct(THRESHOLDS['missing_max'])} we recommend a Data Quality Improvement Plan.",
                    key,
                )
            )
    elif spec.role != CHARACTERISTIC and report["blank"] and "completeness" in report["flags"]:
        findings.append(
            _finding(
                WARNING,
                "completeness",
                f"{label} is blank in {_pct(report['blank'])} of rows, below the "
                f"{_pct(THRESHOLDS['completeness_min'])} completeness threshold. Rows without it are left out of "
                "anything that needs it.",
                key,
            )
        )
    if report["counts"][INVALID]:
        findings.append(
            _finding(
                WARNING if "validity" in report["flags"] else NOTICE,
                "invalid",
                _invalid_message(report, with_values=True),
                key,
            )
        )
    vague = report["other_of_answered"] or 0.0
    if spec.role == CHARACTERISTIC and vague > THRESHOLDS["vague_max"] and report["code_list"]:
        cl = taxonomy.code_list(report["code_list"])
        example = next((c.label for c in cl.of_kind(taxonomy.OTHER)), "any other")
        report["flags"].append("vague")
        findings.append(
            _finding(
                NOTICE,
                "vague",
                f"{_pct(vague)} of the answers for {label.lower()} are vague 'any other' groups (such as "
                f"'{example}'). People in these groups can have very different experiences, so differences may be "
                "hidden. Where possible, record a more specific category.",
                key,
            )
        )
    return findings


def _duplicates(normalised: Normalised) -> dict[str, Any]:
    """Rows repeating an earlier row: by record ID, by group (counts files) or by every column."""
    frame = normalised.table
    if normalised.shape == "aggregate":
        columns: list[str] = []
        for key, info in normalised.fields.items():
            if FIELDS[key].role == CHARACTERISTIC or key == "date":
                columns += [info["code_column"], info["kind_column"]]
        by = "groups"
        keys = frame[columns] if columns else None
    elif "record_id" in normalised.fields:
        by = "record_id"
        keys = frame["record_id"]
    else:
        by = "all_columns"
        keys = normalised.raw
    n = 0
    examples: list[list[int]] = []
    if keys is not None and len(frame):
        if isinstance(keys, pd.DataFrame):
            keys = pd.Series(pd.util.hash_pandas_object(keys, index=False).to_numpy(), index=frame.index)
            codes = pd.factorize(keys, use_na_sentinel=True)[0]  # one number per key, in order of first appearance
            dup = ~_first_appearances(codes) & (codes >= 0)
            examples = _examples_by_code(codes, dup, frame.index)
        else:  # record IDs: only valid ones count (a blank ID is "", its kind blank)
            valid = (frame["record_id__kind"] == taxonomy.VALID).to_numpy()
            strings = _arrow_strings(keys)
            if strings is not None:  # no number per row: which rows repeat, then the examples' values
                dup = _repeated(strings) & valid
                examples = _examples_by_value(strings, dup, valid, frame.index)
            else:
                codes, first = _key_codes(keys)
                codes[~valid] = -1
                dup = ~first & (codes >= 0)
                examples = _examples_by_code(codes, dup, frame.index)
        n = int(dup.sum())
    return {
        "by": by,
        "column": normalised.fields["record_id"]["column"] if by == "record_id" else None,
        "rows": n,
        "examples": examples,
    }


def _examples_by_code(codes: np.ndarray, dup: np.ndarray, index: pd.Index) -> list[list[int]]:
    """The first rows of each of the first repeated keys (in order of their first repeat)."""
    return [_rows(index[codes == code]) for code in pd.unique(codes[dup])[:MAX_EXAMPLES]]


def _examples_by_value(
    strings: pa.ChunkedArray, dup: np.ndarray, valid: np.ndarray, index: pd.Index
) -> list[list[int]]:
    """As :func:`_examples_by_code`, from the values: the first repeated values (in
    order of their first repeat), then the rows holding one of them, in one pass."""
    values: list[str] = []
    for start in range(0, len(dup), _CHUNK):
        repeats = np.flatnonzero(dup[start : start + _CHUNK])[: MAX_EXAMPLES * MAX_EXAMPLES] + start
        for value in take_rows(strings, repeats).to_pylist():
            if value not in values and len(values) < MAX_EXAMPLES:
                values.append(value)
        if len(values) == MAX_EXAMPLES:
            break
    if not values:
        return []
    holding = pc.is_in(strings, value_set=pa.array(values, type=strings.type)).to_numpy(zero_copy_only=False)
    where = np.flatnonzero(holding & valid)
    rows: dict[str, list[int]] = {value: [] for value in values}
    for row, value in zip(where.tolist(), take_rows(strings, where).to_pylist(), strict=True):
        rows[value].append(row)
    return [_rows(index[rows[value]]) for value in values]


def _first_appearances(codes: np.ndarray) -> np.ndarray:
    """Per row, whether its number is seen for the first time, for numbers given in
    order of first appearance: when it is above every number before it (no hashing)."""
    first = np.ones(len(codes), dtype=bool)
    if len(codes) > 1:
        first[1:] = codes[1:] > np.maximum.accumulate(codes)[:-1]
    return first


_PART_ROWS = 1 << 18  # record IDs are checked in parts of about this many rows
_CHUNK = 1 << 20  # rows scanned at a time for the examples


def _arrow_strings(keys: pd.Series) -> pa.ChunkedArray | None:
    """The column's Arrow strings (no copy), or None when it is not Arrow-backed text."""
    if not (isinstance(keys.dtype, pd.StringDtype) and keys.dtype.storage == "pyarrow"):
        return None
    strings = pa.array(keys.array)
    strings = pa.chunked_array([strings]) if isinstance(strings, pa.Array) else strings
    if not (pa.types.is_string(strings.type) or pa.types.is_large_string(strings.type)):
        strings = strings.cast(pa.large_string())
    return strings


def _repeated(strings: pa.ChunkedArray) -> np.ndarray:
    """Per row, whether its value is in an earlier row (a missing value never is).

    Equal values end the same way, so the rows are split into parts by their last
    bytes and length (a number worked out from the Arrow buffers, no string copied)
    and each part's values are numbered by Arrow's dictionary encoding (in order of
    first appearance, so a row repeats when its number is not above every number
    before it). One small hash table at a time: at 10M rows the check took a third of
    the memory and time of sorting them all (a hash table of them all took more memory
    than the rest of the job), and at 1M rows a part's table fits the CPU's caches better
    than one of all the IDs (about a third faster)."""
    n = len(strings)
    parts = max(1, -(-n // _PART_ROWS))
    if parts == 1:
        return _repeated_in(strings)
    part = np.empty(n, dtype=np.uint16)
    start = 0
    for chunk in strings.chunks:
        for at in range(0, len(chunk), _CHUNK):
            piece = chunk.slice(at, _CHUNK)
            part[start : start + len(piece)] = _tail_hash(piece) % np.uint32(parts)
            start += len(piece)
    repeated = np.zeros(n, dtype=bool)
    for p in range(parts):
        rows = np.flatnonzero(part == p)
        repeated[rows[_repeated_in(take_rows(strings, rows))]] = True
    return repeated


def _repeated_in(strings: pa.ChunkedArray) -> np.ndarray:
    """:func:`_repeated` with one hash table (Arrow's dictionary encoding numbers the
    values in order of first appearance)."""
    encoded = pc.dictionary_encode(strings)  # one dictionary for all the chunks
    chunks = encoded.chunks if isinstance(encoded, pa.ChunkedArray) else [encoded]
    codes = np.concatenate([np.zeros(0, dtype=np.int64)] + [_indices(c) for c in chunks])
    return ~_first_appearances(codes) & (codes >= 0)


def _indices(encoded: pa.DictionaryArray) -> np.ndarray:
    return pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False).astype(np.int64, copy=False)


def _tail_hash(chunk: pa.Array) -> np.ndarray:
    """Per value, a number from its length and last four bytes (read from the Arrow
    offsets and data buffers in place): equal values get equal numbers."""
    offset_type = np.int64 if pa.types.is_large_string(chunk.type) else np.int32
    _, offsets, data = chunk.buffers()
    offsets = np.frombuffer(
        offsets, dtype=offset_type, count=len(chunk) + 1, offset=chunk.offset * offset_type().itemsize
    )
    ends = offsets[1:].astype(np.int64)
    lengths = ends - offsets[:-1]
    data = np.frombuffer(data, dtype=np.uint8) if data is not None and data.size else np.zeros(1, dtype=np.uint8)
    key = (lengths & 0xFF).astype(np.uint32)
    for back in range(1, 5):
        key = key * np.uint32(257) + np.where(lengths >= back, data[np.maximum(ends - back, 0)], 0).astype(np.uint32)
    return (key * np.uint32(2654435761)) >> np.uint32(16)  # mixed (Knuth's multiplicative hash)


def _key_codes(keys: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """One number per distinct value (-1 for a missing one) and, per row, whether its
    value appears for the first time there (a column that is not Arrow text)."""
    if isinstance(keys.dtype, pd.CategoricalDtype):
        codes = keys.cat.codes.to_numpy().astype(np.int32)
        return codes, ~pd.Series(codes).duplicated(keep="first").to_numpy()
    codes = pd.factorize(keys, use_na_sentinel=True)[0].astype(np.int32)
    return codes, _first_appearances(codes)


def _duplicate_finding(dups: dict[str, Any], rows: int) -> dict[str, Any] | None:
    n = dups["rows"]
    if not n:
        return None
    example = f" For example {_rows_phrase(dups['examples'][0])}." if dups["examples"] else ""
    if dups["by"] == "record_id":
        message = (
            f"{n:,} {'row repeats a record ID' if n == 1 else 'rows repeat a record ID'} ('{dups['column']}') already "
            f"used in an earlier row ({_pct(n / rows)} of rows).{example} If each row should be a different person or "
            "referral, remove the duplicates and upload again; if people can appear more than once, counts are of "
            "records, not people."
        )
    elif dups["by"] == "groups":
        message = (
            f"{n:,} {'row repeats a group' if n == 1 else 'rows repeat groups'} already listed in an earlier row (the "
            f"same combination of characteristics).{example} Check the file does not count the same people twice."
        )
    else:
        message = (
            f"{n:,} {'row is' if n == 1 else 'rows are'} identical to an earlier row in every column "
            f"({_pct(n / rows)} of rows).{example} These may be duplicates; map a record ID column so we can tell "
            "different records apart."
        )
    return _finding(WARNING if dups["by"] != "all_columns" else NOTICE, "duplicates", message)


def _human_date(iso: str) -> str:
    day = pd.Timestamp(iso)
    return f"{day.day} {day.strftime('%B %Y')}"


def quality_report(
    normalised: Normalised,
    *,
    dropped_identifiers: list[str] | None = None,
) -> dict[str, Any]:
    """The quality report for a :class:`~identify.engine.normalise.Normalised` extract (JSON-serialisable).

    Keys: ``rows``, ``shape`` ("record"/"aggregate"), ``unit``, ``thresholds``;
    ``fields`` ``{field: {...}}`` for the characteristic fields (``field_order``
    gives their mapping order, as JSONB does not keep key order) and ``measures``
    for the others (count, population, score, outcome, date, record ID), each with
    ``rows``, ``counts`` (rows per kind), shares ``completeness``, ``validity``,
    ``blank``, ``invalid``, ``not_stated``, ``not_known``, ``not_applicable``,
    ``other``, ``other_of_answered``, ``missing_or_not_stated``,
    ``invalid_examples`` and ``flags``; ``duplicates``; ``dates``;
    ``dropped_identifiers`` (column names); ``findings`` (plain-English sentences,
    most serious first) and ``finding_details`` (the same with ``level``, ``code``
    and ``field``). ``dropped_identifiers`` default to those the normalised
    extract carries (from the reader).
    """
    rows = normalised.rows
    weights, unit = _weights(normalised)
    reports = [_field_report(normalised, key, weights, unit) for key in normalised.fields]
    details: list[dict[str, Any]] = []
    dropped = list(normalised.dropped_identifiers if dropped_identifiers is None else dropped_identifiers)
    dropped = [str(d["column"]) if isinstance(d, dict) else str(d) for d in dropped]
    if dropped:
        names = ", ".join(f"'{d}'" for d in dropped)
        details.append(
            _finding(
                WARNING,
                IDENTIFIER_COLUMNS_DROPPED,
                f"We removed {'column' if len(dropped) == 1 else 'columns'} {names} because "
                f"{'it identifies' if len(dropped) == 1 else 'they identify'} people; "
                f"{'it was' if len(dropped) == 1 else 'they were'} not stored. Leave these columns out of future "
                "uploads.",
            )
        )
    for report in reports:
        details.extend(_field_findings(report, normalised))
    duplicates = _duplicates(normalised)
    dup_finding = _duplicate_finding(duplicates, rows)
    if dup_finding:
        details.append(dup_finding)
    dates = None
    date_report = next((f for f in reports if f["field"] == "date"), None)
    if date_report is not None:
        dates = {
            "column": date_report["column"],
            "min": date_report.get("min"),
            "max": date_report.get("max"),
            "blank": date_report["counts"][BLANK],
            "invalid": date_report["counts"][INVALID],
        }
        if dates["min"]:
            details.append(
                _finding(
                    INFO,
                    "date_range",
                    f"Dates in '{dates['column']}' run from {_human_date(dates['min'])} to "
                    f"{_human_date(dates['max'])}. Check this is the period you meant to upload.",
                    "date",
                )
            )
    for notice in (normalised.raw.attrs.get("extract") or {}).get("notices", []):
        if notice.get("code") != IDENTIFIER_COLUMNS_DROPPED:
            details.append(_finding(INFO, str(notice.get("code")), str(notice.get("message"))))
    if not any(f["level"] in (WARNING, NOTICE) for f in details):
        details.insert(
            0,
            _finding(
                INFO,
                "no_problems",
                "We found no problems with completeness or validity, duplicates or identifiers in this extract.",
            ),
        )
    details.sort(key=lambda f: _LEVEL_ORDER[f["level"]])
    characteristic = [r for r in reports if r["role"] == CHARACTERISTIC]
    return {
        "version": REPORT_VERSION,
        "rows": rows,
        "shape": normalised.shape,
        "unit": unit,
        "thresholds": dict(THRESHOLDS),
        "fields": {r["field"]: r for r in characteristic},
        "field_order": [r["field"] for r in characteristic],
        "measures": {r["field"]: r for r in reports if r["role"] != CHARACTERISTIC},
        "duplicates": duplicates,
        "dates": dates,
        "dropped_identifiers": dropped,
        "findings": [f["message"] for f in details],
        "finding_details": details,
    }
