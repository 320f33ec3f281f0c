"""The project's progress reports: the list with "Build a progress report" and the
monthly schedules, a report's own page (the link a scheduled email gives), the
download of a built file (Cache-Control: no-store, as every download), and setting up,
changing and cancelling a monthly schedule."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from amhe.analysis.downloads import attachment
from amhe.core import access, audit, navigation
from amhe.core.access import Action
from amhe.core.form_pages import form_page
from amhe.core.forms import add_service_errors
from reports import render, selectors, services
from reports.forms import ReportForm, ScheduleForm


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
            "schedules": _schedules(project),
            "crumbs": navigation.crumbs(project),
        },
    )


def _schedules(project) -> list[dict]:
    today = timezone.localdate()
    schedules = list(selectors.schedules(project))
    made = selectors.made_this_month([s.pk for s in schedules], today.replace(day=1))
    return [
        {
            "schedule": schedule,
            "next": services.next_due(schedule, today, schedule.pk in made),
            "recipients": sorted(
                (m.user.full_name or m.user.email for m in schedule.recipients.all()), key=str.casefold
            ),
        }
        for schedule in schedules
    ]


def _list_url(project) -> str:
    return reverse("reports:list", kwargs={"project_id": project.pk})


def _crumbs(project):
    return navigation.crumbs(project, None, ("Progress reports", _list_url(project)))


@require_GET
def report_detail(request, project_id, report_id):
    project, membership, report = selectors.report_for(request.user, project_id, report_id)
    return TemplateResponse(
        request,
        "reports/report_detail.html",
        {"project": project, "report": report, "crumbs": _crumbs(project)},
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


def _schedule_form_page(request, project, schedule=None):
    initial = None
    if schedule is not None:
        initial = {"formats": schedule.formats, "day": schedule.day, "recipients": list(schedule.recipients.all())}
    form = ScheduleForm(request.POST or None, initial=initial, recipients=selectors.may_receive(project))

    def save():
        fields = {
            "formats": form.cleaned_data["formats"],
            "day": form.cleaned_data["day"],
            "recipients": list(form.cleaned_data["recipients"]),
        }
        if schedule is None:
            return services.schedule_create(by=request.user, project=project, **fields)
        return services.schedule_update(by=request.user, schedule=schedule, **fields)

    return form_page(
        request,
        form,
        save=save,
        message=lambda _: (
            f"Monthly progress report {'changed' if schedule else 'scheduled'}: "
            f"it is built on day {form.cleaned_data['day']} of each month (or the month's last day, if shorter)."
        ),
        next_url=_list_url(project),
        template="reports/schedule_form.html",
        context={"project": project, "schedule": schedule, "crumbs": _crumbs(project)},
    )


@require_http_methods(["GET", "POST"])
def schedule_new(request, project_id):
    project, membership = access.get_project_for_user(request.user, project_id, Action.BUILD_REPORTS)
    return _schedule_form_page(request, project)


@require_http_methods(["GET", "POST"])
def schedule_edit(request, project_id, schedule_id):
    project, membership, schedule = selectors.schedule_for(request.user, project_id, schedule_id)
    return _schedule_form_page(request, project, schedule)


@require_http_methods(["GET", "POST"])
def schedule_cancel(request, project_id, schedule_id):
    project, membership, schedule = selectors.schedule_for(request.user, project_id, schedule_id)
    if request.method == "POST":
        services.schedule_cancel(by=request.user, schedule=schedule)
        messages.success(request, "Monthly progress report cancelled. Reports it already made are kept.")
        return redirect(_list_url(project))
    return TemplateResponse(
        request,
        "reports/schedule_cancel.html",
        {"project": project, "schedule": schedule, "crumbs": _crumbs(project)},
    )
