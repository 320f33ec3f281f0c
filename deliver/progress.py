"""Deliver's sub-steps with work recorded (amhe.core.progress): 3A is in
progress once the project has a strategy."""

from amhe.core.progress import work_in
from deliver.models import Strategy


@work_in("3A")
def has_strategy(project) -> bool:
    return Strategy.objects.filter(project=project).exists()
