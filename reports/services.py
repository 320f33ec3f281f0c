"""Building progress reports: a request records the Report and queues its job on
commit; the job (reports.jobs) collects the content and writes the file. Building
again replaces the file, so a job run twice does no harm.

Monthly schedules: a governance lead (anyone who may build reports) sets one up, changes
it or cancels it; Celery beat queues a daily job (reports.tasks -> reports.jobs) that
starts each due schedule's run for the month, once (a unique (schedule, period) row),
through the same report_request and build job as a report asked for by hand; the build
job of a run's last report emails the chosen members who may still read reports."""

import calendar
import datetime
import logging
import smtplib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from amhe.core import audit, files
from amhe.core import services as core_services
from reports import content, render, selectors
from reports.models import Report, Schedule, ScheduledEmail, ScheduledRun

logger = logging.getLogger(__name__)

BUILD = "reports.build"
SCHEDULED = "reports.scheduled"
# The report builder's options: the only one today is that suppression is always on.
OPTIONS = {"suppression": "always"}
SCHEDULE_MADE_BY = "the monthly schedule"


def _who(user) -> str:
    if user is None:
        return ""
    return user.full_name or user.email


@transaction.atomic
def report_request(*, by, project, format: str, run: ScheduledRun | None = None) -> Report:
    """Record a report of `project` in `format` and queue the job that builds it (for a
    monthly schedule's `run`, `by` is None: the schedule made it)."""
    if format not in Report.Format.values:
        raise ValidationError("Choose a format: PDF, Word, Excel or CSV.")
    report = Report(project=project, format=format, options=dict(OPTIONS), made_by=by, run=run)
    report.full_clean(exclude=["made_by"] if run is not None else None)
    report.save()
    report.job = core_services.job_enqueue(by=by, project=project, kind=BUILD, params={"report_id": str(report.pk)})
    report.save(update_fields=["job"])
    return report


def report_bytes(*, project, format: str, made_by=None, made_by_name: str = "", progress=None) -> bytes:
    """The report of `project` as a file in `format` (the web job and the command both use this)."""
    if progress:
        progress(20, "Collecting what each step publishes")
    document = content.collect(project, made_by=made_by_name or _who(made_by))
    if progress:
        progress(60, f"Writing the {format.upper()} file")
    return render.render(document, format)


def report_build(*, report_id, progress=None) -> dict:
    """Build (or build again) the file of one report."""
    report = Report.objects.select_related("project__organisation", "made_by").get(pk=report_id)
    data = report_bytes(
        project=report.project,
        format=report.format,
        made_by=report.made_by,
        made_by_name=SCHEDULE_MADE_BY if report.run_id else "",
        progress=progress,
    )
    with transaction.atomic():
        if report.file:
            files.delete([report.file.name], storage=report.file.storage)
        report.file.save(report.filename, ContentFile(data), save=False)
        report.save(update_fields=["file"])
        audit.record(
            action=audit.REPORT_BUILT,
            user=report.made_by,
            project=report.project,
            object_kind="report",
            object_id=report.pk,
            detail=f"{report.format}, {len(data)} bytes",
        )
    result = {"bytes": len(data), "format": report.format}
    if report.run_id:
        # The run's last report to be ready sends its emails (any earlier one finds
        # the others not built yet and sends nothing).
        result["emails"] = run_email(run_id=report.run_id)
    return result


# --- Monthly schedules ------------------------------------------------------------


def due_on(day: int, year: int, month: int) -> datetime.date:
    """The day of `year`-`month` a schedule for `day` builds its report: that day, or
    the month's last day when the month is shorter (31 in February: the 28th or 29th)."""
    return datetime.date(year, month, min(day, calendar.monthrange(year, month)[1]))


def _next_month(first: datetime.date) -> datetime.date:
    return (first + datetime.timedelta(days=32)).replace(day=1)


def is_due(schedule: Schedule, today: datetime.date) -> bool:
    """Whether this month's report of `schedule` should be built on `today` (a run that
    beat missed is made later in the same month, never in the next). The first month is
    the one whose report day falls on or after the day the schedule was set up."""
    if schedule.cancelled_at is not None:
        return False
    due = due_on(schedule.day, today.year, today.month)
    return schedule.starts_on <= due <= today


def next_due(schedule: Schedule, today: datetime.date, made_this_month: bool) -> datetime.date | None:
    """The next day a report of `schedule` is built (today if this month's is late)."""
    if schedule.cancelled_at is not None:
        return None
    month = today.replace(day=1)
    if not made_this_month:
        due = due_on(schedule.day, month.year, month.month)
        if due >= schedule.starts_on:
            return max(due, today)
    month = _next_month(month)
    return due_on(schedule.day, month.year, month.month)


def _clean_schedule(*, project, formats, day, recipients) -> tuple[list[str], int, list]:
    errors = {}
    formats = [f for f in Report.Format.values if f in set(formats or [])]
    if not formats or len(formats) != len(set(formats or [])):
        errors["formats"] = "Choose at least one format: PDF, Word, Excel or CSV."
    if not isinstance(day, int) or not 1 <= day <= 31:
        errors["day"] = "Enter a day of the month from 1 to 31."
    allowed = set(selectors.may_receive(project).values_list("pk", flat=True))
    recipients = list(recipients or [])
    if any(m.pk not in allowed for m in recipients):
        errors["recipients"] = "Choose members of this project who may read progress reports."
    if errors:
        raise ValidationError(errors)
    return formats, day, recipients


