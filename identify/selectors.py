"""Reads for Identify 1A: the access helper for an upload (extract) and the
lists the pages show. Survey reads live with the surveys; 1B's community
records in identify.community.selectors."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from amhe.core import access
from amhe.core.access import Action
from identify.models import Extract

RECENT_EXTRACTS = 50


def extract_for(user, project_id, extract_id, action: Action = Action.VIEW):
    """(project, membership, extract): 404 if the user is not on the project or
    the upload is not the project's, 403 if their role does not allow `action`."""
    project, membership = access.get_project_for_user(user, project_id, action)
    extract = get_object_or_404(
        Extract.objects.select_related("project", "uploaded_by", "job"), pk=extract_id, project=project
    )
    return project, membership, extract


def recent_extracts(project) -> QuerySet[Extract]:
    """The project's latest uploads, newest first, for the step overview."""
    return project.extracts.select_related("uploaded_by").all()[:RECENT_EXTRACTS]


def ready_populations(project) -> QuerySet[Extract]:
    """Population uploads an extract may be compared with (rates per head)."""
    return project.extracts.filter(kind=Extract.Kind.POPULATION, state=Extract.State.READY)
