"""Accounts: one login for everyone (the admin's sends people to it), a lockout
that ignores the email's letter case and answers a locked account the same
whatever password is sent, the system page's "not allowed" answer,
invitations that need the invitee's acceptance, and rate-limited password
resets."""

import re

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.cache import cache
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()  # django-ratelimit's counters
    yield
    cache.clear()


@pytest.fixture
def staff(db):
    return UserFactory(email="sam.staff@example.org", is_staff=True, is_superuser=True, organisation=None)


def _answer(response) -> tuple[int, str]:
    """A response's status and body with the per-response nonce and CSRF token taken out."""
    body = response.content.decode()
    body = re.sub(r'nonce="[^"]*"', "", body)
    body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", body)
    return response.status_code, body


# --- One login -------------------------------------------------------------------


def test_admin_login_sends_people_to_the_app_login(client):
    response = client.get(reverse("admin:login") + "?next=/admin/core/user/")
    assert response.status_code == 302
    assert response.url == reverse("login") + "?next=/admin/core/user/"


def test_posting_to_the_admin_login_logs_nobody_in(client, staff):
    """It only redirects, so it has no allowance of its own to try passwords against."""
    for username in ("Sam.Staff@example.org", staff.email):
        for password in ("wrong-password", PASSWORD):
            posted = client.post(reverse("admin:login"), {"username": username, "password": password})
            assert posted.status_code == 302 and posted.url.startswith(reverse("login"))
            assert SESSION_KEY not in client.session


def test_admin_index_reaches_the_app_login_and_back(client, staff):
    first = client.get(reverse("admin:index"))
    second = client.get(first.url)
    assert second.status_code == 302
    assert second.url == reverse("login") + "?next=/admin/"
    logged_in = client.post(second.url, {"username": "Sam.Staff@Example.org", "password": PASSWORD, "next": "/admin/"})
    assert logged_in.status_code == 302 and logged_in.url == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_admin_login_for_a_signed_in_non_staff_user_is_not_allowed_not_a_loop(client):
    client.force_login(UserFactory())
    response = client.get(reverse("admin:login") + "?next=/admin/")
    assert response.status_code == 403
    assert "You cannot do this" in response.content.decode()


def test_admin_login_for_signed_in_staff_goes_to_the_admin(client, staff):
    client.force_login(staff)
    response = client.get(reverse("admin:login") + "?next=/admin/core/user/")
    assert (response.status_code, response.url) == (302, "/admin/core/user/")
    offsite = client.get(reverse("admin:login") + "?next=https://evil.example/")
    assert (offsite.status_code, offsite.url) == (302, reverse("admin:index"))


# --- Lockout ---------------------------------------------------------------------


def _login(client, url, username, password):
    return client.post(url, {"username": username, "password": password, "next": "/admin/"})


def test_staff_get_no_fresh_allowance_for_each_change_of_capitals(client, staff):
    url = reverse("login") + "?next=/admin/"
    variants = ["sam.staff@example.org", "Sam.Staff@example.org", "SAM.staff@example.org", "sam.STAFF@example.org"]
    for username in variants:
        _login(client, url, username, "wrong-password")
    assert _login(client, url, "sam.staff@EXAMPLE.ORG", "wrong-password").status_code == 429
    assert _login(client, url, "Sam.Staff@Example.Org", PASSWORD).status_code == 429
    assert SESSION_KEY not in client.session


def test_the_lockout_counts_the_normalised_email(rf):
    from amhe.core.accounts import axes_username

    request = rf.post("/accounts/login/", {"username": "  Sam.Staff@Example.ORG "})
    assert axes_username(request, None) == "sam.staff@example.org"
    assert axes_username(request, {"username": "SAM@X.org"}) == "sam@x.org"
    assert axes_username(rf.post("/accounts/login/", {}), None) == ""


def test_a_locked_account_gets_the_same_answer_whatever_the_password(client, staff):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, reverse("login"), staff.email, "wrong-password")
    answers = {
        _answer(_login(client, reverse("login"), username, password))
        for username in (staff.email, staff.email.upper())
        for password in (PASSWORD, "wrong-password", "")
    }
    assert len(answers) == 1
    status, body = answers.pop()
    assert status == 429 and "Too many attempts to log in" in body
    assert "15 minutes" in body and "PT15M" not in body
    assert SESSION_KEY not in client.session


# --- System status -----------------------------------------------------------------


def test_system_page_says_not_allowed_to_a_signed_in_non_superuser(client):
    client.force_login(UserFactory(is_staff=True))
    response = client.get(reverse("core:system"))
    assert response.status_code == 403
    assert "You cannot do this" in response.content.decode()
    assert client.post(reverse("core:system")).status_code == 403
