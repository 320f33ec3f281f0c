"""Break a normalised extract down by a characteristic or an intersection of
two or three, with honest statistics (pure pandas: no ORM, no Plotly).

Input: the normalised table (one column of taxonomy codes per characteristic
plus `<column>__kind`), optionally a count column (aggregate extracts) and a
normalised population table with a `population` column.

Output: tidy rows, one per group, with the keys of the command-line JSON
schema (dimension, group, count, population, share, share_lower, share_upper,
rate, rate_lower, rate_upper, rate_ratio, rate_ratio_lower,
rate_ratio_upper, suppressed) and a few more (group_code, groups, kind,
reference, population_share, relative_inequity). Rates are per 100,000.
`None` where a value does not apply.

"Not stated", "not known", blank and invalid values are kept as groups of
their own, after the real groups, and never folded into one. They have no
population, so no rate.

Methods (see amhe.stats): shares with Wilson score intervals; rates with
exact Poisson limits below 10 events and Byar's method from 10 (OHID);
rate ratios with a log-scale interval; directly age-standardised rates
(2013 European Standard Population, Dobson limits) when both tables carry
five-year age bands.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from amhe import stats
from amhe.analysis.dimensions import EXTRACT, Dimension, dimensions_for
from amhe.core import taxonomy

PER = 100_000
# The keys of a row in the command line's JSON output (documented in the README).
ROW_SCHEMA = (
    "dimension",
    "group",
    "count",
    "population",
    "share",
    "share_lower",
    "share_upper",
    "rate",
    "rate_lower",
    "rate_upper",
    "rate_ratio",
    "rate_ratio_lower",
    "rate_ratio_upper",
    "suppressed",
)
# Further figures per group, where the data allow: age-standardised rates,
# outcome proportions and score means.
EXTRA_FIGURES = (
    "dsr",
    "dsr_lower",
    "dsr_upper",
    "outcome_n",
    "outcome",
    "outcome_lower",
    "outcome_upper",
    "score_n",
    "score_mean",
    "score_lower",
    "score_upper",
)
MISSING_LABELS = {
    taxonomy.NOT_STATED: "Not stated",
    taxonomy.NOT_KNOWN: "Not known",
    "blank": "Missing (blank)",
    "invalid": "Invalid code",
    taxonomy.NOT_APPLICABLE: "Not applicable",
}
MISSING_ORDER = [taxonomy.NOT_STATED, taxonomy.NOT_KNOWN, "blank", "invalid", taxonomy.NOT_APPLICABLE]
ANSWERED = {taxonomy.VALID, taxonomy.OTHER}


INTERSECTION_SEPARATOR = "×"


@dataclass
class BreakdownResult:
    dimension: str  # "ethnicity_high" or "ethnicity_high×sex"
    label: str
    rows: list[dict]
    dimensions: tuple[str, ...]
    reference: str | None = None  # label of the reference group for rate ratios
    summary: dict = field(default_factory=dict)  # e.g. slope index of inequality
    confidence: float = 0.95

    def as_dict(self) -> dict:
        return {
            "dimension": self.dimension,
            "label": self.label,
            "dimensions": list(self.dimensions),
            "reference": self.reference,
            "summary": self.summary,
            "confidence": self.confidence,
            "rows": self.rows,
        }


class BreakdownError(ValueError):
    pass


def _categories(dim: Dimension) -> list[tuple[str, str, str]]:
    """(code, label, kind) for the answered groups of a dimension, in official order."""
    code_list = taxonomy.code_list(dim.code_list)
    if dim.high_level:
        return [(group.code, group.label, taxonomy.VALID) for group in code_list.groups]
    return [(c.code, c.label, c.kind) for c in code_list.answered]


def _codes_of(series: pd.Series) -> tuple[np.ndarray, list]:
    """Integer codes per row (-1 for a missing value) and the distinct values they
    stand for: a categorical's own codes, else a hash pass (`pd.factorize`)."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        return series.cat.codes.to_numpy(), list(series.cat.categories)
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    return codes, list(uniques)


