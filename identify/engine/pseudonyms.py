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


def may_contain_bytes(values: pa.Array, wanted: bytes) -> bool:
    """False when no byte of a string array's data is one of ``wanted`` (a quick scan of
    the data buffer, which may hold bytes outside the array: then True, to be checked)."""
    data = values.buffers()[-1] if len(values) else None
    if data is None:
        return False
    view = np.frombuffer(data, dtype=np.uint8)
    return any(bool(np.any(view == byte)) for byte in wanted)


def _normalise(values: pa.Array) -> pa.Array:
    """Every value's normalised form (vectorised; the one definition of it): runs of
    spaces, tabs and line breaks become one space, the ends are trimmed, letters are
    upper-cased, and a valid NHS number (ten digits with a modulus 11 check digit, spaces
    or hyphens anywhere) becomes its ten digits. Missing values become ""."""
    text = pc.fill_null(pc.cast(values, pa.large_string()), "")
    if may_contain_bytes(text, b"\t\n\v\f\r "):  # else there is nothing to squeeze or trim
        text = pc.utf8_trim(pc.replace_substring_regex(text, r"[\t\n\v\f\r ]+", " "), " ")
    text = pc.utf8_upper(text)
    digits = pc.replace_substring_regex(text, r"[ -]", "") if may_contain_bytes(text, b" -") else text
    # Ten ASCII digits once spaces and hyphens are taken out (as text matching ^[0-9 -]+$).
    candidate = pc.and_(pc.ascii_is_decimal(digits), pc.equal(pc.binary_length(digits), 10))
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


def pseudonymise_array(values: pa.Array | pa.ChunkedArray | list[pa.Array], key: str | bytes) -> pa.ChunkedArray:
    """Each value's pseudonym (blank and missing values blank), as large strings, chunk
    by chunk as given.

    Each chunk is dictionary-encoded (unless it already is), so each distinct value is
    normalised and hashed once and the pseudonyms are spread back over the rows by their
    codes: a column with many repeats (one person's many contacts) costs one HMAC per
    person. (Encoding the whole column at once finds a few more repeats in a column of
    mostly distinct IDs, at the cost of holding every distinct ID and its pseudonym at
    once: at 10 million rows more memory than the rest of the read.)"""
    secret = _key_bytes(key)
    out = []
    chunks = values.chunks if isinstance(values, pa.ChunkedArray) else values if isinstance(values, list) else [values]
    for chunk in chunks:
        if not pa.types.is_dictionary(chunk.type):
            chunk = pc.dictionary_encode(pc.cast(chunk, pa.large_string()))
        hashed = _hex_pseudonyms(_normalise(chunk.dictionary), secret)
        out.append(pc.fill_null(hashed.take(chunk.indices), ""))
    return pa.chunked_array(out, type=pa.large_string())


_HEX_DIGITS = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
_HASH_BATCH = 65_536  # values hashed at a time: bounds the Python objects held


def _hex_pseudonyms(forms: pa.Array, key: bytes) -> pa.Array:
    """The pseudonym of each normalised form ("" for ""): the first PSEUDONYM_CHARS hex
    characters of its HMAC-SHA256, written straight into one fixed-width buffer."""
    half = np.empty((len(forms), PSEUDONYM_CHARS // 2), dtype=np.uint8)
    for start in range(0, len(forms), _HASH_BATCH):
        messages = pc.cast(forms.slice(start, _HASH_BATCH), pa.large_binary()).to_pylist()
        digests = np.frombuffer(b"".join(_hmac_sha256(key, messages)), dtype=np.uint8)
        half[start : start + len(messages)] = digests.reshape(len(messages), -1)[:, : PSEUDONYM_CHARS // 2]
    text = np.empty((len(forms), PSEUDONYM_CHARS), dtype=np.uint8)
    text[:, 0::2] = _HEX_DIGITS[half >> 4]
    text[:, 1::2] = _HEX_DIGITS[half & 15]
    offsets = np.arange(0, PSEUDONYM_CHARS * len(forms) + 1, PSEUDONYM_CHARS, dtype=np.int64)
    hexed = pa.LargeStringArray.from_buffers(len(forms), pa.py_buffer(offsets), pa.py_buffer(text))
    return pc.if_else(pc.equal(forms, ""), "", hexed)


def _hmac_sha256(key: bytes, messages: list[bytes]) -> list[bytes]:
    """HMAC-SHA256 (RFC 2104) of each message under ``key``, with the hash states of the
    padded key computed once (RFC 2104 section 4): the same digests as ``hmac.new``, at
    about half the cost per message."""
    block = hashlib.sha256().block_size
    if len(key) > block:
        key = hashlib.sha256(key).digest()
    key = key.ljust(block, b"\0")
    inner = hashlib.sha256(bytes(k ^ 0x36 for k in key)).copy
    outer = hashlib.sha256(bytes(k ^ 0x5C for k in key)).copy

    def one(message: bytes) -> bytes:
        mac = inner()
        mac.update(message)
        result = outer()
        result.update(mac.digest())
        return result.digest()

    return [one(message) for message in messages]


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
    categories = series.cat.categories
    if isinstance(categories.dtype, pd.StringDtype):
        names = pa.array(categories.array, from_pandas=True)  # without a copy for pyarrow-backed text
    else:
        names = pa.array([str(c) for c in categories], type=pa.large_string())
    hashed = pseudonymise_array(names, key).chunks + [pa.array([""], type=pa.large_string())]  # last: missing
    encoded = pc.dictionary_encode(pa.chunked_array(hashed, type=pa.large_string()).combine_chunks())
    new_codes = encoded.indices.to_numpy(zero_copy_only=False)
    codes = series.cat.codes.to_numpy()
    return pd.Series(
        pd.Categorical.from_codes(
            np.where(codes < 0, new_codes[-1], new_codes[codes]),
            categories=pd.Index(pd.array(encoded.dictionary, dtype=categories.dtype)),
        ),
        index=series.index,
    )
