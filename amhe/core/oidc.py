"""OpenID Connect single sign-on (e.g. NHS.net / Microsoft Entra ID) with mozilla-django-oidc.

Configured by the environment (`AMHE_OIDC_ISSUER`, `AMHE_OIDC_CLIENT_ID`,
`AMHE_OIDC_CLIENT_SECRET`; see .env.example); off, and its URLs 404, when they are unset. The
provider's endpoints come from its discovery document (`<issuer>/.well-known/openid-configuration`),
read on first use and kept for the life of the process.

The authorization code flow with PKCE, a nonce and state; the ID token is checked for its
signature (the provider's published keys), issuer, audience and expiry, and the user info must
be about the ID token's subject. Nobody is ever created and no membership is ever added, so a
person the app does not know gets "no account" and the login page. Two-factor sign-in still
applies afterwards, as after a password.

Which account (:func:`account_for`): the one linked to the provider's subject (`iss`, `sub`;
core.OidcSubject), whatever email the provider now sends. An account with no link yet for this
provider is found by email once, and linked (audited), only when the email can be trusted: its
domain is one of `AMHE_OIDC_EMAIL_DOMAINS` (domains the provider's organisation owns, e.g.
nhs.net; exact, no subdomains), or, when that list is empty, the provider says
`email_verified: true`. An email the provider says is unverified never links. Microsoft Entra
ID sends no `email_verified` and lets some users set their own email (nOAuth), so for Entra set
the domains. Another subject with the email of an account already linked is refused and
audited.
"""

import logging
import threading
import time

import requests
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import SuspiciousOperation
from django.db import IntegrityError, transaction
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.cache import never_cache
from mozilla_django_oidc import auth as oidc_auth
from mozilla_django_oidc import views as oidc_views
from mozilla_django_oidc.utils import import_from_settings

from amhe.core import audit, two_factor
from amhe.core.accounts import normalise_email
from amhe.core.models import OidcSubject

log = logging.getLogger(__name__)

_discovery: dict[str, dict] = {}
_lock = threading.Lock()

# mozilla-django-oidc setting -> key of the discovery document.
_ENDPOINTS = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
}


def enabled() -> bool:
    return bool(settings.AMHE_OIDC_ENABLED)


def discovery() -> dict:
    """The provider's discovery document (fetched once per process and issuer)."""
    issuer = settings.AMHE_OIDC_ISSUER
    with _lock:
        document = _discovery.get(issuer)
        if document is None:
            response = requests.get(f"{issuer}/.well-known/openid-configuration", timeout=settings.OIDC_TIMEOUT)
            response.raise_for_status()
            document = response.json()
            if document.get("issuer", "").rstrip("/") != issuer:
                raise SuspiciousOperation("The provider's discovery document names another issuer.")
            _discovery[issuer] = document
    return document


def forget_discovery() -> None:
    with _lock:
        _discovery.clear()


def get_setting(attr, *args):
    if attr in _ENDPOINTS:
        return discovery()[_ENDPOINTS[attr]]
    return import_from_settings(attr, *args)


class OIDCBackend(oidc_auth.OIDCAuthenticationBackend):
    """Answers only the SSO callback (a `nonce` keyword), never a password."""

    get_settings = staticmethod(get_setting)

    def __init__(self, *args, **kwargs):
        # The endpoints are read when a callback arrives, not on every password login.
        self.UserModel = get_user_model()

    def authenticate(self, request, **kwargs):
        if not enabled() or request is None or "nonce" not in kwargs:
            return None
        for attr in _ENDPOINTS:
            setattr(self, attr, self.get_settings(attr))
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        self.OIDC_RP_CLIENT_SECRET = settings.OIDC_RP_CLIENT_SECRET
        self.OIDC_RP_SIGN_ALGO = settings.OIDC_RP_SIGN_ALGO
        self.OIDC_RP_IDP_SIGN_KEY = None
        try:
            return super().authenticate(request, **kwargs)
        except (requests.RequestException, SuspiciousOperation) as exc:
            log.warning("Single sign-on failed: %s", type(exc).__name__)
            return None

    def verify_token(self, token, **kwargs):
        payload = super().verify_token(token, **kwargs)
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if str(payload.get("iss", "")).rstrip("/") != settings.AMHE_OIDC_ISSUER:
            raise SuspiciousOperation("ID token from another issuer.")
        if settings.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("ID token for another client.")
        if "exp" not in payload or payload["exp"] < time.time():
            raise SuspiciousOperation("ID token expired.")
        return payload

    def get_userinfo(self, access_token, id_token, payload):
        # OpenID Connect Core 5.3.2: user info about another subject than the ID token's must
        # not be used (its email may link the account).
        claims = super().get_userinfo(access_token, id_token, payload)
        if not claims.get("sub") or claims.get("sub") != payload.get("sub"):
            raise SuspiciousOperation("The user info is about another subject than the ID token.")
        return claims

    def get_or_create_user(self, access_token, id_token, payload):
        claims = self.get_userinfo(access_token, id_token, payload)
        return account_for(issuer=settings.AMHE_OIDC_ISSUER, subject=str(payload["sub"]), claims=claims)

    def create_user(self, claims):  # pragma: no cover - OIDC_CREATE_USER is False
        raise SuspiciousOperation("Single sign-on never creates accounts.")


