"""Sub-step progress that follows the work: a step app says which of its
sub-steps have work recorded (an upload, a survey, an NGT session...), and a
sub-step nobody has set a state for shows "In progress" once it has work. The
lead still confirms "complete" (core:substep-edit); a state someone set is
never overridden. The core knows no step: apps register in a `progress.py`
(autodiscovered, like `home.py`)."""

from collections.abc import Callable

_WORK: dict[str, list[Callable]] = {}


def work_in(*codes: str) -> Callable:
    """Register `func(project) -> bool`: True when the project has work in these sub-steps."""

    def register(func: Callable) -> Callable:
        for code in codes:
            _WORK.setdefault(code, []).append(func)
        return func

    return register


def substeps_with_work(project) -> set[str]:
    """The sub-steps in which the project has some work recorded."""
    return {code for code, funcs in _WORK.items() if any(func(project) for func in funcs)}
