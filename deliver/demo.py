"""Demo data for Deliver (step 3), found by `manage.py load_demo`: one loader
per area of the step, each in its sub-package, all through the services."""

from amhe.core.demo import demo_loader
from amhe.core.models import Role


@demo_loader
def load_strategy_demo(*, project, users, stdout):
    """3A: a strategy from the agreed priorities (Leeds only, like the rest of the demo's text)."""
    if project.area != "Leeds" or Role.LEAD not in users:
        return
    from deliver.strategy import demo

    demo.load(project=project, users=users, stdout=stdout)


@demo_loader
def load_tracking_demo(*, project, users, stdout):
    """3B: milestones and actions of the strategy, one overdue, with dated updates (Leeds only)."""
    if project.area != "Leeds" or Role.LEAD not in users:
        return
    from deliver.tracking import demo

    demo.load(project=project, users=users, stdout=stdout)


@demo_loader
def load_governance_demo(*, project, users, stdout):
    """3C: a risk register with one risk past its review date, and a decision log (Leeds only)."""
    if project.area != "Leeds" or Role.LEAD not in users:
        return
    from deliver.risks import demo

    demo.load(project=project, users=users, stdout=stdout)


@demo_loader
def load_measures_demo(*, project, users, stdout):
    """3A: a measure defined on the demo upload, its values worked out from it, and a draft goal (Leeds only)."""
    if project.area != "Leeds" or Role.LEAD not in users or Role.ANALYST not in users:
        return
    from deliver.measures import demo

    demo.load(project=project, users=users, stdout=stdout)


@demo_loader
def load_eia_demo(*, project, users, stdout):
    """3A: an equality impact assessment of the strategy, awaiting sign-off (Leeds only)."""
    if project.area != "Leeds" or Role.LEAD not in users:
        return
    from deliver.eia import demo

    demo.load(project=project, users=users, stdout=stdout)


@demo_loader
def load_resourcing_demo(*, project, users, stdout):
    """3A: staff roles, a facility and budget lines over two financial years (Leeds only)."""
    if project.area != "Leeds" or Role.LEAD not in users:
        return
    from deliver.resourcing import demo

    demo.load(project=project, users=users, stdout=stdout)


@demo_loader
def load_governance_structure_demo(*, project, users, stdout):
    """3C: a programme board reporting to the ICB quality committee, with meeting dates (Leeds only)."""
    if project.area != "Leeds" or Role.LEAD not in users:
        return
    from deliver.governance import demo

    demo.load(project=project, users=users, stdout=stdout)