def trusted_email(claims) -> str:
    """The claims' email when it may link an account (see the module's note), else ""."""
    email = normalise_email(claims.get("email"))
    if "@" not in email or ("email_verified" in claims and claims["email_verified"] is not True):
        return ""
    domains = {domain.strip().lower().lstrip("@") for domain in settings.AMHE_OIDC_EMAIL_DOMAINS}
    if domains:
        return email if email.rsplit("@", 1)[1] in domains else ""
    return email if claims.get("email_verified") is True else ""


def account_for(*, issuer: str, subject: str, claims):
    """The active account that the provider's `subject` is, linking it by a trusted email on
    its first single sign-on; None when there is none (or it is another subject's)."""
    link = OidcSubject.objects.filter(issuer=issuer, subject=subject).select_related("user").first()
    if link is not None:
        return link.user if link.user.is_active else None
    email = trusted_email(claims)
    user = get_user_model().objects.filter(email=email, is_active=True).first() if email else None
    if user is None:
        return None
    try:
        with transaction.atomic():
            if OidcSubject.objects.filter(user=user, issuer=issuer).exists():
                raise IntegrityError("The account is linked to another subject.")
            OidcSubject.objects.create(user=user, issuer=issuer, subject=subject)
            _audit(user, audit.SSO_LINKED, "ok", "single sign-on linked to the account by its email address")
    except IntegrityError:
        refused = "single sign-on refused: the account is linked to another person at the provider"
        _audit(user, audit.SIGN_IN_FAILED, "other_subject", refused)
        return None
    return user


def _audit(user, action, outcome: str, detail: str) -> None:
    audit.record(action=action, user=user, object_kind="account", object_id=user.pk, outcome=outcome, detail=detail)


class AuthenticateView(oidc_views.OIDCAuthenticationRequestView):
    get_settings = staticmethod(get_setting)

    def __init__(self, *args, **kwargs):
        super(oidc_views.OIDCAuthenticationRequestView, self).__init__(*args, **kwargs)
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID

    def get(self, request):
        self.OIDC_OP_AUTH_ENDPOINT = self.get_settings("OIDC_OP_AUTHORIZATION_ENDPOINT")
        return super().get(request)

    def get_extra_params(self, request):
        # Signing in again before an export or a deletion: the provider must ask again too.
        return {"prompt": "login"} if request.GET.get("reauth") == "1" else {}


class CallbackView(oidc_views.OIDCAuthenticationCallbackView):
    get_settings = staticmethod(get_setting)

    @property
    def failure_url(self):
        return reverse("login")

    def login_success(self):
        response = super().login_success()
        # Signed in at the provider just now (with prompt=login when signing in again).
        two_factor.mark_proved(self.request)
        return response

    def login_failure(self):
        messages.error(
            self.request,
            "Your organisation account did not log you in here. Check that AMHE knows you by the email "
            "address of that account (your project lead adds people), or log in with your password.",
        )
        return HttpResponseRedirect(self.failure_url)


def _only_when_enabled(view):
    def wrapped(request, *args, **kwargs):
        if not enabled():
            raise Http404("Single sign-on is not set up on this site.")
        return view(request, *args, **kwargs)

    return login_not_required(never_cache(wrapped))


authenticate = _only_when_enabled(AuthenticateView.as_view())
callback = _only_when_enabled(CallbackView.as_view())
