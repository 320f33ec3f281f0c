"""Reference data shipped with Identify (see identify/data/README.md)."""

from functools import lru_cache
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv

DATA = Path(__file__).resolve().parent / "data"


@lru_cache(maxsize=1)
def imd_deciles() -> dict[str, int]:
    """LSOA 2011 code -> IMD 2019 decile (1 = most deprived 10% of England)."""
    table = pacsv.read_csv(
        DATA / "imd2019_lsoa2011_deciles.csv.gz",
        convert_options=pacsv.ConvertOptions(
            include_columns=["lsoa2011", "imd_decile"],
            column_types={"lsoa2011": pa.string(), "imd_decile": pa.int64()},
            strings_can_be_null=False,
        ),
    )  # about ten times as fast as csv.DictReader: a job's first upload waits for it
    return dict(zip(table["lsoa2011"].to_pylist(), table["imd_decile"].to_pylist(), strict=True))