def _key_series(df: pd.DataFrame, dim: Dimension) -> pd.Series:
    """Group key per row, as a categorical: the code for answered values,
    '(kind)' for missing ones. Worked out once per distinct (code, kind) pair,
    from the columns' integer codes, and spread over the rows by integer
    position: no per-row string work and no hashing of categorical columns."""
    if dim.column not in df.columns:
        raise BreakdownError(f"The extract has no {dim.label.lower()} column mapped.")
    kind_column = f"{dim.column}__kind"
    code_ids, code_values = _codes_of(df[dim.column])
    if kind_column in df.columns:
        kind_ids, kind_values = _codes_of(df[kind_column])
    else:
        kind_ids, kind_values = np.zeros(len(df), dtype=np.int8), ["valid"]
    width = len(kind_values) + 1  # slot 0 of each is a missing value (code -1)
    pair = code_ids.astype(np.int64 if (len(code_values) + 1) * width >= 2**31 else np.int32)  # in place below
    pair += 1
    pair *= width
    pair += kind_ids
    pair += 1
    present = np.flatnonzero(np.bincount(pair, minlength=(len(code_values) + 1) * width))
    keys = []
    for p in present.tolist():
        c, k = divmod(p, width)
        keys.append(_group_key(code_values[c - 1] if c else None, kind_values[k - 1] if k else None))
    categories = list(dict.fromkeys(keys))
    position = {key: i for i, key in enumerate(categories)}
    remap = np.full((len(code_values) + 1) * width, -1, dtype=np.int32)
    remap[present] = [position[key] for key in keys]
    return pd.Series(pd.Categorical.from_codes(remap[pair], categories=categories), index=df.index)


def _group_key(code, kind) -> str:
    kind = "blank" if kind is None or (isinstance(kind, float) and kind != kind) else str(kind)
    code = "" if code is None or (isinstance(code, float) and code != code) else str(code)
    if kind in ANSWERED:
        return code
    return f"({kind})"


def _labels(dim: Dimension) -> dict[str, tuple[str, str, int]]:
    """key -> (label, kind, order)."""
    labels = {code: (label, kind, i) for i, (code, label, kind) in enumerate(_categories(dim))}
    start = len(labels)
    for j, kind in enumerate(MISSING_ORDER):
        labels[f"({kind})"] = (MISSING_LABELS[kind], kind, start + j)
    return labels


def _weights(df: pd.DataFrame, count_column: str | None) -> pd.Series:
    """1 per record, or the count column. Blank or invalid counts add nothing
    (the quality report lists them); negative counts are refused."""
    if count_column:
        weights = pd.to_numeric(df[count_column], errors="coerce")
        if (weights < 0).any():
            raise BreakdownError(f"The count column '{count_column}' must hold whole numbers of 0 or more.")
        return weights.fillna(0)
    return pd.Series(1, index=df.index, dtype="int64")


def _population_lookup(population: pd.DataFrame | None, dims: list[Dimension]) -> dict[tuple, float] | None:
    if population is None:
        return None
    columns = [d.column for d in dims]
    if not all(c in population.columns for c in columns):
        return None
    keys = [_key_series(population, d) for d in dims]
    values = pd.to_numeric(population["population"], errors="coerce").fillna(0)
    grouped = values.groupby(keys).sum()
    lookup = {}
    for key, value in grouped.items():
        key = key if isinstance(key, tuple) else (key,)
        if not any(k.startswith("(") for k in key):
            lookup[key] = float(value)
    return lookup


