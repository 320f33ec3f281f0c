"""Session timeouts (amhe.core.two_factor.SessionTimeoutMiddleware): signed out after 30 minutes
without activity and 12 hours after signing in, both configurable; a page's own polling is not
activity. The clock is moved with time-machine."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from amhe.core.models import Role
from tests.factories import JobFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, project, member_of):
    user = member_of(project, Role.LEAD)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client.force_login(user)
        yield client, clock


def is_in(client) -> bool:
    response = client.get(reverse("core:home"))
    if response.status_code == 200:
        return True
    assert response.status_code == 302 and response.url.startswith(reverse("login") + "?next=")
    return False


def test_idle_for_30_minutes_signs_out(signed_in):
    client, clock = signed_in
    clock.shift(timedelta(minutes=29))
    assert is_in(client)
    clock.shift(timedelta(minutes=29))  # 58 minutes in, but active 29 minutes ago
    assert is_in(client)
    clock.shift(timedelta(minutes=30, seconds=30))
    response = client.get(reverse("core:home"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert "_auth_user_id" not in client.session
    notes = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("30 minutes without any activity" in note for note in notes)
    assert not is_in(client)


def test_twelve_hours_after_signing_in_signs_out_however_active(signed_in):
    client, clock = signed_in
    for _ in range(12 * 3):  # every 20 minutes for 12 hours
        clock.shift(timedelta(minutes=20))
        assert is_in(client)
    clock.shift(timedelta(minutes=1))
    response = client.get(reverse("core:home"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert any("after 12 hours" in str(m) for m in get_messages(response.wsgi_request))


def test_polling_for_progress_is_not_activity(signed_in, world_job):
    client, clock = signed_in
    status = reverse("core:job-status", kwargs={"job_id": world_job.pk})
    for _ in range(3):
        clock.shift(timedelta(minutes=10))
        assert client.get(status, headers={"accept": "application/json"}).status_code == 200
    clock.shift(timedelta(minutes=1))  # 31 minutes since anyone touched a page
    assert not is_in(client)


@pytest.fixture
def world_job(project):
    return JobFactory(project=project)


def test_both_limits_are_settings(settings, signed_in):
    client, clock = signed_in
    settings.AMHE_SESSION_IDLE_MINUTES = 5
    clock.shift(timedelta(minutes=4))
    assert is_in(client)
    clock.shift(timedelta(minutes=6))
    assert not is_in(client)


def test_signing_in_again_in_the_same_session_does_not_restart_the_twelve_hours(signed_in):
    """Signing in again at the organisation's provider (how a single sign-on account signs in
    again before an export) logs the same account in again in the same session, which keeps its
    second factor: it must not start a new 12 hours, or such a session would never end."""
    client, clock = signed_in
    user = get_user_model().objects.get(pk=client.session["_auth_user_id"])
    for _ in range(4):
        clock.shift(timedelta(hours=3, minutes=-1))
        client.force_login(user)
        assert client.session["_auth_user_id"] == str(user.pk)
        assert is_in(client)
    clock.shift(timedelta(minutes=5))  # 12 hours and 1 minute after the first sign-in
    assert not is_in(client)
