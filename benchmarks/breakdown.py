#!/usr/bin/env python
"""Benchmark Identify's whole extract job against a bare pandas read + group-by.

Run from the repository root:

    .venv/bin/python benchmarks/breakdown.py                      # 1M rows, then 10M rows
    .venv/bin/python benchmarks/breakdown.py --skip-large         # 1M rows only
    .venv/bin/python benchmarks/breakdown.py --rows 200000 --skip-large --repeats 1   # quick check

What it does (see benchmarks/README.md):

1. Generates a record-level, MHSDS-like CSV (the columns of
   identify/data/demo/leeds_crisis_referrals_demo.csv plus GenderIDCode,
   SexualOrientationCode, Religion, DisabilityCode and two unmapped MHSDS
   columns), with messy values like the demo, and a synthetic population
   table (ethnicity x sex x age band x IMD decile, scaled from the demo census file).
2. Times, in one process, the whole job as identify/jobs.py runs it
   (read_extract -> pseudonymise record IDs -> save_table -> load_table ->
   Mapping -> normalise ->
   quality_report -> breakdown x N -> publish -> JSON), with no Django ORM.
3. Times the baseline: pandas.read_csv(path) + groupby("EthnicCategory").size().
4. Runs every measurement in its own freshly spawned process and reads that
   process's peak RSS (ru_maxrss, and VmHWM from /proc as a cross-check), so the
   baseline's and the job's peaks are isolated.

Timings are the median of --repeats runs (baseline and job alternate, so
background load on a shared machine hits both alike). Results are printed and
written to benchmarks/results/breakdown-latest.json.
"""

from __future__ import annotations

import argparse
import ast
import datetime as dt
import importlib.metadata
import json
import multiprocessing
import os
import platform
import resource
import shutil
import statistics
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DEMO = ROOT / "identify" / "data" / "demo"
DEMO_REFERRALS = DEMO / "leeds_crisis_referrals_demo.csv"
DEMO_POPULATION = DEMO / "leeds_population_by_ethnicity_census2011.csv"
RESULTS = Path(__file__).resolve().parent / "results" / "breakdown-latest.json"

TARGET_RATIO = 4.0
TARGET_PEAK_MB_AT_1M = 1536  # 1.5 GB
DEFAULT_UPLOAD_MAX_MB = 200  # amhe/settings.py AMHE_UPLOAD_MAX_MB default

# The breakdowns the brief asks for: six characteristics and three intersections.
BRIEF_ONE_WAY = ["ethnicity", "ethnicity_high", "sex", "age_band", "imd_decile", "gender_identity"]
BRIEF_INTERSECTIONS = [("ethnicity_high", "sex"), ("ethnicity_high", "age_band"), ("sex", "age_band")]

# Note: the parent process imports no pandas/numpy and builds no data. On Linux
# a child started by exec inherits its parent's peak RSS in ru_maxrss (the kernel
# copies the old address space's high-water mark on exec), so the parent must
# stay small for the children's ru_maxrss to be theirs alone.


# --------------------------------------------------------------------------- small helpers


