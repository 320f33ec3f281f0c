"""A hostile extract and everything the Identify job stores from it, for
tests/unit/test_extract_equality.py.

``hostile_csv()`` builds, from a fixed seed, a record-level extract whose values
are as awkward as real uploads get: blanks and blank words (NULL, #N/A), stray
spaces, mixed case, labels in several spellings, local and unknown codes,
control characters, formula-like text, non-ASCII letters, impossible ages and
dates, LSOAs in lower case or missing from the lookup, repeated and padded
record IDs. ``aggregate_csv()`` is a counts file with blanks and invalid counts;
``population_csv()`` a population table to give rates.

``job_outputs()`` runs them through the job's own steps (read_extract, the saved
table, normalise, quality_report, every breakdown of the job's plan with the
population, publish_result) and returns what the job stores, plus a digest of
every normalised column's values (row by row, whatever the column's dtype).

``python -m tests.unit.extract_equality`` writes these outputs to
tests/unit/data/extract_equality_golden.json.gz. The committed file was written
by the job's code before it worked on integer codes (main at c01d3eb), so the
test proves the faster code gives the same results.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import os
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

GOLDEN = Path(__file__).resolve().parent / "data" / "extract_equality_golden.json.gz"
ROWS = 6000
LOOKUP = {
    "E01011362": 1,
    "E01011363": 4,
    "E01011364": 7,
    "E01011365": 10,
    "E01000001": 3,
    "E01000002": 5,
    "E01000003": 2,
    "E01000004": 9,
}

ETHNICITY = [
    "A", "a", " A ", "B", "C", "D", "E", "F", "G", "H", "J", "K", "L", "M", "N", "P", "R", "S",
    "Z", "99", "z", "", "  ", "NULL", "null", "#N/A", "NaN", "White British", "WHITE - BRITISH",
    "white: british", "Black or Black British - Caribbean", "Other - Chinese", "Asian/Indian",
    "Any other White background", "CA", "ca", "X9", "QQ", "0", "White Other?", "Not stated",
    "Prefer not to say", "Unknown", "\x07A", "A\x1b[31m", "=1+1", "@SUM(A1)", "Ａ", "é", "A\tB",
    "Mixed: White and Black Caribbean", "Indian", "Pakistani", "chinese",
]  # fmt: skip
GENDER = ["1", "2", "9", "0", "X", "M", "F", "m", "f", "Male", "FEMALE", "", " 1", "1.0", "01", "Other", "\x01", "-1"]
GENDER_ID = ["1", "2", "3", "4", "X", "Z", "", "99", "Y", "foo", "Non-binary", " 2 "]
ORIENTATION = ["1", "2", "3", "4", "U", "Z", "", "766931000000109", "Heterosexual", "?", "Gay or Lesbian"]
RELIGION = ["A", "B", "C", "N", "Z", "", "Christian", "No religion", "Jedi", "christian"]
DISABILITY = ["Y", "N", "Z", "U", "", "yes", "No", "1", "0", "maybe"]
AGES = ["0", "5", "15", "17", "18", "24", "25", "35.0", "44", "64", "65", "80", "99", "120", "-3", "", "abc",
        " 30 ", "30 years", "Unknown", "1e2", "17.5", "NULL"]  # fmt: skip
DATES = ["2024-01-15", "15/01/2024", "31/02/2024", "2024-13-01", "", "01-Jan-2024", "2024/03/05", "20240305",
         "yesterday", "1899-12-31", "2024-06-30T10:00:00", "5 March 2024", "NULL"]  # fmt: skip
LSOAS = [*LOOKUP, "e01011362", " E01011363 ", "E01999999", "W01000001", "E02000001", "", "NULL", "not an lsoa",
         "E01033333"]  # fmt: skip


def _pick(rng: np.random.Generator, values: list[str], n: int) -> list[str]:
    weights = rng.random(len(values)) + 0.05
    return list(rng.choice(np.array(values, dtype=object), size=n, p=weights / weights.sum()))


def _csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode("utf-8")


def hostile_csv(rows: int = ROWS, seed: int = 15_6) -> bytes:
    rng = np.random.default_rng(seed)
    ids = [f"P{int(i):06d}" for i in rng.integers(0, int(rows * 0.8), size=rows)]
    ids = [f" {i} " if j % 97 == 0 else ("" if j % 211 == 0 else i) for j, i in enumerate(ids)]
    columns = {
        "Person_ID": ids,
        "EthnicCategory": _pick(rng, ETHNICITY, rows),
        "Gender": _pick(rng, GENDER, rows),
        "AgeRepPeriodEnd": _pick(rng, AGES, rows),
        "LSOA2011": _pick(rng, LSOAS, rows),
        "ReferralRequestReceivedDate": _pick(rng, DATES, rows),
        "GenderIDCode": _pick(rng, GENDER_ID, rows),
        "SexualOrientationCode": _pick(rng, ORIENTATION, rows),
        "Religion": _pick(rng, RELIGION, rows),
        "DisabilityCode": _pick(rng, DISABILITY, rows),
        "OrgIDProv": _pick(rng, ["RGD", "rgd", "", "RXF"], rows),
    }
    header = list(columns)
    body = [list(r) for r in zip(*columns.values(), strict=True)]
    for j in range(0, rows, 501):  # a few rows with nothing in them
        body[j] = [""] * len(header)
    return _csv([header, *body])


def aggregate_csv(seed: int = 7) -> bytes:
    rng = np.random.default_rng(seed)
    rows = [["Ethnicity", "Sex", "Age band", "Count"]]
    counts = ["0", "3", "12", "150", "1,200", "", "x", "-4", "2.5", "7", "NULL", " 40 "]
    for eth in ["A", "b", "C", "N", "Z", "", "QQ", "\x07M", "Other - Chinese"]:
        for sex in ["1", "2", "9", "x"]:
            for band in ["0-17", "18-34", "35-64", "65+", "", "12-20"]:
                rows.append([eth, sex, band, str(rng.choice(counts))])
    return _csv(rows)


def population_csv() -> bytes:
    rows = [["Ethnicity", "Sex", "Age band", "LSOA", "Population"]]
    bands = ["0-17", "18-34", "35-64", "65+"]
    for e, eth in enumerate("ABCDEFGHJKLMNPRS"):
        for s, sex in enumerate(["1", "2"]):
            for b, band in enumerate(bands):
                for k, lsoa in enumerate(LOOKUP):
                    rows.append([eth, sex, band, lsoa, str(40 + 17 * e + 5 * s + 11 * b + 3 * k)])
    rows.append(["Z", "1", "18-34", "E01011362", "55"])
    rows.append(["", "2", "", "", "12"])
    return _csv(rows)


def _digest(frame: pd.DataFrame) -> dict[str, str]:
    out = {}
    for name in frame.columns:
        values = frame[name].astype(object).to_numpy()
        text = "\x1f".join("<NA>" if pd.isna(v) else repr(v) if isinstance(v, float) else str(v) for v in values)
        out[str(name)] = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    out["<index>"] = hashlib.sha256(",".join(str(int(i)) for i in frame.index).encode()).hexdigest()
    return out


VARIANTS = ("as_saved", "parquet", "strings", "categorical")


def _read_saved(path: str, variant: str) -> pd.DataFrame:
    """The saved table as the job reads it ("as_saved"); as it read a table stored as
    Parquet before ("parquet"); with every column as Arrow strings ("strings": the
    reader's output before it kept repeating columns dictionary-encoded); or with every
    column a categorical ("categorical")."""
    import pyarrow.parquet as pq

    from identify import engine

    if variant == "as_saved":
        return engine.load_table(path)
    if variant == "categorical":
        names = [f.name for f in pq.read_schema(path) if f.name != "_row"]
        return pd.read_parquet(path, read_dictionary=names)
    raw = pd.read_parquet(path)
    if variant == "strings":
        for name in raw.columns:
            if isinstance(raw[name].dtype, pd.CategoricalDtype):
                raw[name] = raw[name].astype("str")
    return raw


def _process(raw_csv: bytes, filename: str, workdir: str, population: pd.DataFrame | None, variant: str):
    from amhe.analysis.breakdown import BreakdownError, breakdown, publish_result
    from amhe.analysis.dimensions import EXTRACT, dimensions_for
    from identify import engine
    from identify.jobs import INTERSECTIONS, ONE_WAY

    extract = engine.read_extract(raw_csv, filename=filename, max_bytes=10**8)
    path = os.path.join(workdir, f"{filename}.{'arrow' if variant == 'as_saved' else 'parquet'}")
    if variant == "as_saved":
        engine.save_table(extract.table, path)
    else:
        extract.table.to_parquet(path)
    mapping = {c: f for c, f in engine.detect_mapping([str(c) for c in extract.table.columns]).items() if f}
    del extract
    raw = _read_saved(path, variant)
    normalised = engine.normalise(raw, engine.Mapping.from_dict(mapping, columns=list(raw.columns)), lsoa_lookup=LOOKUP)
    table = normalised.table
    out = {
        "mapping": mapping,
        "quality": engine.quality_report(normalised),
        "normalised": _digest(table),
        "invalid_reasons": normalised.invalid_reasons,
        "dimensions": normalised.dimensions,
        "fields": normalised.fields,
        "info": normalised.info,
    }
    if population is None:
        return out, table
    registry = dimensions_for(EXTRACT)
    plans = [[d] for d in ONE_WAY] + [list(pair) for pair in INTERSECTIONS]
    plans = [p for p in plans if all(registry[d].column in table.columns for d in p)]
    count_column = "count" if "count" in table.columns else None
    results = []
    cache: dict = {}
    for dims in plans:
        for pop in (population, None):
            try:
                result = breakdown(
                    table, dims, count_column=count_column, population=pop, confidence=0.95, key_cache=cache
                )
            except BreakdownError as exc:
                results.append({"dims": dims, "error": str(exc)})
                continue
            results.append(
                {
                    "dims": dims,
                    "with_population": pop is not None,
                    "result": result.as_dict(),
                    "nhs": publish_result(result, "nhs"),
                    "nhs_lt10": publish_result(result, "nhs_lt10"),
                }
            )
    out["breakdowns"] = results
    return out, table


def job_outputs(variant: str = "as_saved") -> dict:
    with tempfile.TemporaryDirectory() as workdir:
        population_out, population = _process(population_csv(), "population.csv", workdir, None, variant)
        return {
            "population": population_out,
            "record": _process(hostile_csv(), "referrals.csv", workdir, population, variant)[0],
            "aggregate": _process(aggregate_csv(), "counts.csv", workdir, population, variant)[0],
        }


def canonical(outputs: dict) -> str:
    """JSON text to compare (NaN as NaN, keys sorted)."""
    return json.dumps(outputs, sort_keys=True, default=str, indent=0)


if __name__ == "__main__":  # pragma: no cover - writes the golden file
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    django.setup()
    GOLDEN.write_bytes(gzip.compress(canonical(job_outputs()).encode("utf-8"), mtime=0))
    print(f"wrote {GOLDEN} ({GOLDEN.stat().st_size:,} bytes)")
