"""OpenID Connect single sign-on (amhe/core/oidc.py), end to end: a small OpenID provider of
the test's own (discovery, JWKS, authorize, token, userinfo on a live port, RS256 ID tokens,
PKCE) and the app on Django's live server; a `requests` session plays the browser, so every
step is a real HTTP redirect and the code is exchanged for tokens over HTTP."""

import base64
import hashlib
import json
import re
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlencode, urlparse

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings as django_settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session

from amhe.core import oidc
from amhe.core.models import Membership, Role, User
from tests.factories import MembershipFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

CLIENT_ID = "amhe-test-client"
CLIENT_SECRET = "amhe-test-secret"  # noqa: S105


class Provider:
    """A minimal OpenID provider: it signs in whoever `person` says (as if they had typed their
    password there) and hands out codes, tokens and claims by the book."""

    def __init__(self):
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = secrets.token_hex(4)
        self.person = {}  # the claims of whoever is signed in at the provider
        self.codes = {}
        self.tokens = {}
        self.requests = []  # (path, query) of each authorize request
        self.sign_with = self.key  # a test may sign with another key
        self.audience = CLIENT_ID
        self.id_token_sub = None  # a test may put another subject in the ID token than in the user info
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _json(self, body, status=200):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                url = urlparse(self.path)
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                if url.path == "/.well-known/openid-configuration":
                    return self._json(provider.discovery())
                if url.path == "/jwks":
                    return self._json(provider.jwks())
                if url.path == "/authorize":
                    provider.requests.append(query)
                    code = secrets.token_urlsafe(16)
                    provider.codes[code] = {**query, "claims": dict(provider.person)}
                    target = query["redirect_uri"] + "?" + urlencode({"code": code, "state": query["state"]})
                    self.send_response(302)
                    self.send_header("Location", target)
                    self.end_headers()
                    return None
                if url.path == "/userinfo":
                    token = self.headers.get("Authorization", "").removeprefix("Bearer ")
                    if token not in provider.tokens:
                        return self._json({"error": "invalid_token"}, 401)
                    return self._json(provider.tokens[token])
                return self._json({"error": "not_found"}, 404)

            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                if urlparse(self.path).path != "/token":
                    return self._json({"error": "not_found"}, 404)
                grant = provider.codes.pop(form.get("code"), None)  # each code works once
                if grant is None or form.get("client_id") != CLIENT_ID or form.get("client_secret") != CLIENT_SECRET:
                    return self._json({"error": "invalid_grant"}, 400)
                if form.get("redirect_uri") != grant["redirect_uri"]:
                    return self._json({"error": "invalid_grant"}, 400)
                challenge = base64.urlsafe_b64encode(hashlib.sha256(form["code_verifier"].encode()).digest())
                if challenge.decode().rstrip("=") != grant["code_challenge"]:
                    return self._json({"error": "invalid_grant", "error_description": "PKCE"}, 400)
                access = secrets.token_urlsafe(16)
                provider.tokens[access] = grant["claims"]
                now = int(time.time())
                id_token = jwt.encode(
                    {
                        "iss": provider.issuer,
                        "aud": provider.audience,
                        "sub": provider.id_token_sub or grant["claims"].get("sub", "x"),
                        "iat": now,
                        "exp": now + 300,
                        "nonce": grant["nonce"],
                    },
                    provider.sign_with,
                    algorithm="RS256",
                    headers={"kid": provider.kid},
                )
                return self._json({"access_token": access, "token_type": "Bearer", "id_token": id_token})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.issuer = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def discovery(self):
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "userinfo_endpoint": f"{self.issuer}/userinfo",
            "jwks_uri": f"{self.issuer}/jwks",
            "response_types_supported": ["code"],
            "id_token_signing_alg_values_supported": ["RS256"],
        }

    def jwks(self):
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        return {"keys": [{**jwk, "kid": self.kid, "alg": "RS256", "use": "sig"}]}


@pytest.fixture
def provider(settings):
    provider = Provider()
    provider.thread.start()
    settings.AMHE_OIDC_ISSUER = provider.issuer
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.AMHE_OIDC_ENABLED = True
    oidc.forget_discovery()
    yield provider
    provider.server.shutdown()
    provider.server.server_close()
    oidc.forget_discovery()


def sign_in(live_server, next_url="/"):
    """A browser starting at the app's SSO button; returns the session and the last response."""
    browser = requests.Session()
    response = browser.get(
        f"{live_server.url}/accounts/oidc/authenticate/?" + urlencode({"next": next_url}), timeout=30
    )
    return browser, response


