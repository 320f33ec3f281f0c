"""CSV for Excel's "From Web" and Power BI: every answer flattened to one table.

Nested objects become dotted columns (`measure.name`); a nested list of objects
becomes one row per item, the outer fields repeated on each. Every cell goes
through amhe.analysis.csv_safe, so no value can run as a formula.
"""

from __future__ import annotations

import csv
import io

from rest_framework import renderers

from amhe.analysis.csv_safe import csv_safe


def flatten(item, prefix: str = "") -> list[dict]:
    """One object (or list of them) as flat rows."""
    if isinstance(item, list):
        rows = []
        for child in item:
            rows.extend(flatten(child, prefix))
        return rows
    if not isinstance(item, dict):
        return [{prefix.rstrip(".") or "value": item}]
    base: dict = {}
    groups: list[list[dict]] = []
    for key, value in item.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            sub = flatten(value, f"{name}.")
            if len(sub) == 1:
                base.update(sub[0])
            else:
                groups.append(sub)
        elif isinstance(value, list) and any(isinstance(v, dict) for v in value):
            groups.append(flatten(value, f"{name}."))
        elif isinstance(value, list):
            base[name] = "; ".join("" if v is None else str(v) for v in value)
        else:
            base[name] = value
    rows = [base]
    for group in groups:
        rows = [{**row, **child} for row in rows for child in (group or [{}])]
    return rows


def cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return csv_safe(value if isinstance(value, int | float) else str(value))


class CsvRenderer(renderers.BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        rows = flatten(data)
        columns: list[str] = []
        for row in rows:
            columns.extend(key for key in row if key not in columns)
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow([cell(c) for c in columns])
        for row in rows:
            writer.writerow([cell(row.get(column)) for column in columns])
        return ("\ufeff" + out.getvalue()).encode("utf-8")
