"""Sign-ins, failed sign-ins, lockouts and sign-outs in the audit log, from
Django's and django-axes's signals (connected in CoreConfig.ready).

A failed attempt names the account when the email given belongs to one, and
nothing else: the email typed is never stored (it may be a mistyped address, or
someone else's)."""

from __future__ import annotations

from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

from amhe.core import audit
from amhe.core.accounts import normalise_email


def account_for(email):
    email = normalise_email(email)
    if not email:
        return None
    return get_user_model().objects.filter(email__iexact=email).only("pk", "organisation_id").first()


def sign_in_refused(*, email, outcome: str, action=audit.SIGN_IN_FAILED, stage: str = ""):
    """Record a refused sign-in for the account `email` names (if any); `stage` says which
    step refused it when it was not the password at the login page (written by the app)."""
    user = account_for(email)
    return audit.record(
        action=action,
        user=user,
        object_kind="account",
        object_id=user.pk if user else "",
        outcome=outcome,
        detail=stage if user else "no account with that email",
    )


def on_logged_in(sender, request, user, **kwargs):
    audit.record(action=audit.SIGN_IN, user=user, object_kind="account", object_id=user.pk)


# Set on the request by whatever signs someone out for them (the idle and absolute timeouts),
# so the sign-out entry says why.
SIGN_OUT_REASON = "_amhe_sign_out_reason"


def on_logged_out(sender, request, user, **kwargs):
    if user is not None:
        reason = getattr(request, SIGN_OUT_REASON, "") if request is not None else ""
        audit.record(action=audit.SIGN_OUT, user=user, object_kind="account", object_id=user.pk, detail=reason)


def on_login_failed(sender, credentials, request=None, stage: str = "", **kwargs):
    email = (credentials or {}).get(settings.AXES_USERNAME_FORM_FIELD) or (credentials or {}).get("email")
    sign_in_refused(email=email, outcome="failed", stage=stage)


def on_locked_out(sender, request=None, username=None, **kwargs):
    sign_in_refused(email=username, outcome="locked", action=audit.LOCKOUT)


def connect():
    user_logged_in.connect(on_logged_in, dispatch_uid="amhe.audit.logged_in")
    user_logged_out.connect(on_logged_out, dispatch_uid="amhe.audit.logged_out")
    user_login_failed.connect(on_login_failed, dispatch_uid="amhe.audit.login_failed")
    user_locked_out.connect(on_locked_out, dispatch_uid="amhe.audit.locked_out")
