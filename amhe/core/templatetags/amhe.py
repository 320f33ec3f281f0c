from django import template

from amhe.core import presenters

register = template.Library()


@register.filter
def job_tag_class(job) -> str:
    """The NHS.UK tag class for a job's state."""
    return presenters.job_tag(job)
