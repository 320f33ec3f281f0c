"""Sub-step progress that follows the work: a step app says which of its
sub-steps have work recorded (an upload, a survey, an NGT session...), and a
sub-step nobody has set a state for shows "In progress" once it has work. The
lead still confirms "complete" (core:substep-edit); a state someone set is
never overridden. The core knows no step: apps register in a `progress.py`
(autodiscovered, like `home.py`).

Each registered function returns a query set (not yet run) of the rows whose existence
means work; all of them are asked in one query (`EXISTS` each), as the project home and
every step's page show the whole cycle."""

from collections.abc import Callable

from django.db.models import Exists, QuerySet

_WORK: list[tuple[str, Callable]] = []


def work_in(*codes: str) -> Callable:
    """Register `func(project) -> QuerySet`: the project has work in these sub-steps when it
    has any row."""

    def register(func: Callable) -> Callable:
        _WORK.extend((code, func) for code in codes)
        return func

    return register


def substeps_with_work(project) -> set[str]:
    """The sub-steps in which the project has some work recorded (one query)."""
    if not _WORK:
        return set()
    from amhe.core.models import Project

    checks: dict[str, QuerySet] = {f"work_{n}": func(project) for n, (_code, func) in enumerate(_WORK)}
    found = (
        Project.objects.filter(pk=project.pk)
        .annotate(**{name: Exists(rows) for name, rows in checks.items()})
        .values(*checks)
        .first()
    ) or {}
    return {code for n, (code, _func) in enumerate(_WORK) if found.get(f"work_{n}")}
