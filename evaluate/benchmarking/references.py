"""The England references bundled with the app, with the peer areas published beside them.

Each is copied from a public data set in ../shared/data/public (see its README), a few
rows only, into evaluate/data/:

* ``talking_therapies_recovery_by_ethnicity_2024_25.csv``: NHS England, NHS Talking
  Therapies for anxiety and depression, Annual Reports 2024-25 (CSV tables), England
  and each integrated care board (ICB), all people and five broad ethnic groups, via
  the bennettoxford/nhstt package (data-raw/measures_annual.parquet, commit
  f65c91baaef3b4a3bef722e5da3a305776da1d33). Open Government Licence v3.0. The
  recovery rate is ``recovered / (finished a course of treatment - not at caseness)``,
  as NHS England works it out (England 2024-25: 321,061 / 635,185 = 50.5%, the
  published figure). ICB counts are published rounded to 5; rows with a suppressed
  count ("*") were left out.
* ``mha_detentions_by_ethnicity_england_2023_24.csv``: NHS England (NHS Digital),
  Mental Health Act Statistics, Annual Figures 2023-24: detentions (all, MHSDS) and
  the crude rate per 100,000 people, England, all people and five broad ethnic
  groups. Open Government Licence v3.0. The population behind the rate is not
  published, so there is no England denominator and no peer areas.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "data"
TT_FILE = DATA / "talking_therapies_recovery_by_ethnicity_2024_25.csv"
MHA_FILE = DATA / "mha_detentions_by_ethnicity_england_2023_24.csv"

TT_SOURCE = (
    "NHS England, NHS Talking Therapies Annual Reports 2024-25, recovery (counts), via the bennettoxford/nhstt "
    "package; Open Government Licence v3.0"
)
MHA_SOURCE = (
    "NHS England (NHS Digital), Mental Health Act Statistics, Annual Figures 2023-24, all detentions, crude rate "
    "per 100,000; Open Government Licence v3.0"
)


@dataclass(frozen=True)
class Peer:
    code: str
    name: str
    numerator: int
    denominator: int


@dataclass(frozen=True)
class Reference:
    key: str
    title: str
    kind: str  # "proportion" or "rate", as Benchmark.Kind
    polarity: str  # as Benchmark.Polarity
    period: str
    group: str
    england_value: Decimal  # per cent, or per 100,000
    england_numerator: int | None
    england_denominator: int | None
    source: str
    peers: tuple[Peer, ...]

    @property
    def label(self) -> str:
        return self.title


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _percent(numerator: int, denominator: int) -> Decimal:
    return (Decimal(numerator) * 100 / Decimal(denominator)).quantize(Decimal("0.0001"), ROUND_HALF_UP)


def _icb_name(name: str) -> str:
    """ "NHS WEST YORKSHIRE INTEGRATED CARE BOARD" -> "NHS West Yorkshire ICB"."""
    words = name.removesuffix(" INTEGRATED CARE BOARD").split()
    small = {"AND", "OF", "THE"}
    titled = [w.lower() if w in small else w.capitalize() for w in words[1:]]
    return " ".join(["NHS", *titled, "ICB"])


def _talking_therapies() -> list[Reference]:
    with TT_FILE.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    out = []
    groups = [r["group"] for r in rows if r["area_type"] == "England"]
    for group in groups:
        england = next(r for r in rows if r["area_type"] == "England" and r["group"] == group)
        numerator, denominator = int(england["recovered"]), int(england["denominator"])
        peers = tuple(
            Peer(r["area_code"], _icb_name(r["area_name"]), int(r["recovered"]), int(r["denominator"]))
            for r in rows
            if r["area_type"] == "ICB" and r["group"] == group and int(r["denominator"]) > 0
        )
        out.append(
            Reference(
                key=f"tt-recovery-{england['period']}-{_slug(group)}",
                title=f"NHS Talking Therapies recovery rate, {group}, {england['period']}",
                kind="proportion",
                polarity="higher",
                period=england["period"],
                group=group,
                england_value=_percent(numerator, denominator),
                england_numerator=numerator,
                england_denominator=denominator,
                source=TT_SOURCE,
                peers=tuple(sorted(peers, key=lambda p: p.name)),
            )
        )
    return out


def _detentions() -> list[Reference]:
    with MHA_FILE.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [
        Reference(
            key=f"mha-detentions-{r['period']}-{_slug(r['group'])}",
            title=f"Detentions under the Mental Health Act per 100,000 people, {r['group']}, {r['period']}",
            kind="rate",
            polarity="lower",
            period=r["period"],
            group=r["group"],
            england_value=Decimal(r["crude_rate_per_100000"]),
            england_numerator=int(r["detentions"]),
            england_denominator=None,
            source=MHA_SOURCE,
            peers=(),
        )
        for r in rows
    ]


@cache
def references() -> dict[str, Reference]:
    return {r.key: r for r in [*_talking_therapies(), *_detentions()]}


def get(key: str) -> Reference | None:
    return references().get(key) if key else None


def choices() -> list[tuple[str, str]]:
    return [(r.key, r.title) for r in references().values()]
