"""A question page's HTML kept per process, with stand-ins for what differs between
respondents and requests, so that most question pages are not rendered from the template.

Every respondent on the same page of the same revision of a survey, in the same language and
easy-read setting, with the same questions shown, sees the same page apart from: their resume
token (in links and form actions), the CSRF tokens, the CSP nonce and their answers (the
answer fields, forms_respond.render_fields). The page is rendered once with random stand-ins
for those (`_MARK`, new in each process, so no survey text or answer can contain one), and
each later request fills them in: tokens, nonce and CSRF first, the answer fields last, so
nothing a respondent typed is ever altered.

A page is kept only after checking, on the request that rendered it, that filling in the
stand-ins gives exactly the page the template renders (CSRF tokens aside, which differ on
every render) and that the respondent's own token appears nowhere in what is kept. Pages
with errors (a POST) or with messages to show are always rendered from the template.
"""

from __future__ import annotations

import copy
import re
import secrets
import threading

from django.contrib.messages import get_messages
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import translation

TEMPLATE = "surveys/respond/page.html"
_MARK = secrets.token_hex(16)
TOKEN, NONCE, CSRF, FIELDS = (f"x{_MARK}{name}" for name in ("token", "nonce", "csrf", "fields"))
_CSRF_INPUT = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*(")')

_PAGES: dict[tuple, str] = {}
_PAGES_KEPT = 1000
_lock = threading.Lock()


class _Request:
    """What the page's templates read from the request, with stand-ins."""

    def __init__(self, path: str):
        self.path = path
        self.csp_nonce = NONCE


def _fill(kept: str, request, token: str, fields: str) -> str:
    html = kept.replace(TOKEN, token).replace(NONCE, str(request.csp_nonce))
    first, *rest = html.split(CSRF)
    # A fresh masked token for each form, as {% csrf_token %} gives (and the CSRF cookie is set).
    html = first + "".join(get_token(request) + part for part in rest)
    return html.replace(FIELDS, fields)


def _without_csrf(html: str) -> str:
    return _CSRF_INPUT.sub(r"\1\2", html)


def page(request, response, the_plan, number: int, form, context: dict, language: str, render) -> str | None:
    """The page's HTML from the kept copy, or None when this page must be rendered from the
    template. Without a kept copy, `render()` gives the page as the template renders it; the
    copy is made and checked against it, and that page is returned."""
    token = response.resume_token
    if form.is_bound or not token or token not in request.path or len(get_messages(request)):
        return None
    survey = response.survey
    path = request.path.replace(token, TOKEN)
    key = (
        survey.pk,
        survey.revision,
        survey.open_token,
        path,
        number,
        the_plan.count,
        tuple(question.pk for question in the_plan.page(number)),
        context["has_easy_read"],
        tuple(context["languages"]),
        language,
        response.language,
        response.easy_read,
    )
    kept = _PAGES.get(key)
    if kept is not None:
        return _fill(kept, request, token, context["fields"])
    full = render()
    stand_in = copy.copy(response)
    stand_in.resume_token = TOKEN
    stand_ins = {
        name: value.replace(token, TOKEN) if isinstance(value, str) else value for name, value in context.items()
    }
    stand_ins.update(
        {"response": stand_in, "fields": FIELDS, "request": _Request(path), "csrf_token": CSRF, "language": language}
    )
    with translation.override(language):
        kept = render_to_string(TEMPLATE, stand_ins, request)
    if token not in kept and _without_csrf(_fill(kept, request, token, context["fields"])) == _without_csrf(full):
        with _lock:
            while len(_PAGES) >= _PAGES_KEPT:
                _PAGES.pop(next(iter(_PAGES)))
            _PAGES[key] = kept
    return full
