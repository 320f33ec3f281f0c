"""Project home hooks: a step app adds a section to the project's home page
(for example "Surveys for you to answer") by registering a function in its
`home.py`. The core knows no step; it shows what is registered, in order."""

from collections.abc import Callable

_SECTIONS: list[Callable] = []


def home_section(func: Callable) -> Callable:
    """Register `func(request, project, membership) -> str`: safe HTML, or "" for nothing."""
    _SECTIONS.append(func)
    return func


def sections(request, project, membership) -> list[str]:
    return [html for func in _SECTIONS if (html := func(request, project, membership))]
