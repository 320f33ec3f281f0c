"""Staff sign-in: two-factor rule and enforcement, session timeouts, and signing in again
before record-level exports and deletions.

Who must use two factors (`required_for`). Every account here belongs to staff: commissioners,
analysts, governance leads, viewers and lived-experience panel members all sign in to see a
project's data (survey respondents and community groups answer through secret links and have no
account). So the rule is per account: a superuser always needs a second factor on a live site
(`AMHE_TWO_FACTOR_SUPERUSERS`); anyone else needs one when their own organisation, or the
organisation of any project they are a member of, requires it (`Organisation.two_factor_required`,
blank following `AMHE_TWO_FACTOR_DEFAULT`: on unless DEBUG is on); the strictest wins, so an
invited panel member of another organisation is held to the project's rule too. An account with
neither an organisation nor a project follows the site default.

The decision is made when someone signs in and kept in their session (so pages cost no extra
query); a change to an organisation's setting applies from each account's next sign-in, at most
`AMHE_SESSION_ABSOLUTE_HOURS` later.

Enforcement (`TwoFactorMiddleware`): a signed-in account that needs a second factor and has not
given one this session reaches only the two-factor pages and sign-out. With no authenticator
set up it is sent to set one up; with one, to enter a code.
"""

import time
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME, logout
from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.db.models import Q
from django.dispatch import receiver
from django.http import HttpResponseRedirect
from django.urls import reverse
from django_otp import devices_for_user, user_has_device

from amhe.core import recovery_codes
from amhe.core.audit_signals import SIGN_OUT_REASON

# Session keys: when this session signed in, when its account last proved who it is (a
# password, SSO or a code; for signing in again), when it was last active, and the 2FA rule.
STARTED_AT = "amhe_session_started_at"
PROVED_AT = "amhe_proved_at"
SEEN_AT = "amhe_seen_at"
REQUIRED = "amhe_two_factor_required"
# Last activity is written at most this often (seconds), so most pages save no session.
SEEN_RESOLUTION = 60

# Pages an account that still owes its second factor may reach (by URL name).
OPEN_BEFORE_SECOND_FACTOR = {"two-factor-setup", "two-factor-verify", "logout"}


def required_for(user) -> bool:
    """Whether this account must sign in with a second factor (see the module's docstring)."""
    if not user.is_authenticated:
        return False
    if user.is_superuser and settings.AMHE_TWO_FACTOR_SUPERUSERS:
        return True
    from amhe.core.models import Organisation

    choices = list(
        Organisation.objects.filter(Q(pk=user.organisation_id) | Q(projects__memberships__user=user))
        .values_list("two_factor_required", flat=True)
        .distinct()
    )
    default = settings.AMHE_TWO_FACTOR_DEFAULT
    if not choices:
        return default
    return any(default if choice is None else choice for choice in choices)


def required_in_session(request) -> bool:
    session = request.session
    if REQUIRED not in session:
        session[REQUIRED] = required_for(request.user) or has_authenticator(request.user)
    return session[REQUIRED]


def has_authenticator(user) -> bool:
    return user_has_device(user, confirmed=True)


def is_verified(request) -> bool:
    user = request.user
    return bool(getattr(user, "is_verified", None) and user.is_verified())


@receiver(user_logged_in)
def _on_sign_in(sender, request, user, **kwargs):
    """Every sign-in (password, SSO, an invitation's new account, tests' force_login) starts
    the session's clocks and decides the two-factor rule afresh.

    The same account signing in again in its own session (at its provider, to sign in again
    before an export) keeps the session, and with it the second factor it gave: Django keeps
    the session's data only then (another account gets an empty one), so a start already there
    is kept and the 12 hours still count from the first sign-in."""
    if request is None or not hasattr(request, "session"):
        return
    now = time.time()
    request.session.setdefault(STARTED_AT, now)
    request.session[PROVED_AT] = now
    request.session[SEEN_AT] = now
    # Someone who set up an authenticator is asked for its code whatever the rule.
    request.session[REQUIRED] = required_for(user) or has_authenticator(user)


def mark_proved(request) -> None:
    """The account proved who it is again (signing in again, or a second-factor code)."""
    request.session[PROVED_AT] = time.time()


def _redirect_with_next(url_name, request):
    return HttpResponseRedirect(reverse(url_name) + "?" + urlencode({REDIRECT_FIELD_NAME: request.get_full_path()}))


def _url_name(request) -> str | None:
    match = getattr(request, "resolver_match", None)
    return match.view_name if match else None


