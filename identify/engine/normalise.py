"""Turn the raw strings of an extract into taxonomy codes, one column per field.

:func:`normalise` reads each mapped column with the field's taxonomy code list
(``amhe.core.taxonomy``) and writes, for each field, a code column and a
``<column>__kind`` column. The kind keeps apart everything that is not a real
answer, so nothing is ever merged into a real group:

=================  ==============================================================
kind               meaning (code column holds)
=================  ==============================================================
``valid``          a specific answer (its code, e.g. ``"A"``)
``other``          a real but vague answer, "any other ..." (its code, e.g. ``"C"``)
``not_stated``     asked, declined to answer (the list's code, e.g. ``"Z"``)
``not_known``      not recorded (the list's code, e.g. ``"99"``)
``not_applicable`` does not apply (marital status ``"8"``)
``blank``          the cell was empty (``""``)
``invalid``        not a code or name in the list (``""``; the original value stays
                   in :attr:`Normalised.raw` and the reason in
                   :attr:`Normalised.invalid_reasons`)
=================  ==============================================================

"Not stated" / "not known" written in words are recognised for every list; when a
list has no category for them (sex has no "not stated") the kind is set and the
code is ``""``. ``NULL``, ``#N/A`` and ``NaN`` count as blank.

Output columns (index = the raw table's spreadsheet row numbers)
---------------------------------------------------------------
* ``ethnicity`` (NHS ETHNIC CATEGORY letters; also accepts labels, variants like
  "white - british", local two-character codes like "CA" rolled up to their first
  letter, and ONS 2021 labels via ``ons2021_to_nhs``) and ``ethnicity_high`` (NHS
  high-level group code: WHITE, MIXED, ASIAN, BLACK, OTHER; kind ``valid`` for every
  answer, including "any other" ones).
* ``ethnicity_2021`` and ``ethnicity_2021_high`` (ONS 2021 groups); when ethnicity
  is not also mapped, ``ethnicity``/``ethnicity_high`` are derived from it.
* ``age`` (years, float) from age: ``age_band`` (mental health bands, code list
  ``age_band_mh``) and ``age_band_5y`` (``age_band_5y``), via ``taxonomy.age_band``.
  An already-banded column becomes ``age_band`` or ``age_band_5y``, whichever
  scheme most of its values use.
* ``lsoa`` (code, upper case) and, with ``lsoa_lookup`` (2011 LSOA -> IMD 2019
  decile), ``imd_decile`` and ``imd_quintile``. An LSOA not in the lookup (a 2021
  code, a Welsh LSOA) is invalid; the derived deciles then have the LSOA's kind.
* ``imd_decile`` -> ``imd_quintile``; ``sex``, ``gender_identity``,
  ``gender_same_at_birth``, ``sexual_orientation``, ``religion``, ``disability``,
  ``marital_status``, ``pregnancy`` and the inclusion-health flags: codes.
* ``count``, ``population``, ``score`` (float, NaN unless valid), ``date``
  (datetime64, NaT unless valid; day/month/year), ``record_id`` (trimmed text),
  ``outcome`` (Y/N/Z/X).

Vectorised: each column's distinct values are classified once, then spread over
the rows with array takes. A categorical column (the reader keeps repeating
columns so, and the saved Parquet table keeps them) gives its distinct values and
integer codes at once, so no string is hashed or copied per row.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from collections.abc import Mapping as AbcMapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from amhe.core import taxonomy

from .mapping import FIELDS, Mapping
from .reading import ROW

__all__ = [
    "BLANK",
    "INVALID",
    "KINDS",
    "KIND_DTYPE",
    "Normalised",
    "normalise",
    "load_lsoa_imd_lookup",
    "DEFAULT_IMD_LOOKUP",
]

BLANK: Final = "blank"
INVALID: Final = "invalid"
KINDS: Final = (
    taxonomy.VALID,
    taxonomy.OTHER,
    taxonomy.NOT_STATED,
    taxonomy.NOT_KNOWN,
    taxonomy.NOT_APPLICABLE,
    BLANK,
    INVALID,
)
KIND_DTYPE: Final = pd.CategoricalDtype(list(KINDS))
_KIND_INDEX = {k: i for i, k in enumerate(KINDS)}
_STR = pd.StringDtype("pyarrow", na_value=np.nan)

DEFAULT_IMD_LOOKUP: Final = Path(__file__).resolve().parent.parent / "data" / "imd2019_lsoa2011_deciles.csv.gz"

Classified = tuple[Any, str, str | None]  # (code or value, kind, reason if invalid)


# --------------------------------------------------------------------------- result


@dataclass
class Normalised:
    """The normalised extract.

    ``table``: one code column and one ``__kind`` column (categorical, :data:`KINDS`)
    per field and derived dimension, indexed by spreadsheet row number.
    ``raw``: the table it came from (not copied), for original values.
    ``fields``: per mapped field, ``{"column", "code_column", "kind_column",
    "code_list", "derived"}``. ``dimensions``: the columns to break down by,
    ``{column: {"field", "code_list", "high_level", "label"}}``.
    ``invalid_reasons``: per field, ``{original value: why it is invalid}``.
    """

    table: pd.DataFrame
    mapping: Mapping
    raw: pd.DataFrame
    fields: dict[str, dict[str, Any]] = field(default_factory=dict)
    dimensions: dict[str, dict[str, Any]] = field(default_factory=dict)
    invalid_reasons: dict[str, dict[str, str]] = field(default_factory=dict)
    info: dict[str, Any] = field(default_factory=dict)
    dropped_identifiers: list[str] = field(default_factory=list)  # column names

    @property
    def frame(self) -> pd.DataFrame:
        """Alias of :attr:`table`."""
        return self.table

    @property
    def rows(self) -> int:
        return len(self.table)

    @property
    def shape(self) -> str:
        return self.mapping.shape

    def kinds(self, field_key: str) -> pd.Series:
        return self.table[self.fields[field_key]["kind_column"]]

    def original(self, field_key: str) -> pd.Series:
        """The field's column as uploaded."""
        return self.raw[self.fields[field_key]["column"]]


