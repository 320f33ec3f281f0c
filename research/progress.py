"""Research's sub-steps with work recorded (amhe.core.progress): each area of
step 2 registers in its own progress module, imported here."""

from research.evidence import progress as evidence_progress  # noqa: F401 - registers 2A
from research.priorities import progress as priorities_progress  # noqa: F401 - registers 2C
