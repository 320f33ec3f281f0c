"""Research's sub-steps with work recorded (amhe.core.progress): one function
per area of the step. 2B is in progress once a driver diagram or theory of
change exists; 2A and 2C register in their own progress modules, imported here."""

from amhe.core.progress import work_in
from research.evidence import progress as evidence_progress  # noqa: F401 - registers 2A
from research.priorities import progress as priorities_progress  # noqa: F401 - registers 2C


@work_in("2B")
def has_diagrams(project) -> bool:
    return project.diagrams.exists()
