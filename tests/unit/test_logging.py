"""Secret links and client addresses stay out of logs (amhe/logging.py)."""

import datetime
import logging
from types import SimpleNamespace

from gunicorn.config import Config

from amhe.logging import GunicornLogger, RedactSecretLinks, redact

TOKEN = "Zx3-kP_q9Lm2Rt7vWb5YcN1dFh8JsA0u"
RESET_TOKEN = "cqv8z4-5f0e0c2b9a7d6e5f4a3b2c1d0e9f8a7b"


def test_redact_replaces_the_token_of_each_public_link():
    assert redact(f"Bad Request: /r/{TOKEN}/page/2/") == "Bad Request: /r/…/page/2/"
    assert redact(f"GET /s/{TOKEN}/?lang=ur") == "GET /s/…/?lang=ur"
    assert redact(f"/c/{TOKEN}/") == "/c/…/"
    # joining an NGT session, and an NGT participant's own pages
    assert redact(f"GET /n/{TOKEN}/?lang=ur") == "GET /n/…/?lang=ur"
    assert redact(f"POST /np/{TOKEN}/rank/ HTTP/1.1") == "POST /np/…/rank/ HTTP/1.1"
    assert redact("/projects/3/research/ngt/5/screen/") == "/projects/3/research/ngt/5/screen/"
    # accepting an invitation to a project and resetting a password, also inside a login's ?next=
    assert redact(f"GET /accounts/invitations/{TOKEN}/") == "GET /accounts/invitations/…/"
    assert (
        redact(f"/accounts/login/?next=/accounts/invitations/{TOKEN}/")
        == "/accounts/login/?next=/accounts/invitations/…/"
    )
    assert redact(f"/accounts/login/?next=%2Faccounts%2Finvitations%2F{TOKEN}%2F") == (
        "/accounts/login/?next=%2Faccounts%2Finvitations%2F…%2F"
    )
    assert redact(f"GET /accounts/reset/MTI/{RESET_TOKEN}/ HTTP/1.1") == "GET /accounts/reset/…/…/ HTTP/1.1"
    assert redact("GET /accounts/reset/MTI/set-password/") == "GET /accounts/reset/…/…/"
    # staff URLs are left alone
    assert redact("/accounts/password_reset/done/") == "/accounts/password_reset/done/"
    assert redact("/projects/3/surveys/5b0c1d2e/invitations/") == "/projects/3/surveys/5b0c1d2e/invitations/"
    assert redact("/projects/3/surveys/") == "/projects/3/surveys/"


def test_filter_redacts_formatted_django_request_lines():
    record = logging.LogRecord(
        "django.request", logging.WARNING, __file__, 1, "%s: %s", ("Bad Request", f"/r/{TOKEN}/check/"), None
    )
    assert RedactSecretLinks().filter(record) is True
    assert record.getMessage() == "Bad Request: /r/…/check/"
    assert TOKEN not in record.getMessage()


def test_settings_put_the_filter_on_the_console_handler():
    from django.conf import settings

    console = settings.LOGGING["handlers"]["console"]
    assert "redact_links" in console["filters"]
    assert settings.LOGGING["filters"]["redact_links"]["()"] == "amhe.logging.RedactSecretLinks"
    # Django's loggers write only through it (not Django's own unfiltered console handler)
    for name in ("django", "django.server"):
        assert settings.LOGGING["loggers"][name]["handlers"] == ["console"], name
        assert settings.LOGGING["loggers"][name]["propagate"] is False, name


def test_a_django_request_error_is_logged_without_the_token(capsys):
    import logging.config

    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)
    logging.getLogger("django.request").error("Internal Server Error: %s", f"/r/{TOKEN}/page/1/")
    for handler in logging.getLogger("django").handlers:
        handler.flush()
    err = capsys.readouterr().err
    assert "Internal Server Error: /r/…/page/1/" in err and TOKEN not in err