def breakdown(
    df: pd.DataFrame,
    dims: list[str],
    *,
    count_column: str | None = None,
    population: pd.DataFrame | None = None,
    reference: str | None = None,
    confidence: float = 0.95,
    key_cache: dict | None = None,
    registry: Mapping[str, Dimension] | None = None,
) -> BreakdownResult:
    """Counts, shares, rates and rate ratios by one characteristic or an intersection.

    Pass the same `key_cache` dict to every breakdown of one table so each
    characteristic's group keys are worked out once, not once per breakdown.
    `registry` names the characteristics `dims` may use: by default those of
    service data (`dimensions_for(EXTRACT)`); survey results pass
    `dimensions_for(SURVEY)` (amhe.analysis.dimensions).
    """
    registry = dimensions_for(EXTRACT) if registry is None else registry
    if not 1 <= len(dims) <= 3:
        raise BreakdownError("Break down by one characteristic, or an intersection of two or three.")
    try:
        dimensions = [registry[d] for d in dims]
    except KeyError as exc:
        raise BreakdownError(f"Unknown characteristic {exc.args[0]!r}. Choose from: {', '.join(registry)}.") from None
    stats.z_value(confidence)  # validates the level

    weights = _weights(df, count_column)
    cache = {} if key_cache is None else key_cache
    keys = [cache[d.key] if d.key in cache else cache.setdefault(d.key, _key_series(df, d)) for d in dimensions]
    if count_column:
        counts = weights.groupby(keys, observed=True).sum()
        observed = {_cell_key(k): int(v) for k, v in counts.items() if v}
    else:
        observed = _records_per_cell(keys)
    total = sum(observed.values())

    labels = [_labels(d) for d in dimensions]
    # Every answered category appears (with 0 if absent), missing kinds only when present.
    axes = []
    for lab in labels:
        present = {k[len(axes)] for k in observed}
        axes.append(
            [
                key
                for key, (_, kind, _) in sorted(lab.items(), key=lambda item: item[1][2])
                if kind in ANSWERED or key in present
            ]
        )
    cells = [()]
    for axis in axes:
        cells = [c + (k,) for c in cells for k in axis]

    pops = _population_lookup(population, dimensions)
    answered_cells = [c for c in cells if not any(k.startswith("(") for k in c)]
    pop_total = sum(pops.get(c, 0) for c in answered_cells) if pops else 0
    count_with_pop = sum(observed.get(c, 0) for c in answered_cells if pops and pops.get(c)) if pops else 0

    ref_cell = _reference_cell(reference, answered_cells, labels, pops, observed)
    ref_events = observed.get(ref_cell, 0) if ref_cell else 0
    ref_pop = pops.get(ref_cell) if (pops and ref_cell) else None

    outcomes = _outcomes(df, keys, weights)
    scores = _scores(df, keys)
    standardised = _standardised_rates(df, keys, weights, population, dimensions, confidence)

    name = INTERSECTION_SEPARATOR.join(d.key for d in dimensions)
    rows = []
    for cell in cells:
        count = observed.get(cell, 0)
        cell_labels = [lab[k][0] for lab, k in zip(labels, cell, strict=True)]
        kinds = [lab[k][1] for lab, k in zip(labels, cell, strict=True)]
        kind = next((k for k in kinds if k not in ANSWERED), kinds[0] if len(kinds) == 1 else taxonomy.VALID)
        share = stats.proportion(count, total, confidence) if total else stats.Estimate(None, None, None)
        population_value = pops.get(cell) if pops else None
        row = {
            "dimension": name,
            "group": " / ".join(cell_labels),
            "group_code": "/".join(cell),
            "groups": {d.key: label for d, label in zip(dimensions, cell_labels, strict=True)},
            "kind": kind,
            "count": count,
            "population": population_value,
            "share": share.value,
            "share_lower": share.lower,
            "share_upper": share.upper,
            "rate": None,
            "rate_lower": None,
            "rate_upper": None,
            "rate_ratio": None,
            "rate_ratio_lower": None,
            "rate_ratio_upper": None,
            "reference": cell == ref_cell,
            "population_share": None,
            "case_share": None,  # share of the records whose group has a population
            "relative_inequity": None,
            "suppressed": False,
        }
        if population_value:
            estimate = stats.rate(count, population_value, confidence, per=PER)
            row.update(rate=estimate.value, rate_lower=estimate.lower, rate_upper=estimate.upper)
            row["population_share"] = population_value / pop_total if pop_total else None
            if count_with_pop and row["population_share"]:
                row["relative_inequity"] = stats.relative_inequity_index(
                    count / count_with_pop, row["population_share"]
                )
            if cell == ref_cell:
                row["rate_ratio"] = 1.0  # the reference itself: no interval
            elif ref_pop:
                ratio = stats.rate_ratio(count, population_value, ref_events, ref_pop, confidence)
                row.update(rate_ratio=ratio.value, rate_ratio_lower=ratio.lower, rate_ratio_upper=ratio.upper)
        if outcomes is not None:
            yes, answered = outcomes.get(cell, (0, 0))
            estimate = stats.proportion(yes, answered, confidence) if answered else stats.Estimate(None, None, None)
            row.update(
                outcome_n=answered, outcome=estimate.value, outcome_lower=estimate.lower, outcome_upper=estimate.upper
            )
        if scores is not None:
            mean_value, sd, n = scores.get(cell, (None, None, 0))
            estimate = (
                stats.mean_from_summary(mean_value, sd, n, confidence) if n >= 2 else stats.Estimate(None, None, None)
            )
            row.update(score_n=n, score_mean=estimate.value, score_lower=estimate.lower, score_upper=estimate.upper)
        if standardised is not None and cell in standardised:
            estimate = standardised[cell]
            row.update(dsr=estimate.value, dsr_lower=estimate.lower, dsr_upper=estimate.upper)
        rows.append(row)

    label = " by ".join([dimensions[0].label] + [d.label[0].lower() + d.label[1:] for d in dimensions[1:]])
    result = BreakdownResult(
        dimension=name,
        label=label,
        rows=rows,
        dimensions=tuple(dims),
        reference=" / ".join(lab[k][0] for lab, k in zip(labels, ref_cell, strict=True)) if ref_cell else None,
        confidence=confidence,
    )
    if len(dimensions) == 1 and dimensions[0].key == "imd_decile" and pops:
        result.summary = _slope_index(rows, confidence)
    return result


