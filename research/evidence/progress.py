"""2A has work once the project has a reference or an existing initiative recorded."""

from amhe.core.progress import work_in


@work_in("2A")
def references(project):
    return project.references.all()


@work_in("2A")
def initiatives(project):
    return project.initiatives.all()
