"""Demo data for Evaluate (step 4), found by `manage.py load_demo`: one loader per
area of the step, each in its sub-package."""

from amhe.core.demo import demo_loader


@demo_loader
def load_measures_demo(*, project, users, stdout):
    """4A: a real monthly England series, so the SPC page has a chart (Leeds only)."""
    if project.area != "Leeds":
        return
    from evaluate.measures import demo

    demo.load(project=project, users=users, stdout=stdout)


@demo_loader
def load_feedback_demo(*, project, users, stdout):
    """4B: feedback forms with a few answers, and "you said, we did" entries (Leeds only)."""
    if project.area != "Leeds":
        return
    from evaluate.feedback import demo

    demo.load(project=project, users=users, stdout=stdout)


@demo_loader
def load_benchmarking_demo(*, project, users, stdout):
    """4A: Leeds's ICB against England and peer ICBs, from the bundled public data (Leeds only)."""
    if project.area != "Leeds":
        return
    from evaluate.benchmarking import demo

    demo.load(project=project, users=users, stdout=stdout)


@demo_loader
def load_frameworks_demo(*, project, users, stdout):
    """4A: EDS 2022 (two years) and PCREF self-assessments (Leeds only)."""
    if project.area != "Leeds":
        return
    from evaluate.frameworks import demo

    demo.load(project=project, users=users, stdout=stdout)
