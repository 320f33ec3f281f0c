"""Evaluate's sub-steps with work recorded (amhe.core.progress). 4A is in progress
once someone sets a date a measure's SPC limits start again from, or starts a
self-assessment (its surveys count through amhe.surveys.progress); 4C once the
cycle's review is started."""

from amhe.core.progress import work_in
from evaluate.models import Assessment, MeasureRebase, Review


@work_in("4A")
def rebased_measures(project):
    return MeasureRebase.objects.filter(measure__project=project)


@work_in("4A")
def self_assessments(project):
    return Assessment.objects.filter(project=project)


@work_in("4C")
def reviews(project):
    return Review.objects.filter(project=project)
