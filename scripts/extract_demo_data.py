"""Cut the small slice of public data the demo project uses.

Reads NHS England's Mental Health Act Statistics, Annual Figures 2023-24
(shared/data/public/nhsd_mha_annual_suppressed_2023_24.csv) and writes the
"All detentions" rows by ethnicity for England, West Yorkshire ICB (QWO),
Greater Manchester ICB (QOP) and the Leeds sub-ICB location (15F) to
amhe/core/data/demo/. Run from the repository root:

    python scripts/extract_demo_data.py ../shared/data/public
"""

import csv
import sys
from pathlib import Path

KEEP_ORGS = {"All prov", "QWO", "QOP", "15F"}
COLUMNS = [
    "Year",
    "Measure",
    "Demographic",
    "DemographicBreakdown",
    "OrganisationBreakdown",
    "OrgID",
    "OrgName",
    "Total_Count",
    "CrudeRate",
    "StdRate",
    "Confidence_interval",
]


def main(source_dir: str) -> None:
    source = Path(source_dir) / "nhsd_mha_annual_suppressed_2023_24.csv"
    target = Path(__file__).resolve().parent.parent / "amhe/core/data/demo/mha_detentions_by_ethnicity_2023_24.csv"
    with source.open(encoding="utf-8-sig", newline="") as infile, target.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=COLUMNS, extrasaction="ignore")
        writer.writeheader()
        seen = set()  # the national rows repeat under each organisation breakdown
        for row in csv.DictReader(infile):
            key = (row["Demographic"], row["DemographicBreakdown"], row["OrgID"])
            if (
                row["Measure"] == "All detentions"
                and row["Demographic"] in ("All", "Ethnicity")
                and row["OrgID"] in KEEP_ORGS
                and row["Datasource"] == "MHSDS"
                and row["OrganisationBreakdown"] in ("All submissions", "ICB", "Sub ICB")
                and key not in seen
            ):
                seen.add(key)
                writer.writerow(row)
    print(f"Wrote {target}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "../shared/data/public")
