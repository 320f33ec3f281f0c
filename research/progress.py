"""Research's sub-steps with work recorded (amhe.core.progress): one function
per area of the step. 2A is in progress once a case study of positive practice
is recorded (its surveys count through amhe.surveys.progress; its evidence and
initiatives through research.evidence.progress), 2B once a driver diagram or
theory of change exists or an NGT session is opened, 2C once a priority is (research.priorities.progress)."""

from amhe.core.progress import work_in
from research.evidence import progress as evidence_progress  # noqa: F401 - registers 2A
from research.priorities import progress as priorities_progress  # noqa: F401 - registers 2C


@work_in("2A")
def case_studies(project):
    return project.case_studies.all()


@work_in("2B")
def diagrams(project):
    return project.diagrams.all()


@work_in("2B")
def ngt_sessions(project):
    return project.ngt_sessions.all()
