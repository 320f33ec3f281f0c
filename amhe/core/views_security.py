"""Two-factor sign-in pages (set up an authenticator, enter a code, recovery codes, the
account's sign-in security) and signing in again before record-level exports and deletions.
The rules are in amhe/core/two_factor.py."""

from urllib.parse import urlencode

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME, logout
from django.contrib.auth.signals import user_login_failed
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login

from amhe.core import audit, two_factor
from amhe.core.accounts import lockout_response
from amhe.core.forms import AuthenticatorSetupForm, ReauthenticateForm, SecondFactorForm

NEW_CODES = "amhe_new_recovery_codes"


def _with_query(url_name, request) -> str:
    query = request.GET.urlencode()
    return reverse(url_name) + (f"?{query}" if query else "")


def _next_url(request, default="core:home") -> str:
    url = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME) or ""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return reverse(default)


def _credentials(user) -> dict:
    return {settings.AXES_USERNAME_FORM_FIELD: user.email}


def _second_factor_given(request, device) -> None:
    """The account gave its second factor: remember the device, and give the session a new key
    (the one that existed while the factor was still owed opens nothing from now on)."""
    otp_login(request, device)
    request.session.cycle_key()
    two_factor.mark_proved(request)


def _locked(request):
    """The lockout page, signing the account out, if django-axes has locked it; else None."""
    credentials = _credentials(request.user)
    if AxesProxyHandler.is_locked(request, credentials):
        logout(request)
        return lockout_response(request, credentials=credentials)
    return None


def _count_failure(request, stage: str):
    """A wrong code (or password when signing in again) counts towards the same django-axes
    lockout as a wrong password at the login, and is audited with the `stage` that refused it.
    Returns the lockout page if it is now locked."""
    user_login_failed.send(sender=__name__, credentials=_credentials(request.user), request=request, stage=stage)
    return _locked(request)


def _audit_account(request, action, detail: str) -> None:
    audit.record(action=action, user=request.user, object_kind="account", object_id=request.user.pk, detail=detail)


def _wrong_code_message(was_waiting: bool) -> str:
    if was_waiting:
        return "Too many wrong codes. Wait a few seconds, then enter the code your app shows now"
    return "The code is not right. Enter the code your authenticator app shows now, or a recovery code"


@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_verify(request):
    """After the password: a code from the authenticator app, or a recovery code."""
    user = request.user
    if two_factor.is_verified(request):
        return HttpResponseRedirect(_next_url(request))
    if not two_factor.has_authenticator(user):
        return redirect(_with_query("two-factor-setup", request))
    if (locked := _locked(request)) is not None:
        return locked
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        was_waiting = two_factor.throttled_until(user) is not None
        device = two_factor.verify_code(user, form.cleaned_data["code"])
        if device is not None:
            _second_factor_given(request, device)
            recovery = two_factor.is_recovery_code_device(device)
            _audit_account(
                request, audit.SIGN_IN, "second factor: " + ("recovery code" if recovery else "authenticator app")
            )
            if recovery:
                left = two_factor.recovery_codes_left(user)
                messages.warning(
                    request,
                    f"You used a recovery code. You have {left} left; each works once. "
                    "Make new ones from 'Sign-in security' if you are running out.",
                )
            return HttpResponseRedirect(_next_url(request))
        if (locked := _count_failure(request, "wrong second-factor code")) is not None:
            return locked
        form.add_error("code", _wrong_code_message(was_waiting))
    return TemplateResponse(
        request, "registration/two_factor_verify.html", {"form": form, "next": request.GET.get(REDIRECT_FIELD_NAME, "")}
    )