# --------------------------------------------------------------------------- vocabulary

_BLANK_TOKENS = frozenset({"", "null", "none", "nan", "#n/a", "#null!", "(blank)", "(null)", "<null>"})
_NOT_STATED_WORDS = frozenset(
    taxonomy.normalise(w)
    for w in (
        "Not stated",
        "Prefer not to say",
        "Declined",
        "Refused",
        "Not disclosed",
        "Declined to answer",
        "Did not wish to say",
        "Not given",
        "No response",
    )
)
_NOT_KNOWN_WORDS = frozenset(
    taxonomy.normalise(w)
    for w in ("Not known", "Unknown", "Not recorded", "Missing", "Unspecified", "Not specified", "No data")
)
_WHOLE_NUMBER = re.compile(r"0*(\d+)(?:\.0+)?")


def _is_blank(value: str) -> bool:
    return value.strip().casefold() in _BLANK_TOKENS


def _missing_kind(value: str) -> str | None:
    key = taxonomy.normalise(value)
    if key in _NOT_STATED_WORDS:
        return taxonomy.NOT_STATED
    if key in _NOT_KNOWN_WORDS:
        return taxonomy.NOT_KNOWN
    return None


def _missing_code(cl: taxonomy.CodeList | None, kind: str) -> str:
    if cl is None:
        return ""
    found = cl.of_kind(kind)
    return found[0].code if found else ""


def _lookup(cl: taxonomy.CodeList, value: str) -> taxonomy.Category | None:
    """Code, label or alias; then "1.0"/"01" as "1"; then Yes/No/1/0 for flag lists."""
    cat = cl.lookup(value)
    if cat is not None:
        return cat
    whole = _WHOLE_NUMBER.fullmatch(value)
    if whole:
        cat = cl.get(whole.group(1)) or cl.lookup(whole.group(1))
        if cat is not None:
            return cat
    if cl.get("Y") is not None and cl.get("N") is not None and cl.key != "yes_no_unknown":
        flag = taxonomy.YES_NO_UNKNOWN.lookup(value)
        if flag is not None:
            return cl.get(flag.code)
    return None


# --------------------------------------------------------------------------- classifiers (one distinct value each)


def _code_classifier(cl: taxonomy.CodeList) -> Callable[[str], Classified]:
    def classify(raw: str) -> Classified:
        value = raw.strip()
        if _is_blank(value):
            return "", BLANK, None
        cat = _lookup(cl, value)
        if cat is not None:
            return cat.code, cat.kind, None
        kind = _missing_kind(value)
        if kind is not None:
            return _missing_code(cl, kind), kind, None
        return "", INVALID, f"not a code or name in {cl.name}"

    return classify


_NHS = taxonomy.code_list("nhs_ethnic_category")
_ONS = taxonomy.code_list("ons_ethnicity_2021")
_ETHNIC_HEADS = {
    "white": "WHITE",
    "mixed": "MIXED",
    "mixed or multiple": "MIXED",
    "mixed or multiple ethnic groups": "MIXED",
    "asian": "ASIAN",
    "asian or asian british": "ASIAN",
    "asian asian british or asian welsh": "ASIAN",
    "black": "BLACK",
    "black or black british": "BLACK",
    "black black british black welsh caribbean or african": "BLACK",
    "other": "OTHER",
    "other ethnic group": "OTHER",
    "other ethnic groups": "OTHER",
    "any other ethnic group": "OTHER",
}
_ANY_OTHER_TAILS = frozenset({"other", "any other", "other background", "any other background", "any other group"})
_VAGUE_IN_GROUP = {cat.group: cat for cat in _NHS.of_kind(taxonomy.OTHER)}
_LOCAL_CODE = re.compile(r"([A-HJ-NPRS])[A-Z0-9]")