def signed_in_user_ids():
    return {str(s.get_decoded().get(SESSION_KEY)) for s in Session.objects.all()} - {"None"}


def test_a_known_account_signs_in_through_the_provider(live_server, provider):
    project = ProjectFactory()
    user = MembershipFactory(project=project, role=Role.ANALYST, user__email="sam.analyst@leeds.nhs.uk").user
    users, memberships = User.objects.count(), Membership.objects.count()
    provider.person = {"sub": "abc", "email": "Sam.Analyst@Leeds.NHS.uk", "email_verified": True}
    project_url = f"/projects/{project.pk}/"
    browser, response = sign_in(live_server, next_url=project_url)
    assert response.status_code == 200
    assert response.url == live_server.url + project_url
    # Through the provider and back, by redirects.
    hops = [urlparse(r.headers["Location"]) for r in response.history]
    assert hops[0].netloc == urlparse(provider.issuer).netloc and hops[0].path == "/authorize"
    assert hops[1].path == "/accounts/oidc/callback/"
    sent = provider.requests[-1]
    assert sent["client_id"] == CLIENT_ID and sent["code_challenge_method"] == "S256" and sent["nonce"]
    assert project.name in response.text
    assert signed_in_user_ids() == {str(user.pk)}
    assert (User.objects.count(), Membership.objects.count()) == (users, memberships)  # nothing created


def test_an_unknown_email_is_refused_and_no_account_is_made(live_server, provider):
    UserFactory(email="someone@leeds.nhs.uk")
    users = User.objects.count()
    provider.person = {"sub": "zzz", "email": "stranger@leeds.nhs.uk", "email_verified": True}
    browser, response = sign_in(live_server)
    assert response.url.startswith(f"{live_server.url}/accounts/login/")
    assert "did not log you in here" in response.text
    assert User.objects.count() == users
    assert signed_in_user_ids() == set()


def test_an_unverified_email_or_a_turned_off_account_is_refused(live_server, provider):
    UserFactory(email="unverified@leeds.nhs.uk")
    UserFactory(email="left@leeds.nhs.uk", is_active=False)
    provider.person = {"sub": "u", "email": "unverified@leeds.nhs.uk", "email_verified": False}
    assert sign_in(live_server)[1].url.startswith(f"{live_server.url}/accounts/login/")
    provider.person = {"sub": "l", "email": "left@leeds.nhs.uk", "email_verified": True}
    assert sign_in(live_server)[1].url.startswith(f"{live_server.url}/accounts/login/")
    assert signed_in_user_ids() == set()


def test_a_token_signed_by_another_key_or_for_another_client_is_refused(live_server, provider):
    UserFactory(email="sam@leeds.nhs.uk")
    provider.person = {"sub": "s", "email": "sam@leeds.nhs.uk", "email_verified": True}
    provider.sign_with = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    assert sign_in(live_server)[1].url.startswith(f"{live_server.url}/accounts/login/")
    provider.sign_with = provider.key
    provider.audience = "another-client"
    assert sign_in(live_server)[1].url.startswith(f"{live_server.url}/accounts/login/")
    assert signed_in_user_ids() == set()
    provider.audience = CLIENT_ID
    assert sign_in(live_server)[1].url == f"{live_server.url}/"  # the same account, a good token


def test_user_info_about_another_subject_than_the_id_token_is_refused(live_server, provider):
    """OpenID Connect Core 5.3.2: the user info's `sub` must be the ID token's, or its claims
    (the email that picks the account) must not be used."""
    UserFactory(email="lead@leeds.nhs.uk")
    provider.person = {"sub": "someone-else", "email": "lead@leeds.nhs.uk", "email_verified": True}
    provider.id_token_sub = "the-person-who-signed-in"
    assert sign_in(live_server)[1].url.startswith(f"{live_server.url}/accounts/login/")
    assert signed_in_user_ids() == set()
    provider.id_token_sub = None
    assert sign_in(live_server)[1].url == f"{live_server.url}/"