def _records_per_cell(keys: list[pd.Series]) -> dict[tuple, int]:
    """Records per combination of the keys' groups (present ones only), counted on
    the keys' integer codes: what `groupby(keys).size()` gives, without the hashing."""
    combined = np.zeros(len(keys[0]), dtype=np.int64)
    sizes = []
    for key in keys:
        size = len(key.cat.categories)
        combined *= size
        combined += key.cat.codes.to_numpy()
        sizes.append(size)
    totals = np.bincount(combined, minlength=int(np.prod(sizes)))
    present = np.flatnonzero(totals)
    categories = [list(key.cat.categories) for key in keys]
    positions = np.unravel_index(present, sizes)
    return {
        tuple(cats[i] for cats, i in zip(categories, where, strict=True)): int(totals[flat])
        for flat, *where in zip(present.tolist(), *(p.tolist() for p in positions), strict=True)
    }


def _cell_key(key) -> tuple:
    return key if isinstance(key, tuple) else (key,)


def _outcomes(df: pd.DataFrame, keys, weights) -> dict[tuple, tuple[float, float]] | None:
    """Per group: (records with the outcome, records where it was recorded), for
    proportions such as the recovery rate; "not known" outcomes are left out."""
    if "outcome" not in df.columns:
        return None
    flag = df["outcome"].astype("string")
    answered = weights.where(flag.isin(["Y", "N"]), 0)
    yes = weights.where(flag == "Y", 0)
    grouped = pd.DataFrame({"yes": yes, "answered": answered}).groupby(keys).sum()
    return {_cell_key(k): (float(v["yes"]), float(v["answered"])) for k, v in grouped.iterrows()}


def _scores(df: pd.DataFrame, keys) -> dict[tuple, tuple[float, float, int]] | None:
    """Per group: mean, standard deviation and number of valid scores (PREM/PROM)."""
    if "score" not in df.columns:
        return None
    scores = pd.to_numeric(df["score"], errors="coerce")
    grouped = scores.groupby(keys).agg(["mean", "std", "count"])
    return {_cell_key(k): (v["mean"], v["std"], int(v["count"])) for k, v in grouped.iterrows()}


def _standardised_rates(df, keys, weights, population, dimensions, confidence) -> dict | None:
    """Directly age-standardised rates (2013 European Standard Population) per
    group, when the extract and the population both have five-year age bands."""
    band = "age_band_5y"
    if population is None or band not in df.columns or band not in population.columns:
        return None
    if any(d.column in ("age_band", band) for d in dimensions):
        return None  # standardising by age within an age group means nothing
    if any(d.column not in population.columns for d in dimensions):
        return None  # the population is not broken down this way
    bands = [code for code, _ in taxonomy.code_list(band).choices()]
    events = weights.groupby([*keys, df[band].astype("string")]).sum()
    pop_keys = [_key_series(population, d) for d in dimensions]
    pops = pd.to_numeric(population["population"], errors="coerce").fillna(0)
    pops = pops.groupby([*pop_keys, population[band].astype("string")]).sum()
    result = {}
    for cell in {k[:-1] for k in pops.index}:
        if any(part.startswith("(") for part in cell):
            continue
        by_band_events = [float(events.get((*cell, b), 0)) for b in bands]
        by_band_pops = [float(pops.get((*cell, b), 0)) for b in bands]
        result[cell] = stats.dsr(by_band_events, by_band_pops, confidence=confidence, per=PER)
    return result


def _reference_cell(reference, answered_cells, labels, pops, observed):
    if reference:
        wanted = reference.strip().lower()
        for cell in answered_cells:
            names = {"/".join(cell).lower(), " / ".join(lab[k][0] for lab, k in zip(labels, cell, strict=True)).lower()}
            if wanted in names:
                return cell
        raise BreakdownError(
            f"No group called {reference!r} to compare against. Use a group's code or its name as shown."
        )
    if pops:
        candidates = [c for c in answered_cells if pops.get(c)]
        return max(candidates, key=lambda c: pops[c]) if candidates else None
    candidates = [c for c in answered_cells if observed.get(c)]
    return max(candidates, key=lambda c: observed[c]) if candidates else None


