"""Reading references from a CSV or a RIS file (Research 2A). Pure Python, no Django.

Both readers return an `ImportResult`: the records as plain dicts (title,
authors, year, doi, url, summary) with the row or record number each came
from, and the problems found, each with its row or record number and what to
fix. research.evidence.services.references_import saves the records only when
there is no problem, so a bad file changes nothing.

Every text loses its control characters (C0 and C1, except a line break or a
tab in the summary), files bigger than MAX_BYTES are refused unread, and at
most MAX_RECORDS are read.

**RIS** (Research Information Systems' tagged format; "RIS Format
Specifications", Reference Manager, Appendix C, Thomson ResearchSoft; the
refdb manual, section 7.1 "Writing RIS datasets",
https://refdb.sourceforge.net/manual-0.9.6/sect1-ris-format.html): each line
is a tag of an upper-case letter and a letter or digit, two spaces, a hyphen,
a space and the value (`TI  - A title`). A record starts with `TY` (its type)
and ends with `ER`. Long values may go on over several lines: a line without a
tag carries on the value before it. We read TI or T1 (title), AU or A1
(authors, one per line), PY or Y1 (year: the first four digits, as in
`2019/05/01/`), DO (DOI), UR (web address; the first one), AB or N2 (abstract,
kept as the summary), and ignore other tags. Some exporters put one space
before the hyphen or none after it, and end lines with CR LF; both are read.

**CSV**: the first row holds the column headings, among title, authors, year,
doi, url and summary (title needed, any order, letter case and spaces
ignored). Rows are numbered as in a spreadsheet: the headings are row 1.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

MAX_BYTES = 2 * 1024 * 1024
MAX_RECORDS = 2000
MAX_ERRORS = 100
TITLE_MAX = 500
FIELDS = ("title", "authors", "year", "doi", "url", "summary")
MIN_YEAR, MAX_YEAR = 1800, 2100

DOI_RE = re.compile(r"^10\.\d{4,9}(\.\d+)*/\S+$")
_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
# C0 and C1 control characters, DEL, and the Unicode line and paragraph separators.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")
_CONTROL_AND_BREAKS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def clean_text(value: str | None, *, multiline: bool = False) -> str:
    """`value` without control characters, trimmed. A one-line value has its tabs and
    line breaks turned into spaces; a multi-line one keeps line breaks and tabs."""
    text = (value or "").replace("\r\n", "\n").replace("\r", "\n")
    if multiline:
        return _CONTROL.sub("", text).strip()
    return re.sub(r"\s+", " ", _CONTROL_AND_BREAKS.sub(" ", text)).strip()


def clean_doi(value: str) -> str:
    """The DOI alone (without https://doi.org/ or doi:), or ValueError saying what to fix."""
    doi = _DOI_PREFIX.sub("", clean_text(value))
    if doi and not DOI_RE.match(doi):
        raise ValueError(
            f"'{value.strip()[:60]}' is not a DOI. A DOI starts with 10., then 4 to 9 numbers, a slash and the "
            "rest, like 10.1192/bjp.2019.22"
        )
    return doi


def clean_url(value: str) -> str:
    """The web address, or ValueError unless it starts with http:// or https:// and names a site."""
    url = clean_text(value)
    if not url:
        return ""
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or " " in url:
        raise ValueError(f"'{url[:60]}' is not a web address. Enter one that starts with https:// or http://")
    return url


def clean_year(value: str) -> int | None:
    text = clean_text(value)
    if not text:
        return None
    match = re.match(r"^(\d{4})", text)
    if not match or not MIN_YEAR <= int(match.group(1)) <= MAX_YEAR:
        raise ValueError(f"'{text[:20]}' is not a year. Enter the year of publication, like 2019")
    return int(match.group(1))


@dataclass(frozen=True)
class Problem:
    number: int | None  # row (CSV) or record (RIS); None: about the whole file
    message: str
    kind: str = "Row"

    def __str__(self) -> str:
        return self.message if self.number is None else f"{self.kind} {self.number}: {self.message}"


@dataclass
class ImportResult:
    kind: str = "Row"  # "Row" for CSV, "Record" for RIS
    records: list[tuple[int, dict]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    more_problems: int = 0

    def add(self, number: int | None, message: str) -> None:
        if len(self.problems) < MAX_ERRORS:
            self.problems.append(Problem(number, message, self.kind))
        else:
            self.more_problems += 1

    @property
    def ok(self) -> bool:
        return not self.problems and not self.more_problems

    @property
    def problem_count(self) -> int:
        return len(self.problems) + self.more_problems


_UNREADABLE = "The file could not be read as text. Save it as UTF-8 text (CSV UTF-8 or RIS) and try again."


def decode(data: bytes) -> str:
    """The text of the file: UTF-8 (with or without a byte order mark), UTF-16 with one,
    else Windows-1252. Raises ValueError with what to do for binary files."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise ValueError(_UNREADABLE) from None
    elif b"\x00" in data or data[:4] == b"PK\x03\x04" or data[:5] == b"%PDF-":
        raise ValueError(_UNREADABLE)
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1252", errors="replace")
    if "\x00" in text:
        raise ValueError(_UNREADABLE)
    return text


def _check_size(data: bytes, result: ImportResult) -> bool:
    if len(data) > MAX_BYTES:
        result.add(None, f"The file is too big: it must be smaller than {MAX_BYTES // (1024 * 1024)} MB. Split it.")
        return False
    if not data.strip():
        result.add(None, "The file is empty. Choose a file with references in it.")
        return False
    return True


def clean_record(raw: dict) -> tuple[dict, list[str]]:
    """(the cleaned record, problems with it)."""
    record = {
        "title": clean_text(raw.get("title")),
        "authors": clean_text(raw.get("authors")),
        "summary": clean_text(raw.get("summary"), multiline=True),
        "year": None,
        "doi": "",
        "url": "",
    }
    problems = []
    if not record["title"]:
        problems.append("There is no title. Every reference needs one")
    elif len(record["title"]) > TITLE_MAX:
        problems.append(f"The title is {len(record['title'])} characters long. Shorten it to {TITLE_MAX} or fewer")
    for name, cleaner in (("year", clean_year), ("doi", clean_doi), ("url", clean_url)):
        try:
            record[name] = cleaner(raw.get(name) or "")
        except ValueError as exc:
            problems.append(str(exc))
    return record, problems


def _add_record(result: ImportResult, number: int, raw: dict, seen: dict[str, int]) -> None:
    record, problems = clean_record(raw)
    doi = record["doi"].casefold()
    if doi and doi in seen:
        problems.append(f"It has the same DOI as {result.kind.lower()} {seen[doi]}. Keep one of them")
    for problem in problems:
        result.add(number, problem + ".")
    if not problems:
        if doi:
            seen[doi] = number
        result.records.append((number, record))


def _finish(result: ImportResult) -> ImportResult:
    if not result.ok:
        result.records = []
    return result


# --- CSV --------------------------------------------------------------------------------


def _heading(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", clean_text(text).lower())


def read_csv(data: bytes) -> ImportResult:
    result = ImportResult(kind="Row")
    if not _check_size(data, result):
        return result
    try:
        text = decode(data)
    except ValueError as exc:
        result.add(None, str(exc))
        return result
    try:
        lines = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        result.add(None, f"The file is not a readable CSV ({exc}). Save it from your spreadsheet as CSV UTF-8.")
        return result
    if not lines or not any(cell.strip() for cell in lines[0]):
        result.add(None, "The first row must be the column headings: title, authors, year, doi, url, summary.")
        return result
    headings = [_heading(cell) for cell in lines[0]]
    for number, (raw, key) in enumerate(zip(lines[0], headings, strict=True), start=1):
        if key and key not in FIELDS:
            result.add(
                1,
                f"Column {number}, '{clean_text(raw)[:40]}', is not a heading the import knows. Use: "
                + ", ".join(FIELDS)
                + ".",
            )
    for key in sorted({k for k in headings if k and headings.count(k) > 1}):
        result.add(1, f"There are {headings.count(key)} '{key}' columns. Keep one.")
    if "title" not in headings:
        result.add(1, "There is no 'title' column. Every reference needs a title.")
    if result.problems:
        return _finish(result)
    rows = [(number, line) for number, line in enumerate(lines[1:], start=2) if any(cell.strip() for cell in line)]
    if not rows:
        result.add(None, "The file has headings but no references. Put one reference on each row below them.")
        return result
    if len(rows) > MAX_RECORDS:
        result.add(None, f"The file has {len(rows):,} references. Import at most {MAX_RECORDS:,} at a time.")
        return result
    seen: dict[str, int] = {}
    for number, line in rows:
        if len(line) > len(headings) and any(cell.strip() for cell in line[len(headings) :]):
            result.add(number, "This row has more cells than there are headings. Check for a stray comma.")
            continue
        raw = {key: cell for key, cell in zip(headings, line, strict=False) if key}
        _add_record(result, number, raw, seen)
    return _finish(result)


# --- RIS --------------------------------------------------------------------------------

_TAG = re.compile(r"^([A-Z][A-Z0-9]) {1,2}- ?(.*)$")
_TAG_TO_FIELD = {
    "TI": "title",
    "T1": "title",
    "AU": "authors",
    "A1": "authors",
    "PY": "year",
    "Y1": "year",
    "DO": "doi",
    "UR": "url",
    "AB": "summary",
    "N2": "summary",
}


def read_ris(data: bytes) -> ImportResult:
    result = ImportResult(kind="Record")
    if not _check_size(data, result):
        return result
    try:
        text = decode(data)
    except ValueError as exc:
        result.add(None, str(exc))
        return result
    seen: dict[str, int] = {}
    record: dict[str, list[str]] | None = None
    last: str | None = None  # the tag a line without one carries on
    number = 0
    start_line = 0
    for line_number, line in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), start=1):
        if not line.strip():
            continue
        match = _TAG.match(line.rstrip())
        if match is None:
            if record is not None and last is not None:
                record.setdefault(last, []).append(line.strip())
                continue
            result.add(None, f"Line {line_number} is not a RIS line. Each line starts with a tag like 'TY  - '.")
            return _finish(result)
        tag, value = match.group(1), match.group(2).strip()
        if tag == "TY":
            if record is not None:
                result.add(
                    number,
                    f"It starts on line {start_line} but has no end line 'ER  - ' before the next record. Add one.",
                )
            number += 1
            if number > MAX_RECORDS:
                result.add(
                    None,
                    f"The file has more than {MAX_RECORDS:,} references. Import at most {MAX_RECORDS:,} at a time.",
                )
                return _finish(result)
            record, last, start_line = {}, None, line_number
            continue
        if record is None:
            result.add(
                None,
                f"Line {line_number}: the tag '{tag}' comes before a record starts. Each record "
                "starts with 'TY  - ' and ends with 'ER  - '.",
            )
            return _finish(result)
        if tag == "ER":
            _add_record(result, number, _ris_fields(record), seen)
            record, last = None, None
            continue
        field_name = _TAG_TO_FIELD.get(tag)
        last = tag if field_name else None
        if field_name:
            record.setdefault(tag, []).append(value)
    if record is not None:
        result.add(number, f"It starts on line {start_line} but the file ends before its end line 'ER  - '. Add one.")
    if number == 0 and result.ok:
        result.add(None, "The file has no references. A RIS file has records that start with 'TY  - '.")
    return _finish(result)


def _ris_fields(record: dict[str, list[str]]) -> dict:
    def first(*tags):
        for tag in tags:
            if record.get(tag):
                return " ".join(record[tag])
        return ""

    authors = [name for tag in ("AU", "A1") for name in record.get(tag, []) if name]
    return {
        "title": first("TI", "T1"),
        "authors": "; ".join(authors),
        "year": first("PY", "Y1"),
        "doi": (record.get("DO") or [""])[0],
        "url": (record.get("UR") or [""])[0],
        "summary": first("AB", "N2"),
    }
