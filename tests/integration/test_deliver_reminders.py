"""Daily overdue-action reminders: each overdue action's owner is emailed once per action
per day (however often the job runs, and on two workers at once), with what is overdue, by
how much and an absolute link to the action; nothing for done actions, not-yet-due ones, or
owners who cannot be emailed. Run by Celery beat through a job (core.Job) or by hand."""

import datetime
import smtplib
from unittest import mock

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from amhe.core import services as core_services
from amhe.core.models import Job, Membership, Project, Role
from deliver import tasks
from deliver.models import ActionReminder
from deliver.tracking import services
from tests.factories import DeliveryActionFactory, InterventionFactory, ProjectFactory, StrategyFactory
from tests.integration.test_survey_single_use import run_together

DAY = datetime.timedelta(days=1)
BASE_URL = "https://amhe.example.nhs.uk"


@pytest.fixture(autouse=True)
def base_url(settings):
    settings.AMHE_BASE_URL = BASE_URL + "/"


@pytest.fixture
def owner(project, member_of):
    return member_of(project, Role.GOVERNANCE)


@pytest.fixture
def intervention(project):
    return InterventionFactory(strategy=StrategyFactory(project=project), title="Evening peer support")


def _overdue(intervention, owner, days=12, **fields):
    return DeliveryActionFactory(
        intervention=intervention, owner=owner, due_date=timezone.localdate() - days * DAY, **fields
    )


@pytest.mark.django_db
def test_the_owner_of_an_overdue_action_is_told_what_by_how_much_and_where(project, intervention, owner):
    item = _overdue(intervention, owner, days=12, title="Agree the evening venue", status="blocked", rag="red")
    result = services.overdue_reminders_send()
    assert (result["sent"], result["failed"]) == (1, 0)
    [email] = mail.outbox
    assert email.to == [owner.email]
    assert email.subject == "Overdue action: Agree the evening venue"
    assert "Agree the evening venue" in email.body
    assert "Evening peer support" in email.body
    assert "Overdue by: 12 days" in email.body
    assert "Status: Blocked" in email.body
    link = f"{BASE_URL}/projects/{project.pk}/deliver/tracking/actions/{item.pk}/"
    assert link in email.body.split()
    # The link opens the action for its owner.
    client = Client()
    client.force_login(owner)
    assert client.get(link.removeprefix(BASE_URL)).status_code == 200
    reminder = ActionReminder.objects.get()
    assert (reminder.action, reminder.day, reminder.sent_to, reminder.days_overdue) == (
        item,
        timezone.localdate(),
        owner.email,
        12,
    )


@pytest.mark.django_db
def test_one_email_per_action_per_day_however_often_it_runs(intervention, owner, member_of, project):
    other = member_of(project, Role.LEAD)
    first, second = _overdue(intervention, owner, days=1), _overdue(intervention, other, days=3)
    today = timezone.localdate()
    services.overdue_reminders_send(day=today)
    services.overdue_reminders_send(day=today)
    assert sorted(e.to[0] for e in mail.outbox) == sorted([owner.email, other.email])
    assert "Overdue by: 1 day\n" in next(e.body for e in mail.outbox if e.to == [owner.email])
    # The next day, each is reminded again, once.
    services.overdue_reminders_send(day=today + DAY)
    services.overdue_reminders_send(day=today + DAY)
    assert len(mail.outbox) == 4
    assert ActionReminder.objects.filter(action=first).count() == ActionReminder.objects.filter(action=second).count()
    assert ActionReminder.objects.count() == 4


@pytest.mark.django_db
def test_no_email_when_done_not_yet_due_or_the_owner_cannot_be_emailed(project, intervention, owner, member_of):
    _overdue(intervention, owner, status="done")
    DeliveryActionFactory(intervention=intervention, owner=owner, due_date=timezone.localdate())  # due today
    _overdue(intervention, None)
    without_email = member_of(project, Role.LEAD)
    type(without_email).objects.filter(pk=without_email.pk).update(email="")
    _overdue(intervention, without_email)
    inactive = member_of(project, Role.LEAD)
    type(inactive).objects.filter(pk=inactive.pk).update(is_active=False)
    _overdue(intervention, inactive)
    left = member_of(project, Role.LEAD)
    _overdue(intervention, left)
    Membership.objects.filter(user=left).delete()
    archived = ProjectFactory(status=Project.Status.ARCHIVED)
    _overdue(InterventionFactory(strategy=StrategyFactory(project=archived)), member_of(archived, Role.LEAD))
    result = services.overdue_reminders_send()
    assert result["sent"] == 0 and mail.outbox == [] and not ActionReminder.objects.exists()


@pytest.mark.django_db
def test_an_email_that_fails_is_tried_again_by_the_next_run(intervention, owner):
    _overdue(intervention, owner)
    with mock.patch("deliver.tracking.services.send_mail", side_effect=smtplib.SMTPServerDisconnected("gone")):
        result = services.overdue_reminders_send()
    assert (result["sent"], result["failed"]) == (0, 1)
    assert not ActionReminder.objects.exists()  # nothing recorded as sent
    assert services.overdue_reminders_send()["sent"] == 1
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_beat_queues_a_job_whose_state_is_in_the_database(intervention, owner):
    schedule = settings.CELERY_BEAT_SCHEDULE["deliver-overdue-reminders"]
    assert schedule["task"] == tasks.queue_overdue_reminders.name
    assert (schedule["schedule"].hour, schedule["schedule"].minute) == ({7}, {0})
    assert settings.CELERY_TIMEZONE == "Europe/London"
    from amhe.celery import app

    app.loader.import_default_modules()
    assert tasks.queue_overdue_reminders.name in app.tasks

    _overdue(intervention, owner)
    first = Job.objects.get(pk=tasks.queue_overdue_reminders())
    second = Job.objects.get(pk=tasks.queue_overdue_reminders())  # beat fired twice
    assert first.params == {"day": timezone.localdate().isoformat()}
    for job in (first, second):
        core_services.job_run(job_id=job.pk)
        job.refresh_from_db()
        assert job.state == Job.State.SUCCEEDED, job.error
    assert (first.result["sent"], second.result["sent"]) == (1, 0)
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_the_command_sends_them_by_hand(intervention, owner, capsys):
    _overdue(intervention, owner)
    call_command("overdue_reminders")
    call_command("overdue_reminders")
    out = capsys.readouterr().out
    assert out.count("1 reminder(s) sent") == 1 and out.count("0 reminder(s) sent") == 1
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_one_email_per_action(project, intervention, owner, member_of):
    """Threads with their own connections, released together (PostgreSQL in CI): the unique
    (action, day) row is inserted in the transaction that sends the email, so the others wait
    and then find it taken."""
    items = [_overdue(intervention, owner, days=d) for d in (1, 2, 3)]
    today = timezone.localdate()
    results = run_together(lambda _i: services.overdue_reminders_send(day=today), count=4)
    assert all(isinstance(r, dict) for r in results), results
    assert sum(r["sent"] for r in results) == len(items)
    assert sum(r["failed"] for r in results) == 0
    assert sorted(e.subject for e in mail.outbox) == sorted(f"Overdue action: {i.title}" for i in items)
    assert ActionReminder.objects.filter(day=today).count() == len(items)
