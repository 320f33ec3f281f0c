"""Monthly progress reports (issue 14 item 4): a member who may build reports sets up,
changes and cancels a schedule; Celery beat's daily job starts each due schedule once a
month (the month's last day when it is shorter), through the same request and build job
as a report asked for by hand, even when beat runs twice or two workers race; when a
run's reports are ready, the chosen members who may still read reports get one email
with a link to each report's page in the app, never the file."""

import datetime
import smtplib
from unittest import mock

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from amhe.core import services as core_services
from amhe.core.models import Job, Membership, Project, Role
from reports import services, tasks
from reports.models import Report, Schedule, ScheduledEmail, ScheduledRun
from tests.integration.test_survey_single_use import run_together

BASE_URL = "https://amhe.example.nhs.uk"
D = datetime.date


@pytest.fixture(autouse=True)
def media_and_base_url(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.AMHE_BASE_URL = BASE_URL + "/"


def membership(project, user) -> Membership:
    return Membership.objects.get(project=project, user=user)


def schedule_of(project, by, *, formats=("csv",), day=1, recipients=(), starts_on=None) -> Schedule:
    schedule = services.schedule_create(
        by=by, project=project, formats=list(formats), day=day, recipients=[membership(project, u) for u in recipients]
    )
    if starts_on:
        Schedule.objects.filter(pk=schedule.pk).update(starts_on=starts_on)
        schedule.refresh_from_db()
    return schedule


def run_jobs(reports):
    for report in reports:
        core_services.job_run(job_id=report.job_id)
        report.job.refresh_from_db()
        assert report.job.state == Job.State.SUCCEEDED, report.job.error


# --- When a schedule is due ----------------------------------------------------------


@pytest.mark.parametrize(
    "day, year, month, expected",
    [
        (31, 2027, 2, D(2027, 2, 28)),  # February: the last day
        (31, 2028, 2, D(2028, 2, 29)),  # a leap year's February
        (30, 2027, 2, D(2027, 2, 28)),
        (31, 2027, 4, D(2027, 4, 30)),  # a 30-day month
        (31, 2027, 1, D(2027, 1, 31)),
        (15, 2027, 6, D(2027, 6, 15)),
        (1, 2027, 12, D(2027, 12, 1)),
    ],
)
def test_the_report_day_is_the_day_or_the_months_last(day, year, month, expected):
    assert services.due_on(day, year, month) == expected


def test_due_from_the_report_day_to_the_months_end_and_never_before_it_was_set_up():
    schedule = Schedule(day=31, starts_on=D(2027, 1, 10))
    assert not services.is_due(schedule, D(2027, 1, 30))
    assert services.is_due(schedule, D(2027, 1, 31))
    assert not services.is_due(schedule, D(2027, 2, 27))
    assert services.is_due(schedule, D(2027, 2, 28))  # 31 in February: the 28th
    late = Schedule(day=5, starts_on=D(2027, 3, 20))  # set up after March's report day
    assert not services.is_due(late, D(2027, 3, 31))  # so March has none
    assert services.is_due(late, D(2027, 4, 5))
    assert services.is_due(late, D(2027, 4, 19))  # beat missed the 5th: made later that month
    assert services.next_due(late, D(2027, 3, 25), made_this_month=False) == D(2027, 4, 5)
    assert services.next_due(late, D(2027, 4, 19), made_this_month=False) == D(2027, 4, 19)
    assert services.next_due(late, D(2027, 4, 19), made_this_month=True) == D(2027, 5, 5)
    assert services.next_due(Schedule(day=31, starts_on=D(2027, 1, 1)), D(2027, 1, 31), True) == D(2027, 2, 28)
    schedule.cancelled_at = timezone.now()
    assert not services.is_due(schedule, D(2027, 2, 28))
    assert services.next_due(schedule, D(2027, 2, 1), False) is None


# --- Runs: once a month, through the manual build's request and job ---------------


@pytest.mark.django_db
def test_a_due_schedule_makes_one_report_per_format_once_a_month(project, member_of):
    lead = member_of(project, Role.GOVERNANCE)
    schedule = schedule_of(project, lead, formats=["xlsx", "csv"], day=31, starts_on=D(2027, 1, 1))
    assert services.schedules_run_due(day=D(2027, 2, 27))["started"] == 0
    assert services.schedules_run_due(day=D(2027, 2, 28))["started"] == 1
    assert services.schedules_run_due(day=D(2027, 2, 28)) | {"emailed": 0} == {
        "day": "2027-02-28",
        "started": 0,
        "already_started": 0,
        "emailed": 0,
    }
    run = ScheduledRun.objects.get()
    assert (run.schedule, run.period) == (schedule, D(2027, 2, 1))
    reports = list(Report.objects.order_by("format"))
    assert [(r.format, r.run, r.made_by, r.options) for r in reports] == [
        ("csv", run, None, {"suppression": "always"}),
        ("xlsx", run, None, {"suppression": "always"}),
    ]
    # The same build job as a report asked for by hand.
    assert {(r.job.kind, r.job.params["report_id"]) for r in reports} == {(services.BUILD, str(r.pk)) for r in reports}
    # March: a new run on the 31st.
    assert services.schedules_run_due(day=D(2027, 3, 30))["started"] == 0
    assert services.schedules_run_due(day=D(2027, 3, 31))["started"] == 1
    assert Report.objects.count() == 4 and ScheduledRun.objects.count() == 2


@pytest.mark.django_db
def test_cancelled_schedules_and_archived_projects_make_nothing(project, member_of):
    lead = member_of(project, Role.LEAD)
    cancelled = schedule_of(project, lead, day=1, starts_on=D(2027, 1, 1))
    services.schedule_cancel(by=lead, schedule=cancelled)
    archived = type(project).objects.create(
        organisation=project.organisation, name="Archived cycle", status=Project.Status.ARCHIVED
    )
    Membership.objects.create(project=archived, user=lead, role=Role.LEAD)
    schedule_of(archived, lead, day=1, starts_on=D(2027, 1, 1))
    assert services.schedules_run_due(day=D(2027, 5, 1))["started"] == 0
    assert not Report.objects.exists() and not ScheduledRun.objects.exists()


@pytest.mark.django_db
def test_beat_queues_a_job_whose_state_is_in_the_database(project, member_of, monkeypatch):
    entry = settings.CELERY_BEAT_SCHEDULE["reports-monthly-schedules"]
    assert entry["task"] == tasks.queue_scheduled_reports.name
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({6}, {0})
    from amhe.celery import app

    app.loader.import_default_modules()
    assert tasks.queue_scheduled_reports.name in app.tasks

    lead = member_of(project, Role.GOVERNANCE)
    today = timezone.localdate()
    schedule_of(project, lead, day=today.day, starts_on=today - datetime.timedelta(days=40))
    first = Job.objects.get(pk=tasks.queue_scheduled_reports())
    second = Job.objects.get(pk=tasks.queue_scheduled_reports())  # beat fired twice
    assert first.params == {"day": today.isoformat()}
    for job in (first, second):
        core_services.job_run(job_id=job.pk)
        job.refresh_from_db()
        assert job.state == Job.State.SUCCEEDED, job.error
    assert (first.result["started"], second.result["started"]) == (1, 0)
    assert Report.objects.filter(run__isnull=False).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_start_one_run_a_month(project, member_of, monkeypatch):
    """Threads with their own connections, released together (PostgreSQL in CI): the unique
    (schedule, period) row is inserted in the transaction that records the reports, so the
    others wait and then find it taken."""
    monkeypatch.setattr(core_services, "_send", lambda job_id: None)  # no broker: nothing runs the builds
    lead = member_of(project, Role.GOVERNANCE)
    schedules = [schedule_of(project, lead, formats=["pdf", "csv"], day=d, starts_on=D(2027, 1, 1)) for d in (3, 9)]
    results = run_together(lambda _i: services.schedules_run_due(day=D(2027, 6, 10)), count=4)
    assert all(isinstance(r, dict) for r in results), results
    assert sum(r["started"] for r in results) == len(schedules)
    assert ScheduledRun.objects.filter(period=D(2027, 6, 1)).count() == len(schedules)
    assert Report.objects.count() == 2 * len(schedules)
    assert Job.objects.filter(kind=services.BUILD).count() == 2 * len(schedules)


# --- Emails ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_when_ready_the_chosen_readers_get_one_email_with_links_never_the_file(project, member_of):
    governance = member_of(project, Role.GOVERNANCE)
    lead, analyst = member_of(project, Role.LEAD), member_of(project, Role.ANALYST)
    not_chosen = member_of(project, Role.LEAD)
    schedule = schedule_of(project, governance, formats=["xlsx", "csv"], day=1, recipients=[governance, lead, analyst])
    assert not_chosen and schedule.recipients.count() == 3
    assert services.schedules_run_due(day=_next_first())["started"] == 1
    first, second = Report.objects.order_by("format")
    run_jobs([first])
    assert mail.outbox == []  # one report of the run is not ready yet
    run_jobs([second])
    assert sorted(e.to[0] for e in mail.outbox) == sorted(u.email for u in (governance, lead, analyst))
    email = next(e for e in mail.outbox if e.to == [analyst.email])
    period = _next_first()
    assert email.subject == f"Monthly progress report for {period:%B %Y}: {project.name}"
    assert email.attachments == [] and not getattr(email, "alternatives", [])
    words = email.body.split()
    links = [f"{BASE_URL}/projects/{project.pk}/reports/{r.pk}/" for r in (first, second)]
    assert all(link in words for link in links)
    assert not any("/download/" in word for word in words)
    assert "CSV (a zip of one file per table):" in email.body and "Excel (.xlsx):" in email.body
    assert "not attached" in email.body
    # Each link opens the report's page, with its download, for a recipient.
    client = Client()
    client.force_login(analyst)
    page = client.get(links[0].removeprefix(BASE_URL))
    assert page.status_code == 200
    assert reverse("reports:download", args=[project.pk, first.pk]) in page.content.decode()
    assert "The monthly schedule" in page.content.decode()
    # Nobody is emailed twice: the build job run again, and the daily sweep.
    core_services.job_run(job_id=Job.objects.create(kind=services.BUILD, params={"report_id": str(first.pk)}).pk)
    services.schedules_run_due(day=period)
    assert len(mail.outbox) == 3
    assert set(ScheduledEmail.objects.values_list("sent_to", flat=True)) == {
        governance.email,
        lead.email,
        analyst.email,
    }


def _next_first() -> datetime.date:
    """The first of a month after the schedule was set up today (so it is due)."""
    return services._next_month(timezone.localdate().replace(day=1))


@pytest.mark.django_db
def test_members_who_lose_access_stop_getting_it(project, member_of):
    governance = member_of(project, Role.GOVERNANCE)
    stays, demoted, removed, turned_off = (member_of(project, Role.ANALYST) for _ in range(4))
    schedule_of(project, governance, day=1, recipients=[stays, demoted, removed, turned_off])
    Membership.objects.filter(project=project, user=demoted).update(role=Role.VIEWER)
    Membership.objects.filter(project=project, user=removed).delete()
    type(turned_off).objects.filter(pk=turned_off.pk).update(is_active=False)
    services.schedules_run_due(day=_next_first())
    run_jobs(Report.objects.all())
    assert [e.to for e in mail.outbox] == [[stays.email]]


@pytest.mark.django_db
def test_only_members_who_may_read_reports_can_be_chosen(project, member_of, other_org_user):
    governance = member_of(project, Role.GOVERNANCE)
    for role in (Role.PANEL, Role.VIEWER):
        with pytest.raises(Exception) as caught:
            schedule_of(project, governance, recipients=[member_of(project, role)])
        assert "who may read progress reports" in str(caught.value)
    outsider = Membership.objects.get(user=other_org_user)
    with pytest.raises(Exception, match="who may read progress reports"):
        services.schedule_create(by=governance, project=project, formats=["pdf"], day=1, recipients=[outsider])
    assert not Schedule.objects.exists()


@pytest.mark.django_db
def test_an_email_that_fails_is_sent_by_the_next_daily_run(project, member_of):
    governance = member_of(project, Role.GOVERNANCE)
    schedule_of(project, governance, day=1, recipients=[governance])
    day = _next_first()
    services.schedules_run_due(day=day)
    with mock.patch("reports.services.send_mail", side_effect=smtplib.SMTPServerDisconnected("gone")):
        run_jobs(Report.objects.all())
    assert mail.outbox == [] and not ScheduledEmail.objects.exists()
    assert services.schedules_run_due(day=day + datetime.timedelta(days=1))["emailed"] == 1
    assert [e.to for e in mail.outbox] == [[governance.email]]


@pytest.mark.django_db
def test_a_schedule_cancelled_before_its_reports_are_ready_emails_nobody(project, member_of):
    governance = member_of(project, Role.GOVERNANCE)
    schedule = schedule_of(project, governance, day=1, recipients=[governance])
    services.schedules_run_due(day=_next_first())
    services.schedule_cancel(by=governance, schedule=schedule)
    run_jobs(Report.objects.all())
    assert mail.outbox == []
    assert Report.objects.get().file  # the report it made is kept


# --- Pages: set up, change, cancel -------------------------------------------------


@pytest.mark.django_db
def test_a_governance_lead_sets_up_changes_and_cancels_a_schedule(client, project, member_of):
    governance = member_of(project, Role.GOVERNANCE)
    analyst, panel = member_of(project, Role.ANALYST), member_of(project, Role.PANEL)
    client.force_login(governance)
    new = reverse("reports:schedule-new", args=[project.pk])
    page = client.get(new).content.decode()
    assert analyst.full_name in page and panel.full_name not in page  # only readers are offered

    reply = client.post(new, {"formats": ["pdf", "docx"], "day": "31", "recipients": [membership(project, analyst).pk]})
    assert reply.status_code == 302 and reply.url == reverse("reports:list", args=[project.pk])
    schedule = Schedule.objects.get()
    assert (schedule.formats, schedule.day, schedule.created_by) == (["pdf", "docx"], 31, governance)
    assert list(schedule.recipients.all()) == [membership(project, analyst)]
    listing = client.get(reply.url).content.decode()
    assert "Day 31 of each month" in listing and "PDF (accessible, tagged), Word (.docx)" in listing
    assert analyst.full_name in listing

    edit = reverse("reports:schedule-edit", args=[project.pk, schedule.pk])
    client.post(edit, {"formats": ["xlsx"], "day": "15", "recipients": []})
    schedule.refresh_from_db()
    assert (schedule.formats, schedule.day, schedule.recipients.count()) == (["xlsx"], 15, 0)

    cancel = reverse("reports:schedule-cancel", args=[project.pk, schedule.pk])
    assert "Cancel the monthly progress report" in client.get(cancel).content.decode()
    client.post(cancel)
    schedule.refresh_from_db()
    assert schedule.cancelled_at is not None and schedule.cancelled_by == governance
    assert "No monthly progress report is scheduled." in client.get(reply.url).content.decode()
    assert client.get(edit).status_code == 404 and client.post(cancel).status_code == 404


@pytest.mark.django_db
def test_bad_input_says_what_to_do_and_keeps_what_was_typed(client, project, member_of):
    governance = member_of(project, Role.GOVERNANCE)
    viewer = member_of(project, Role.VIEWER)
    client.force_login(governance)
    new = reverse("reports:schedule-new", args=[project.pk])
    page = client.post(new, {"day": "32", "recipients": [membership(project, viewer).pk]}).content.decode()
    assert "Choose at least one format: PDF, Word, Excel or CSV." in page
    assert "Enter a day of the month from 1 to 31." in page
    assert 'value="32"' in page
    assert "Select a valid choice" in page  # a viewer cannot be chosen
    page = client.post(new, {"formats": ["csv"], "day": "first"}).content.decode()
    assert "Enter a day of the month as a number from 1 to 31." in page
    assert not Schedule.objects.exists()
