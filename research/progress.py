"""Research's sub-steps with work recorded (amhe.core.progress): 2A once a case
study of positive practice is recorded (its surveys count through
amhe.surveys.progress)."""

from amhe.core.progress import work_in


@work_in("2A")
def has_case_studies(project) -> bool:
    return project.case_studies.exists()
