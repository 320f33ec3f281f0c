"""Break an extract down by protected and other characteristics, from the
command line, for analysts and reproducible analysis. Nothing is stored.

    python manage.py breakdown EXTRACT [--count-column COL] [--population FILE]
        --by DIM [--by DIM ...] [--intersect DIM,DIM] [--reference GROUP]
        [--confidence 95] [--suppression nhs|none] [--format json|csv]

The JSON schema is documented in the README ("Command line for analysts").
"""

import csv
import io
import json
import math
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from identify import engine
from identify.engine.breakdown import DIMENSIONS, ROW_SCHEMA, BreakdownError, breakdown, publish

ROW_KEYS = ROW_SCHEMA
CONFIDENCE = {"95": 0.95, "99.8": 0.998}
NO_LIMIT = 50 * 1024**3


class Command(BaseCommand):
    help = "Break an extract down by characteristics (counts, shares, rates, rate ratios with CIs)."

    def add_arguments(self, parser):
        parser.add_argument("extract", help="CSV or XLSX file, record-level or with a count column")
        parser.add_argument("--count-column", help="column holding counts (aggregate extracts)")
        parser.add_argument("--population", help="CSV/XLSX of denominators: the dimension column(s) and 'population'")
        parser.add_argument("--by", action="append", default=[], choices=sorted(DIMENSIONS), metavar="DIM")
        parser.add_argument("--intersect", action="append", default=[], metavar="DIM,DIM")
        parser.add_argument("--reference", help="reference group for rate ratios (code or name)")
        parser.add_argument("--confidence", default="95", choices=sorted(CONFIDENCE))
        parser.add_argument("--suppression", default="nhs", choices=["nhs", "nhs_lt10", "none"])
        parser.add_argument("--format", default="json", choices=["json", "csv"])

    def handle(self, *args, **options):
        if not options["by"] and not options["intersect"]:
            raise CommandError("Say what to break down by: --by ethnicity (and/or --intersect ethnicity_high,sex).")
        plans = [[dim] for dim in options["by"]]
        for spec in options["intersect"]:
            dims = [part.strip() for part in spec.split(",") if part.strip()]
            unknown = [d for d in dims if d not in DIMENSIONS]
            if unknown or not 2 <= len(dims) <= 3:
                raise CommandError(
                    f"--intersect takes two or three of {', '.join(sorted(DIMENSIONS))} separated by commas; "
                    f"got {spec!r}."
                )
            plans.append(dims)

        table, quality = self._load(options["extract"], count_column=options["count_column"], population=False)
        population = None
        if options["population"]:
            population, _ = self._load(options["population"], count_column=None, population=True)

        rows = []
        key_cache = {}
        for dims in plans:
            try:
                result = breakdown(
                    table,
                    dims,
                    count_column="count" if options["count_column"] else None,
                    population=population,
                    reference=options["reference"],
                    confidence=CONFIDENCE[options["confidence"]],
                    key_cache=key_cache,
                )
            except BreakdownError as exc:
                raise CommandError(str(exc)) from None
            # Published figures are worked out from the published counts (ADR 0008).
            published = result.rows if options["suppression"] == "none" else publish(result, options["suppression"])
            rows.extend({key: _clean(row.get(key)) for key in ROW_KEYS} for row in published)

        if options["format"] == "json":
            self.stdout.write(json.dumps({"rows": rows, "data_quality": quality}, indent=2, default=str))
        else:
            buffer = io.StringIO()
            writer = csv.writer(buffer)
            writer.writerow(ROW_KEYS)
            for row in rows:
                writer.writerow([engine.csv_safe("" if row[k] is None else row[k]) for k in ROW_KEYS])
            self.stdout.write(buffer.getvalue(), ending="")

    def _load(self, path, *, count_column, population):
        file = Path(path)
        if not file.exists():
            raise CommandError(f"No file at {path}.")
        try:
            extract = engine.read_extract(file, filename=file.name, max_bytes=NO_LIMIT)
        except engine.ExtractError as exc:
            raise CommandError(str(exc)) from None
        mapping = engine.detect_mapping(extract.columns)
        if count_column:
            if count_column not in extract.columns:
                raise CommandError(f"No column called {count_column!r} in {file.name}.")
            mapping = {c: f for c, f in mapping.items() if f != "count"}
            mapping[count_column] = "count"
        try:
            checked = engine.Mapping.from_dict(mapping, columns=extract.columns)
        except engine.MappingError as exc:
            raise CommandError(f"{file.name}: {exc}") from None
        if population and "population" not in checked:
            raise CommandError(f"{file.name} needs a column called 'population' holding the denominators.")
        normalised = engine.normalise(extract.table, checked, lsoa_lookup=engine.load_lsoa_imd_lookup())
        quality = None if population else engine.quality_report(normalised)
        if population:
            normalised.frame["population"] = extract.table[checked.column_for("population")].to_numpy()
        return normalised.frame, quality


def _clean(value):
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    return value


if __name__ == "__main__":  # pragma: no cover
    sys.exit("Run through manage.py: python manage.py breakdown --help")
