"""Two-factor sign-in (amhe/core/two_factor.py): who must use it, enforcement, setup,
verification after the password, recovery codes used once, and wrong codes throttled and
counted towards the password lockout."""

import os
import re
import subprocess
import sys
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from amhe.core import two_factor
from amhe.core.models import Organisation, RecoveryCode, RecoveryCodeDevice, Role
from tests.factories import PASSWORD, MembershipFactory, OrganisationFactory, ProjectFactory, UserFactory
from tests.integration import test_access
from tests.integration.test_access import all_routes, url_for

pytestmark = pytest.mark.django_db

# The access walk's world (one object of every kind with a URL) and its media folder.
world = test_access.world
media = test_access.media


def code_for(device, at=None) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    if at is not None:
        totp.time = at
    return f"{totp.token():06d}"


def authenticator_for(user) -> TOTPDevice:
    """A confirmed authenticator; the recovery codes made with it (shown once) are kept on it
    as `recovery_codes` for the test."""
    device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    device.recovery_codes = two_factor.new_recovery_codes(user=user)
    return device


# A recovery code as the codes page shows it: four groups of four base-32 characters.
CODE_SHOWN = r"<li><code>([a-z2-7]{4}(?:-[a-z2-7]{4}){3})</code></li>"


def log_in(client, user, next_url="/"):
    return client.post(reverse("login"), {"username": user.email, "password": PASSWORD, "next": next_url})


@pytest.fixture
def required(settings):
    settings.AMHE_TWO_FACTOR_DEFAULT = True
    settings.AMHE_TWO_FACTOR_SUPERUSERS = True
    return settings


# --- Who must use it ----------------------------------------------------------------------


def test_the_rule_follows_the_organisation_then_the_site_default(settings):
    org = OrganisationFactory(name="Leeds Trust")
    user = UserFactory(organisation=org)
    settings.AMHE_TWO_FACTOR_DEFAULT = True
    assert two_factor.required_for(user)  # not chosen: the site's default
    settings.AMHE_TWO_FACTOR_DEFAULT = False
    assert not two_factor.required_for(user)
    Organisation.objects.filter(pk=org.pk).update(two_factor_required=True)
    assert two_factor.required_for(user)  # switched on, whatever the default
    settings.AMHE_TWO_FACTOR_DEFAULT = True
    Organisation.objects.filter(pk=org.pk).update(two_factor_required=False)
    assert not two_factor.required_for(user)  # switched off by the organisation


def test_a_member_is_held_to_the_projects_organisation_too(settings):
    """A panel member invited from another organisation (or none) must use two factors on a
    project whose organisation requires it: the strictest rule wins."""
    settings.AMHE_TWO_FACTOR_DEFAULT = False
    strict = ProjectFactory(organisation=OrganisationFactory(name="Strict ICB", two_factor_required=True))
    panel = UserFactory(organisation=OrganisationFactory(name="Lenient VCSE", two_factor_required=False))
    assert not two_factor.required_for(panel)
    MembershipFactory(project=strict, user=panel, role=Role.PANEL)
    assert two_factor.required_for(panel)
    loner = UserFactory(organisation=None)
    assert not two_factor.required_for(loner)
    settings.AMHE_TWO_FACTOR_DEFAULT = True
    assert two_factor.required_for(loner)


def test_superusers_always_on_a_live_site(settings):
    org = OrganisationFactory(name="Opted out", two_factor_required=False)
    admin = UserFactory(organisation=org, is_superuser=True, is_staff=True)
    settings.AMHE_TWO_FACTOR_SUPERUSERS = True
    assert two_factor.required_for(admin)
    assert not two_factor.required_for(UserFactory(organisation=org))


@pytest.mark.parametrize(
    ("env", "default", "superusers"),
    [({"DEBUG": "1"}, False, False), ({"DEBUG": "0", "SECRET_KEY": "k" * 50, "ALLOWED_HOSTS": "x"}, True, True)],
)
def test_on_by_default_with_debug_off_and_off_for_the_demo(env, default, superusers):
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.AMHE_TWO_FACTOR_DEFAULT, settings.AMHE_TWO_FACTOR_SUPERUSERS)"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DEBUG", "AMHE_TWO_FACTOR"))}
    out = subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, "DJANGO_SETTINGS_MODULE": "amhe.settings", **env},
        capture_output=True,
        text=True,
        check=True,
        cwd=django_settings.BASE_DIR,
    ).stdout.split()
    assert out == [str(default), str(superusers)]


# --- Enforcement ----------------------------------------------------------------------------


