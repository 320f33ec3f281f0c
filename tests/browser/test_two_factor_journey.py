"""Journey (staff sign-in): with two-factor sign-in required, a lead logs in with a password,
is sent to set up an authenticator (QR code and typed key), enters a wrong then a right code,
sees the recovery codes once, reaches the project, then signs in again before deleting a risk.
Every page passes axe with no violation of any impact."""

from base64 import b32decode

import pytest
from django_otp.oath import TOTP

from amhe.core.models import Role
from tests.factories import PASSWORD, RiskFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _submit(journey, name):
    journey.page.get_by_role("button", name=name).first.click()
    journey.page.wait_for_load_state()
    journey.check()


def test_lead_sets_up_two_factor_and_signs_in_again_to_delete(journey, project, member_of, settings):
    settings.AMHE_TWO_FACTOR_DEFAULT = True
    settings.AMHE_REAUTH_MINUTES = 5
    lead = member_of(project, Role.LEAD)
    risk = RiskFactory(project=project)
    page = journey.page
    journey.goto("/accounts/login/")
    page.get_by_label("Email address").fill(lead.email)
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    _submit(journey, "Log in")
    assert "/two-factor/setup/" in page.url
    assert page.get_by_role("img", name="QR code to scan with your authenticator app").is_visible()
    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    key = b32decode(secret + "=" * (-len(secret) % 8))

    page.get_by_label("Code from the app").fill("000000")
    _submit(journey, "Turn on two-factor sign-in")
    assert page.locator(".nhsuk-error-summary").is_visible()
    page.wait_for_timeout(1100)  # the device waits a second after a wrong code
    page.get_by_label("Code from the app").fill(f"{TOTP(key).token():06d}")
    _submit(journey, "Turn on two-factor sign-in")
    assert "/two-factor/recovery-codes/" in page.url
    assert page.get_by_role("list", name="Recovery codes").locator("li").count() == 10
    page.get_by_role("link", name="I have saved my codes, continue").click()
    page.wait_for_load_state()
    journey.check()
    journey.goto(f"/projects/{project.pk}/")
    assert project.name in page.content()

    # Signing in again before a deletion (the sign-in is made to look older than 5 minutes).
    from django.contrib.sessions.models import Session

    from amhe.core import two_factor

    for session in Session.objects.all():
        data = session.get_decoded()
        data[two_factor.PROVED_AT] -= 600
        Session.objects.filter(pk=session.pk).update(session_data=Session.objects.encode(data))
    journey.goto(f"/projects/{project.pk}/deliver/risks/{risk.pk}/delete/")
    assert "/reauthenticate/" in page.url
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.wait_for_timeout(31000)  # a new 30-second step: each code works once
    page.locator("#id_code").fill(f"{TOTP(key).token():06d}")
    _submit(journey, "Continue")
    assert f"/risks/{risk.pk}/delete/" in page.url
    _submit(journey, "Delete risk")
    assert not type(risk).objects.filter(pk=risk.pk).exists()