def _peak_memory() -> dict[str, float]:
    """This process's peak RSS in MiB: ru_maxrss (KiB on Linux) and /proc VmHWM."""
    out = {"ru_maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
    out.update(_proc_status_mb())
    return out


def _proc_status_mb() -> dict[str, float]:
    values = {}
    try:
        with open("/proc/self/status", encoding="ascii") as handle:
            for line in handle:
                key, _, rest = line.partition(":")
                if key in ("VmHWM", "VmRSS"):
                    values[key.lower() + "_mb"] = int(rest.split()[0]) / 1024
    except OSError:
        pass
    return values


def _job_plan(which: str) -> list[list[str]]:
    if which == "brief":
        return [[d] for d in BRIEF_ONE_WAY] + [list(p) for p in BRIEF_INTERSECTIONS]
    # "job": the plan process_extract uses: ONE_WAY is every characteristic of service
    # data (the registry), INTERSECTIONS is read from identify/jobs.py (importing it
    # would need Django settings and the ORM).
    from amhe.analysis.dimensions import EXTRACT, dimensions_for

    tree = ast.parse((ROOT / "identify" / "jobs.py").read_text(encoding="utf-8"))
    lists: dict[str, Any] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            if node.targets[0].id == "INTERSECTIONS":
                lists["INTERSECTIONS"] = ast.literal_eval(node.value)
    return [[d] for d in dimensions_for(EXTRACT)] + [list(p) for p in lists["INTERSECTIONS"]]


def _run_in_child(func, *args) -> Any:
    """Run func(*args) in a fresh spawned interpreter (one task, then it exits)."""
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(func, *args).result()


# --------------------------------------------------------------------------- data generation (child)


def _demo_distribution(column: str) -> dict[str, float]:
    import csv
    from collections import Counter

    with open(DEMO_REFERRALS, encoding="utf-8", newline="") as handle:
        counts = Counter(row[column] for row in csv.DictReader(handle))
    return {value: float(n) for value, n in counts.items()}


def _mix(base: dict[str, float], extra: dict[str, float]) -> dict[str, float]:
    """base (relative weights) scaled to 1 - sum(extra), plus extra (absolute shares)."""
    total = sum(base.values())
    rest = 1.0 - sum(extra.values())
    out = {k: v / total * rest for k, v in base.items()}
    for k, v in extra.items():
        out[k] = out.get(k, 0.0) + v
    return out


def _sample(rng, weights: dict[str, float], n: int):
    """n strings drawn from weights, as an Arrow string array (vectorised)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    values = list(weights)
    p = np.array([weights[v] for v in values], dtype=np.float64)
    idx = rng.choice(len(values), size=n, p=p / p.sum()).astype(np.int32)
    return pc.take(pa.array(values, type=pa.string()), pa.array(idx))


def _with_messy(rng, base_values: list[str], base_idx, messy: dict[str, float]):
    """Strings base_values[base_idx], with a share of rows replaced by messy tokens."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    n = len(base_idx)
    vocab = list(base_values) + list(messy)
    idx = base_idx.astype(np.int32, copy=True)
    p_messy = sum(messy.values())
    hit = rng.random(n) < p_messy
    shares = np.array(list(messy.values())) / p_messy
    idx[hit] = len(base_values) + rng.choice(len(messy), size=int(hit.sum()), p=shares)
    return pc.take(pa.array(vocab, type=pa.string()), pa.array(idx))


def _fixed_width_ids(rng, n: int, prefix: str, digits: int, pool: int):
    """Pseudonymised IDs like P00012345 drawn (with repeats) from a pool, built as bytes."""
    import numpy as np
    import pyarrow as pa

    ids = rng.integers(1, pool + 1, size=n, dtype=np.int64)
    width = len(prefix) + digits
    data = np.empty((n, width), dtype=np.uint8)
    data[:, : len(prefix)] = np.frombuffer(prefix.encode("ascii"), dtype=np.uint8)
    for k in range(digits):
        data[:, width - 1 - k] = ord("0") + (ids // 10**k) % 10
    offsets = np.arange(0, width * (n + 1), width, dtype=np.int64)
    return pa.LargeStringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(data)).cast(pa.string())


def generate_extract(path: str, rows: int, seed: int = 20240401) -> dict[str, Any]:
    """Write an MHSDS-like referrals CSV with `rows` data rows. Runs in a child."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.csv as pacsv

    from identify import reference_data

    start = time.perf_counter()
    rng = np.random.default_rng(seed)
    n = rows

    # Ethnicity and gender: the demo's own mix (labels in two spellings, Z, 99,
    # blanks, X9/0/"White Other?"), plus a few more kinds of mess seen in real extracts.
    ethnicity = _sample(
        rng,
        _mix(
            _demo_distribution("EthnicCategory"),
            {" A": 0.002, "a": 0.001, "CA": 0.002, "NULL": 0.001, "Not stated": 0.001, "Prefer not to say": 0.0005},
        ),
        n,
    )
    gender = _sample(rng, _mix(_demo_distribution("Gender"), {"M": 0.001, "Female": 0.001, "": 0.005, "0": 0.0005}), n)
    gender_id = _sample(
        rng,
        {"1": 0.44, "2": 0.40, "3": 0.004, "4": 0.002, "Z": 0.02, "X": 0.06, "": 0.071, "9": 0.002, "Male": 0.001},
        n,
    )

    # Age: a working-age-heavy crisis caseload, with blanks, words and impossible ages.
    ages = np.clip(np.rint(rng.normal(37.0, 14.0, size=n)), 11, 98).astype(np.int32)
    age = _with_messy(
        rng,
        [str(i) for i in range(121)],
        ages,
        {"": 0.015, "unknown": 0.001, "999": 0.001, "-1": 0.0005, "42.0": 0.0005, "30 years": 0.0002},
    )

    # LSOA: 3,000 real 2011 LSOAs (one ICB's worth), skewed use, plus blanks,
    # 2021-only and Welsh codes (valid-looking but not in the IoD 2019 lookup),
    # lower case, stray spaces and junk.
    lookup = sorted(reference_data.imd_deciles())
    chosen = rng.choice(len(lookup), size=3000, replace=False)
    codes = [lookup[i] for i in chosen]
    weights = rng.lognormal(0.0, 0.8, size=len(codes))
    base = rng.choice(len(codes), size=n, p=weights / weights.sum())
    lsoa_messy = {"": 0.03, "NULL": 0.002, "UNKNOWN": 0.001, "ZZZZZZZZZ": 0.0005, "E0101136": 0.0003}
    lsoa_messy.update({f"E0103{4000 + i:04d}": 0.005 / 50 for i in range(50)})  # 2021 LSOAs
    lsoa_messy.update({f"W0100{1000 + i:04d}": 0.001 / 20 for i in range(20)})  # Welsh LSOAs
    lsoa_messy.update({codes[i].lower(): 0.003 / 30 for i in range(30)})
    lsoa_messy.update({f" {codes[i]} ": 0.002 / 20 for i in range(30, 50)})
    lsoa = _with_messy(rng, codes, base, lsoa_messy)

    # Referral dates: financial year 2024/25, ISO and some dd/mm/yyyy, a few impossible.
    days = [dt.date(2024, 4, 1) + dt.timedelta(days=i) for i in range(365)]
    day_weights = np.array([0.6 if d.weekday() >= 5 else 1.0 for d in days])
    day_idx = rng.choice(len(days), size=n, p=day_weights / day_weights.sum())
    iso = [d.isoformat() for d in days]
    date = _with_messy(
        rng,
        iso,
        day_idx,
        {
            **{d.strftime("%d/%m/%Y"): 0.01 / 50 for d in days[::7][:50]},
            "": 0.005,
            "2024-02-30": 0.0005,
            "1899-12-31": 0.0002,
            "TBC": 0.0003,
        },
    )

    sexual_orientation = _sample(
        rng,
        {
            "1": 0.50,
            "20430005": 0.06,
            "2": 0.015,
            "89217008": 0.003,
            "3": 0.015,
            "42035005": 0.002,
            "4": 0.004,
            "U": 0.008,
            "Z": 0.06,
            "9": 0.12,
            "": 0.21,
            "X": 0.001,
            "1.0": 0.001,
        },
        n,
    )
    religion = _sample(
        rng,
        {
            "No religion": 0.33,
            "Christian": 0.29,
            "Muslim": 0.05,
            "Hindu": 0.01,
            "Sikh": 0.007,
            "Jewish": 0.004,
            "Buddhist": 0.004,
            "Other religion": 0.006,
            "Not stated": 0.04,
            "Unknown": 0.08,
            "": 0.17,
            "Church of England": 0.003,
            "Atheist": 0.002,
            "christian": 0.003,
        },
        n,
    )
    disability = _sample(
        rng, {"N": 0.45, "Y": 0.12, "Z": 0.03, "X": 0.10, "": 0.29, "01": 0.005, "NN": 0.004, "Yes": 0.001}, n
    )
    provider = _sample(rng, {"RGD": 0.72, "RXE": 0.12, "TAD": 0.08, "RHA": 0.05, "NQL": 0.03}, n)
    team = _sample(
        rng, {"A02": 0.35, "A03": 0.15, "A18": 0.12, "C03": 0.08, "A05": 0.10, "D03": 0.05, "A06": 0.10, "": 0.05}, n
    )
    person = _fixed_width_ids(rng, n, "P", 8, pool=max(2 * n, 1))  # about 1 row in 5 repeats an earlier ID

    table = pa.table(
        {
            "Person_ID": person,
            "EthnicCategory": ethnicity,
            "Gender": gender,
            "GenderIDCode": gender_id,
            "AgeRepPeriodEnd": age,
            "LSOA2011": lsoa,
            "SexualOrientationCode": sexual_orientation,
            "Religion": religion,
            "DisabilityCode": disability,
            "ReferralRequestReceivedDate": date,
            "OrgIDProv": provider,
            "ServTeamTypeRefToMH": team,
        }
    )
    built = time.perf_counter()
    with open(path, "wb") as handle:
        handle.write((",".join(table.column_names) + "\n").encode("ascii"))  # unquoted, like the demo
        pacsv.write_csv(table, handle, pacsv.WriteOptions(include_header=False, quoting_style="none"))
    return {
        "rows": n,
        "columns": table.column_names,
        "bytes": os.path.getsize(path),
        "seconds": round(time.perf_counter() - start, 2),
        "build_seconds": round(built - start, 2),
    }


def prepare_population(csv_path: str, table_path: str) -> dict[str, Any]:
    """A population extract as the app would hold it once READY: a CSV of residents by
    ethnicity x sex x mental health age band x IMD decile, scaled from the demo's
    census counts, read with read_extract and saved as the job stores it. Runs in a child.

    Age is given in bands, not single years: with single years the normalised
    population gets five-year bands, breakdown() then tries age-standardised
    rates, and for a characteristic the population lacks (gender identity) it
    raises BreakdownError (see README.md, "Known problem")."""
    import csv

    import numpy as np

    from identify import engine

    with open(DEMO_POPULATION, encoding="utf-8", newline="") as handle:
        ethnic = [(row["Ethnicity"], float(row["Population"])) for row in csv.DictReader(handle)]
    bands = {"0-17": 18, "18-24": 7, "25-34": 10, "35-44": 10, "45-54": 10, "55-64": 10, "65+": 22}
    ages = np.array(list(bands.values()), dtype=np.float64)
    ages[-1] *= 0.6  # fewer people in each year over 65
    age_weights = ages / ages.sum()
    decile_weights = np.array([0.22, 0.12, 0.09, 0.08, 0.08, 0.08, 0.08, 0.08, 0.09, 0.08])
    decile_weights /= decile_weights.sum()
    lines = ["Ethnicity,Sex,Age band,IMD decile,Population"]
    for label, total in ethnic:
        for sex, share in (("Male", 0.49), ("Female", 0.51)):
            for band, a_w in zip(bands, age_weights, strict=True):
                for decile, d_w in enumerate(decile_weights, start=1):
                    lines.append(f"{label},{sex},{band},{decile},{round(total * share * a_w * d_w)}")
    Path(csv_path).write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = engine.read_extract(csv_path, filename="population.csv", max_bytes=DEFAULT_UPLOAD_MAX_MB * 1024 * 1024)
    engine.save_table(result.table, table_path)
    mapping = {c: f for c, f in engine.detect_mapping(result.columns).items() if f}
    return {"rows": len(result.table), "mapping": mapping}


# --------------------------------------------------------------------------- measurements (children)


def measure_baseline(path: str, warm: bool = False) -> dict[str, Any]:
    """Bare pandas: read the CSV and count rows by EthnicCategory. With warm, a second
    run in the same process is timed too (peak memory is taken after the first)."""
    first = _baseline_once(path)
    first.update(_peak_memory())
    if warm:
        second = _baseline_once(path)
        first["warm_seconds"] = second["seconds"]
        first["warm_phases"] = second["phases"]
    return first


def _baseline_once(path: str) -> dict[str, Any]:
    import pandas as pd

    start = time.perf_counter()
    df = pd.read_csv(path)
    read = time.perf_counter()
    counts = df.groupby("EthnicCategory").size()
    end = time.perf_counter()
    return {"seconds": end - start, "phases": {"read_csv": read - start, "groupby": end - read}, "groups": len(counts)}


def measure_job(
    path: str,
    workdir: str,
    population_table: str,
    population_mapping: dict[str, str],
    plan_name: str,
    profile_path: str | None = None,
    warm: bool = False,
) -> dict[str, Any]:
    """The whole job in this (fresh) process; with warm, a second run is timed too, as
    in a long-lived worker (peak memory is taken after the first run)."""
    first = _job_once(path, workdir, population_table, population_mapping, plan_name, profile_path)
    first.update(_peak_memory())
    if warm:
        second = _job_once(path, workdir, population_table, population_mapping, plan_name)
        first["warm_seconds"] = second["seconds"]
        first["warm_phases"] = second["phases"]
    return first


def _job_once(
    path: str,
    workdir: str,
    population_table: str,
    population_mapping: dict[str, str],
    plan_name: str,
    profile_path: str | None = None,
) -> dict[str, Any]:
    """The whole job, as identify/jobs.py read_extract + process_extract run it (no ORM)."""

    from amhe.analysis.breakdown import breakdown, publish
    from amhe.analysis.dimensions import EXTRACT, dimensions_for
    from identify import engine, reference_data

    profiler = None
    if profile_path:
        import cProfile

        profiler = cProfile.Profile()
    phases: dict[str, float] = {}
    memory: dict[str, float] = {}  # VmHWM (MiB) after each phase: which phase set the peak
    per_breakdown: dict[str, float] = {}
    clock = [time.perf_counter()]

    def mark(name: str) -> None:
        now = time.perf_counter()
        phases[name] = phases.get(name, 0.0) + now - clock[0]
        memory[name] = _proc_status_mb().get("vmhwm_mb", 0.0)
        clock[0] = now

    size = os.path.getsize(path)
    if profiler:
        profiler.enable()
    start = clock[0] = time.perf_counter()

    # --- jobs.read_extract
    key = "benchmark-pseudonym-key"  # AMHE_PSEUDONYM_KEY: any key costs the same
    result = engine.read_extract(path, filename=os.path.basename(path), max_bytes=max(size, 1), pseudonym_key=key)
    mark("read_extract")
    # Record IDs (Person_ID here) are stored as keyed HMACs, as the read job does.
    columns = [str(c) for c in result.table.columns]
    engine.pseudonymise_columns(result.table, engine.record_id_columns(columns, already=result.pseudonymised), key)
    mark("pseudonymise")
    table_path = os.path.join(workdir, f"extract-{os.getpid()}{engine.TABLE_SUFFIX}")
    engine.save_table(result.table, table_path)  # the index holds the spreadsheet row numbers
    mark("save_table")
    suggested = engine.detect_mapping(columns)
    stored_mapping = {column: field for column, field in suggested.items() if field}
    row_count = len(result.table)
    del result  # the read job ends here; process_extract starts from the stored table
    mark("detect_mapping")

    # --- jobs.process_extract
    raw = engine.load_table(table_path)
    mark("load_table")
    mapping = engine.Mapping.from_dict(stored_mapping, columns=list(raw.columns))
    lookup = reference_data.imd_deciles()  # lru_cache: free in a long-lived worker after the first job
    mark("mapping_and_lookup")
    normalised = engine.normalise(raw, mapping, lsoa_lookup=lookup)
    mark("normalise")
    quality = engine.quality_report(normalised)
    mark("quality_report")

    pop_raw = engine.load_table(population_table)  # jobs._population_table
    pop_mapping = engine.Mapping.from_dict(population_mapping, columns=list(pop_raw.columns))
    population = engine.normalise(pop_raw, pop_mapping, lsoa_lookup=lookup).table
    mark("population")

    table = normalised.table
    count_column = "count" if "count" in table.columns else None
    plans = [p for p in _job_plan(plan_name) if all(dimensions_for(EXTRACT)[d].column in table.columns for d in p)]
    results = []
    key_cache = {}  # as jobs.process_extract does
    for dims in plans:
        t0 = time.perf_counter()
        results.append(
            breakdown(
                table, dims, count_column=count_column, population=population, confidence=0.95, key_cache=key_cache
            )
        )
        per_breakdown["×".join(dims)] = time.perf_counter() - t0
    mark("breakdowns")

    rule = "nhs"
    stored = []
    for result_ in results:
        as_dict = result_.as_dict()
        stored.append((as_dict, {**as_dict, "rows": publish(result_, rule)}))
    mark("publish")

    # What the job stores in JSONB: the quality report, and per breakdown result + published.
    payload = [json.dumps(quality)]
    for as_dict, published in stored:
        payload.append(json.dumps(as_dict))
        payload.append(json.dumps(published))
    json_bytes = sum(len(p) for p in payload)
    mark("serialise_json")
    total = time.perf_counter() - start
    if profiler:
        profiler.disable()
        profiler.dump_stats(profile_path)
    os.unlink(table_path)

    return {
        "seconds": total,
        "phases": phases,
        "hwm_after_phase_mb": memory,
        "per_breakdown": per_breakdown,
        "breakdowns": [r.dimension for r in results],
        "rows": row_count,
        "quality_rows": quality["rows"],
        "json_bytes": json_bytes,
        "mapping": stored_mapping,
    }


def measure_empty() -> dict[str, Any]:
    """A spawned child that only imports the engine: the floor under every peak."""
    import pandas  # noqa: F401

    from identify import engine  # noqa: F401

    return _peak_memory()


def _library_versions() -> dict[str, Any]:
    import numpy
    import pandas
    import pyarrow

    return {"pandas": pandas.__version__, "numpy": numpy.__version__, "pyarrow": pyarrow.__version__}


# --------------------------------------------------------------------------- orchestration (parent)


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def _summarise(runs: list[dict[str, Any]]) -> dict[str, Any]:
    phases = list(runs[0]["phases"])
    out = {
        "runs": len(runs),
        "seconds_median": _median([r["seconds"] for r in runs]),
        "seconds_all": [round(r["seconds"], 3) for r in runs],
        "phases_median": {p: _median([r["phases"][p] for r in runs]) for p in phases},
        "peak_rss_mb_median": _median([r["ru_maxrss_mb"] for r in runs]),
        "peak_rss_mb_max": max(r["ru_maxrss_mb"] for r in runs),
        "vmhwm_mb_max": max(r.get("vmhwm_mb", 0.0) for r in runs),
    }
    if all("warm_seconds" in r for r in runs):
        out["warm_seconds_median"] = _median([r["warm_seconds"] for r in runs])
        out["warm_seconds_all"] = [round(r["warm_seconds"], 3) for r in runs]
        out["warm_phases_median"] = {p: _median([r["warm_phases"][p] for r in runs]) for p in phases}
    if "per_breakdown" in runs[0]:
        out["per_breakdown_median"] = {
            k: _median([r["per_breakdown"][k] for r in runs]) for k in runs[0]["per_breakdown"]
        }
        out["hwm_after_phase_mb"] = runs[-1]["hwm_after_phase_mb"]
        out["breakdowns"] = runs[0]["breakdowns"]
        out["json_bytes"] = runs[0]["json_bytes"]
        out["mapping"] = runs[0]["mapping"]
    return out


def _machine() -> dict[str, Any]:
    info: dict[str, Any] = {
        "nproc": os.cpu_count(),
        "nproc_available": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_average_start": list(os.getloadavg()),
    }
    try:
        with open("/proc/meminfo", encoding="ascii") as handle:
            info["memory_gb"] = round(int(handle.readline().split()[1]) / 1024 / 1024, 1)
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as handle:
            models = (line.split(":", 1)[1].strip() for line in handle if line.startswith("model name"))
            info["cpu"] = next(models, None)
    except OSError:
        pass
    for package in ("pandas", "numpy", "pyarrow"):
        try:
            info[package] = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            info[package] = None
    return info


def _log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def _generate(label: str, rows: int, workdir: str) -> tuple[str, dict[str, Any]]:
    path = os.path.join(workdir, f"referrals-{rows}.csv")
    _log(f"{label}: generating {rows:,} rows")
    generated = _run_in_child(generate_extract, path, rows)
    _log(f"{label}: {generated['bytes'] / 1e6:,.0f} MB in {generated['seconds']} s")
    return path, generated


def _measure_size(
    label: str,
    path: str,
    generated: dict[str, Any],
    repeats: int,
    workdir: str,
    population: dict[str, Any],
    plan: str,
    warm: bool,
) -> dict[str, Any]:
    rows = generated["rows"]
    baseline_runs, job_runs = [], []
    for i in range(repeats):
        baseline_runs.append(_run_in_child(measure_baseline, path, warm))
        _log(f"{label}: baseline run {i + 1}: {baseline_runs[-1]['seconds']:.2f} s")
        job_runs.append(
            _run_in_child(measure_job, path, workdir, population["table"], population["mapping"], plan, None, warm)
        )
        _log(f"{label}: job run {i + 1}: {job_runs[-1]['seconds']:.2f} s, {job_runs[-1]['ru_maxrss_mb']:,.0f} MB")
    out: dict[str, Any] = {
        "rows": rows,
        "file_mb": round(generated["bytes"] / 1e6, 1),
        "generate_seconds": generated["seconds"],
        "columns": generated["columns"],
        "over_default_upload_limit": generated["bytes"] > DEFAULT_UPLOAD_MAX_MB * 1024 * 1024,
        "job": _summarise(job_runs),
    }
    out["baseline"] = _summarise(baseline_runs)
    out["ratio"] = out["job"]["seconds_median"] / out["baseline"]["seconds_median"]
    if warm:
        out["warm_ratio"] = out["job"]["warm_seconds_median"] / out["baseline"]["warm_seconds_median"]
    return out


def _print_results(results: dict[str, Any]) -> None:
    def row(name: str, seconds: float | None, peak: float | None, note: str = "") -> None:
        s = f"{seconds:8.2f}" if seconds is not None else " " * 8
        m = f"{peak:9,.0f}" if peak is not None else " " * 9
        print(f"  {name:<34}{s}  {m}  {note}")

    for key in ("small", "large"):
        size = results.get(key)
        if not size:
            continue
        print(f"\n{size['rows']:,} rows ({size['file_mb']:,} MB CSV; generated in {size['generate_seconds']} s)")
        print(f"  {'measurement':<34}{'seconds':>8}  {'peak MB':>9}")
        if "baseline" in size:
            b = size["baseline"]
            row("baseline read_csv + groupby", b["seconds_median"], b["peak_rss_mb_max"], f"runs {b['seconds_all']}")
            for phase, seconds in b["phases_median"].items():
                row(f"  {phase}", seconds, None)
        j = size["job"]
        row("whole job", j["seconds_median"], j["peak_rss_mb_max"], f"runs {j['seconds_all']}")
        for phase, seconds in j["phases_median"].items():
            row(f"  {phase}", seconds, j["hwm_after_phase_mb"].get(phase), "(peak so far)")
        for name, seconds in j["per_breakdown_median"].items():
            row(f"    {name}", seconds, None)
        if "ratio" in size:
            print(f"  ratio whole job / baseline: {size['ratio']:.2f}x (target <= {TARGET_RATIO:g}x)")
        if "warm_ratio" in size:
            print(
                f"  warm (second run in the same process): baseline {size['baseline']['warm_seconds_median']:.2f} s, "
                f"job {j['warm_seconds_median']:.2f} s, ratio {size['warm_ratio']:.2f}x"
            )
            print("    job phases, warm: " + ", ".join(f"{k} {v:.2f}" for k, v in j["warm_phases_median"].items()))
        if size.get("over_default_upload_limit"):
            print(f"  note: the file is over the default upload limit ({DEFAULT_UPLOAD_MAX_MB} MB, AMHE_UPLOAD_MAX_MB)")
    full = results.get("small_full_plan")
    if full:
        print(
            f"\nApp's full plan ({len(full['breakdowns'])} breakdowns) at {results['small']['rows']:,} rows: "
            f"{full['seconds_median']:.2f} s, peak {full['peak_rss_mb_max']:,.0f} MB"
        )
    print(f"\nSpawned child importing the engine only: peak {results['floor']['ru_maxrss_mb']:,.0f} MB")
    for check, ok in results["targets"].items():
        print(f"  {check}: {'met' if ok else 'MISSED'}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows for the timed comparison (default 1M)")
    parser.add_argument("--rows-large", type=int, default=10_000_000, help="rows for the large run (default 10M)")
    parser.add_argument("--skip-large", action="store_true", help="skip the large run")
    parser.add_argument("--repeats", type=int, default=3, help="runs per measurement; the median is reported")
    parser.add_argument("--large-repeats", type=int, default=1, help="runs per measurement at --rows-large")
    parser.add_argument(
        "--plan",
        choices=("brief", "job"),
        default="brief",
        help="breakdowns: 'brief' = 6 characteristics + 3 intersections (default); "
        "'job' = ONE_WAY + INTERSECTIONS from identify/jobs.py",
    )
    parser.add_argument("--no-warm", action="store_true", help="skip the second (warm) run in each child at --rows")
    parser.add_argument("--no-full-plan", action="store_true", help="skip the extra run of the app's full plan")
    parser.add_argument("--profile", action="store_true", help="also profile one job run with cProfile and print it")
    parser.add_argument("--workdir", help="directory for the generated files (default: a new temp dir)")
    parser.add_argument("--output", default=str(RESULTS), help="where to write the JSON results")
    args = parser.parse_args(argv)

    workdir = args.workdir or tempfile.mkdtemp(prefix="amhe-bench-")
    os.makedirs(workdir, exist_ok=True)
    started = dt.datetime.now(dt.UTC)
    results: dict[str, Any] = {
        "benchmark": "identify breakdown job vs bare pandas read_csv + groupby",
        "date": started.isoformat(timespec="seconds"),
        "machine": _machine(),
        "plan": args.plan,
        "repeats": args.repeats,
        "targets_defined": {"ratio_max": TARGET_RATIO, "peak_rss_mb_max_at_1M": TARGET_PEAK_MB_AT_1M},
    }
    _log(f"work directory {workdir}")
    try:
        results["machine"].update(_run_in_child(_library_versions))
        results["floor"] = _run_in_child(measure_empty)
        population = _run_in_child(
            prepare_population, os.path.join(workdir, "population.csv"), os.path.join(workdir, "population.arrow")
        )
        population["table"] = os.path.join(workdir, "population.arrow")
        results["population"] = {"rows": population["rows"], "mapping": population["mapping"]}

        path, generated = _generate("small", args.rows, workdir)
        results["small"] = _measure_size(
            "small", path, generated, args.repeats, workdir, population, args.plan, not args.no_warm
        )
        if not args.no_full_plan and args.plan != "job":
            run = _run_in_child(measure_job, path, workdir, population["table"], population["mapping"], "job")
            results["small_full_plan"] = _summarise([run])
            _log(f"small: app's full plan: {run['seconds']:.2f} s, {run['ru_maxrss_mb']:,.0f} MB")
        if args.profile:
            profile_path = os.path.join(workdir, "job.prof")
            _run_in_child(
                measure_job, path, workdir, population["table"], population["mapping"], args.plan, profile_path
            )
            results["profile_top"] = _profile_summary(profile_path)
        os.unlink(path)
        if not args.skip_large:
            path, generated = _generate("large", args.rows_large, workdir)
            results["large"] = _measure_size(
                "large", path, generated, args.large_repeats, workdir, population, args.plan, False
            )
            os.unlink(path)
    finally:
        if not args.workdir:
            shutil.rmtree(workdir, ignore_errors=True)

    small = results["small"]
    results["targets"] = {
        f"ratio <= {TARGET_RATIO:g}x at {small['rows']:,} rows": small["ratio"] <= TARGET_RATIO,
        f"job peak RSS < {TARGET_PEAK_MB_AT_1M} MB at {small['rows']:,} rows": small["job"]["peak_rss_mb_max"]
        < TARGET_PEAK_MB_AT_1M,
    }
    if "large" in results:
        large = results["large"]
        results["targets"][f"job completes at {large['rows']:,} rows"] = True
        results["targets"][f"job peak RSS <= {TARGET_PEAK_MB_AT_1M} MB at {large['rows']:,} rows"] = (
            large["job"]["peak_rss_mb_max"] <= TARGET_PEAK_MB_AT_1M
        )
    results["machine"]["load_average_end"] = list(os.getloadavg())
    results["elapsed_seconds"] = round((dt.datetime.now(dt.UTC) - started).total_seconds(), 1)
    results["parent_ru_maxrss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    _print_results(results)
    if "profile_top" in results:
        print("\ncProfile, top functions by cumulative time (one job run):")
        print(results["profile_top"])
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(_rounded(results), indent=2, default=str) + "\n", encoding="utf-8")
    print(f"\nWrote {output}")
    return 0


def _profile_summary(profile_path: str, limit: int = 35) -> str:
    import io
    import pstats

    stream = io.StringIO()
    stats = pstats.Stats(profile_path, stream=stream)
    stats.strip_dirs().sort_stats("cumulative").print_stats(limit)
    return stream.getvalue()


def _rounded(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 3)
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_rounded(v) for v in value]
    return value


if __name__ == "__main__":
    sys.exit(main())
