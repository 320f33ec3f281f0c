"""A project's public feedback page (4B): /f/<token>/, no login.

It lists the project's open feedback forms for people who use services, families
and carers and community members (each one the survey engine's own /s/<token>/
page, with its rate limit, honeypot and anonymous responses) and the "you said,
we did" entries a lead has published, with their theme counts as published
(already suppressed). Drafts never appear. The page is translatable (gettext) in
the language LocaleMiddleware chose or the one picked with ?lang=; it has no
form, writes nothing and never opens a session. An unknown address, or a page a
lead switched off, is the same 404.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from amhe.core.selectors import suppression_rule_for
from amhe.surveys import i18n
from evaluate.feedback import presenters, selectors
from identify.community.views_public import _context, _use_language

TEMPLATES = "evaluate/feedback/public"


@login_not_required
@never_cache
@require_GET
def feedback(request, token):
    language = _use_language(request)
    page = selectors.page_for_token(token)
    if page is None:
        return TemplateResponse(
            request, "identify/community/public/not_found.html", _context(None, language), status=404
        )
    project = page.project
    rule = suppression_rule_for(project)
    forms = [
        (
            form.get_audience_display(),
            i18n.text(form.survey, "title", language),
            reverse("public:survey-start", kwargs={"token": form.survey.open_token}) + f"?lang={language}",
        )
        for form in selectors.open_public_forms(project)
    ]
    entries = [presenters.published_view(entry) for entry in selectors.published_entries(project)]
    context = _context(None, language, public_project=project)
    context.update(
        forms=forms,
        entries=entries,
        symbol=rule.symbol,
        suppressed_words=presenters.suppressed_words(rule),
        any_suppressed=any(view.any_suppressed for view in entries),
    )
    return TemplateResponse(request, f"{TEMPLATES}/page.html", context)
