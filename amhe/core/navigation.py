"""Breadcrumbs for every page, worked out from the cycle (amhe.core.cycle).

The core knows no step app: a step's overview is reversed by name
("<slug>:overview"), so a page under step 4 says "4. Evaluate" because it
passes step 4, not because its module writes the words.

    crumbs(project)                          Your projects > Project
    crumbs(project, "identify")              ... > 1. Identify
    crumbs(project, step, ("Surveys", url))  ... > 1. Identify > Surveys

Each crumb is a (text, url) pair, as templates/_components/breadcrumbs.html reads them.
"""

from django.urls import reverse

from amhe.core import cycle

Crumb = tuple[str, str]


def step_for(step: cycle.Step | str | int) -> cycle.Step:
    """A step given as itself, its slug ("identify") or its number (1)."""
    if isinstance(step, cycle.Step):
        return step
    if isinstance(step, int):
        return cycle.STEP_BY_NUMBER[step]
    return cycle.STEP_BY_SLUG[step]


def step_crumb(project, step: cycle.Step | str | int) -> Crumb:
    step = step_for(step)
    return f"{step.number}. {step.title}", reverse(f"{step.slug}:overview", kwargs={"project_id": project.pk})


def crumbs(project=None, step: cycle.Step | str | int | None = None, *extra: Crumb) -> list[Crumb]:
    """The trail from "Your projects" to the page's parent: the project, then the
    step (if any), then `extra` (text, url) pairs in order."""
    trail = [("Your projects", reverse("core:home"))]
    if project is not None:
        trail.append((project.name, project.get_absolute_url()))
        if step is not None:
            trail.append(step_crumb(project, step))
    elif step is not None:
        raise ValueError("a step's crumb needs its project")
    return [*trail, *extra]


def step_pager(project, step: cycle.Step | str | int) -> dict[str, Crumb | None]:
    """The step navigation at the foot of a step's page, from the cycle: the previous and
    next steps as (text, url), None at either end."""
    step = step_for(step)
    before = cycle.STEP_BY_NUMBER.get(step.number - 1)
    after = cycle.STEP_BY_NUMBER.get(step.number + 1)
    return {
        "previous": step_crumb(project, before) if before else None,
        "next": step_crumb(project, after) if after else None,
    }
