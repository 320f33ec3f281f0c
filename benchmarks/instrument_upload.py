#!/usr/bin/env python
"""Time an uploaded PROM file at the limits Evaluate processes synchronously
(evaluate.instruments.uploading: MAX_ROWS rows, MAX_PERIODS periods), to check
the request stays well inside a page's time budget. No database: the reading,
checking, scoring and each period's published figures (the survey engine's
summaries and breakdowns by ethnic group, sex and age band), as the service runs them.

    DEBUG=1 .venv/bin/python benchmarks/instrument_upload.py [--rows N] [--periods N]
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "amhe.settings")
os.environ.setdefault("DEBUG", "1")

import django  # noqa: E402

django.setup()

from amhe import stats  # noqa: E402
from amhe.core.models import Organisation, Project  # noqa: E402
from evaluate.instruments import catalogue, uploading  # noqa: E402

GROUPS = [
    "White",
    "Asian, Asian British or Asian Welsh",
    "BLACK",
    "MIXED",
    "Other ethnic group",
    "Prefer not to say",
    "",
]


def make_file(rows: int, periods: int) -> bytes:
    rng = random.Random(7)
    definition = catalogue.BUILT_IN["phq-9"]
    labels = [o["label"] for o in definition["options"]]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["date", *[f"item_{i}" for i in range(1, 10)], "ethnic_group", "sex", "age_band"])
    for n in range(rows):
        month = n % periods
        day = f"{2020 + month // 12}-{month % 12 + 1:02d}-{rng.randint(1, 28):02d}"
        items = [rng.choice(labels + [""]) for _ in range(9)]
        writer.writerow(
            [day, *items, rng.choice(GROUPS), rng.choice(["F", "M", ""]), rng.choice(["18-24", "25-34", "65+"])]
        )
    return out.getvalue().encode()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=uploading.MAX_ROWS)
    parser.add_argument("--periods", type=int, default=uploading.MAX_PERIODS)
    args = parser.parse_args()
    data = make_file(args.rows, args.periods)
    definition = dict(catalogue.BUILT_IN["phq-9"])
    project = Project(organisation=Organisation(name="Bench"))
    rule = stats.RULES["nhs"]
    started = time.perf_counter()
    read = uploading.read(data, filename="bench.csv", definition=definition, grouping=uploading.MONTH)
    read_s = time.perf_counter() - started
    for period in read.periods:
        uploading.figures(
            project=project,
            key="phq-9",
            name="PHQ-9",
            definition=definition,
            period=period,
            columns=read.equality_columns,
            rule=rule,
        )
    total_s = time.perf_counter() - started
    print(
        f"{args.rows} rows ({len(data) / 1e6:.1f} MB), {len(read.periods)} periods: "
        f"read and checked in {read_s:.2f} s, with every period's figures {total_s:.2f} s"
    )


if __name__ == "__main__":
    main()
