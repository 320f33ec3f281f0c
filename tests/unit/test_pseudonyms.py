"""Pseudonyms of person identifiers (identify/engine/pseudonyms.py), the reader putting
them in place of NHS numbers, and the key being required at start-up."""

import hashlib
import hmac
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from identify import engine
from identify.engine.pseudonyms import (
    _hmac_sha256,
    normalise_identifier,
    pseudonym,
    pseudonymise_array,
    pseudonymise_columns,
)
from identify.engine.reading import is_valid_nhs_number

ROOT = Path(__file__).resolve().parents[2]
KEY = "unit-test-pseudonym-key-" + "k" * 20
OTHER_KEY = "another-unit-test-pseudonym-key-" + "o" * 20


def test_a_pseudonym_is_the_keyed_hmac_sha256_of_the_normalised_identifier():
    expected = hmac.new(KEY.encode(), b"9434765919", hashlib.sha256).hexdigest()[:32]
    assert pseudonym("9434765919", KEY) == expected
    assert len(expected) == 32 and int(expected, 16) >= 0


def test_same_identifier_same_key_same_pseudonym_whatever_the_formatting():
    forms = ["9434765919", "943 476 5919", " 943-476-5919 ", "943  476  5919"]
    assert len({pseudonym(form, KEY) for form in forms}) == 1
    assert pseudonym("rio-0001", KEY) == pseudonym("  RIO-0001 ", KEY)
    assert normalise_identifier(" 943 476 5919 ") == "9434765919"


def test_a_different_key_or_identifier_gives_a_different_pseudonym():
    assert pseudonym("9434765919", KEY) != pseudonym("9434765919", OTHER_KEY)
    assert pseudonym("9434765919", KEY) != pseudonym("9434765870", KEY)
    # Ten digits that are not a valid NHS number are not taken for one (only trimmed).
    assert normalise_identifier("1234 567 890") == "1234 567 890"


def test_blank_identifiers_stay_blank_and_a_key_is_required():
    assert pseudonym("   ", KEY) == ""
    with pytest.raises(ValueError):
        pseudonym("9434765919", "")


def test_columns_are_pseudonymised_once_per_distinct_value():
    table = pd.DataFrame({"Client ID": ["a1", "a2", "a1", "", None], "Sex": ["1", "2", "1", "2", "1"]}, dtype="str")
    out = pseudonymise_columns(table.copy(), ["Client ID"], KEY)
    assert out["Client ID"].tolist() == [pseudonym("a1", KEY), pseudonym("a2", KEY), pseudonym("a1", KEY), "", ""]
    assert out["Sex"].tolist() == table["Sex"].tolist()
    assert out["Client ID"].dtype == table["Client ID"].dtype


def test_the_reader_replaces_nhs_numbers_with_pseudonyms_given_a_key():
    content = b"NHS Number,Surname,Ethnicity\n943 476 5919,Smith,A\n9434765870,Jones,B\n9434765919,Smith,A\n,Brown,C\n"
    result = engine.read_extract(content, filename="x.csv", max_bytes=10**6, pseudonym_key=KEY)
    assert result.columns == [engine.NHS_PSEUDONYM_COLUMN, "Ethnicity"]
    assert result.pseudonymised == [engine.NHS_PSEUDONYM_COLUMN]
    values = result.table[engine.NHS_PSEUDONYM_COLUMN].tolist()
    assert values == [pseudonym("9434765919", KEY), pseudonym("9434765870", KEY), pseudonym("9434765919", KEY), ""]
    assert result.dropped_identifiers == ["NHS Number", "Surname"]
    assert result.identifier_details[0]["replaced_by"] == engine.NHS_PSEUDONYM_COLUMN
    text = result.table.to_csv()
    assert "9434765919" not in text and "943 476 5919" not in text and "Smith" not in text
    # The column it becomes is suggested as the record ID (to find one person's repeat records).
    assert engine.detect_mapping(result.columns)[engine.NHS_PSEUDONYM_COLUMN] == "record_id"


def test_nhs_numbers_found_by_content_are_pseudonymised_too():
    content = b"Ref,Ethnicity\n9434765919,A\n9434765870,B\n"
    result = engine.read_extract(content, filename="x.csv", max_bytes=10**6, pseudonym_key=KEY)
    assert result.columns == [engine.NHS_PSEUDONYM_COLUMN, "Ethnicity"]
    assert result.identifier_details[0]["detected_by"] == "content"


def test_without_a_key_nhs_numbers_are_dropped_as_before():
    content = b"NHS Number,Ethnicity\n9434765919,A\n"
    result = engine.read_extract(content, filename="x.csv", max_bytes=10**6)
    assert result.columns == ["Ethnicity"] and result.pseudonymised == []


def test_a_file_of_only_identifiers_is_still_refused_with_a_key():
    with pytest.raises(engine.ExtractError) as caught:
        engine.read_extract(
            b"NHS Number,Surname\n9434765919,Smith\n", filename="x.csv", max_bytes=10**6, pseudonym_key=KEY
        )
    assert caught.value.code == "only_identifiers"


