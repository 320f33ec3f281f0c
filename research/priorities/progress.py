"""2C has work once the project has a priority."""

from amhe.core.progress import work_in


@work_in("2C")
def priorities(project):
    return project.priorities.all()
