"""Sign-in helpers for django-axes: one key per account whatever the email's
letter case, and one answer for a locked account whatever password is sent.

Emails are stored lower-case and logins ignore case (UserManager), so the
failure count must too, or each change of capitals would get a fresh
allowance. The lock answer names no account and says nothing about the
password that was sent.
"""

from django.conf import settings
from django.shortcuts import render


def normalise_email(value) -> str:
    return str(value or "").strip().lower()


def axes_username(request, credentials) -> str:
    """AXES_USERNAME_CALLABLE: the normalised email from the credentials or the posted form."""
    if credentials:
        value = credentials.get(settings.AXES_USERNAME_FORM_FIELD)
    else:
        value = getattr(request, "POST", {}).get(settings.AXES_USERNAME_FORM_FIELD)
    return normalise_email(value)


def axes_not_counted(request, credentials) -> bool:
    """AXES_WHITELIST_CALLABLE: a single sign-on callback (its credentials are the sign-in's
    nonce, amhe.core.oidc) is neither counted nor locked. It names no account (so every one
    from an address would count against one empty name, and a few colleagues the app does not
    know would shut single sign-on for everyone behind that address), its provider checked
    the person, and it cannot be guessed (state, nonce, PKCE). Nor is its code then kept in
    django-axes's table."""
    return "nonce" in (credentials or {})


def lockout_minutes() -> int:
    return round(settings.AXES_COOLOFF_TIME * 60)


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: the same page for every locked attempt."""
    return render(
        request, "registration/locked_out.html", {"minutes": lockout_minutes()}, status=settings.AXES_HTTP_RESPONSE_CODE
    )