def _classify_ethnicity(raw: str) -> Classified:
    """NHS ETHNIC CATEGORY code for a code, label, variant or ONS 2021 label."""
    value = raw.strip()
    if _is_blank(value):
        return "", BLANK, None
    cat = _lookup(_NHS, value)
    if cat is None:
        local = _LOCAL_CODE.fullmatch(value.upper())
        if local:  # local sub-codes roll up to the national first character (NHS Data Dictionary)
            cat = _NHS.get(local.group(1))
    if cat is None:
        nhs = taxonomy.ons2021_to_nhs(value)
        cat = _NHS.get(nhs) if nhs else None
    if cat is None:
        cat = _ethnicity_head_tail(value)
    if cat is not None:
        return cat.code, cat.kind, None
    kind = _missing_kind(value)
    if kind is not None:
        return _missing_code(_NHS, kind), kind, None
    return "", INVALID, "not an NHS ethnic category code or name"


def _ethnicity_head_tail(value: str) -> taxonomy.Category | None:
    """ "Other - Chinese", "White: Other", "Asian/Indian": a group then a category in it."""
    parts = re.split(r"\s*[-:/–]\s*", value, maxsplit=1)
    if len(parts) != 2:
        return None
    group = _ETHNIC_HEADS.get(taxonomy.normalise(parts[0]))
    if group is None:
        return None
    tail = parts[1]
    if taxonomy.normalise(tail) in _ANY_OTHER_TAILS:
        return _VAGUE_IN_GROUP.get(group)
    cat = _NHS.lookup(tail)
    if cat is None:
        nhs = taxonomy.ons2021_to_nhs(tail)
        cat = _NHS.get(nhs) if nhs else None
    if cat is None or cat.group is None:
        return None
    if cat.group == group or (group == "ASIAN" and cat.code == "R"):  # Chinese is Asian in ONS 2021
        return cat
    return None


def _classify_ethnicity_2021(raw: str) -> Classified:
    value = raw.strip()
    if _is_blank(value):
        return "", BLANK, None
    cat = _lookup(_ONS, value)
    if cat is not None:
        return cat.code, cat.kind, None
    kind = _missing_kind(value)
    if kind is not None:
        return _missing_code(_ONS, kind), kind, None
    return "", INVALID, "not an ONS Census 2021 ethnic group"


