"""The project's progress reports: the list with "Build a progress report", and the
download of a built file (Cache-Control: no-store, as every download)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from amhe.analysis.downloads import attachment
from amhe.core import access, audit, navigation
from amhe.core.access import Action
from amhe.core.forms import add_service_errors
from reports import render, selectors, services
from reports.forms import ReportForm


@require_http_methods(["GET", "POST"])
def report_list(request, project_id):
    project, membership = access.get_project_for_user(request.user, project_id, Action.BUILD_REPORTS)
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.report_request(by=request.user, project=project, format=form.cleaned_data["format"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Your report is being built. It appears in the list when it is ready.")
            return redirect(reverse("reports:list", kwargs={"project_id": project.pk}))
    reports = list(selectors.reports(project)[:50])
    building = next((r for r in reports if r.job and not r.job.is_finished), None)
    return TemplateResponse(
        request,
        "reports/report_list.html",
        {
            "project": project,
            "form": form,
            "reports": reports,
            "building": building,
            "crumbs": navigation.crumbs(project),
        },
    )


@require_GET
def report_download(request, project_id, report_id):
    project, membership, report = selectors.report_for(request.user, project_id, report_id)
    if not report.file:
        raise Http404("This report has not been built yet")
    with report.file.open("rb") as file:  # a few hundred kilobytes at most
        data = file.read()
    return attachment(
        report.filename,
        content_type=render.CONTENT_TYPES[report.format],
        content=data,
        audit_action=audit.REPORT_DOWNLOADED,
    )