def _slope_index(rows: list[dict], confidence: float) -> dict:
    """Slope and relative index of inequality across IMD deciles (PHE method),
    signed as the gap from the least to the most deprived end: positive when
    rates are higher in more deprived areas."""
    usable = [r for r in rows if r["kind"] in ANSWERED and r["population"]]
    if len(usable) < 5:
        return {}
    intervals = [stats.rate(r["count"], r["population"], 0.95, per=PER) for r in usable]
    result = stats.slope_index_of_inequality(
        [r["rate"] for r in usable],
        [r["population"] for r in usable],
        confidence,
        lower_95=[i.lower for i in intervals],
        upper_95=[i.upper for i in intervals],
        value_type="rate",
        multiplier=-1,
    )
    return dict(result)


# --- Small-number suppression and published figures (ADR 0004, ADR 0008) ------------

# Bumped when the way published figures are worked out changes; a stored result
# published another way is published again from its stored counts when read.
PUBLISH_METHOD = 2
MEAN_DECIMALS = 1  # a published mean (and its interval) is rounded to this many places


def shown_part(part: float, whole: float, rule) -> int | None:
    """A sub-count (e.g. records whose outcome was recorded, of a group's
    records) as it may be shown: rounded like every count, and not shown at
    all when the rule does not round and the rest (whole - part) is small,
    since whole - part would give that hidden number away."""
    rule = stats.get_rule(rule)
    if rule.round_to is None and stats.is_primary_suppressed(whole - part, rule):
        return None
    return stats.display_count(part, rule)


def published_proportion(successes: float, total: float, rule, confidence: float) -> stats.Estimate:
    """A proportion and its Wilson interval worked out from the *published*
    (rounded) numerator and denominator, so that it tells a reader nothing
    the two published counts do not. Empty when either count is hidden."""
    x = stats.display_count(successes, rule)
    n = stats.display_count(total, rule)
    if x is None or not n:
        return stats.Estimate(None, None, None)
    return stats.proportion(x, n, confidence)


def publish(result: BreakdownResult | Mapping, rule_key: str, *, confidence: float | None = None) -> list[dict]:
    """The rows of :func:`publish_result`."""
    return publish_result(result, rule_key, confidence=confidence)["rows"]


