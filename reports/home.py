"""The progress reports' section of the project home page (amhe.core.homepage), for
the members who may build them."""

from django.template.loader import render_to_string

from amhe.core.access import Action, role_can
from amhe.core.homepage import home_section


@home_section
def progress_reports(request, project, membership) -> str:
    if not role_can(membership.role, Action.BUILD_REPORTS):
        return ""
    return render_to_string("reports/_home.html", {"project": project}, request=request)