@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_setup(request):
    """Set up an authenticator app: a QR code (and the secret as text), then a code from it."""
    user = request.user
    if two_factor.has_authenticator(user) and not two_factor.is_verified(request):
        # Replacing an authenticator needs the current one first.
        return redirect(_with_query("two-factor-verify", request))
    if two_factor.has_authenticator(user) and not two_factor.proved_recently(request):
        return redirect(reverse("reauthenticate") + "?" + urlencode({REDIRECT_FIELD_NAME: request.path}))
    device = two_factor.pending_authenticator(user)
    form = AuthenticatorSetupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = two_factor.confirm_authenticator(user=user, device=device, code=form.cleaned_data["code"])
        if codes is not None:
            _second_factor_given(request, device)
            request.session[two_factor.REQUIRED] = True
            request.session[NEW_CODES] = codes
            _audit_account(request, audit.SETTINGS_CHANGE, "two-factor authenticator set up")
            return redirect(_with_query("two-factor-codes", request))
        if (locked := _count_failure(request, "wrong code when setting up two-factor sign-in")) is not None:
            return locked
        form.add_error("code", "The code is not right. Enter the 6-digit code the app shows now for AMHE")
    return TemplateResponse(
        request,
        "registration/two_factor_setup.html",
        {
            "form": form,
            "qr_svg": two_factor.qr_svg(device),
            "secret": two_factor.secret_text(device),
            "required": two_factor.required_in_session(request),
            "next": request.GET.get(REDIRECT_FIELD_NAME, ""),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_codes(request):
    """New recovery codes, shown once. POST makes a new set (after signing in again)."""
    if request.method == "POST":
        if not two_factor.has_authenticator(request.user):
            return redirect("two-factor-setup")
        if not two_factor.proved_recently(request):
            return redirect(reverse("reauthenticate") + "?" + urlencode({REDIRECT_FIELD_NAME: reverse("two-factor")}))
        request.session[NEW_CODES] = two_factor.new_recovery_codes(user=request.user)
        _audit_account(request, audit.SETTINGS_CHANGE, "recovery codes replaced")
        return redirect("two-factor-codes")
    codes = request.session.pop(NEW_CODES, None)
    return TemplateResponse(
        request,
        "registration/two_factor_codes.html",
        {"codes": codes, "next": _next_url(request)},
    )


@never_cache
def two_factor_overview(request):
    """The account's sign-in security: whether it has an authenticator and how many recovery
    codes are left; set up or replace the authenticator, make new codes."""
    user = request.user
    return TemplateResponse(
        request,
        "registration/two_factor.html",
        {
            "has_authenticator": two_factor.has_authenticator(user),
            "required": two_factor.required_in_session(request),
            "codes_left": two_factor.recovery_codes_left(user),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def reauthenticate(request):
    """Sign in again before a record-level export or a deletion: the password, and a code when
    the account has an authenticator. An account with no password (single sign-on) signs in
    again at its organisation."""
    user = request.user
    next_url = _next_url(request)
    with_password = user.has_usable_password()
    with_code = two_factor.has_authenticator(user)
    if not with_password and settings.AMHE_OIDC_ENABLED:
        return TemplateResponse(request, "registration/reauthenticate.html", {"sso_only": True, "next": next_url})
    if (locked := _locked(request)) is not None:
        return locked
    form = ReauthenticateForm(request.POST or None, user=user, with_password=with_password, with_code=with_code)
    if request.method == "POST":
        valid = form.is_valid()
        # A password that was sent and is wrong, or a wrong code, counts as a failed sign-in.
        failed = with_password and bool(request.POST.get("password")) and "password" in form.errors
        if valid and with_code:
            was_waiting = two_factor.throttled_until(user) is not None
            device = two_factor.verify_code(user, form.cleaned_data["code"])
            if device is None:
                form.add_error("code", _wrong_code_message(was_waiting))
                valid, failed = False, True
            else:
                otp_login(request, device)
        if valid:
            two_factor.mark_proved(request)
            _audit_account(request, audit.SIGN_IN, "signed in again before an export or deletion")
            return HttpResponseRedirect(next_url)
        if failed and (locked := _count_failure(request, "wrong password or code when signing in again")) is not None:
            return locked
    return TemplateResponse(
        request,
        "registration/reauthenticate.html",
        {"form": form, "next": next_url, "minutes": settings.AMHE_REAUTH_MINUTES},
    )
