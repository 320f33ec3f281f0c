"""Pseudonyms for person identifiers: a keyed HMAC-SHA256, never the identifier.

Where record-level data needs a person key (to find repeat records of one person,
count distinct people, or link this month's upload to last month's), the app stores
``pseudonym(identifier, key)`` instead of the identifier: the HMAC-SHA256 (RFC 2104)
of the normalised identifier under a secret key that lives in the environment
(``AMHE_PSEUDONYM_KEY``), never in the database. The same identifier under the same
key always gives the same pseudonym, so records still link; without the key a
pseudonym cannot be turned back into the identifier, nor can a guessed NHS number be
checked against it (the NHS number space is small enough to try every number against
an unkeyed hash).

The digest is cut to its first 128 bits (32 hex characters), within RFC 2104 section
5's advice that a truncated HMAC keep at least half the hash's length; at 128 bits a
collision between two people's pseudonyms in any realistic extract is negligible.

Identifiers are normalised before hashing, so formatting does not split one person in
two: surrounding and repeated spaces go, letters are upper-cased, and a valid NHS
number is reduced to its ten digits (``943 476 5919``, ``943-476-5919`` and
``9434765919`` give one pseudonym). A blank value stays blank.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from typing import Final

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

#: Hex characters kept from the HMAC-SHA256 digest (128 bits).
PSEUDONYM_CHARS: Final = 32

__all__ = [
    "PSEUDONYM_CHARS",
    "is_person_key",
    "normalise_identifier",
    "pseudonym",
    "pseudonymise_array",
    "pseudonymise_columns",
]

# Column names of a person's or record's key in a local system: "Local Patient ID", "Client
# ID", "RiO number", "MRN", "Hospital number", "Case ref"... (compared without spaces,
# punctuation or case).
_PERSON_KEY = re.compile(
    r"(?:local)?(?:patient|person|client|serviceuser|su|pt|case|hospital|rio|medicalrecord|unit)"
    r"(?:id|identifier|ref|reference|number|no|num|nbr)|(?:local)?mrn"
)


def is_person_key(name: str) -> bool:
    """Whether a column's name says it holds a person's key in a local system."""
    return bool(_PERSON_KEY.fullmatch(re.sub(r"[^0-9a-z]+", "", str(name).casefold())))


def _key_bytes(key: str | bytes) -> bytes:
    if not key:
        raise ValueError("A pseudonym key is required.")
    return key.encode("utf-8") if isinstance(key, str) else bytes(key)


_NHS_WEIGHTS = np.arange(10, 1, -1)


def _normalise(values: pa.Array) -> pa.Array:
    """Every value's normalised form (vectorised; the one definition of it): runs of
    spaces, tabs and line breaks become one space, the ends are trimmed, letters are
    upper-cased, and a valid NHS number (ten digits with a modulus 11 check digit, spaces
    or hyphens anywhere) becomes its ten digits. Missing values become ""."""
    text = pc.fill_null(pc.cast(values, pa.large_string()), "")
    text = pc.utf8_upper(pc.utf8_trim(pc.replace_substring_regex(text, r"[\t\n\v\f\r ]+", " "), " "))
    digits = pc.replace_substring_regex(text, r"[ -]", "")
    candidate = pc.and_(pc.match_substring_regex(text, r"^[0-9 -]+$"), pc.equal(pc.utf8_length(digits), 10))
    where = np.flatnonzero(candidate.to_numpy(zero_copy_only=False))
    if not len(where):
        return text
    found = pc.take(digits, pa.array(where)).to_pylist()
    d = np.frombuffer("".join(found).encode("ascii"), dtype=np.uint8).reshape(-1, 10).astype(np.int64) - 48
    check = 11 - (d[:, :9] @ _NHS_WEIGHTS) % 11
    check[check == 11] = 0
    valid = (check != 10) & (check == d[:, 9]) & (d.min(axis=1) != d.max(axis=1))
    mask = np.zeros(len(text), dtype=bool)
    mask[where[valid]] = True
    return pc.if_else(pa.array(mask), digits, text)


def normalise_identifier(value: str) -> str:
    """The form of one identifier that is hashed (see :func:`_normalise`)."""
    return _normalise(pa.array([value], type=pa.large_string()))[0].as_py()


def pseudonym(value: str, key: str | bytes) -> str:
    """The pseudonym of one identifier under ``key`` ("" for a blank identifier)."""
    return pseudonymise_array(pa.array([value], type=pa.large_string()), key)[0].as_py()


def pseudonymise_array(values: pa.Array | pa.ChunkedArray, key: str | bytes) -> pa.ChunkedArray:
    """Each value's pseudonym (blank and missing values blank), as large strings.

    Each distinct value is normalised and hashed once and the results spread back over
    the rows, so a column with many repeats (one person's many contacts) costs one HMAC
    per person."""
    base = hmac.new(_key_bytes(key), digestmod=hashlib.sha256)
    chunks = values.chunks if isinstance(values, pa.ChunkedArray) else [values]
    out = []
    for chunk in chunks:
        encoded = pc.dictionary_encode(pc.cast(chunk, pa.large_string()))
        hashed = []
        for normal in _normalise(encoded.dictionary).to_pylist():
            if normal:
                mac = base.copy()
                mac.update(normal.encode("utf-8"))
                hashed.append(mac.hexdigest()[:PSEUDONYM_CHARS])
            else:
                hashed.append("")
        taken = pc.take(pa.array(hashed, type=pa.large_string()), encoded.indices)
        out.append(pc.fill_null(taken, ""))
    return pa.chunked_array(out, type=pa.large_string())


def pseudonymise_columns(table: pd.DataFrame, columns: list[str], key: str | bytes) -> pd.DataFrame:
    """``table`` with each of ``columns`` (text, such as a record ID the uploader's
    system gave each person or referral) replaced by its pseudonyms, in place."""
    for column in columns:
        series = table[column]
        if isinstance(series.dtype, pd.CategoricalDtype):  # the reader keeps repeating columns so
            table[column] = _pseudonymise_categorical(series, key)
            continue
        values = pa.array(series, from_pandas=True)  # without a copy for pyarrow-backed text
        table[column] = pd.Series(pseudonymise_array(values, key), index=table.index, dtype=series.dtype)
    return table


def _pseudonymise_categorical(series: pd.Series, key: str | bytes) -> pd.Series:
    """A categorical column's pseudonyms, as a categorical: each category hashed once
    (a missing value's pseudonym is blank, as for text)."""
    categories = pa.array([str(c) for c in series.cat.categories], type=pa.large_string())
    hashed = [*pseudonymise_array(categories, key).to_pylist(), ""]  # the last: a missing value
    codes = series.cat.codes.to_numpy().astype(np.int64)
    codes[codes < 0] = len(hashed) - 1
    new_codes, distinct = pd.factorize(pd.Series(hashed, dtype=series.cat.categories.dtype))
    return pd.Series(
        pd.Categorical.from_codes(new_codes[codes], categories=pd.Index(distinct, dtype=series.cat.categories.dtype)),
        index=series.index,
    )
