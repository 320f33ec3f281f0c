"""CSV and Excel safety (formula injection): every value the app writes into a CSV
or Excel export goes through `csv_safe`; text read back from one of our exports
goes through `csv_unsafe`."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

_NUMBER_RE = re.compile(r"[+-]?(?:\d[\d,]*(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)
# Characters that start a formula in Excel, LibreOffice Calc or Google Sheets, with the
# full-width forms that East Asian input methods type and some versions of Excel accept.
_FORMULA_STARTS = frozenset("=+-@\uff1d\uff0b\uff0d\uff20")
# Characters a spreadsheet may drop or step over before it looks for a formula:
# whitespace, control characters (tab, CR, LF and the rest) and invisible format
# characters (zero-width space, byte order mark).
_SKIPPED_CATEGORIES = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp"})


def _formula_start(value: str) -> str:
    """The first character of `value` a spreadsheet would read, past whitespace,
    control and invisible characters ("" when there is none)."""
    for char in value:
        if not (char.isspace() or unicodedata.category(char) in _SKIPPED_CATEGORIES):
            return char
    return ""


def csv_safe(value: Any) -> Any:
    """Make one value safe to write into a CSV or Excel file (formula injection).

    Text that a spreadsheet could run as a formula gets a leading ``'``: text whose
    first visible character is ``=``, ``+``, ``-`` or ``@`` (or their full-width
    forms) whatever comes before it (spaces, tabs, line breaks, other control or
    invisible characters), and text that starts with a tab or carriage return.
    Numbers are data, not formulae: ints, floats and Decimals pass through unchanged,
    and so does text that is just a number (``"-1.5"``, ``"+44"``, ``"-1,234"``).
    ``None`` and other non-text values are returned unchanged. Excel files must
    have their illegal characters removed *before* this check
    (amhe.surveys.export does), or removing them could uncover a formula.
    """
    if not isinstance(value, str) or not value:
        return value
    if value[0] in "\t\r" or _formula_start(value) in _FORMULA_STARTS:
        if _NUMBER_RE.fullmatch(value.strip(" ")):
            return value
        return "'" + value
    return value


def csv_unsafe(value: str) -> str:
    """Undo :func:`csv_safe` on text read back from one of our exports:
    ``"'=SUM(A1)"`` reads as ``"=SUM(A1)"``; any other text is unchanged."""
    if value.startswith("'") and csv_safe(value[1:]) == value:
        return value[1:]
    return value