def test_refused_single_sign_ons_lock_nobody_out_and_keep_no_code(live_server, provider):
    """Colleagues behind one address (an NHS trust's) whom the app does not know try the button:
    the password lockout does not count them (the provider checked the person; a callback cannot
    be guessed), so it does not shut single sign-on for everyone there, and it keeps no code."""
    from axes.models import AccessAttempt

    UserFactory(email="known@leeds.nhs.uk")
    for number in range(django_settings.AXES_FAILURE_LIMIT + 1):
        provider.person = {"sub": f"s{number}", "email": f"stranger{number}@leeds.nhs.uk", "email_verified": True}
        assert sign_in(live_server)[1].url.startswith(f"{live_server.url}/accounts/login/")
    assert not AccessAttempt.objects.exists()
    provider.person = {"sub": "k", "email": "known@leeds.nhs.uk", "email_verified": True}
    browser, response = sign_in(live_server)
    assert (response.status_code, response.url) == (200, f"{live_server.url}/")
    assert len(signed_in_user_ids()) == 1


def test_two_factor_still_applies_after_single_sign_on(live_server, provider, settings):
    settings.AMHE_TWO_FACTOR_DEFAULT = True
    UserFactory(email="lead@leeds.nhs.uk")
    provider.person = {"sub": "l", "email": "lead@leeds.nhs.uk", "email_verified": True}
    browser, response = sign_in(live_server)
    assert urlparse(response.url).path == "/two-factor/setup/"


def test_off_unless_configured(client, settings):
    settings.AMHE_OIDC_ENABLED = False
    assert client.get("/accounts/oidc/authenticate/").status_code == 404
    assert client.get("/accounts/oidc/callback/?code=x&state=y").status_code == 404
    assert "organisation account" not in client.get("/accounts/login/").content.decode()


def test_an_account_without_a_password_signs_in_again_at_its_provider(live_server, provider):
    """Before a deletion, an SSO-only account is sent back to its provider with prompt=login."""
    from amhe.core import two_factor
    from tests.factories import RiskFactory

    project = ProjectFactory()
    lead = MembershipFactory(project=project, role=Role.LEAD, user__email="lead@leeds.nhs.uk").user
    lead.set_unusable_password()
    lead.save()
    risk = RiskFactory(project=project)
    provider.person = {"sub": "l", "email": "lead@leeds.nhs.uk", "email_verified": True}
    browser, response = sign_in(live_server)
    assert response.url == f"{live_server.url}/"
    for session in Session.objects.all():  # the sign-in was longer ago than AMHE_REAUTH_MINUTES
        data = session.get_decoded()
        data[two_factor.PROVED_AT] -= 60 * 60
        Session.objects.filter(pk=session.pk).update(session_data=Session.objects.encode(data))
    delete = f"/projects/{project.pk}/deliver/risks/{risk.pk}/delete/"
    page = browser.get(live_server.url + delete, timeout=30)
    assert urlparse(page.url).path == "/reauthenticate/"
    assert 'name="password"' not in page.text
    link = re.search(r'href="(/accounts/oidc/authenticate/\?reauth=1&amp;next=[^"]+)"', page.text).group(1)
    assert unquote(link.split("next=", 1)[1]) == delete
    again = browser.get(live_server.url + link.replace("&amp;", "&"), timeout=30)
    assert provider.requests[-1]["prompt"] == "login"
    assert again.url == live_server.url + delete and "Delete risk" in again.text


# --- The account is linked to the provider's subject, not its email (nOAuth) -----------------


def sso_entries(**filters):
    from amhe.core.models import AuditEvent

    return list(AuditEvent.objects.filter(**filters).order_by("pk"))


def test_the_first_sign_in_links_the_subject_and_the_link_is_audited(live_server, provider):
    from amhe.core.models import AuditEvent, OidcSubject

    user = UserFactory(email="sam@leeds.nhs.uk")
    provider.person = {"sub": "sam-subject", "email": "sam@leeds.nhs.uk", "email_verified": True}
    assert sign_in(live_server)[1].url == f"{live_server.url}/"
    link = OidcSubject.objects.get(user=user)
    assert (link.issuer, link.subject) == (provider.issuer, "sam-subject")
    [linked] = sso_entries(action=AuditEvent.Action.SSO_LINKED)
    assert (linked.user_id, linked.object_id, linked.organisation_id) == (user.pk, str(user.pk), user.organisation_id)
    assert "sam@" not in linked.detail and "sam-subject" not in linked.detail
    # From now on the subject signs in, whatever email the provider sends (or none); no new link.
    provider.person = {"sub": "sam-subject", "email": "sam.renamed@leeds.nhs.uk"}
    assert sign_in(live_server)[1].url == f"{live_server.url}/"
    provider.person = {"sub": "sam-subject"}
    assert sign_in(live_server)[1].url == f"{live_server.url}/"
    assert OidcSubject.objects.count() == 1 and len(sso_entries(action=AuditEvent.Action.SSO_LINKED)) == 1


