"""4A benchmarking demo data (Leeds only), made through the services.

NHS Talking Therapies publishes recovery rates by ethnic group for England and for
each integrated care board, not for Leeds alone, so the demo's own figure is NHS
West Yorkshire ICB's (the ICB Leeds belongs to), compared with England and five
peer ICBs, all from the bundled public data (evaluate/benchmarking/references.py).
"""

from __future__ import annotations

from amhe.core.models import Role
from evaluate.benchmarking import references, selectors, services

TITLE = "Talking Therapies recovery rate, Black or Black British people, 2024-25"
REFERENCE = "tt-recovery-2024-25-black-or-black-british"
OWN_CODE = "QWO"  # NHS West Yorkshire ICB
PEERS = ["QF7", "QOP", "QOQ", "QE1", "QHM"]  # South Yorkshire, Greater Manchester, Humber and North Yorkshire,
# Lancashire and South Cumbria, North East and North Cumbria


def load(*, project, users, stdout):
    analyst = users.get(Role.ANALYST) or users[Role.LEAD]
    reference = references.get(REFERENCE)
    own = next(p for p in reference.peers if p.code == OWN_CODE)
    benchmark = services.benchmark_save(
        by=analyst,
        project=project,
        benchmark=selectors.benchmarks(project).filter(title=TITLE).first(),  # once, however often it runs
        title=TITLE,
        kind=reference.kind,
        polarity=reference.polarity,
        reference=REFERENCE,
        own_name=f"{own.name} (Leeds's ICB)",
        own_numerator=own.numerator,
        own_denominator=own.denominator,
    )
    added = services.comparators_from_reference(by=analyst, benchmark=benchmark, codes=PEERS)
    stdout.write(f"  {project.name}: a benchmark against England with {added} peer ICBs for 4A")
