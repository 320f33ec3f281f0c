"""Keeping secrets and addresses out of logs.

The links in public pages are secrets: /s/<token>/ opens a survey (a
single-use invitation's token is one person's), /r/<token>/ is a
respondent's own save-and-resume link that shows their answers, /c/<token>/
is a project's community-input form, /f/<token>/ its public feedback page, /n/<token>/ joins an NGT session and
/np/<token>/ is an NGT participant's own pages (their ideas and ranking), /accounts/invitations/<token>/ accepts
an invitation to join a project and /accounts/reset/<uidb64>/<token>/ sets a
password; a single sign-on callback's ?code= and ?state= are the provider's
one-time code and the sign-in's state. A log line with one in it (or in a login's ?next=) would let
whoever reads the logs open them, so :class:`RedactSecretLinks` (on the
console handler in settings.LOGGING) and :class:`GunicornLogger` (the access
log, via gunicorn.conf.py) replace the token with "…". The access log also
leaves out the client's address (`%(h)s`) and user agent.
"""

from __future__ import annotations

import logging
import re

from gunicorn.glogging import Logger

# A slash, or a slash percent-encoded as in a login's ?next= (case-insensitive).
_SLASH = r"(?:/|%2F)"
_LINK_CHARS = r"[A-Za-z0-9_\-]"
SECRET_LINKS = [
    # /s/, /r/, /c/, /f/, /n/, /np/ and an invitation to join a project: the token after the prefix.
    re.compile(
        rf"(?P<prefix>{_SLASH}(?:[srcf]|np?|accounts{_SLASH}invitations){_SLASH}){_LINK_CHARS}{{8,}}", re.IGNORECASE
    ),
    # A password reset link: /accounts/reset/<uidb64>/<token>/ (and .../<uidb64>/set-password/).
    re.compile(rf"(?P<prefix>{_SLASH}reset{_SLASH}){_LINK_CHARS}+(?P<slash>{_SLASH}){_LINK_CHARS}+", re.IGNORECASE),
]


# An API token (api/: "amhe_" and 43 URL-safe characters), should one ever reach a log line:
# the API takes tokens only in the Authorization header, which no log records.
API_TOKEN = re.compile(r"\bamhe_[A-Za-z0-9_\-]{8,}")


# Single sign-on: the provider sends the browser back with `?code=...&state=...`
# (amhe.core.oidc). The app has no other query parameter of either name.
OIDC_CALLBACK_PARAMS = re.compile(r"(?P<prefix>(?:^|[?&\s])(?:code|state)=)[^&\s#\"]+")


def redact(text: str) -> str:
    text = API_TOKEN.sub("amhe_…", text)
    text = OIDC_CALLBACK_PARAMS.sub(r"\g<prefix>…", text)
    text = SECRET_LINKS[0].sub(r"\g<prefix>…", text)
    return SECRET_LINKS[1].sub(r"\g<prefix>…\g<slash>…", text)


class RedactSecretLinks(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True


class GunicornLogger(Logger):
    """gunicorn's logger with the address, user agent and referer blanked and
    secret links redacted in every access-log atom."""

    BLANK = ("h", "a", "f", "u")

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for key in self.BLANK:
            atoms[key] = "-"
        for key in ("r", "U", "q"):
            if isinstance(atoms.get(key), str):
                atoms[key] = redact(atoms[key])
        # Request and response headers and environ ({name}i, {name}o, {name}e) may hold
        # cookies, addresses (X-Forwarded-For) or referers: none are logged.
        return {key: value for key, value in atoms.items() if not key.startswith("{")}
