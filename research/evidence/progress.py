"""2A has work once the project has a reference or an existing initiative recorded."""

from amhe.core.progress import work_in


@work_in("2A")
def has_evidence_or_initiatives(project) -> bool:
    return project.references.exists() or project.initiatives.exists()
