"""Evaluate's sub-steps with work recorded (amhe.core.progress). 4A is in progress
once someone sets a date a measure's SPC limits start again from (its surveys
count through amhe.surveys.progress); 4C once the cycle's review is started."""

from amhe.core.progress import work_in
from evaluate.models import MeasureRebase, Review


@work_in("4A")
def has_rebased_measures(project) -> bool:
    return MeasureRebase.objects.filter(measure__project=project).exists()


@work_in("4C")
def has_review(project) -> bool:
    return Review.objects.filter(project=project).exists()
