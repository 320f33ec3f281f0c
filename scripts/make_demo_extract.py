"""Make the demo files for Identify 1A (run from the repository root):

    python scripts/make_demo_extract.py ../shared/data/public

1. identify/data/demo/leeds_population_by_ethnicity_census2011.csv: REAL
   published counts, Leeds (E08000035), ONS 2011 Census table QS201EW,
   regrouped into NHS ETHNIC CATEGORY (Gypsy or Irish Traveller with any
   other White background; Arab with any other ethnic group). OGL v3.0.
2. identify/data/demo/leeds_crisis_referrals_demo.csv: a SYNTHETIC
   record-level extract (no real people) with MHSDS-style column names, about
   5,000 referrals to crisis services. Referral rates per ethnic group follow
   the pattern of NHS England's Mental Health Act detentions 2023-24 (crude
   rate by high-level group, scaled) so the demo shows a realistic inequality.
   Deliberately messy, like real extracts: label variants, blanks, "Z" and
   "99", a few invalid codes, duplicates and vague "any other" groups.
"""

import csv
import random
import sys
from datetime import date, timedelta
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "identify" / "data" / "demo"
LEEDS = "E08000035"

# NHS ETHNIC CATEGORY -> QS201EW column indices (see the module docstring).
CENSUS_COLUMNS = {
    "A": [6],
    "B": [7],
    "C": [8, 9],
    "D": [11],
    "E": [12],
    "F": [13],
    "G": [14],
    "H": [16],
    "J": [17],
    "K": [18],
    "L": [20],
    "M": [23],
    "N": [22],
    "P": [24],
    "R": [19],
    "S": [26, 27],
}
LABELS = {
    "A": "White - British",
    "B": "White - Irish",
    "C": "White - Any other White background",
    "D": "Mixed - White and Black Caribbean",
    "E": "Mixed - White and Black African",
    "F": "Mixed - White and Asian",
    "G": "Mixed - Any other mixed background",
    "H": "Asian or Asian British - Indian",
    "J": "Asian or Asian British - Pakistani",
    "K": "Asian or Asian British - Bangladeshi",
    "L": "Asian or Asian British - Any other Asian background",
    "M": "Black or Black British - Caribbean",
    "N": "Black or Black British - African",
    "P": "Black or Black British - Any other Black background",
    "R": "Other Ethnic Groups - Chinese",
    "S": "Other Ethnic Groups - Any other ethnic group",
}
# Crude detention rates per 100,000 by high-level group, England 2023-24 (NHS England).
GROUP_RATE = {
    "A": 69.5,
    "B": 69.5,
    "C": 69.5,
    "D": 115.9,
    "E": 115.9,
    "F": 115.9,
    "G": 115.9,
    "H": 79.9,
    "J": 79.9,
    "K": 79.9,
    "L": 79.9,
    "M": 239.0,
    "N": 239.0,
    "P": 239.0,
    "R": 130.6,
    "S": 130.6,
}
SCALE = 8.0  # referrals to crisis services are more common than detentions


def main(source_dir: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    source = Path(source_dir)
    with (source / "ons_census2011_qs201ew_ethnic_group_by_la.csv").open(encoding="utf-8-sig") as handle:
        leeds = next(row for row in csv.reader(handle) if len(row) > 2 and row[2] == LEEDS)
    population = {code: sum(int(leeds[i]) for i in cols) for code, cols in CENSUS_COLUMNS.items()}
    with (OUT / "leeds_population_by_ethnicity_census2011.csv").open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["Ethnicity", "Population"])
        for code, count in population.items():
            writer.writerow([LABELS[code], count])

    with (source / "mhclg_iod2019_file1_imd_lsoa.csv").open(encoding="utf-8-sig") as handle:
        lsoas = [
            (row["LSOA code (2011)"], int(row["Index of Multiple Deprivation (IMD) Decile"]))
            for row in csv.DictReader(handle)
            if row["Local Authority District code (2019)"] == LEEDS
        ]
    # More deprived areas see more crisis referrals: weight LSOAs by (11 - decile).
    lsoa_weights = [11 - decile for _, decile in lsoas]

    rng = random.Random(2026)
    rows = []
    person = 0
    for code, pop in population.items():
        expected = pop * GROUP_RATE[code] * SCALE / 100_000
        for _ in range(round(expected)):
            person += 1
            rows.append(make_row(rng, person, code, lsoas, lsoa_weights))
    rng.shuffle(rows)
    rows.extend(dict(row) for row in rng.sample(rows, 12))  # exact duplicate records
    with (OUT / "leeds_crisis_referrals_demo.csv").open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    print(f"{len(rows)} synthetic referrals; population total {sum(population.values())}")


def make_row(rng, person, code, lsoas, weights):
    roll = rng.random()
    if roll < 0.04:
        ethnicity = "Z"  # not stated
    elif roll < 0.07:
        ethnicity = "99"  # not known
    elif roll < 0.085:
        ethnicity = ""  # blank
    elif roll < 0.09:
        ethnicity = rng.choice(["X9", "White Other?", "0"])  # invalid
    else:
        ethnicity = rng.choice([code, code, code, LABELS[code], LABELS[code].lower().replace(" - ", " ")])
    age = max(16, min(94, int(rng.gauss(36, 14))))
    lsoa = rng.choices(lsoas, weights=weights)[0][0] if rng.random() > 0.03 else ""
    sex = rng.choices(["1", "2", "9", "X"], weights=[52, 46, 0.5, 1.5])[0]
    received = date(2024, 4, 1) + timedelta(days=rng.randrange(366))
    return {
        "Person_ID": f"P{person:07d}",
        "EthnicCategory": ethnicity,
        "Gender": sex,
        "AgeRepPeriodEnd": str(age),
        "LSOA2011": lsoa,
        "ReferralRequestReceivedDate": received.isoformat(),
    }


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "../shared/data/public")
