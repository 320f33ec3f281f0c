"""Reference data shipped with Identify (see identify/data/README.md)."""

import csv
import gzip
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"


@lru_cache(maxsize=1)
def imd_deciles() -> dict[str, int]:
    """LSOA 2011 code -> IMD 2019 decile (1 = most deprived 10% of England)."""
    with gzip.open(DATA / "imd2019_lsoa2011_deciles.csv.gz", "rt", encoding="utf-8", newline="") as handle:
        return {row["lsoa2011"]: int(row["imd_decile"]) for row in csv.DictReader(handle)}
