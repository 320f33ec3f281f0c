"""The public community input form (Identify 1B): /c/<token>/, no login.

Community groups and partner services send input through the project's
unguessable link. The pages are translatable (gettext), in the language
LocaleMiddleware chose or the one picked with ?lang=. They keep nothing
about the sender beyond what they type, the language and the day: no IP
address, user agent, session or cookie of ours (the CSRF cookie aside), and
they never write the Django session (docs/adr/0007). Bots meet a honeypot
and a per-address rate limit (amhe.surveys.antispam); a bot's post is dropped
but answered like anyone's, so it learns nothing.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from amhe.surveys import antispam
from identify.community import selectors, services
from identify.community.forms import PublicInputForm
from identify.models import CommunityInputLink

TEMPLATES = "identify/community/public"
RATE_GROUP = "community-input"
TOO_MANY = _(
    "A lot of forms have been sent from your internet connection in a short time, so we could not take this one. "
    "Wait a few minutes, then send it again."
)


def _use_language(request) -> str:
    """Switch to the language asked for with ?lang=, if the app has it; the active language."""
    wanted = request.GET.get("lang", "")
    if wanted in dict(settings.LANGUAGES):
        translation.activate(wanted)
        request.LANGUAGE_CODE = wanted
    return translation.get_language()


def _context(link, language, **extra) -> dict:
    return {
        "link": link,
        "project": None,  # no project navigation on public pages
        "public_project": link.project if link else None,
        "language": language,
        "other_languages": [(code, name) for code, name in settings.LANGUAGES if code != language],
        **extra,
    }


def _find(token: str) -> CommunityInputLink | None:
    return selectors.input_link_for_token(token)


def _not_found(request, language):
    return TemplateResponse(request, f"{TEMPLATES}/not_found.html", _context(None, language), status=404)


def _closed(request, link, language):
    return TemplateResponse(request, f"{TEMPLATES}/closed.html", _context(link, language), status=410)


def _thanks_url(link, language) -> str:
    return reverse("public:community-input-thanks", kwargs={"token": link.token}) + f"?lang={language}"


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def community_input(request, token):
    language = _use_language(request)
    link = _find(token)
    if link is None:
        return _not_found(request, language)
    if not link.is_open:
        return _closed(request, link, language)
    form = PublicInputForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if antispam.rate_limited(request, RATE_GROUP):
            # Keep what they typed, so they can send it again in a few minutes.
            form.full_clean()
            form.add_error(None, TOO_MANY)
            status = 429
        elif form.is_bot():
            return redirect(_thanks_url(link, language))
        elif form.is_valid():
            services.community_input_submit(link=link, language=language, **form.service_arguments())
            return redirect(_thanks_url(link, language))
    return TemplateResponse(
        request,
        f"{TEMPLATES}/form.html",
        _context(link, language, form=form, action=f"{request.path}?lang={language}"),
        status=status,
    )


@login_not_required
@never_cache
@require_GET
def community_input_thanks(request, token):
    language = _use_language(request)
    link = _find(token)
    if link is None:
        return _not_found(request, language)
    return TemplateResponse(request, f"{TEMPLATES}/thanks.html", _context(link, language))
