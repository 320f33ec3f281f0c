"""Research's sub-steps with work recorded (amhe.core.progress): one function
per area of the step. 2B is in progress once a driver diagram or theory of
change exists."""

from amhe.core.progress import work_in


@work_in("2B")
def has_diagrams(project) -> bool:
    return project.diagrams.exists()
