"""Research's sub-steps with work recorded (amhe.core.progress): one function
per area of the step. 2A is in progress once a case study of positive practice
is recorded (its surveys count through amhe.surveys.progress), 2B once a driver
diagram or theory of change exists."""

from amhe.core.progress import work_in


@work_in("2A")
def has_case_studies(project) -> bool:
    return project.case_studies.exists()


@work_in("2B")
def has_diagrams(project) -> bool:
    return project.diagrams.exists()
