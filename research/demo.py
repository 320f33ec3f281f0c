"""Research demo data for `manage.py load_demo` (registered with amhe.core.demo):
each area of step 2 registers its own loader in its demo module, imported here."""

from research.evidence import demo as evidence_demo  # noqa: F401 - registers its loader
from research.priorities import demo as priorities_demo  # noqa: F401 - registers its loader