@transaction.atomic
def schedule_create(*, by, project, formats, day: int, recipients) -> Schedule:
    """Set up a monthly progress report of `project` in `formats` on `day` of each month,
    emailed to `recipients` (memberships of the project whose role may read reports)."""
    formats, day, recipients = _clean_schedule(project=project, formats=formats, day=day, recipients=recipients)
    schedule = Schedule.objects.create(
        project=project,
        formats=formats,
        options=dict(OPTIONS),
        day=day,
        starts_on=timezone.localdate(),
        created_by=by,
    )
    schedule.recipients.set(recipients)
    return schedule


@transaction.atomic
def schedule_update(*, by, schedule: Schedule, formats, day: int, recipients) -> Schedule:
    """Change a schedule's formats, day and recipients (a month already made stays made)."""
    schedule = Schedule.objects.select_for_update().get(pk=schedule.pk)
    if schedule.cancelled_at is not None:
        raise ValidationError("This schedule has been cancelled. Set up a new one instead.")
    formats, day, recipients = _clean_schedule(
        project=schedule.project, formats=formats, day=day, recipients=recipients
    )
    schedule.formats, schedule.day = formats, day
    schedule.save(update_fields=["formats", "day", "changed_at"])
    schedule.recipients.set(recipients)
    return schedule


@transaction.atomic
def schedule_cancel(*, by, schedule: Schedule) -> Schedule:
    """Cancel a schedule: nothing more is built or emailed (reports it made are kept)."""
    schedule = Schedule.objects.select_for_update().get(pk=schedule.pk)
    if schedule.cancelled_at is None:
        schedule.cancelled_at, schedule.cancelled_by = timezone.now(), by
        schedule.save(update_fields=["cancelled_at", "cancelled_by", "changed_at"])
    return schedule


def schedules_run_due(*, day: datetime.date | None = None, progress=None) -> dict:
    """Start this month's run of every schedule due on `day` (today in Europe/London by
    default), and email any run of the month whose reports are ready but whose emails have
    not all gone (an earlier send failed). Safe to run again, and on two workers at once:
    each run is a `ScheduledRun` row, unique per schedule and month, inserted in the
    transaction that records its reports; a second starter waits on that key, then finds
    it taken and starts nothing."""
    day = day or timezone.localdate()
    period = day.replace(day=1)
    started, already = 0, 0
    due = [s for s in selectors.schedules_to_run(period) if is_due(s, day)]
    for number, schedule in enumerate(due):
        if progress is not None and number % 20 == 0:
            progress(10 + 60 * number // len(due), f"Starting monthly reports ({number} of {len(due)})")
        if _start_run(schedule=schedule, period=period):
            started += 1
        else:
            already += 1
    emailed = 0
    for run_id in ScheduledRun.objects.filter(period=period, schedule__cancelled_at__isnull=True).values_list(
        "pk", flat=True
    ):
        emailed += run_email(run_id=run_id)["sent"]
    return {"day": day.isoformat(), "started": started, "already_started": already, "emailed": emailed}


def _start_run(*, schedule: Schedule, period: datetime.date) -> ScheduledRun | None:
    try:
        with transaction.atomic():
            run = ScheduledRun.objects.create(schedule=schedule, period=period)
            for format in schedule.formats:
                report_request(by=None, project=schedule.project, format=format, run=run)
    except IntegrityError:  # started already this month, by this run's twin
        return None
    return run


def run_email(*, run_id) -> dict:
    """Email a run's reports, once ready, to each chosen member who may still read
    reports and has not had this run's email: a link to each report's page in the app
    (AMHE_BASE_URL), never the file. Each email is a `ScheduledEmail` row inserted in the
    transaction that sends it, so nobody gets it twice and a failed send is tried again."""
    run = ScheduledRun.objects.select_related("schedule__project").get(pk=run_id)
    schedule = run.schedule
    reports = list(run.reports.order_by("format"))
    if schedule.cancelled_at is not None or not reports or any(not r.file for r in reports):
        return {"sent": 0, "failed": 0, "ready": False}
    sent, failed = 0, 0
    for membership in selectors.recipients_to_email(run):
        outcome = _email_one(run=run, user=membership.user, reports=reports)
        sent += outcome == "sent"
        failed += outcome == "failed"
    return {"sent": sent, "failed": failed, "ready": True}


def _email_one(*, run: ScheduledRun, user, reports: list[Report]) -> str:
    try:
        with transaction.atomic():
            ScheduledEmail.objects.create(run=run, user=user, sent_to=user.email)
            _send_run_email(run=run, user=user, reports=reports)
            audit.record(
                action=audit.REPORT_EMAILED,
                user=run.schedule.created_by,
                project=run.schedule.project,
                object_kind="scheduledrun",
                object_id=run.pk,
                detail=f"to account {user.pk}: {', '.join(r.format for r in reports)}",
            )
    except IntegrityError:  # emailed already, by the build job of another of the run's reports
        return "already"
    except (OSError, smtplib.SMTPException):
        logger.exception("Could not send the monthly progress report email of run %s", run.pk)
        return "failed"
    return "sent"


def _send_run_email(*, run: ScheduledRun, user, reports: list[Report]) -> None:
    project = run.schedule.project
    base = settings.AMHE_BASE_URL.rstrip("/")
    links = [
        (
            report.get_format_display(),
            base + reverse("reports:report", kwargs={"project_id": project.pk, "report_id": report.pk}),
        )
        for report in reports
    ]
    context = {
        "user": user,
        "project": project,
        "period": run.period,
        "links": links,
        "schedules_link": base + reverse("reports:list", kwargs={"project_id": project.pk}),
    }
    send_mail(
        subject=f"Monthly progress report for {run.period:%B %Y}: {project.name}"[:200],
        message=render_to_string("reports/scheduled_email.txt", context),
        from_email=None,
        recipient_list=[user.email],
    )
