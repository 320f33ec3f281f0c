"""Reading comparators from an uploaded CSV: columns name, numerator, denominator and,
if wanted, period (any order, any case). Every problem is reported with its row, and
a file with any problem gives no rows at all."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

MAX_BYTES = 1024 * 1024  # 1 MB: thousands of comparators
MAX_ROWS = 2000
MAX_ERRORS = 10
REQUIRED = ("name", "numerator", "denominator")
NUMBER = re.compile(r"^\d{1,15}$")


class CsvProblem(ValueError):
    """The file cannot be read; ``messages`` says why, one sentence each."""

    def __init__(self, messages: list[str]):
        super().__init__(" ".join(messages))
        self.messages = messages


@dataclass(frozen=True)
class Row:
    name: str
    numerator: int
    denominator: int
    period: str


def _number(text: str) -> int | None:
    cleaned = text.strip().replace(",", "")
    return int(cleaned) if NUMBER.match(cleaned) else None


def read(data: bytes, *, proportion: bool) -> list[Row]:
    if len(data) > MAX_BYTES:
        raise CsvProblem([f"The file must be smaller than {MAX_BYTES // 1024} KB."])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CsvProblem(["The file must be a CSV saved as UTF-8 text."]) from None
    try:
        reader = csv.reader(io.StringIO(text, newline=""))
        header = next(reader, None)
        if not header:
            raise CsvProblem(["The file is empty."])
        columns = [h.strip().lower() for h in header]
        missing = [c for c in REQUIRED if c not in columns]
        if missing:
            names = ", ".join(missing)
            raise CsvProblem(
                [
                    f"The file has no {names} column. The first row must name the columns name, numerator, denominator "
                    "and, if you want, period."
                ]
            )
        at = {c: columns.index(c) for c in (*REQUIRED, "period") if c in columns}
        rows: list[Row] = []
        errors: list[str] = []
        seen: set[tuple[str, str]] = set()
        for number, cells in enumerate(reader, start=2):
            if not any(c.strip() for c in cells):
                continue
            if len(rows) + len(errors) >= MAX_ROWS:
                raise CsvProblem([f"The file has more than {MAX_ROWS} rows. Upload at most {MAX_ROWS}."])

            def cell(name, cells=cells):
                i = at.get(name)
                return cells[i].strip() if i is not None and i < len(cells) else ""

            name, period = cell("name"), cell("period")
            numerator, denominator = _number(cell("numerator")), _number(cell("denominator"))
            problem = None
            if not name:
                problem = "has no name"
            elif len(name) > 120 or len(period) > 40:
                problem = "has a name longer than 120 characters or a period longer than 40"
            elif numerator is None:
                problem = f"numerator '{cell('numerator')[:20]}' is not a whole number of 0 or more"
            elif denominator is None:
                problem = f"denominator '{cell('denominator')[:20]}' is not a whole number of 0 or more"
            elif denominator == 0:
                problem = "denominator is 0"
            elif proportion and numerator > denominator:
                problem = "numerator is larger than the denominator, which a proportion cannot be"
            elif (name.lower(), period) in seen:
                problem = f"repeats {name}" + (f" for {period}" if period else "")
            if problem:
                errors.append(f"Row {number} {problem}.")
                if len(errors) >= MAX_ERRORS:
                    break
                continue
            seen.add((name.lower(), period))
            rows.append(Row(name, numerator, denominator, period))
    except csv.Error:
        raise CsvProblem(["The file could not be read as CSV."]) from None
    if errors:
        raise CsvProblem(errors)
    if not rows:
        raise CsvProblem(["The file has no comparators: add a row for each under the column names."])
    return rows
