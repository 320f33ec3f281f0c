"""4A demo data (Leeds only): a real monthly series so the SPC page has a chart.

The Leeds demo's own measures have one period each, too few for a chart. This adds
NHS Talking Therapies' monthly recovery rate for England as a whole (not Leeds),
January 2021 to March 2026: NHS England, NHS Talking Therapies Monthly Statistics,
measure M192, England rows as published in the bennettoxford/nhstt package
(data-raw/activity_performance_monthly.parquet, commit 2a7ee2520dc495c4de333470fdb606de6d96b4d5),
Open Government Licence v3.0. The file is evaluate/data/talking_therapies_recovery_england_monthly.csv.
"""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal
from pathlib import Path

from amhe.core.models import Measure, Role
from evaluate.measures import services

DATA = Path(__file__).resolve().parents[1] / "data" / "talking_therapies_recovery_england_monthly.csv"
NAME = "NHS Talking Therapies recovery rate, England (monthly)"
SOURCE = (
    "NHS England, NHS Talking Therapies Monthly Statistics, England, measure M192 (recovery rate), "
    "January 2021 to March 2026, via the bennettoxford/nhstt package; Open Government Licence v3.0"
)
DESCRIPTION = (
    "The percentage of people finishing a course of NHS Talking Therapies treatment who moved to recovery, "
    "England as a whole, each month. It is national context for the demo, not a Leeds figure."
)


def rows() -> list[tuple[date, date, Decimal]]:
    with DATA.open(encoding="utf-8", newline="") as handle:
        return [
            (
                date.fromisoformat(row["start_date"]),
                date.fromisoformat(row["end_date"]),
                Decimal(row["recovery_rate_percent"]),
            )
            for row in csv.DictReader(handle)
        ]


def load(*, project, users, stdout):
    analyst = users.get(Role.ANALYST) or users[Role.LEAD]
    measure = services.series_replace(
        by=analyst,
        project=project,
        name=NAME,
        description=DESCRIPTION,
        unit=Measure.Unit.PERCENT,
        direction=Measure.Direction.HIGHER,
        source=SOURCE,
        definition={"dataset": "nhs_talking_therapies_monthly", "measure_id": "M192", "area": "England"},
        values=rows(),
    )
    stdout.write(f"  {project.name}: {measure.values.count()} months of {NAME} for 4A")