def _start(**env) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("AMHE_", "DJANGO_"))}
    base.update(
        DEBUG="0",
        SECRET_KEY="x" * 60,
        ALLOWED_HOSTS="amhe.example.nhs.uk",
        DJANGO_SETTINGS_MODULE="amhe.settings",
    )
    base.update(env)
    base = {k: v for k, v in base.items() if v is not None}
    return subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=base, capture_output=True, text=True, timeout=120
    )


def test_start_up_stops_without_the_key_when_debug_is_off():
    done = _start(AMHE_PSEUDONYM_KEY=None)
    assert done.returncode != 0
    assert "AMHE_PSEUDONYM_KEY must be set when DEBUG is off" in done.stderr
    short = _start(AMHE_PSEUDONYM_KEY="too-short")
    assert short.returncode != 0 and "AMHE_PSEUDONYM_KEY must be at least 32 characters" in short.stderr
    assert _start(AMHE_PSEUDONYM_KEY="k" * 40).returncode == 0, _start(AMHE_PSEUDONYM_KEY="k" * 40).stderr


def test_start_up_stops_on_a_bad_storage_setting():
    bad = _start(AMHE_PSEUDONYM_KEY="k" * 40, AMHE_STORAGE="nfs")
    assert bad.returncode != 0 and "AMHE_STORAGE must be 'local' or 's3'" in bad.stderr
    no_bucket = _start(AMHE_PSEUDONYM_KEY="k" * 40, AMHE_STORAGE="s3")
    assert no_bucket.returncode != 0 and "AMHE_S3_BUCKET must be set" in no_bucket.stderr


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from("0123456789 -"), min_size=8, max_size=14).map("".join))
def test_nhs_numbers_are_recognised_exactly_as_the_reader_recognises_them(text):
    digits = text.replace(" ", "").replace("-", "")
    expected = digits if is_valid_nhs_number(" ".join(text.split())) else " ".join(text.split()).upper()
    assert normalise_identifier(text) == expected


# RFC 4231 section 4: HMAC-SHA-256 test cases 1, 2 and 6 (a key longer than the hash's block).
RFC_4231 = [
    (b"\x0b" * 20, b"Hi There", "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
    (b"Jefe", b"what do ya want for nothing?", "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
    (
        b"\xaa" * 131,
        b"Test Using Larger Than Block-Size Key - Hash Key First",
        "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
    ),
]


@pytest.mark.parametrize(("key", "message", "digest"), RFC_4231)
def test_the_hmac_is_rfc_4231s_hmac_sha256(key, message, digest):
    assert _hmac_sha256(key, [message]) == [bytes.fromhex(digest)] == [hmac.new(key, message, hashlib.sha256).digest()]


@pytest.mark.parametrize("key", ["k", "x" * 64, "y" * 65, "ł" * 100])
def test_pseudonyms_match_hmac_new_for_keys_of_any_length(key):
    values = ["a1", "9434765919", "", "  b 2 ", "é"] * 3
    want = [
        hmac.new(key.encode(), normalise_identifier(v).encode(), hashlib.sha256).hexdigest()[:32] if v.strip() else ""
        for v in values
    ]
    assert pseudonymise_array(pa.array(values, type=pa.large_string()), key).to_pylist() == want


def test_dictionary_encoded_and_chunked_values_give_the_same_pseudonyms():
    values = [f"id{i % 7}" for i in range(100)] + [None, ""]
    plain = pseudonymise_array(pa.array(values, type=pa.large_string()), KEY).to_pylist()
    encoded = pa.array(values, type=pa.large_string()).dictionary_encode()
    small_codes = pa.DictionaryArray.from_arrays(encoded.indices.cast(pa.int8()), encoded.dictionary)
    assert pseudonymise_array(small_codes, KEY).to_pylist() == plain
    chunks = [pa.array(values[:50], type=pa.large_string()), small_codes.slice(50)]
    assert pseudonymise_array(chunks, KEY).to_pylist() == plain
    assert pseudonymise_array(pa.chunked_array(chunks[:1]), KEY).to_pylist() == plain[:50]
    assert plain[-2:] == ["", ""] and plain[0] == pseudonym("id0", KEY)


def test_a_categorical_column_is_pseudonymised_per_category():
    values = ["a1", "a2", None, "a1", " A1 ", ""]
    table = pd.DataFrame({"Client ID": pd.Series(values, dtype="str").astype("category")})
    out = pseudonymise_columns(table, ["Client ID"], KEY)["Client ID"]
    assert isinstance(out.dtype, pd.CategoricalDtype)
    assert isinstance(out.cat.categories.dtype, pd.StringDtype)
    assert out.tolist() == [pseudonym(v or "", KEY) for v in values]
    assert out.tolist()[0] == out.tolist()[4]  # " A1 " is "A1" once normalised
