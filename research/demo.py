"""Demo data for step 2, Research: each area registers its loader here."""

from amhe.core.demo import demo_loader
from amhe.core.models import Role


@demo_loader
def load_practice_demo(*, project, users, stdout):
    """2A: illustrative case studies (Leeds only, like the rest of the demo's text)."""
    if project.area != "Leeds" or Role.GOVERNANCE not in users:
        return
    from research.practice import demo

    demo.load(project=project, users=users, stdout=stdout)
