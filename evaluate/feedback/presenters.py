"""What the 4B pages show. Every count is a count of people's feedback, so every
page shows it through the organisation's small-number suppression rule, for every
role (as the survey results pages do): a count from 1 to the rule's limit is
shown as suppressed, larger ones rounded as the rule says. A published entry
shows the counts fixed when it was published; a draft shows them as they are now.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from amhe import stats
from amhe.stats import SuppressionRule
from amhe.surveys.models import Theme
from evaluate.models import PUBLIC_AUDIENCES, FeedbackForm, YouSaidWeDid
from identify.community.presenters import theme_counts


@dataclass(frozen=True)
class ThemeCount:
    name: str
    count: int | None  # None: suppressed


@dataclass(frozen=True)
class EntryView:
    entry: YouSaidWeDid
    themes: list[ThemeCount]

    @property
    def any_suppressed(self) -> bool:
        return any(row.count is None for row in self.themes)


def published_view(entry: YouSaidWeDid) -> EntryView:
    """An entry as published: the counts stored when a lead published it."""
    return EntryView(entry, [ThemeCount(row.theme.name, row.shown_count) for row in entry.theme_rows.all()])


def _totals(project, theme_ids) -> dict[int, int]:
    """How many times each theme was coded, in all sources (1B's theme_counts)."""
    if not theme_ids:
        return {}
    rows = theme_counts(project, Theme.objects.filter(project=project, pk__in=theme_ids))
    return {row["theme"].pk: row["total"] for row in rows}


def draft_view(entry: YouSaidWeDid, rule: SuppressionRule, totals: dict[int, int] | None = None) -> EntryView:
    """A draft as it would be published now."""
    rows = list(entry.theme_rows.all())
    if totals is None:
        totals = _totals(entry.project, [row.theme_id for row in rows])
    return EntryView(
        entry, [ThemeCount(row.theme.name, stats.display_count(totals.get(row.theme_id, 0), rule)) for row in rows]
    )


def entry_view(entry: YouSaidWeDid, rule: SuppressionRule) -> EntryView:
    if entry.state == YouSaidWeDid.State.PUBLISHED:
        return published_view(entry)
    return draft_view(entry, rule)


def entry_views(project, entries: list[YouSaidWeDid], rule: SuppressionRule) -> list[EntryView]:
    """Each entry as the list shows it, the drafts' counts worked out in one query."""
    drafts = [entry for entry in entries if entry.state != YouSaidWeDid.State.PUBLISHED]
    totals = _totals(project, {row.theme_id for entry in drafts for row in entry.theme_rows.all()})
    return [
        published_view(entry) if entry.state == YouSaidWeDid.State.PUBLISHED else draft_view(entry, rule, totals)
        for entry in entries
    ]


@dataclass(frozen=True)
class FormRow:
    form: FeedbackForm
    audience: str
    responses: int | None  # None: suppressed
    is_public: bool


def form_rows(forms: list[FeedbackForm], rule: SuppressionRule) -> list[FormRow]:
    return [
        FormRow(
            form=form,
            audience=form.get_audience_display(),
            responses=stats.display_count(form.n_submitted, rule),
            is_public=form.audience in PUBLIC_AUDIENCES,
        )
        for form in forms
    ]


def suppressed_words(rule: SuppressionRule) -> str:
    """What a suppressed count means, in the page's language (public page too)."""
    return _("Not shown: fewer than %(n)s, to protect the people who told us.") % {"n": rule.primary_max + 1}