def test_without_an_authenticator_only_setup_and_log_out_are_reachable(client, required, world):
    user = world.lead
    response = log_in(client, user)
    assert response.status_code == 302
    setup = reverse("two-factor-setup")
    values = world.values()
    checked = 0
    for route in all_routes():
        if route.name is None or not route.kwargs <= set(values) or route.namespace == "admin":
            continue
        url = url_for(route, values)
        if route.name in ("two-factor-setup", "logout"):
            continue
        got = client.get(url)
        assert got.status_code == 302, url
        if route.name == "two-factor-verify":  # no authenticator to ask a code of
            assert got.url == setup, url
        else:
            assert got.url.startswith(setup + "?next="), (url, got.url)
        checked += 1
    assert checked > 200
    assert client.get("/admin/").url.startswith(setup)
    # Writes too: nothing is deleted.
    delete = reverse("deliver:risk-delete", kwargs={"project_id": world.project.pk, "risk_id": world.risk.pk})
    assert client.post(delete).url.startswith(setup)
    assert type(world.risk).objects.filter(pk=world.risk.pk).exists()
    assert client.get(setup).status_code == 200
    assert client.post(reverse("logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_the_demo_needs_no_second_factor(client, project, member_of):
    """Tests' settings are the demo's here: 2FA off by default, so the password is enough."""
    user = member_of(project, Role.ANALYST)
    log_in(client, user)
    assert client.get(reverse("core:home")).status_code == 200


# --- Setup -----------------------------------------------------------------------------------


def test_setting_up_shows_a_qr_code_and_the_key_then_recovery_codes_once(client, required, project, member_of):
    user = member_of(project, Role.VIEWER)
    log_in(client, user, next_url=reverse("core:project", kwargs={"project_id": project.pk}))
    page = client.get(reverse("core:home"), follow=True)
    html = page.content.decode()
    assert page.redirect_chain[-1][0].startswith(reverse("two-factor-setup"))
    assert '<svg role="img"' in html and "<title>QR code to scan" in html  # drawn here, inline
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    key = re.search(r'<code id="totp-secret">([A-Z2-7 ]+)</code>', html).group(1)
    from base64 import b32decode

    secret = key.replace(" ", "")
    assert b32decode(secret + "=" * (-len(secret) % 8)) == device.bin_key
    assert "<script" not in html.split("<main", 1)[1]  # no inline script (CSP)
    # Reloading keeps the same secret.
    assert TOTPDevice.objects.filter(user=user).count() == 1
    client.get(reverse("two-factor-setup"))
    assert TOTPDevice.objects.filter(user=user).count() == 1

    wrong = client.post(reverse("two-factor-setup"), {"code": "000000" if code_for(device) != "000000" else "111111"})
    assert wrong.status_code == 200
    assert "The code is not right" in wrong.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    device.throttle_reset()

    done = client.post(reverse("two-factor-setup") + "?next=/", {"code": code_for(device)})
    assert done.status_code == 302 and done.url.startswith(reverse("two-factor-codes"))
    device.refresh_from_db()
    assert device.confirmed
    shown = client.get(done.url).content.decode()
    codes = re.findall(CODE_SHOWN, shown)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert RecoveryCode.objects.filter(device__user=user).count() == 10
    assert two_factor.recovery_codes_left(user) == 10
    again = client.get(reverse("two-factor-codes")).content.decode()
    assert not re.findall(r"<li><code>", again)  # shown once only
    assert client.get(reverse("core:home")).status_code == 200  # verified this session


# --- Verification after the password -----------------------------------------------------------


def test_an_account_with_an_authenticator_enters_a_code_after_its_password(client, required, project, member_of):
    user = member_of(project, Role.LEAD)
    device = authenticator_for(user)
    project_url = reverse("core:project", kwargs={"project_id": project.pk})
    response = log_in(client, user, next_url=project_url)
    assert response.url == project_url
    sent = client.get(project_url)
    verify = reverse("two-factor-verify")
    assert sent.url == verify + "?next=" + project_url.replace("/", "%2F")
    assert client.get(sent.url).status_code == 200
    done = client.post(sent.url, {"code": code_for(device), "next": project_url})
    assert done.status_code == 302 and done.url == project_url
    assert client.get(project_url).status_code == 200
    # An authenticator's code works once: the same code again is refused (replay).
    client.post(reverse("logout"))
    log_in(client, user)
    device.refresh_from_db()
    replay = client.post(verify, {"code": code_for(device)})
    assert replay.status_code == 200 and "not right" in replay.content.decode()


def test_the_session_gets_a_new_key_once_the_second_factor_is_given(client, required, project, member_of):
    """Session fixation: the session key that existed while the second factor was still owed
    (after the password) opens nothing once the code is given, at sign-in and at setup."""
    from django.contrib.sessions.backends.db import SessionStore

    user = member_of(project, Role.LEAD)
    device = authenticator_for(user)
    log_in(client, user)
    owed = client.session.session_key
    client.post(reverse("two-factor-verify"), {"code": code_for(device)})
    assert client.get(reverse("core:home")).status_code == 200
    assert client.session.session_key != owed
    assert not SessionStore().exists(owed)
    newcomer = member_of(project, Role.ANALYST)
    client.post(reverse("logout"))
    log_in(client, newcomer)
    owed = client.session.session_key
    client.get(reverse("two-factor-setup"))
    pending = TOTPDevice.objects.get(user=newcomer, confirmed=False)
    client.post(reverse("two-factor-setup"), {"code": code_for(pending)})
    assert client.get(reverse("core:home")).status_code == 200
    assert client.session.session_key != owed
    assert not SessionStore().exists(owed)


def test_a_next_address_elsewhere_is_ignored(client, required, project, member_of):
    user = member_of(project, Role.LEAD)
    device = authenticator_for(user)
    log_in(client, user)
    done = client.post(reverse("two-factor-verify"), {"code": code_for(device), "next": "https://evil.example/"})
    assert done.url == reverse("core:home")


def test_an_account_that_set_up_an_authenticator_is_asked_for_it_even_when_not_required(client, project, member_of):
    user = member_of(project, Role.LEAD)
    authenticator_for(user)
    log_in(client, user)
    assert client.get(reverse("core:home")).url.startswith(reverse("two-factor-verify"))


def test_a_recovery_code_works_once(client, required, project, member_of):
    user = member_of(project, Role.ANALYST)
    code = authenticator_for(user).recovery_codes[0]
    log_in(client, user)
    used = client.post(reverse("two-factor-verify"), {"code": code.upper().replace("-", " ")})
    assert used.status_code == 302
    assert client.get(reverse("core:home")).status_code == 200
    assert two_factor.recovery_codes_left(user) == 9
    client.post(reverse("logout"))
    log_in(client, user)
    again = client.post(reverse("two-factor-verify"), {"code": code})
    assert again.status_code == 200
    assert "not right" in again.content.decode() or "Too many" in again.content.decode()
    assert client.get(reverse("core:home")).status_code == 302


def test_new_recovery_codes_replace_the_old_ones(client, required, project, member_of):
    user = member_of(project, Role.ANALYST)
    device = authenticator_for(user)
    old = device.recovery_codes
    log_in(client, user)
    client.post(reverse("two-factor-verify"), {"code": code_for(device)})
    client.post(reverse("two-factor-codes"))
    shown = re.findall(CODE_SHOWN, client.get(reverse("two-factor-codes")).content.decode())
    assert len(shown) == 10 and not (set(shown) & set(old))
    assert two_factor.recovery_codes_left(user) == 10
    # The old codes stop working; a new one works.
    client.post(reverse("logout"))
    log_in(client, user)
    assert client.post(reverse("two-factor-verify"), {"code": old[0]}).status_code == 200
    RecoveryCodeDevice.objects.filter(user=user).update(throttling_failure_count=0)
    TOTPDevice.objects.filter(user=user).update(throttling_failure_count=0)
    assert client.post(reverse("two-factor-verify"), {"code": shown[0]}).status_code == 302


# --- Wrong codes -----------------------------------------------------------------------------


def test_wrong_codes_are_throttled_and_lock_the_account_like_wrong_passwords(client, required, project, member_of):
    user = member_of(project, Role.LEAD)
    device = authenticator_for(user)
    good = code_for(device)
    wrong = "123456" if good != "123456" else "654321"
    with time_machine.travel(timezone.now(), tick=False) as clock:
        log_in(client, user)
        first = client.post(reverse("two-factor-verify"), {"code": wrong})
        assert first.status_code == 200
        # Straight after a wrong code even the right one is refused: the device waits.
        throttled = client.post(reverse("two-factor-verify"), {"code": code_for(device)})
        assert "Too many wrong codes" in throttled.content.decode()
        assert client.get(reverse("core:home")).status_code == 302
        for _ in range(django_settings.AXES_FAILURE_LIMIT - 3):
            client.post(reverse("two-factor-verify"), {"code": wrong})
        locked = client.post(reverse("two-factor-verify"), {"code": wrong})
        assert locked.status_code == django_settings.AXES_HTTP_RESPONSE_CODE
        assert "_auth_user_id" not in client.session  # signed out
        # The password no longer gets in either, for the cool-off time.
        clock.shift(timedelta(minutes=1))
        again = log_in(client, user)
        assert again.status_code == django_settings.AXES_HTTP_RESPONSE_CODE
        # After the cool-off the password and a fresh code work again.
        clock.shift(timedelta(hours=django_settings.AXES_COOLOFF_TIME, minutes=1))
        assert log_in(client, user).status_code == 302
        device.refresh_from_db()
        done = client.post(reverse("two-factor-verify"), {"code": code_for(device)})
        assert done.status_code == 302
        assert client.get(reverse("core:home")).status_code == 200
