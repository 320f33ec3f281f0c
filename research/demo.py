"""Demo data for Research (step 2), found by `manage.py load_demo`: one loader
per area of the step, each in its sub-package."""

from amhe.core.demo import demo_loader


@demo_loader
def load_plans_demo(*, project, users, stdout):
    """2B: a driver diagram whose aim is the agreed SMART goal (Leeds only, like its text)."""
    if project.area != "Leeds":
        return
    from research.plans import demo

    demo.load(project=project, users=users, stdout=stdout)
