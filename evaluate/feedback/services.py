"""Evaluate 4B writes: feedback forms (surveys of the shared engine), the
project's public feedback page, and "you said, we did" entries.

A feedback form is a 4B survey with no closing date, made from a starting
wording (starters.py) through the survey engine's own services, translated into
the app's languages and published in one transaction: nothing half made.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from amhe import stats
from amhe.core import audit
from amhe.core.selectors import suppression_rule_for
from amhe.surveys import building
from amhe.surveys.models import Theme
from evaluate.feedback import starters
from evaluate.models import PUBLIC_AUDIENCES, Audience, FeedbackForm, FeedbackPage, YouSaidWeDid, YouSaidWeDidTheme
from identify.community.presenters import theme_counts

# --- Feedback forms -----------------------------------------------------------------


def _question_texts(spec: dict, language: str) -> dict:
    return dict(spec.get(language, {}))


@transaction.atomic
def feedback_form_create(*, by, project, audience: str) -> FeedbackForm:
    """Open a feedback form for `audience`: a published 4B survey with no closing
    date and its open link on; public audiences' forms in English, Polish and Urdu."""
    if audience not in Audience.values:
        raise ValidationError({"audience": "Choose who the form is for"})
    public = audience in PUBLIC_AUDIENCES
    if public:
        texts = {field: words["en"] for field, words in starters.PUBLIC_TEXTS.items()}
        texts["title"] = starters.TITLES[audience]["en"]
        questions = starters.PUBLIC_QUESTIONS
        languages = starters.PUBLIC_LANGUAGES
    else:
        texts, questions, languages = dict(starters.STAFF_TEXTS), starters.STAFF_QUESTIONS, []
    survey = building.survey_create(
        by=by, project=project, substep="4B", languages=languages, include_equality=False, **texts
    )
    added = [(building.question_add(by=by, survey=survey, **spec["add"]), spec) for spec in questions]
    for language in languages:
        survey_texts = {field: words[language] for field, words in starters.PUBLIC_TEXTS.items()}
        survey_texts["title"] = starters.TITLES[audience][language]
        building.survey_translate(
            by=by,
            survey=survey,
            language=language,
            survey_texts=survey_texts,
            question_texts={question.pk: _question_texts(spec, language) for question, spec in added},
        )
    building.survey_publish(by=by, survey=survey)
    form = FeedbackForm.objects.create(project=project, survey=survey, audience=audience)
    feedback_page_get_or_create(by=by, project=project)
    return form


# --- The public feedback page ---------------------------------------------------------


@transaction.atomic
def feedback_page_get_or_create(*, by, project) -> FeedbackPage:
    page, _created = FeedbackPage.objects.get_or_create(project=project)
    return page


@transaction.atomic
def feedback_page_switch(*, by, page: FeedbackPage, on: bool) -> FeedbackPage:
    page.is_on = bool(on)
    page.save(update_fields=["is_on"])
    return page


@transaction.atomic
def feedback_page_new_address(*, by, page: FeedbackPage) -> FeedbackPage:
    """A new address for the page: the old one stops working at once."""
    page.token = secrets.token_urlsafe(24)
    page.save(update_fields=["token"])
    return page


# --- You said, we did -------------------------------------------------------------------


def _check_themes(project, themes: Iterable[Theme]) -> list[Theme]:
    themes = list(dict.fromkeys(themes))
    if any(theme.project_id != project.pk for theme in themes):
        raise ValidationError({"themes": "Choose themes of this project"})
    return themes


def _apply(entry: YouSaidWeDid, *, you_said: str, we_did: str, themes: Iterable[Theme]) -> None:
    entry.you_said = (you_said or "").strip()
    entry.we_did = (we_did or "").strip()
    errors = {}
    if not entry.you_said:
        errors["you_said"] = "Enter what people told you"
    if not entry.we_did:
        errors["we_did"] = "Enter what changed, or what you are doing about it"
    if errors:
        raise ValidationError(errors)
    themes = _check_themes(entry.project, themes)
    entry.full_clean(exclude=["created_by"])
    entry.save()
    kept = {theme.pk for theme in themes}
    entry.theme_rows.exclude(theme_id__in=kept).delete()
    have = set(entry.theme_rows.values_list("theme_id", flat=True))
    YouSaidWeDidTheme.objects.bulk_create(
        YouSaidWeDidTheme(entry=entry, theme=theme) for theme in themes if theme.pk not in have
    )


@transaction.atomic
def ysd_create(*, by, project, you_said: str, we_did: str, themes: Iterable[Theme] = ()) -> YouSaidWeDid:
    """A draft entry: nobody outside the project sees it until a lead publishes it."""
    entry = YouSaidWeDid(project=project, created_by=by)
    _apply(entry, you_said=you_said, we_did=we_did, themes=themes)
    return entry


@transaction.atomic
def ysd_update(*, by, entry: YouSaidWeDid, you_said: str, we_did: str, themes: Iterable[Theme] = ()) -> YouSaidWeDid:
    """Change an entry. A published entry goes back to draft (and off the public
    page) until it is published again with its counts as they are then."""
    entry = YouSaidWeDid.objects.select_for_update().get(pk=entry.pk)
    _apply(entry, you_said=you_said, we_did=we_did, themes=themes)
    if entry.state == YouSaidWeDid.State.PUBLISHED:
        _unpublish(entry)
    return entry


@transaction.atomic
def ysd_publish(*, by, entry: YouSaidWeDid) -> YouSaidWeDid:
    """Publish an entry on the public page, fixing how many times each of its themes
    was coded (across feedback forms, 1B's surveys, focus groups and community input)
    as it may be shown under the organisation's suppression rule: a small count is
    stored as suppressed, never as its number."""
    entry = YouSaidWeDid.objects.select_for_update().get(pk=entry.pk)
    if entry.state == YouSaidWeDid.State.PUBLISHED:
        raise ValidationError("This entry is already published")
    rule = suppression_rule_for(entry.project)
    rows = list(entry.theme_rows.all())
    totals = {
        counts["theme"].pk: counts["total"]
        for counts in theme_counts(entry.project, Theme.objects.filter(pk__in=[row.theme_id for row in rows]))
    }
    for row in rows:
        row.shown_count = stats.display_count(totals.get(row.theme_id, 0), rule)
    YouSaidWeDidTheme.objects.bulk_update(rows, ["shown_count"])
    entry.state = YouSaidWeDid.State.PUBLISHED
    entry.published_on = timezone.localdate()
    entry.save(update_fields=["state", "published_on"])
    return entry


def _unpublish(entry: YouSaidWeDid) -> None:
    entry.state = YouSaidWeDid.State.DRAFT
    entry.published_on = None
    entry.save(update_fields=["state", "published_on"])
    entry.theme_rows.update(shown_count=None)


@transaction.atomic
def ysd_unpublish(*, by, entry: YouSaidWeDid) -> YouSaidWeDid:
    """Take an entry off the public page (it stays, as a draft)."""
    entry = YouSaidWeDid.objects.select_for_update().get(pk=entry.pk)
    if entry.state != YouSaidWeDid.State.PUBLISHED:
        raise ValidationError("This entry is not published")
    _unpublish(entry)
    return entry


@transaction.atomic
def ysd_delete(*, by, entry: YouSaidWeDid) -> None:
    audit.record_deletion(by=by, instance=entry)
    entry.delete()