def publish_result(result: BreakdownResult | Mapping, rule_key: str, *, confidence: float | None = None) -> dict:
    """The breakdown as it may be shown beyond the uploading analyst (ADR 0008).

    Counts are shown under the rule (e.g. NHS Digital: 1-7 hidden, the rest
    rounded to the nearest 5). Secondary suppression hides more cells so that
    a hidden one cannot be worked out from a total and its neighbours: for one
    characteristic the groups add up to the total; for an intersection every
    row and column does.

    Every other figure is worked out again from the *published* counts and
    the public denominators, never from the true counts: a share is the
    published count over the published total, a rate is the published count
    over the population, a rate ratio compares published counts, and their
    intervals are those of the published counts. So a reader who knows the
    populations and the published totals learns nothing about a count beyond
    its rounding: every true count that rounds the same way gives the same
    figures. A hidden count hides everything worked out from it (a hidden
    reference group hides every ratio; a hidden decile hides the slope index).
    Age-standardised rates need counts by age band, which are not published,
    so they stay in the analyst's raw view. Means are of values, not counts:
    shown only when enough records have a value, rounded to one decimal place.

    `result` is a BreakdownResult or its stored dict (`as_dict()`), so stored
    results can be published again.
    """
    data = result.as_dict() if isinstance(result, BreakdownResult) else dict(result)
    if confidence is None:
        confidence = data.get("confidence") or 0.95
    confidence = float(confidence)
    rule = stats.get_rule(rule_key)
    raw_rows = data["rows"]
    dims = list(data.get("dimensions") or [])
    counts = {row["group_code"]: row["count"] for row in raw_rows}
    hidden = stats.suppress_table(counts, _margins(raw_rows, dims), rule)
    shown = {code: None if hidden[code] else stats.display_count(n, rule) for code, n in counts.items()}
    total_shown = stats.display_count(sum(counts.values()), rule)

    with_population = any(row.get("population") for row in raw_rows)
    reference = next((row for row in raw_rows if row.get("reference")), None) if with_population else None
    ref_count = shown[reference["group_code"]] if reference else None
    ref_pop = reference.get("population") if reference else None
    # The representation ratio needs the total over the groups with a population:
    # published only when none of those groups is hidden.
    pop_rows = [r for r in raw_rows if r.get("population") and r.get("kind") in ANSWERED]
    all_shown = bool(pop_rows) and not any(hidden[r["group_code"]] for r in pop_rows)
    pop_cases = sum(shown[r["group_code"]] for r in pop_rows) if all_shown else None

    rows = []
    for raw in raw_rows:
        code = raw["group_code"]
        row = dict(raw)
        row.update(dict.fromkeys(_DERIVED))
        row["reference"] = bool(reference) and raw is reference
        row["count"] = shown[code]
        row["suppressed"] = bool(hidden[code])
        if "outcome_n" in raw:
            row["outcome_n"] = None
        if "score_n" in raw:
            row["score_n"] = None
        rows.append(row)
        if hidden[code]:
            continue
        count = shown[code]
        if total_shown:
            share = stats.proportion(count, total_shown, confidence)
            row.update(share=share.value, share_lower=share.lower, share_upper=share.upper)
        population = raw.get("population")
        if population:
            estimate = stats.rate(count, population, confidence, per=PER)
            row.update(rate=estimate.value, rate_lower=estimate.lower, rate_upper=estimate.upper)
            if row["reference"]:
                row["rate_ratio"] = 1.0  # the reference itself: no interval
            elif ref_count is not None and ref_pop:
                ratio = stats.rate_ratio(count, population, ref_count, ref_pop, confidence)
                row.update(rate_ratio=ratio.value, rate_ratio_lower=ratio.lower, rate_ratio_upper=ratio.upper)
            if pop_cases and raw.get("kind") in ANSWERED:
                row["relative_inequity"] = stats.relative_inequity_index(count / pop_cases, raw.get("population_share"))
        if "outcome_n" in raw:
            _publish_outcome(row, raw, rule, confidence)
        if "score_n" in raw:
            _publish_score(row, raw, rule)

    published = {**data, "rows": rows, "confidence": confidence, "method": PUBLISH_METHOD}
    published["reference"] = data.get("reference") if reference else None
    if data.get("summary"):
        deciles = [r for r in rows if r.get("kind") in ANSWERED and r.get("population")]
        published["summary"] = {} if any(r["suppressed"] for r in deciles) else _slope_index(rows, confidence)
    return published


def _publish_outcome(row: dict, raw: Mapping, rule, confidence: float) -> None:
    """The outcome proportion from the published number recorded and the
    published number with the outcome; hidden when either the number with or
    the number without the outcome is small (all but 3 gives the 3 away)."""
    n = float(raw.get("outcome_n") or 0)
    yes = round((raw.get("outcome") or 0) * n)
    n_shown = shown_part(n, float(raw["count"]), rule) if n else 0
    row["outcome_n"] = n_shown
    if not n or n_shown is None:
        return
    if stats.is_primary_suppressed(yes, rule) or stats.is_primary_suppressed(n - yes, rule):
        return
    estimate = published_proportion(yes, n, rule, confidence)
    row.update(outcome=estimate.value, outcome_lower=estimate.lower, outcome_upper=estimate.upper)


def _publish_score(row: dict, raw: Mapping, rule) -> None:
    n = int(raw.get("score_n") or 0)
    row["score_n"] = shown_part(n, float(raw["count"]), rule) if n else 0
    if n <= stats.get_rule(rule).primary_max or raw.get("score_mean") is None:
        return
    for key in ("score_mean", "score_lower", "score_upper"):
        value = raw.get(key)
        row[key] = None if value is None else round(float(value), MEAN_DECIMALS)


# Everything worked out from a group's count: hidden with it, or worked out again
# from the published count.
_DERIVED = (
    *(key for key in ROW_SCHEMA if key not in ("dimension", "group", "count", "population", "suppressed")),
    *(key for key in EXTRA_FIGURES if key not in ("outcome_n", "score_n")),
    "case_share",
    "relative_inequity",
)


def _margins(rows: list[Mapping], dimensions: list[str]) -> list[list[str]]:
    codes = [row["group_code"].split("/") for row in rows]
    if len(dimensions) <= 1:
        return [[row["group_code"] for row in rows]]
    margins = []
    for axis in range(len(dimensions)):
        groups: dict[tuple, list[str]] = {}
        for parts in codes:
            key = tuple(p for i, p in enumerate(parts) if i != axis)
            groups.setdefault(key, []).append("/".join(parts))
        margins.extend(groups.values())
    return margins
