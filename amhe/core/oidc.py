"""OpenID Connect single sign-on (e.g. NHS.net / Microsoft Entra ID) with mozilla-django-oidc.

Configured by the environment (`AMHE_OIDC_ISSUER`, `AMHE_OIDC_CLIENT_ID`,
`AMHE_OIDC_CLIENT_SECRET`; see .env.example); off, and its URLs 404, when they are unset. The
provider's endpoints come from its discovery document (`<issuer>/.well-known/openid-configuration`),
read on first use and kept for the life of the process.

The authorization code flow with PKCE, a nonce and state; the ID token is checked for its
signature (the provider's published keys), issuer, audience and expiry, and the user info must
be about the ID token's subject. The account is the existing, active account whose email
matches the provider's *verified* email claim; nobody is
ever created and no membership is ever added, so a person the app does not know gets "no
account" and the login page. Two-factor sign-in still applies afterwards, as after a password.
"""

import logging
import threading
import time

import requests
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.cache import never_cache
from mozilla_django_oidc import auth as oidc_auth
from mozilla_django_oidc import views as oidc_views
from mozilla_django_oidc.utils import import_from_settings

from amhe.core import two_factor
from amhe.core.accounts import normalise_email

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
        from django.contrib.auth import get_user_model

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
        # not be used (its email is what picks the account).
        claims = super().get_userinfo(access_token, id_token, payload)
        if not claims.get("sub") or claims.get("sub") != payload.get("sub"):
            raise SuspiciousOperation("The user info is about another subject than the ID token.")
        return claims

    def verify_claims(self, claims):
        if not normalise_email(claims.get("email")):
            return False
        if settings.AMHE_OIDC_REQUIRE_EMAIL_VERIFIED and claims.get("email_verified") is not True:
            return False
        return True

    def filter_users_by_claims(self, claims):
        return self.UserModel.objects.filter(email=normalise_email(claims.get("email")), is_active=True)

    def create_user(self, claims):  # pragma: no cover - OIDC_CREATE_USER is False
        raise SuspiciousOperation("Single sign-on never creates accounts.")

    def update_user(self, user, claims):
        return user


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