def _parse_number(value: str) -> float | None:
    text = value.strip().replace("\u00a0", "").replace(" ", "")
    if re.fullmatch(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?", text):
        text = text.replace(",", "")
    if not re.fullmatch(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?", text):
        return None
    number = float(text)
    return number if math.isfinite(number) else None


def _classify_age(raw: str) -> Classified:
    value = raw.strip()
    if _is_blank(value):
        return math.nan, BLANK, None
    years = _parse_number(re.sub(r"\s*(?:years?|yrs?|y)\s*$", "", value, flags=re.IGNORECASE))
    if years is None:
        kind = _missing_kind(value)
        if kind is not None:
            return math.nan, kind, None
        return math.nan, INVALID, "not a number of years"
    if years < 0 or years > taxonomy.MAX_AGE:
        return math.nan, INVALID, f"outside 0 to {taxonomy.MAX_AGE} years"
    return years, taxonomy.VALID, None


_AGE_LISTS = {"age_band_mh": taxonomy.code_list("age_band_mh"), "age_band_5y": taxonomy.code_list("age_band_5y")}
_UNDER = re.compile(r"(?:under|<|less than|below)\s*(\d+)", re.IGNORECASE)


def _band_candidates(value: str) -> dict[str, str]:
    """{scheme: band code} for every age scheme the value is a band of ("18-24", "18 to 24", "65+", "Under 18")."""
    text = re.sub(r"\s*(?:years?|yrs?)\s*$", "", value.strip(), flags=re.IGNORECASE)
    if text.isdigit():
        return {}  # a bare number is an age, not a band ("65" must not match "65+")
    under = _UNDER.fullmatch(text)
    span = re.fullmatch(r"(\d+)\s*(?:-|–|to)\s*(\d+)", text)
    found = {}
    for scheme, cl in _AGE_LISTS.items():
        cat = cl.lookup(text)
        if cat is None and under:
            cat = cl.get(f"0-{int(under.group(1)) - 1}")
        if cat is None and span:
            cat = cl.get(f"{int(span.group(1))}-{int(span.group(2))}")
        if cat is not None:
            found[scheme] = cat.code
    return found


def _parse_date(value: str) -> datetime | None:
    text = value.strip()
    text = re.sub(r"[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?$", "", text)
    for fmt in _DATE_FORMATS:
        try:
            parsed = datetime.strptime(text, fmt)  # noqa: DTZ007 - dates only, no time zone
        except ValueError:
            continue
        if 1900 <= parsed.year <= 2100:
            return parsed
        return None
    return None


_DATE_FORMATS = (
    "%Y-%m-%d",
    "%d/%m/%Y",
    "%d-%m-%Y",
    "%d.%m.%Y",
    "%Y/%m/%d",
    "%Y%m%d",
    "%d %b %Y",
    "%d %B %Y",
    "%d-%b-%Y",
    "%d-%b-%y",
    "%d %b %y",
    "%d/%m/%y",
)


def _classify_date(raw: str) -> Classified:
    value = raw.strip()
    if _is_blank(value):
        return None, BLANK, None
    parsed = _parse_date(value)
    if parsed is None:
        return None, INVALID, "not a date we can read (we read dates as day/month/year or year-month-day, 1900-2100)"
    return parsed, taxonomy.VALID, None


def _number_classifier(*, whole: bool, negative: bool, what: str) -> Callable[[str], Classified]:
    def classify(raw: str) -> Classified:
        value = raw.strip()
        if _is_blank(value):
            return math.nan, BLANK, None
        number = _parse_number(value)
        if number is None:
            return math.nan, INVALID, f"not a number (suppressed or text values cannot be used as {what})"
        if number < 0 and not negative:
            return math.nan, INVALID, f"negative ({what} cannot be below 0)"
        if whole and not float(number).is_integer():
            return math.nan, INVALID, f"not a whole number ({what} must be whole numbers)"
        return number, taxonomy.VALID, None

    return classify


# --------------------------------------------------------------------------- vectorised application


def _factorize(series: pd.Series) -> tuple[np.ndarray, list[str]]:
    """Per row, an index into the column's distinct values (blank last when there
    are missing cells), and those values.

    A categorical column (as the reader gives for a column whose values repeat)
    already holds them: its codes are renumbered to the categories in use, with no
    hashing of strings. Otherwise the strings are factorized (order of first appearance)."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        return _factorize_categorical(series)
    if not isinstance(series.dtype, pd.StringDtype):
        series = series.astype(_STR)
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    values = [str(u) for u in uniques]
    if len(codes) and codes.min() < 0:
        codes = codes.copy()
        codes[codes < 0] = len(values)
        values.append("")
    return codes.astype(np.int64, copy=False), values


def _code_dtype(n: int) -> type[np.signedinteger]:
    """The smallest integer type for numbers up to ``n`` (and -1): a row's code at 10M
    rows is 10 MB as int8, 80 MB as int64, and taking by it is faster."""
    return next(t for t in (np.int8, np.int16, np.int32) if n < np.iinfo(t).max) if n < 2**31 - 1 else np.int64


_COUNT_ROWS = 1 << 20  # codes counted this many at a time (np.bincount copies them to int64)


def _factorize_categorical(series: pd.Series) -> tuple[np.ndarray, list[str]]:
    codes = series.cat.codes.to_numpy()
    categories = series.cat.categories
    seen = np.zeros(len(categories) + 1, dtype=bool)  # slot 0: a missing cell
    for start in range(0, len(codes), _COUNT_ROWS):
        seen |= np.bincount(codes[start : start + _COUNT_ROWS] + 1, minlength=len(categories) + 1) > 0
    present = np.flatnonzero(seen[1:])  # the categories in use, in the categories' order
    values = [str(v) for v in categories[present].tolist()]  # one take, not an item lookup per value
    # Two categories can be the same text (e.g. a category that is not a string): keep
    # one value per text, as factorizing the strings would.
    first: dict[str, int] = {}
    positions = np.array([first.setdefault(v, len(first)) for v in values], dtype=np.int64)
    values = list(first)
    renumber = np.full(len(categories) + 1, len(values), dtype=_code_dtype(len(values)))  # last slot: code -1
    renumber[present] = positions
    if seen[0]:
        values.append("")
    return renumber[codes], values


def _str_column(values: list[str], codes: np.ndarray, index: pd.Index) -> pd.Series:
    """A code column, as a categorical: one small integer per row and each distinct
    code stored once (a string per row costs ~30x the time and memory at 10M rows)."""
    categories = list(dict.fromkeys(values))
    position = {value: i for i, value in enumerate(categories)}
    remap = np.array([position[value] for value in values], dtype=_code_dtype(len(categories)))
    taken = remap[codes] if len(values) else np.zeros(len(codes), dtype=np.int8)
    return pd.Series(
        pd.Categorical.from_codes(taken, categories=pd.Index(categories, dtype=_STR), validate=False),
        index=index,
        copy=False,
    )


def _kind_column(kinds: list[str], codes: np.ndarray, index: pd.Index) -> pd.Series:
    per_value = np.array([_KIND_INDEX[k] for k in kinds], dtype=np.int8)
    taken = per_value[codes] if len(kinds) else np.zeros(len(codes), dtype=np.int8)
    return pd.Series(pd.Categorical.from_codes(taken, dtype=KIND_DTYPE, validate=False), index=index)


def _float_column(numbers: list[float], codes: np.ndarray, index: pd.Index) -> pd.Series:
    per_value = np.array(numbers, dtype=np.float64)
    return pd.Series(per_value[codes] if len(numbers) else np.full(len(codes), np.nan), index=index)


@dataclass
class _Classes:
    codes: np.ndarray  # per row: index into the distinct values
    values: list[str]  # distinct raw values
    out: list[Any]  # per distinct value: code / number / date
    kinds: list[str]
    reasons: dict[str, str]


def _classify(series: pd.Series, classify: Callable[[str], Classified]) -> _Classes:
    codes, values = _factorize(series)
    out: list[Any] = []
    kinds: list[str] = []
    reasons: dict[str, str] = {}
    for value in values:
        result, kind, reason = classify(value)
        out.append(result)
        kinds.append(kind)
        if kind == INVALID:
            reasons[value] = reason or "not valid"
    return _Classes(codes, values, out, kinds, reasons)


class _Builder:
    def __init__(self, raw: pd.DataFrame, mapping: Mapping):
        self.raw = raw
        self.mapping = mapping
        self.index = raw.index
        self.columns: dict[str, pd.Series] = {}
        self.fields: dict[str, dict[str, Any]] = {}
        self.dimensions: dict[str, dict[str, Any]] = {}
        self.reasons: dict[str, dict[str, str]] = {}
        self.info: dict[str, Any] = {}

    def add(self, name: str, codes: pd.Series, kinds: pd.Series) -> None:
        self.columns[name] = codes
        self.columns[f"{name}__kind"] = kinds

    def dimension(self, name: str, field_key: str, code_list: str, label: str, *, high_level: bool = False) -> None:
        self.dimensions[name] = {"field": field_key, "code_list": code_list, "high_level": high_level, "label": label}

    def register(self, field_key: str, column: str, code_column: str, code_list: str | None, derived: list[str]):
        self.fields[field_key] = {
            "column": column,
            "code_column": code_column,
            "kind_column": f"{code_column}__kind",
            "code_list": code_list,
            "derived": derived,
        }


def _codes_from(classes: _Classes, index: pd.Index) -> tuple[pd.Series, pd.Series]:
    return (
        _str_column([str(v) for v in classes.out], classes.codes, index),
        _kind_column(classes.kinds, classes.codes, index),
    )


def _high(classes: _Classes, cl: taxonomy.CodeList, index: pd.Index) -> tuple[pd.Series, pd.Series]:
    groups, kinds = [], []
    for code, kind in zip(classes.out, classes.kinds, strict=True):
        group = cl.group_of(code) if kind in (taxonomy.VALID, taxonomy.OTHER) else None
        groups.append(group.code if group else "")
        kinds.append(taxonomy.VALID if group else kind)
    return _str_column(groups, classes.codes, index), _kind_column(kinds, classes.codes, index)


# --------------------------------------------------------------------------- per field


def _ethnicity(b: _Builder, field_key: str, column: str) -> None:
    series = b.raw[column]
    if field_key == "ethnicity":
        classes = _classify(series, _classify_ethnicity)
        b.add("ethnicity", *_codes_from(classes, b.index))
        b.add("ethnicity_high", *_high(classes, _NHS, b.index))
        b.dimension("ethnicity", field_key, _NHS.key, "Ethnic group")
        b.dimension("ethnicity_high", field_key, _NHS.key, "Ethnic group (high level)", high_level=True)
        b.register(field_key, column, "ethnicity", _NHS.key, ["ethnicity_high"])
    else:
        classes = _classify(series, _classify_ethnicity_2021)
        b.add("ethnicity_2021", *_codes_from(classes, b.index))
        b.add("ethnicity_2021_high", *_high(classes, _ONS, b.index))
        b.dimension("ethnicity_2021", field_key, _ONS.key, "Ethnic group (Census 2021)")
        b.dimension(
            "ethnicity_2021_high", field_key, _ONS.key, "Ethnic group (Census 2021, high level)", high_level=True
        )
        derived = ["ethnicity_2021_high"]
        if "ethnicity" not in b.mapping:
            nhs_codes, nhs_kinds = [], []
            for code, kind in zip(classes.out, classes.kinds, strict=True):
                nhs = taxonomy.ONS2021_TO_NHS.get(code) if code else None
                cat = _NHS.get(nhs) if nhs else None
                nhs_codes.append(cat.code if cat else _missing_code(_NHS, kind) if kind != INVALID else "")
                nhs_kinds.append(cat.kind if cat else kind)
            nhs_classes = _Classes(classes.codes, classes.values, nhs_codes, nhs_kinds, {})
            b.add("ethnicity", *_codes_from(nhs_classes, b.index))
            b.add("ethnicity_high", *_high(nhs_classes, _NHS, b.index))
            b.dimension("ethnicity", field_key, _NHS.key, "Ethnic group")
            b.dimension("ethnicity_high", field_key, _NHS.key, "Ethnic group (high level)", high_level=True)
            b.info["ethnicity_from_2021"] = True
            derived += ["ethnicity", "ethnicity_high"]
        b.register(field_key, column, "ethnicity_2021", _ONS.key, derived)
    if classes.reasons:
        b.reasons[field_key] = classes.reasons


def _age(b: _Builder, field_key: str, column: str) -> None:
    classes = _classify(b.raw[column], _classify_age)
    b.columns["age"] = _float_column(classes.out, classes.codes, b.index)
    kinds = _kind_column(classes.kinds, classes.codes, b.index)
    b.columns["age__kind"] = kinds
    for name, scheme in (("age_band", "age_band_mh"), ("age_band_5y", "age_band_5y")):
        bands = [
            (taxonomy.age_band(v, scheme) or "") if k == taxonomy.VALID else ""
            for v, k in zip(classes.out, classes.kinds, strict=True)
        ]
        b.add(name, _str_column(bands, classes.codes, b.index), kinds.copy())
        b.dimension(name, field_key, scheme, _AGE_LISTS[scheme].name)
    b.register(field_key, column, "age", None, ["age_band", "age_band_5y"])
    if classes.reasons:
        b.reasons[field_key] = classes.reasons


def _age_band(b: _Builder, field_key: str, column: str) -> None:
    codes, values = _factorize(b.raw[column])
    counts = np.bincount(codes, minlength=len(values))
    candidates = [_band_candidates(v) if not _is_blank(v) else {} for v in values]
    support = {s: sum(int(counts[i]) for i, c in enumerate(candidates) if s in c) for s in _AGE_LISTS}
    scheme = "age_band_5y" if support["age_band_5y"] > support["age_band_mh"] else "age_band_mh"
    other = "age_band_mh" if scheme == "age_band_5y" else "age_band_5y"
    out, kinds, reasons = [], [], {}
    for value, cands in zip(values, candidates, strict=True):
        if _is_blank(value):
            out.append("")
            kinds.append(BLANK)
        elif scheme in cands:
            out.append(cands[scheme])
            kinds.append(taxonomy.VALID)
        elif (kind := _missing_kind(value)) is not None:
            out.append("")
            kinds.append(kind)
        else:
            out.append("")
            kinds.append(INVALID)
            reasons[value] = (
                f"a band from the {_AGE_LISTS[other].name.lower()}, but most of this column uses the "
                f"{_AGE_LISTS[scheme].name.lower()}: use one set of bands"
                if other in cands
                else f"not an age band of the {_AGE_LISTS[scheme].name.lower()}"
            )
    name = "age_band" if scheme == "age_band_mh" else "age_band_5y"
    classes = _Classes(codes, values, out, kinds, reasons)
    b.add(name, *_codes_from(classes, b.index))
    b.dimension(name, field_key, scheme, _AGE_LISTS[scheme].name)
    b.register(field_key, column, name, scheme, [])
    b.info["age_band_scheme"] = scheme
    if reasons:
        b.reasons[field_key] = reasons


_LSOA = re.compile(r"[EW]01\d{6}")


def _lsoa(b: _Builder, field_key: str, column: str, lookup: AbcMapping[str, int] | None) -> None:
    codes, values = _factorize(b.raw[column])
    out, kinds, deciles, reasons = [], [], [], {}
    for value in values:
        text = value.strip().upper()
        decile = None
        if _is_blank(text):
            kind = BLANK
            text = ""
        elif (missing := _missing_kind(text)) is not None:
            kind, text = missing, ""
        elif lookup is not None and text in lookup:
            kind, decile = taxonomy.VALID, lookup[text]
        elif not _LSOA.fullmatch(text):
            kind, text = INVALID, ""
            reasons[value] = "not an LSOA code (LSOA codes look like E01011362)"
        elif lookup is not None:
            kind, text = INVALID, ""
            reasons[value] = (
                "LSOA not in IoD 2019 lookup (the English Indices of Deprivation 2019 use 2011 LSOAs in England; "
                "this may be a 2021 LSOA code or a Welsh LSOA)"
            )
        else:
            kind = taxonomy.VALID
        out.append(text)
        kinds.append(kind)
        deciles.append(decile)
    classes = _Classes(codes, values, out, kinds, reasons)
    b.add("lsoa", *_codes_from(classes, b.index))
    derived: list[str] = []
    if lookup is not None:
        decile_codes = [str(d) if d is not None else "" for d in deciles]
        quintiles = [str(taxonomy.imd_quintile_for_decile(d)) if d is not None else "" for d in deciles]
        kind_col = _kind_column(kinds, codes, b.index)
        b.add("imd_decile", _str_column(decile_codes, codes, b.index), kind_col)
        b.add("imd_quintile", _str_column(quintiles, codes, b.index), kind_col.copy())
        b.dimension("imd_decile", field_key, "imd_decile", "Deprivation decile (IMD 2019)")
        b.dimension("imd_quintile", field_key, "imd_quintile", "Deprivation quintile (IMD 2019)")
        derived = ["imd_decile", "imd_quintile"]
    else:
        b.info["imd_from_lsoa"] = "no LSOA lookup given, so deprivation was not worked out"
    b.register(field_key, column, "lsoa", None, derived)
    if reasons:
        b.reasons[field_key] = reasons


def _coded(b: _Builder, field_key: str, column: str) -> None:
    spec = FIELDS[field_key]
    assert spec.code_list is not None
    cl = taxonomy.code_list(spec.code_list)
    classes = _classify(b.raw[column], _code_classifier(cl))
    b.add(field_key, *_codes_from(classes, b.index))
    derived: list[str] = []
    if spec.role == "characteristic":
        b.dimension(field_key, field_key, cl.key, spec.label)
    if field_key == "imd_decile":
        quintiles = [
            str(taxonomy.imd_quintile_for_decile(int(c))) if k == taxonomy.VALID else ""
            for c, k in zip(classes.out, classes.kinds, strict=True)
        ]
        b.add(
            "imd_quintile",
            _str_column(quintiles, classes.codes, b.index),
            _kind_column(classes.kinds, classes.codes, b.index),
        )
        b.dimension("imd_quintile", field_key, "imd_quintile", "Deprivation quintile (IMD)")
        derived.append("imd_quintile")
    b.register(field_key, column, field_key, cl.key, derived)
    if classes.reasons:
        b.reasons[field_key] = classes.reasons


def _numeric(b: _Builder, field_key: str, column: str) -> None:
    classify = {
        "count": _number_classifier(whole=True, negative=False, what="counts"),
        "population": _number_classifier(whole=False, negative=False, what="populations"),
        "score": _number_classifier(whole=False, negative=True, what="scores"),
    }[field_key]
    classes = _classify(b.raw[column], classify)
    b.add(
        field_key,
        _float_column(classes.out, classes.codes, b.index),
        _kind_column(classes.kinds, classes.codes, b.index),
    )
    b.register(field_key, column, field_key, None, [])
    if classes.reasons:
        b.reasons[field_key] = classes.reasons


def _date(b: _Builder, field_key: str, column: str) -> None:
    classes = _classify(b.raw[column], _classify_date)
    per_value = np.array(
        [np.datetime64(d.date(), "s") if d is not None else np.datetime64("NaT", "s") for d in classes.out],
        dtype="datetime64[s]",
    )
    dates = per_value[classes.codes] if len(per_value) else np.full(len(classes.codes), np.datetime64("NaT", "s"))
    b.add(field_key, pd.Series(dates, index=b.index), _kind_column(classes.kinds, classes.codes, b.index))
    b.register(field_key, column, field_key, None, [])
    if classes.reasons:
        b.reasons[field_key] = classes.reasons


def _arrow_strings(series: pd.Series) -> pa.ChunkedArray:
    """The column as Arrow strings, nulls as "" (zero-copy for Arrow-backed columns)."""
    if isinstance(series.dtype, pd.StringDtype) and series.dtype.storage == "pyarrow":
        arr = pa.array(series.array)
    else:
        arr = pa.array([("" if v is None or v != v else str(v)) for v in series.tolist()], type=pa.string())
    if isinstance(arr, pa.Array):
        arr = pa.chunked_array([arr])
    return pc.fill_null(arr, "")


def take_rows(strings: pa.ChunkedArray, rows: np.ndarray) -> pa.ChunkedArray:
    """The values at ``rows`` (in ascending order), taken chunk by chunk: Arrow's take
    on a chunked array first joins its chunks into one, a copy of the whole column
    (170 MB of IDs at 10M rows, kept afterwards by Arrow's memory pool)."""
    bounds = np.cumsum([0, *(len(chunk) for chunk in strings.chunks)])
    cuts = np.searchsorted(rows, bounds)
    taken = [
        chunk.take(pa.array(rows[cuts[i] : cuts[i + 1]] - bounds[i]))
        for i, chunk in enumerate(strings.chunks)
        if cuts[i + 1] > cuts[i]
    ]
    return pa.chunked_array(taken, type=strings.type)


def _any_padded(strings: pa.ChunkedArray) -> bool:
    """Whether any value starts or ends with whitespace (chunk by chunk, one character each)."""
    for chunk in strings.chunks:
        for start, stop in ((0, 1), (-1, None)):
            ends = pc.utf8_slice_codeunits(chunk, start, stop)
            if pc.any(pc.utf8_is_space(ends)).as_py():
                return True
    return False


def _trimmed_ids(strings: pa.ChunkedArray) -> tuple[pa.ChunkedArray, np.ndarray]:
    """Record IDs trimmed, blank words as "", and which were blank."""
    # Nothing to trim (no value starts or ends with whitespace): keep the column as read,
    # not a second copy of every ID.
    trimmed = pc.utf8_trim_whitespace(strings) if _any_padded(strings) else strings
    # Only values no longer than the longest blank word can be one (lower case has at least
    # as many characters), so only those are lowered: not a second copy of every ID.
    longest = max(len(t) for t in _BLANK_TOKENS)
    short = np.flatnonzero(pc.less_equal(pc.utf8_length(trimmed), longest).to_numpy(zero_copy_only=False))
    blank = np.zeros(len(trimmed), dtype=bool)
    if len(short):
        candidates = pc.utf8_lower(take_rows(trimmed, short))
        blank[short] = pc.is_in(candidates, value_set=pa.array(sorted(_BLANK_TOKENS))).to_numpy(zero_copy_only=False)
    if not blank.any():
        return trimmed, blank
    return pc.if_else(pa.array(blank), "", trimmed), blank


def _record_id(b: _Builder, field_key: str, column: str) -> None:
    series = b.raw[column]
    if isinstance(series.dtype, pd.CategoricalDtype):
        # Each distinct ID is trimmed once; IDs that are the same once trimmed share a category.
        codes, values = _factorize(series)
        ids, blank = _trimmed_ids(pa.chunked_array([pa.array(values, type=pa.large_string())]))
        id_codes, distinct = pd.factorize(pd.Series(ids, dtype=_STR), use_na_sentinel=True)
        per_row = id_codes[codes] if len(values) else np.zeros(len(codes), dtype=np.int64)
        ids_column = pd.Series(
            pd.Categorical.from_codes(per_row, categories=pd.Index(distinct, dtype=_STR)), index=b.index, copy=False
        )
        kinds = np.where(blank, _KIND_INDEX[BLANK], _KIND_INDEX[taxonomy.VALID]).astype(np.int8)
        kinds = kinds[codes] if len(values) else kinds
    else:
        ids, blank = _trimmed_ids(_arrow_strings(series))
        ids_column = pd.Series(ids, dtype=_STR, index=b.index, copy=False)
        kinds = np.where(blank, _KIND_INDEX[BLANK], _KIND_INDEX[taxonomy.VALID]).astype(np.int8)
    b.add(field_key, ids_column, pd.Series(pd.Categorical.from_codes(kinds, dtype=KIND_DTYPE), index=b.index))
    b.register(field_key, column, field_key, None, [])


# --------------------------------------------------------------------------- entry point


def normalise(
    raw: pd.DataFrame,
    mapping: Mapping | AbcMapping[str, str | None],
    *,
    lsoa_lookup: AbcMapping[str, int] | None = None,
    dropped_identifiers: list[str] | None = None,
) -> Normalised:
    """Normalise ``raw`` (a table of strings, e.g. ``Extract.table``) under ``mapping``.

    ``mapping`` is a :class:`Mapping` or a ``{column: field}`` dict (checked).
    ``lsoa_lookup`` maps 2011 LSOA codes to IMD 2019 deciles (see
    :func:`load_lsoa_imd_lookup`); without it LSOAs are checked for shape only.
    ``dropped_identifiers`` (column names) default to those recorded in ``raw.attrs["extract"]``.
    """
    if not isinstance(mapping, Mapping):
        mapping = Mapping.from_dict(dict(mapping), columns=raw.columns)
    else:
        missing = [c for c in mapping.columns if c not in raw.columns]
        if missing:
            Mapping.from_dict(mapping.to_dict(), columns=raw.columns)  # raises a MappingError naming them
    raw = _with_row_numbers(raw)
    b = _Builder(raw, mapping)
    for column, field_key in mapping.columns.items():
        spec = FIELDS[field_key]
        if field_key in ("ethnicity", "ethnicity_2021"):
            _ethnicity(b, field_key, column)
        elif field_key == "age":
            _age(b, field_key, column)
        elif field_key == "age_band":
            _age_band(b, field_key, column)
        elif field_key == "lsoa":
            _lsoa(b, field_key, column, lsoa_lookup)
        elif field_key in ("count", "population", "score"):
            _numeric(b, field_key, column)
        elif field_key == "date":
            _date(b, field_key, column)
        elif field_key == "record_id":
            _record_id(b, field_key, column)
        elif spec.code_list is not None:
            _coded(b, field_key, column)
        else:  # pragma: no cover - every field is handled above
            raise AssertionError(field_key)
    frame = pd.DataFrame(b.columns, index=raw.index, copy=False)
    if dropped_identifiers is None:
        dropped_identifiers = list((raw.attrs.get("extract") or {}).get("dropped_identifiers", []))
    dropped_identifiers = [str(d["column"]) if isinstance(d, dict) else str(d) for d in dropped_identifiers]
    return Normalised(
        table=frame,
        mapping=mapping,
        raw=raw,
        fields=b.fields,
        dimensions=b.dimensions,
        invalid_reasons=b.reasons,
        info=b.info,
        dropped_identifiers=dropped_identifiers,
    )


def _with_row_numbers(raw: pd.DataFrame) -> pd.DataFrame:
    """Make sure the index is spreadsheet row numbers.

    A table saved without its index (``to_parquet(index=False)``) comes back numbered
    0, 1, 2 ...; when the reader dropped no empty rows, the row numbers follow from
    the header row, so they are put back (without copying the data).
    """
    if raw.index.name == ROW:
        return raw
    meta = raw.attrs.get("extract") or {}
    header_row = meta.get("header_row")
    index = raw.index
    if (
        isinstance(index, pd.RangeIndex)
        and index.start == 0
        and index.step == 1
        and isinstance(header_row, int)
        and meta.get("row_count") == len(raw)
        and not meta.get("empty_rows_dropped")
    ):
        first = header_row + 1
        return raw.set_axis(pd.RangeIndex(first, first + len(raw), name=ROW), axis=0)
    return raw


@lru_cache(maxsize=4)
def _load_lookup(path: str) -> dict[str, int]:
    table = pd.read_csv(path, dtype={"lsoa2011": "str", "imd_decile": "int64"}, usecols=["lsoa2011", "imd_decile"])
    return dict(zip(table["lsoa2011"].str.strip().str.upper(), table["imd_decile"].astype(int), strict=True))


def load_lsoa_imd_lookup(path: str | Path | None = None) -> dict[str, int]:
    """2011 LSOA code -> IMD 2019 decile, from the file shipped in ``identify/data`` (cached)."""
    return _load_lookup(str(path or DEFAULT_IMD_LOOKUP))