def test_another_subject_with_a_linked_accounts_email_is_refused_and_audited(live_server, provider, settings):
    """nOAuth: someone at the provider changes their own email to the victim's. The victim's
    account is linked to the victim's subject, so the email no longer opens it."""
    from amhe.core.models import AuditEvent

    settings.AMHE_OIDC_EMAIL_DOMAINS = ["leeds.nhs.uk"]
    victim = UserFactory(email="lead@leeds.nhs.uk")
    provider.person = {"sub": "victim", "email": "lead@leeds.nhs.uk"}
    assert sign_in(live_server)[1].url == f"{live_server.url}/"
    Session.objects.all().delete()
    provider.person = {"sub": "attacker", "email": "Lead@Leeds.nhs.uk", "email_verified": True}
    browser, response = sign_in(live_server)
    assert response.url.startswith(f"{live_server.url}/accounts/login/")
    assert signed_in_user_ids() == set()
    [refused] = sso_entries(action=AuditEvent.Action.SIGN_IN_FAILED, user=victim)
    assert refused.outcome == "other_subject" and refused.organisation_id == victim.organisation_id
    assert "attacker" not in refused.detail and "lead@" not in refused.detail.lower()
    provider.person = {"sub": "victim", "email": "lead@leeds.nhs.uk"}
    assert sign_in(live_server)[1].url == f"{live_server.url}/"  # the real person still can


def test_email_links_only_in_the_allowed_domains(live_server, provider, settings):
    """Entra ID sends no email_verified: an email links an account only in the domains the site
    says the provider owns (AMHE_OIDC_EMAIL_DOMAINS), whatever other account has that address."""
    from amhe.core.models import OidcSubject

    settings.AMHE_OIDC_EMAIL_DOMAINS = ["nhs.net"]
    inside = UserFactory(email="analyst@nhs.net")
    UserFactory(email="someone@gmail.com")  # a password account of another organisation
    UserFactory(email="lookalike@evil-nhs.net")
    UserFactory(email="sub@x.nhs.net")  # a subdomain is another domain
    for email in ("someone@gmail.com", "lookalike@evil-nhs.net", "sub@x.nhs.net"):
        provider.person = {"sub": f"s-{email}", "email": email}
        assert sign_in(live_server)[1].url.startswith(f"{live_server.url}/accounts/login/"), email
    provider.person = {"sub": "s-gmail-verified", "email": "someone@gmail.com", "email_verified": True}
    assert sign_in(live_server)[1].url.startswith(f"{live_server.url}/accounts/login/")  # outside the list
    provider.person = {"sub": "s-unverified", "email": "analyst@nhs.net", "email_verified": False}
    assert sign_in(live_server)[1].url.startswith(f"{live_server.url}/accounts/login/")  # said to be unverified
    assert signed_in_user_ids() == set() and not OidcSubject.objects.exists()
    provider.person = {"sub": "s-analyst", "email": "Analyst@NHS.net"}
    assert sign_in(live_server)[1].url == f"{live_server.url}/"
    assert list(OidcSubject.objects.values_list("user_id", "subject")) == [(inside.pk, "s-analyst")]


def test_without_allowed_domains_only_a_verified_email_links(live_server, provider, settings):
    from amhe.core.models import OidcSubject

    settings.AMHE_OIDC_EMAIL_DOMAINS = []
    user = UserFactory(email="analyst@nhs.net")
    provider.person = {"sub": "s1", "email": "analyst@nhs.net"}  # no email_verified (Entra ID)
    assert sign_in(live_server)[1].url.startswith(f"{live_server.url}/accounts/login/")
    provider.person = {"sub": "s1", "email": "analyst@nhs.net", "email_verified": "true"}  # not the boolean
    assert sign_in(live_server)[1].url.startswith(f"{live_server.url}/accounts/login/")
    assert not OidcSubject.objects.exists()
    provider.person = {"sub": "s1", "email": "analyst@nhs.net", "email_verified": True}
    assert sign_in(live_server)[1].url == f"{live_server.url}/"
    assert OidcSubject.objects.get().user == user


def test_a_linked_account_turned_off_is_refused(live_server, provider):
    user = UserFactory(email="left@leeds.nhs.uk")
    provider.person = {"sub": "left", "email": "left@leeds.nhs.uk", "email_verified": True}
    assert sign_in(live_server)[1].url == f"{live_server.url}/"
    Session.objects.all().delete()
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert sign_in(live_server)[1].url.startswith(f"{live_server.url}/accounts/login/")
    assert signed_in_user_ids() == set()