class TwoFactorMiddleware:
    """Sends an account that owes its second factor to set one up or to enter a code."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or is_verified(request) or not required_in_session(request):
            return None
        if _url_name(request) in OPEN_BEFORE_SECOND_FACTOR:
            return None
        if has_authenticator(user):
            return _redirect_with_next("two-factor-verify", request)
        return _redirect_with_next("two-factor-setup", request)


def _is_background(request) -> bool:
    """A page's own polling (job progress, the NGT screen) asks for JSON; it is not someone
    at the keyboard, so it does not keep the session alive."""
    return request.headers.get("Accept", "") == "application/json"


class SessionTimeoutMiddleware:
    """Signs out after `AMHE_SESSION_IDLE_MINUTES` without activity and
    `AMHE_SESSION_ABSOLUTE_HOURS` after signing in, whatever the activity."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            session = request.session
            now = time.time()
            started = session.get(STARTED_AT)
            seen = session.get(SEEN_AT, started)
            if started is None:
                # A session from before these clocks: it starts now.
                session[STARTED_AT] = session[SEEN_AT] = now
            elif now - started > settings.AMHE_SESSION_ABSOLUTE_HOURS * 3600:
                return self._sign_out(request, f"after {settings.AMHE_SESSION_ABSOLUTE_HOURS} hours")
            elif now - seen > settings.AMHE_SESSION_IDLE_MINUTES * 60:
                return self._sign_out(
                    request, f"after {settings.AMHE_SESSION_IDLE_MINUTES} minutes without any activity"
                )
            elif now - seen > SEEN_RESOLUTION and not _is_background(request):
                session[SEEN_AT] = now
        return self.get_response(request)

    @staticmethod
    def _sign_out(request, why):
        path = request.get_full_path()
        # The sign-out's audit entry says why (amhe.core.audit_signals.on_logged_out).
        setattr(request, SIGN_OUT_REASON, f"signed out {why}")
        logout(request)
        messages.info(request, f"You were logged out {why}, to keep the data safe. Log in again to carry on.")
        if _is_background(request):
            return HttpResponseRedirect(reverse(settings.LOGIN_URL))
        return HttpResponseRedirect(reverse(settings.LOGIN_URL) + "?" + urlencode({REDIRECT_FIELD_NAME: path}))


# --- Signing in again ---------------------------------------------------------------------


def proved_recently(request) -> bool:
    proved = request.session.get(PROVED_AT)
    return proved is not None and time.time() - proved <= settings.AMHE_REAUTH_MINUTES * 60


def recent_sign_in_required(view=None, *, when=None):
    """Guard a record-level export or a deletion: unless the account signed in (or signed in
    again) within `AMHE_REAUTH_MINUTES`, send it to sign in again, then back here.

    `when(request)` limits the guard to some requests (e.g. only the unsuppressed export).
    Used bare (`@recent_sign_in_required`) or with arguments.
    """

    def decorate(view_func):
        @wraps(view_func)
        def wrapped(request, *args, **kwargs):
            if (when is None or when(request)) and not proved_recently(request):
                return _redirect_with_next("reauthenticate", request)
            return view_func(request, *args, **kwargs)

        wrapped.amhe_recent_sign_in_required = True
        return wrapped

    return decorate(view) if view is not None else decorate


# --- Devices --------------------------------------------------------------------------------


def confirmed_authenticator(user):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


def verify_code(user, code: str):
    """The device a code is good for (an authenticator's code, or an unused recovery code, which
    is used up), or None. Each device waits longer after each wrong code (django-otp)."""
    code = "".join(str(code or "").split()).lower()
    if not code:
        return None
    for device in devices_for_user(user, confirmed=True):
        allowed, _ = device.verify_is_allowed()
        if allowed and device.verify_token(code):
            return device
    return None


def throttled_until(user):
    """When the earliest device will take a code again, if every device is waiting."""
    waits = []
    for device in devices_for_user(user, confirmed=True):
        allowed, data = device.verify_is_allowed()
        if allowed:
            return None
        waits.append((data or {}).get("locked_until"))
    waits = [w for w in waits if w]
    return min(waits) if waits else None


def pending_authenticator(user):
    """The authenticator being set up (not confirmed yet): the same secret on every reload of
    the setup page, until a code confirms it."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    return device


@transaction.atomic
def confirm_authenticator(*, user, device, code: str) -> list[str] | None:
    """Confirm a pending authenticator with a code from it. It replaces any earlier one, and a
    fresh set of recovery codes replaces any earlier set; the codes are returned to show once.
    None (nothing changed but the device's wait) when the code is wrong."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    code = "".join(str(code or "").split())
    if device.user_id != user.pk or device.confirmed or not device.verify_token(code):
        return None
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return new_recovery_codes(user=user)


@transaction.atomic
def new_recovery_codes(*, user) -> list[str]:
    """A fresh set of one-use recovery codes, returned to show once: only their keyed digests
    are stored (amhe/core/recovery_codes.py). Earlier codes stop working."""
    from amhe.core.models import RecoveryCode, RecoveryCodeDevice

    RecoveryCodeDevice.objects.filter(user=user).delete()
    device = RecoveryCodeDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    codes = set()
    while len(codes) < settings.AMHE_RECOVERY_CODES:
        codes.add(recovery_codes.new_code())
    codes = sorted(codes)
    RecoveryCode.objects.bulk_create(
        RecoveryCode(device=device, digest=recovery_codes.digest(code, salt=device.salt)) for code in codes
    )
    return codes


def recovery_codes_left(user) -> int:
    from amhe.core.models import RecoveryCode

    return RecoveryCode.objects.filter(device__user=user, device__confirmed=True).count()


def is_recovery_code_device(device) -> bool:
    from amhe.core.models import RecoveryCodeDevice

    return isinstance(device, RecoveryCodeDevice)


def qr_svg(device) -> str:
    """The authenticator's setup link as an inline SVG QR code, drawn here (no outside service,
    no script or style attribute, so the strict CSP allows it)."""
    import segno

    svg = segno.make(device.config_url, error="m").svg_inline(
        scale=5, border=4, light="#fff", title="QR code to scan with your authenticator app"
    )
    return svg.replace("<svg ", '<svg role="img" ', 1)


def secret_text(device) -> str:
    """The secret as an authenticator app asks for it when typed in, in groups of four."""
    from base64 import b32encode

    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
