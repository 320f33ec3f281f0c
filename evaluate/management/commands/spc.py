"""An XmR chart of a series, from the command line (Evaluate 4A), computed by
amhe.stats.spc exactly as the app's charts and reports are.

    python manage.py spc SERIES.csv --value COL [--date COL]
        [--improvement increase|decrease|neutral] [--target X] [--rebase DATE ...]
        [--no-screen] [--format json|csv]

The JSON is documented in the README ("SPC from the command line").
"""

import csv
import datetime as dt
import io
import json
import math
import re

from django.core.management.base import BaseCommand, CommandError

from amhe.analysis.csv_safe import csv_safe
from amhe.stats import spc

MAX_BYTES = 20 * 1024 * 1024
MAX_POINTS = 100_000
COLUMNS = ("date", "value", "mean", "lpl", "upl", "near_lpl", "near_upl", "point_type", "rule", "trial_limits")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def parse_date(text: str) -> dt.date:
    """A date as YYYY-MM-DD, YYYY-MM (the month) or DD/MM/YYYY."""
    text = text.strip()
    month = _MONTH.match(text)
    try:
        if month:
            return dt.date(int(month[1]), int(month[2]), 1)
        if "/" in text:
            return dt.datetime.strptime(text, "%d/%m/%Y").date()
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a date: write dates as 2025-04-01, 2025-04 or 01/04/2025") from None


def parse_number(text: str) -> float:
    cleaned = text.strip().replace(",", "")
    try:
        value = float(cleaned)
    except ValueError:
        raise ValueError(f"{text!r} is not a number") from None
    if not math.isfinite(value):
        raise ValueError(f"{text!r} is not a number")
    return value


def read_series(path: str, *, value_column: str, date_column: str | None) -> tuple[list, list[float]]:
    """The series' labels (dates, or row numbers without a date column) and values, in file order."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise CommandError(f"Cannot read {path}: {exc.strerror or exc}.") from exc
    if len(raw) > MAX_BYTES:
        raise CommandError(
            f"{path} is larger than {MAX_BYTES // (1024 * 1024)} MB: an SPC series is a few hundred rows."
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CommandError(f"{path} is not UTF-8 text: save it as CSV UTF-8 and try again.") from None
    rows = csv.DictReader(io.StringIO(text, newline=""))
    headers = [h.strip() for h in (rows.fieldnames or [])]
    for wanted in filter(None, (value_column, date_column)):
        if wanted not in headers:
            raise CommandError(f"{path} has no column {wanted!r}; its columns are: {', '.join(headers) or 'none'}.")
    labels, values = [], []
    for line, row in enumerate(rows, start=2):
        row = {(k or "").strip(): (v or "") for k, v in row.items()}
        if not any(v.strip() for v in row.values()):
            continue
        try:
            values.append(parse_number(row[value_column]))
            labels.append(parse_date(row[date_column]) if date_column else line - 1)
        except ValueError as exc:
            raise CommandError(f"Row {line}: {exc}.") from None
        if len(values) > MAX_POINTS:
            raise CommandError(f"{path} has more than {MAX_POINTS:,} points.")
    if len(values) < 2:
        raise CommandError(
            f"{path} has {len(values)} point{'s' if len(values) != 1 else ''}: an XmR chart needs at least two."
        )
    if date_column:
        for before, after in zip(labels, labels[1:], strict=False):
            if after == before:
                raise CommandError(f"The date {after.isoformat()} appears twice: give one value for each date.")
            if after < before:
                raise CommandError(
                    f"The dates are not in order ({after.isoformat()} comes after {before.isoformat()}): "
                    "sort the file by date."
                )
    return labels, values


class Command(BaseCommand):
    help = "Work out an XmR (SPC) chart of a series in the Making Data Count method."

    def add_arguments(self, parser):
        parser.add_argument("series", help="CSV file with a value column and, usually, a date column")
        parser.add_argument("--value", required=True, help="the column holding the values")
        parser.add_argument("--date", help="the column holding the dates (in order, one row each)")
        parser.add_argument("--improvement", default="increase", choices=[p.value for p in spc.Polarity])
        parser.add_argument("--target", help="the target, for the assurance icon")
        parser.add_argument("--rebase", action="append", default=[], metavar="DATE", help="restart the limits here")
        parser.add_argument("--no-screen", action="store_true", help="do not screen out large moving ranges")
        parser.add_argument("--trend", type=int, default=7, help="points in a trend (default 7)")
        parser.add_argument("--shift", type=int, default=7, help="points in a shift (default 7)")
        parser.add_argument("--format", default="json", choices=["json", "csv"])

    def handle(self, *args, **options):
        labels, values = read_series(options["series"], value_column=options["value"], date_column=options["date"])
        if options["rebase"] and not options["date"]:
            raise CommandError("--rebase takes dates: give the date column with --date.")
        rebase_at = []
        for text in options["rebase"]:
            try:
                when = parse_date(text)
            except ValueError as exc:
                raise CommandError(f"--rebase: {exc}.") from None
            if when not in labels:
                raise CommandError(f"--rebase {text}: no point has that date.")
            rebase_at.append(labels.index(when))
        try:
            target = parse_number(options["target"]) if options["target"] is not None else None
        except ValueError as exc:
            raise CommandError(f"--target: {exc}.") from None
        try:
            chart = spc.xmr(
                values,
                options=spc.Options(
                    polarity=options["improvement"],
                    screen=not options["no_screen"],
                    trend_length=options["trend"],
                    shift_length=options["shift"],
                    target=target,
                ),
                rebase_at=rebase_at,
            )
        except ValueError as exc:
            raise CommandError(f"{exc}.") from None
        dates = [label.isoformat() if isinstance(label, dt.date) else label for label in labels]
        data = chart.as_dict(dates)
        if options["format"] == "json":
            self.stdout.write(json.dumps(data, indent=2))
            return
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(COLUMNS)
        for row in data["points"]:
            writer.writerow([csv_safe(row[key]) for key in COLUMNS])
        self.stdout.write(out.getvalue(), ending="")
