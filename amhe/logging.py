"""Keeping secrets and addresses out of logs.

The links in public pages are secrets: /s/<token>/ opens a survey (a
single-use invitation's token is one person's), /r/<token>/ is a
respondent's own save-and-resume link that shows their answers, /c/<token>/
is a project's community-input form. A log line with one in it would let
whoever reads the logs open them, so :class:`RedactSecretLinks` (on the
console handler in settings.LOGGING) and :class:`GunicornLogger` (the access
log, via gunicorn.conf.py) replace the token with "…". The access log also
leaves out the client's address (`%(h)s`) and user agent.
"""

from __future__ import annotations

import logging
import re

from gunicorn.glogging import Logger

SECRET_LINK = re.compile(r"/([src])/[A-Za-z0-9_\-]{8,}")


def redact(text: str) -> str:
    return SECRET_LINK.sub(r"/\1/…", text)


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
