"""Demo data for Research (step 2), found by `manage.py load_demo`: one loader
per area of the step, each in its sub-package."""

from amhe.core.demo import demo_loader
from amhe.core.models import Role
from research.evidence import demo as evidence_demo  # noqa: F401 - registers the 2A loader


@demo_loader
def load_practice_demo(*, project, users, stdout):
    """2A: illustrative case studies (Leeds only, like the rest of the demo's text)."""
    if project.area != "Leeds" or Role.GOVERNANCE not in users:
        return
    from research.practice import demo

    demo.load(project=project, users=users, stdout=stdout)


@demo_loader
def load_ngt_demo(*, project, users, stdout):
    """2B: a closed NGT session with results by group (Leeds only, like its text)."""
    if project.area != "Leeds":
        return
    from research.ngt import demo

    demo.load(project=project, users=users, stdout=stdout)


@demo_loader
def load_plans_demo(*, project, users, stdout):
    """2B: a driver diagram whose aim is the agreed SMART goal (Leeds only, like its text)."""
    if project.area != "Leeds":
        return
    from research.plans import demo

    demo.load(project=project, users=users, stdout=stdout)


@demo_loader
def load_priorities_demo(*, project, users, stdout):
    """2C: a priority list from 1B's themes and the case studies above (Leeds only)."""
    if project.area != "Leeds":
        return
    from research.priorities import demo

    demo.load(project=project, users=users, stdout=stdout)
