"""UK public-sector financial years (1 April to 31 March), pure Python.

A financial year is stored as the calendar year it starts in (2026 is 1 April
2026 to 31 March 2027) and shown as "2026/27"."""

from __future__ import annotations

import datetime

FIRST = 2000
LAST = 2098  # 2098/99: the last year whose label is unambiguous


def year_of(day: datetime.date) -> int:
    """The financial year `day` falls in: 31 March 2027 is in 2026/27, 1 April 2027 in 2027/28."""
    return day.year if day.month >= 4 else day.year - 1


def label(year: int) -> str:
    return f"{year}/{(year + 1) % 100:02d}"


def starts(year: int) -> datetime.date:
    return datetime.date(year, 4, 1)


def ends(year: int) -> datetime.date:
    return datetime.date(year + 1, 3, 31)


def years_between(start: datetime.date, end: datetime.date | None) -> list[int]:
    """The financial years from `start` to `end` (both days counted); just `start`'s when open-ended."""
    last = year_of(end) if end is not None else year_of(start)
    return list(range(year_of(start), last + 1))