def test_gunicorn_access_log_redacts_password_reset_and_invitation_links():
    cfg = Config()
    cfg.set("accesslog", "-")
    cfg.set("access_log_format", '%(t)s "%(r)s" %(s)s %(U)s %(q)s')
    logger = GunicornLogger(cfg)
    for path, query in (
        (f"/accounts/reset/MTI/{RESET_TOKEN}/", ""),
        (f"/accounts/invitations/{TOKEN}/", ""),
        ("/accounts/login/", f"next=%2Faccounts%2Finvitations%2F{TOKEN}%2F"),
    ):
        environ = {
            "REQUEST_METHOD": "GET",
            "RAW_URI": path + (f"?{query}" if query else ""),
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "SERVER_PROTOCOL": "HTTP/1.1",
        }
        resp = SimpleNamespace(status="200 OK", sent=0, headers=[])
        atoms = logger.atoms(resp, SimpleNamespace(headers=[]), environ, datetime.timedelta(milliseconds=3))
        line = logger.cfg.access_log_format % logger.atoms_wrapper_class(atoms)
        assert TOKEN not in line and RESET_TOKEN not in line and "MTI" not in line, line
        assert "…" in line


def test_gunicorn_access_log_has_no_address_agent_or_token():
    cfg = Config()
    cfg.set("accesslog", "-")
    cfg.set("access_log_format", '%(h)s %(t)s "%(r)s" %(s)s %(a)s %({x-forwarded-for}i)s')
    logger = GunicornLogger(cfg)
    environ = {
        "REQUEST_METHOD": "POST",
        "RAW_URI": f"/r/{TOKEN}/page/1/",
        "PATH_INFO": f"/r/{TOKEN}/page/1/",
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "203.0.113.9",
        "HTTP_USER_AGENT": "Probe/4242",
    }
    req = SimpleNamespace(headers=[("X-FORWARDED-FOR", "198.51.100.7"), ("USER-AGENT", "Probe/4242")])
    resp = SimpleNamespace(status="302 Found", sent=0, headers=[])
    atoms = logger.atoms(resp, req, environ, datetime.timedelta(milliseconds=12))
    line = logger.cfg.access_log_format % logger.atoms_wrapper_class(atoms)
    for secret in ("203.0.113.9", "198.51.100.7", "Probe/4242", TOKEN):
        assert secret not in line, line
    assert "/r/…/page/1/" in line


def test_single_sign_on_codes_and_states_are_redacted():
    """The provider sends the browser back to /accounts/oidc/callback/?code=...&state=...: the
    authorization code (with the client secret and the session's PKCE verifier it is a sign-in)
    and the state stay out of every log line, the access log's query string included."""
    code, state = "SplxlOBeZQQYbYS6WxSbIA", "af0ifjsldkj-Q_w8"
    assert redact(f"GET /accounts/oidc/callback/?code={code}&state={state} HTTP/1.1") == (
        "GET /accounts/oidc/callback/?code=…&state=… HTTP/1.1"
    )
    assert redact(f"Bad Request: /accounts/oidc/callback/?state={state}&code={code}") == (
        "Bad Request: /accounts/oidc/callback/?state=…&code=…"
    )
    assert redact("/projects/3/?page=2&lang=ur") == "/projects/3/?page=2&lang=ur"
    cfg = Config()
    cfg.set("accesslog", "-")
    cfg.set("access_log_format", '"%(r)s" %(s)s %(U)s %(q)s')
    logger = GunicornLogger(cfg)
    query = f"code={code}&state={state}"
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/accounts/oidc/callback/?{query}",
        "PATH_INFO": "/accounts/oidc/callback/",
        "QUERY_STRING": query,
        "SERVER_PROTOCOL": "HTTP/1.1",
    }
    resp = SimpleNamespace(status="302 Found", sent=0, headers=[])
    atoms = logger.atoms(resp, SimpleNamespace(headers=[]), environ, datetime.timedelta(milliseconds=3))
    line = logger.cfg.access_log_format % logger.atoms_wrapper_class(atoms)
    assert code not in line and state not in line, line
    assert "code=…&state=…" in line


def test_single_sign_on_never_logs_the_email_it_was_sent():
    """mozilla-django-oidc logs "No user with email ... found" at DEBUG: off whatever LOG_LEVEL."""
    assert logging.getLogger("mozilla_django_oidc.auth").getEffectiveLevel() >= logging.WARNING
    assert logging.getLogger("axes").getEffectiveLevel() >= logging.ERROR
