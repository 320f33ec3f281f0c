"""CSV and Excel safety against formula injection: amhe.analysis.csv_safe (no database)."""

import csv
import io

import pytest

from amhe.analysis.csv_safe import csv_safe, csv_unsafe


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        ("=1+1", "'=1+1"),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\t=1", "'\t=1"),
        ("  =1", "'  =1"),
        # Whatever comes before the formula: control, line-break and invisible characters.
        ("\x01=1+1", "'\x01=1+1"),
        ("\x1b\x08@A1", "'\x1b\x08@A1"),
        ("\r\n=1", "'\r\n=1"),
        ("\n+1+1", "'\n+1+1"),
        ("\u200b=1", "'\u200b=1"),
        ("\ufeff-1+1", "'\ufeff-1+1"),
        ("\xa0=1", "'\xa0=1"),
        # Full-width signs, which some spreadsheets read as formulae.
        ("\uff1d1+1", "'\uff1d1+1"),
        ("\uff0b1", "'\uff0b1"),
        ("\uff20A1", "'\uff20A1"),
        # A tab or carriage return first, whatever follows.
        ("\tnotes", "'\tnotes"),
        ("\rnotes", "'\rnotes"),
        ("\t-1", "'\t-1"),
        ("-inf", "'-inf"),
        ("-\u0661", "'-\u0661"),  # an Arabic-Indic digit is not a plain number
        ("-1.5", "-1.5"),
        ("+44", "+44"),
        ("-1,234", "-1,234"),
        ("1e-5", "1e-5"),
        ("White - British", "White - British"),
        ("", ""),
        (-1.5, -1.5),
        (3, 3),
        (None, None),
    ],
)
def test_csv_safe(value, safe):
    assert csv_safe(value) == safe


@pytest.mark.parametrize("value", ["=1+1", "\x01=1", "\uff1d1", " =1", "\tnotes"])
def test_csv_unsafe_undoes_csv_safe(value):
    assert csv_safe(value) == "'" + value
    assert csv_unsafe(csv_safe(value)) == value


@pytest.mark.parametrize("text", ["'hello", "'", "'-1.5", "-1.5", "plain", ""])
def test_csv_unsafe_leaves_other_text_alone(text):
    # An apostrophe csv_safe would not have added stays.
    assert csv_unsafe(text) == text


def test_csv_safe_export_round_trip():
    out = io.StringIO()
    csv.writer(out).writerow([csv_safe(v) for v in ["=cmd()", "-1.5", -2, "Irish"]])
    assert out.getvalue() == "'=cmd(),-1.5,-2,Irish\r\n"
