"""Two-factor sign-in in the audit log: a second factor given (app or recovery code), a wrong
code, an authenticator set up, recovery codes replaced, signing in again, and a timeout's
sign-out, each with the app's own words and never the code typed."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from amhe.core.models import AuditEvent, Role
from tests.integration.test_two_factor import authenticator_for, code_for, log_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def required(settings):
    settings.AMHE_TWO_FACTOR_DEFAULT = True
    return settings


def entries(user, action=None):
    rows = AuditEvent.objects.filter(user=user).order_by("pk")
    if action:
        rows = rows.filter(action=action)
    return list(rows.values_list("action", "detail", "outcome"))


def test_second_factor_success_and_failure_are_logged_without_the_code(client, required, project, member_of):
    user = member_of(project, Role.LEAD)
    device = authenticator_for(user)
    wrong = "123456" if code_for(device) != "123456" else "654321"
    with time_machine.travel(timezone.now(), tick=False) as clock:
        log_in(client, user)
        client.post(reverse("two-factor-verify"), {"code": wrong})
        clock.shift(timedelta(seconds=5))
        device.refresh_from_db()
        assert client.post(reverse("two-factor-verify"), {"code": code_for(device)}).status_code == 302
    assert entries(user, AuditEvent.Action.SIGN_IN_FAILED) == [("sign_in_failed", "wrong second-factor code", "failed")]
    assert ("sign_in", "second factor: authenticator app", "ok") in entries(user, AuditEvent.Action.SIGN_IN)
    assert not AuditEvent.objects.filter(detail__contains=wrong).exists()


def test_a_recovery_code_is_logged_as_such(client, required, project, member_of):
    user = member_of(project, Role.ANALYST)
    code = authenticator_for(user).recovery_codes[0]
    log_in(client, user)
    client.post(reverse("two-factor-verify"), {"code": code})
    assert ("sign_in", "second factor: recovery code", "ok") in entries(user)
    assert not AuditEvent.objects.filter(detail__contains=code).exists()


def test_setting_up_and_new_codes_and_signing_in_again_are_logged(client, required, project, member_of):
    user = member_of(project, Role.LEAD)
    log_in(client, user)
    client.get(reverse("two-factor-setup"))
    device = TOTPDevice.objects.get(user=user)
    assert client.post(reverse("two-factor-setup"), {"code": code_for(device)}).status_code == 302
    assert ("settings_change", "two-factor authenticator set up", "ok") in entries(user)
    client.post(reverse("two-factor-codes"))
    assert ("settings_change", "recovery codes replaced", "ok") in entries(user)
    device.refresh_from_db()
    with time_machine.travel(timezone.now() + timedelta(minutes=1), tick=False):
        again = client.post(reverse("reauthenticate"), {"password": "wrong password", "code": code_for(device)})
        assert again.status_code == 200
    assert ("sign_in_failed", "wrong password or code when signing in again", "failed") in entries(user)


def test_a_timeout_sign_out_says_why(client, project, member_of):
    user = member_of(project, Role.LEAD)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client.force_login(user)
        client.get(reverse("core:home"))
        clock.shift(timedelta(minutes=31))
        client.get(reverse("core:home"))
    sign_outs = entries(user, AuditEvent.Action.SIGN_OUT)
    assert len(sign_outs) == 1 and "without any activity" in sign_outs[0][1]
