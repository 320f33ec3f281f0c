"""Reads for progress reports: the one access helper, and the project's list."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from amhe.core import access
from amhe.core.access import Action
from reports.models import Report


def report_for(user, project_id, report_id, action: Action = Action.BUILD_REPORTS):
    """(project, membership, report): 404 outside the project, 403 if the role may not."""
    project, membership = access.get_project_for_user(user, project_id, action)
    report = get_object_or_404(Report.objects.select_related("job", "made_by"), pk=report_id, project=project)
    return project, membership, report


def reports(project) -> QuerySet[Report]:
    return Report.objects.filter(project=project).select_related("job", "made_by")
