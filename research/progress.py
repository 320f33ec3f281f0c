"""Research's sub-steps with work recorded (amhe.core.progress): one function
per area of the step. 2A is in progress once a case study of positive practice
is recorded (its surveys count through amhe.surveys.progress; its evidence and
initiatives through research.evidence.progress), 2B once a driver diagram or
theory of change exists or an NGT session is opened, 2C once a priority is (research.priorities.progress)."""

from amhe.core.progress import work_in
from research.evidence import progress as evidence_progress  # noqa: F401 - registers 2A
from research.priorities import progress as priorities_progress  # noqa: F401 - registers 2C


@work_in("2A")
def has_case_studies(project) -> bool:
    return project.case_studies.exists()


@work_in("2B")
def has_diagrams(project) -> bool:
    return project.diagrams.exists()


@work_in("2B")
def has_ngt_sessions(project) -> bool:
    return project.ngt_sessions.exists()
