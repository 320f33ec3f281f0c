"""Accounts: one login for everyone (the admin's sends people to it), a lockout
that ignores the email's letter case and answers a locked account the same
whatever password is sent, the system page's "not allowed" answer,
invitations that need the invitee's acceptance, and rate-limited password
resets."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.urls import reverse
from django.utils import timezone

from amhe.core.models import Membership, ProjectInvitation, Role, User
from tests.factories import PASSWORD, MembershipFactory, ProjectFactory, ProjectInvitationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_counters(settings, request):
    """Rate-limit counters of this test's own (a per-process memory cache, so a
    shared Redis is neither read nor flushed)."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": request.node.nodeid}
    }


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


# --- Adding people: invitations -------------------------------------------------------


NEW_PASSWORD = {"password1": "river-lantern-42x", "password2": "river-lantern-42x"}


def _invite(client, project, email, role=Role.VIEWER, full_name=""):
    url = reverse("core:members", kwargs={"project_id": project.pk})
    return client.post(url, {"email": email, "full_name": full_name, "role": role}, follow=True)


def _link(message) -> str:
    match = re.search(r"http://testserver(/accounts/invitations/[^/\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


@pytest.fixture
def lead(project, member_of):
    return member_of(project, Role.LEAD)


def _page_text(response) -> str:
    """The lead's page as a reader sees it, less what differs between any two requests."""
    html = response.content.decode()
    html = re.sub(r'nonce="[^"]*"|name="csrfmiddlewaretoken" value="[^"]*"', "", html)
    html = re.sub(r"/\d+/", "/N/", html)  # object ids in links
    return re.sub(r"\S+@example\.org", "EMAIL", html)


def test_another_organisations_account_or_a_superuser_is_only_invited(
    client, project, lead, mailoutbox, django_capture_on_commit_callbacks
):
    outsider = UserFactory(email="out@example.org")  # its own organisation
    superuser = UserFactory(email="root@example.org", is_superuser=True, is_staff=True, organisation=None)
    orgless = UserFactory(email="nobody-org@example.org", organisation=None)
    client.force_login(lead)
    for user in (outsider, superuser, orgless):
        with django_capture_on_commit_callbacks(execute=True):
            _invite(client, project, user.email.upper(), role=Role.LEAD)
        assert not Membership.objects.filter(project=project, user=user).exists()
        assert ProjectInvitation.objects.filter(project=project, email=user.email).exists()
    assert [m.to for m in mailoutbox] == [[outsider.email], [superuser.email], [orgless.email]]
    # None of them can reach the project until they accept.
    client.force_login(outsider)
    assert client.get(project.get_absolute_url()).status_code == 404


def test_a_colleague_in_the_projects_organisation_is_added_and_told(
    client, project, lead, mailoutbox, django_capture_on_commit_callbacks
):
    colleague = UserFactory(organisation=project.organisation)
    client.force_login(lead)
    with django_capture_on_commit_callbacks(execute=True):
        _invite(client, project, colleague.email.upper(), role=Role.ANALYST)
    assert Membership.objects.get(project=project, user=colleague).role == Role.ANALYST
    assert not ProjectInvitation.objects.exists()
    assert mailoutbox[0].to == [colleague.email]
    assert "/accounts/" not in mailoutbox[0].body  # no secret link: they just log in


def test_the_leads_page_says_the_same_whatever_the_email(client, project, lead, django_capture_on_commit_callbacks):
    """An address with an account elsewhere, a superuser's and one with no account
    get the same page, so the lead cannot tell which addresses are registered."""
    UserFactory(email="elsewhere@example.org")
    UserFactory(email="root@example.org", is_superuser=True, organisation=None)
    client.force_login(lead)
    pages = []
    for email in ("elsewhere@example.org", "root@example.org", "unknown@example.org"):
        # A project of its own each (same name, same lead), so each page lists one invitation.
        fresh = ProjectFactory(organisation=project.organisation, name="Same project")
        MembershipFactory(project=fresh, user=lead, role=Role.LEAD)
        with django_capture_on_commit_callbacks(execute=True):
            response = _invite(client, fresh, email, full_name="")
        assert response.status_code == 200
        assert f"We have emailed {email}" in response.content.decode()
        pages.append(_page_text(response))
        # Inviting again is answered the same too (a fresh link; the old one stops working).
        again = _invite(client, fresh, email)
        assert _page_text(again) == pages[-1]
    assert len(set(pages)) == 1
    assert ProjectInvitation.objects.count() == 3


def test_someone_with_an_account_accepts_after_logging_in(
    client, project, lead, mailoutbox, django_capture_on_commit_callbacks
):
    outsider = UserFactory(email="out@example.org")
    client.force_login(lead)
    with django_capture_on_commit_callbacks(execute=True):
        _invite(client, project, outsider.email, role=Role.PANEL)
    link = _link(mailoutbox[0])
    client.logout()
    page = client.get(link)
    assert page.status_code == 200 and "Log in to accept" in page.content.decode()
    assert not Membership.objects.filter(user=outsider).exists()
    logged_in = client.post(page.context["login_url"], {"username": outsider.email, "password": PASSWORD})
    assert logged_in.url == link
    # Their projects page reminds them too, without the link (only a hash of it is kept).
    home = client.get(reverse("core:home")).content.decode()
    assert f'You have been invited to join "{project.name}"' in home
    assert "Accept and join" in client.get(link).content.decode()
    joined = client.post(link, {"accept": ""})
    assert joined.url == project.get_absolute_url()
    assert Membership.objects.get(project=project, user=outsider).role == Role.PANEL
    assert not ProjectInvitation.objects.exists()
    assert client.get(link).status_code == 404  # used


def test_someone_else_signed_in_cannot_use_the_link(
    client, project, lead, mailoutbox, django_capture_on_commit_callbacks
):
    outsider = UserFactory(email="out@example.org")
    client.force_login(lead)
    with django_capture_on_commit_callbacks(execute=True):
        _invite(client, project, outsider.email)
    link = _link(mailoutbox[0])
    intruder = UserFactory()
    client.force_login(intruder)
    assert client.get(link).status_code == 403
    assert client.post(link, {"accept": ""}).status_code == 403
    assert not Membership.objects.filter(user__in=[outsider, intruder], project=project).exists()


def test_someone_without_an_account_creates_it_from_the_link(
    client, project, lead, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(lead)
    with django_capture_on_commit_callbacks(execute=True):
        _invite(client, project, "New.Person@Example.org", role=Role.PANEL, full_name="Ngozi Adeyemi")
    assert not User.objects.filter(email="new.person@example.org").exists()
    link = _link(mailoutbox[0])
    client.logout()
    form = client.get(link)
    assert form.status_code == 200 and 'value="Ngozi Adeyemi"' in form.content.decode()
    short = client.post(link, {"full_name": "Ngozi Adeyemi", "password1": "short", "password2": "short"})
    assert short.status_code == 200 and "too short" in short.content.decode()
    assert not User.objects.filter(email="new.person@example.org").exists()
    done = client.post(
        link, {"full_name": "Ngozi Adeyemi", "password1": "river-lantern-42x", "password2": "river-lantern-42x"}
    )
    assert done.url == project.get_absolute_url()
    person = User.objects.get(email="new.person@example.org")
    assert person.check_password("river-lantern-42x") and person.organisation == project.organisation
    assert Membership.objects.get(project=project, user=person).role == Role.PANEL
    assert client.session[SESSION_KEY] == str(person.pk)


def test_declining_leaves_them_off_the_project(client, project, lead, mailoutbox, django_capture_on_commit_callbacks):
    client.force_login(lead)
    with django_capture_on_commit_callbacks(execute=True):
        _invite(client, project, "maybe@example.org")
    link = _link(mailoutbox[0])
    client.logout()
    assert "Invitation declined" in client.post(link, {"decline": ""}).content.decode()
    assert not ProjectInvitation.objects.exists() and not User.objects.filter(email="maybe@example.org").exists()


def test_an_expired_or_unknown_link_does_not_work(
    client, project, lead, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(lead)
    with django_capture_on_commit_callbacks(execute=True):
        _invite(client, project, "late@example.org")
    link = _link(mailoutbox[0])
    ProjectInvitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    client.logout()
    assert client.get(link).status_code == 404
    posted = client.post(
        link, {"full_name": "Late", "password1": "river-lantern-42x", "password2": "river-lantern-42x"}
    )
    assert posted.status_code == 404
    assert not User.objects.filter(email="late@example.org").exists()
    assert client.get(reverse("invitation", kwargs={"token": "no-such-token-at-all"})).status_code == 404


def test_the_lead_can_cancel_an_invitation(client, project, lead, mailoutbox, django_capture_on_commit_callbacks):
    client.force_login(lead)
    with django_capture_on_commit_callbacks(execute=True):
        _invite(client, project, "oops@example.org")
    link = _link(mailoutbox[0])
    invitation = ProjectInvitation.objects.get()
    members = client.get(reverse("core:members", kwargs={"project_id": project.pk})).content.decode()
    assert "oops@example.org" in members and "Invited, not on the project until they accept" in members
    cancel = reverse("core:invitation-cancel", kwargs={"project_id": project.pk, "invitation_id": invitation.pk})
    assert "Cancel the invitation to oops@example.org?" in client.get(cancel).content.decode()
    assert ProjectInvitation.objects.exists()  # only asking
    assert client.post(cancel).status_code == 302
    client.logout()
    assert client.get(link).status_code == 404


def test_only_a_hash_of_the_link_is_stored(client, project, lead, mailoutbox, django_capture_on_commit_callbacks):
    client.force_login(lead)
    with django_capture_on_commit_callbacks(execute=True):
        _invite(client, project, "hash@example.org")
    token = _link(mailoutbox[0]).rstrip("/").rsplit("/", 1)[1]
    stored = ProjectInvitation.objects.values_list(flat=False).get()
    assert token not in repr(stored)


# --- Password reset: rate limits -------------------------------------------------------


def test_password_reset_is_rate_limited_per_address_with_the_same_answer(client, mailoutbox, settings):
    settings.AMHE_PASSWORD_RESET_RATE_ADDRESS = "3/h"
    ann = UserFactory(email="ann@example.org")
    answers = set()
    for variant in ("ann@example.org", "Ann@example.org", "ANN@EXAMPLE.ORG", " ann@example.org", "ann@example.org"):
        response = client.post(reverse("password_reset"), {"email": variant})
        answers.add((response.status_code, response.url))
    assert answers == {(302, reverse("password_reset_done"))}
    assert [m.to for m in mailoutbox] == [[ann.email]] * 3
    # Another address from the same client is not held up by it.
    bob = UserFactory(email="bob@example.org")
    client.post(reverse("password_reset"), {"email": bob.email})
    assert mailoutbox[-1].to == [bob.email]


def test_password_reset_is_rate_limited_per_client(client, mailoutbox, settings):
    settings.AMHE_PASSWORD_RESET_RATE_CLIENT = "4/h"
    users = [UserFactory(email=f"user{n}@example.org") for n in range(6)]
    for user in users:
        response = client.post(reverse("password_reset"), {"email": user.email})
        assert (response.status_code, response.url) == (302, reverse("password_reset_done"))
    assert len(mailoutbox) == 4
    # Another client still can.
    other = client_class()(REMOTE_ADDR="198.51.100.20")
    other.post(reverse("password_reset"), {"email": users[5].email})
    assert mailoutbox[-1].to == [users[5].email]


def test_the_address_is_not_stored_in_clear_in_the_cache(client):
    from django.core.cache import cache

    client.post(reverse("password_reset"), {"email": "secret.person@example.org"})
    keys = list(cache._cache.keys())  # LocMemCache's own store
    assert keys, "expected rate-limit counters"
    assert not any("secret.person" in str(key) for key in keys)


def client_class():
    from django.test import Client

    return Client


def test_the_admin_lists_invitations_read_only_without_the_hash(client, staff, project):
    invitation = ProjectInvitationFactory(project=project, email="listed@example.org")
    client.force_login(staff)
    listing = client.get(reverse("admin:core_projectinvitation_changelist"))
    assert listing.status_code == 200 and "listed@example.org" in listing.content.decode()
    detail = client.get(reverse("admin:core_projectinvitation_change", args=[invitation.pk]))
    assert detail.status_code == 200 and invitation.token_hash not in detail.content.decode()
    assert client.get(reverse("admin:core_projectinvitation_add")).status_code == 403


def test_no_service_adds_an_outsider_or_a_superuser_silently(project, lead):
    from django.core.exceptions import ValidationError

    from amhe.core import services

    same_org_superuser = UserFactory(organisation=project.organisation, is_superuser=True)
    for user in (UserFactory(), same_org_superuser, UserFactory(organisation=None)):
        with pytest.raises(ValidationError):
            services.membership_set(by=lead, project=project, user=user, role=Role.VIEWER)
        services.membership_invite(
            by=lead, project=project, email=user.email, full_name="", role=Role.VIEWER, base_url="http://x/"
        )
        assert not Membership.objects.filter(project=project, user=user).exists()
    colleague = UserFactory(organisation=project.organisation)
    assert services.membership_set(by=lead, project=project, user=colleague, role=Role.VIEWER).role == Role.VIEWER
