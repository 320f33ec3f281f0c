"""Demo data hooks: a step app adds to `manage.py load_demo` by registering a
loader in its `demo.py`. The core knows no step; it calls what is registered."""

from collections.abc import Callable

_LOADERS: list[Callable] = []


def demo_loader(func: Callable) -> Callable:
    """Register `func(*, project, users, stdout)`, called for each demo project."""
    _LOADERS.append(func)
    return func


def loaders() -> list[Callable]:
    return list(_LOADERS)
