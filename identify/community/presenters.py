"""What the community pages (Identify 1B) show: focus-group make-up and theme
counts as they may be published, and the filtered asset directory.

Make-up and theme counts are figures about people, so every member sees them
through the project's small-number suppression rule (amhe.core.selectors
.suppression_rule_for; amhe.stats.suppression), as on the survey results pages. The number
of people who came to a focus group is entered by staff as one figure and is
shown as it is; the make-up within it is suppressed, with the number who came
treated as a published total, so a hidden group cannot be worked out from it
and the others.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from django.db.models import Count, Q

from amhe import stats
from amhe.core import taxonomy
from amhe.stats import SuppressionRule
from amhe.surveys.models import SurveyResponse, Theme
from identify.community.services import CRITERIA_KEYS, MAKE_UP
from identify.models import CommunityAsset, FocusGroup

NOT_RECORDED = "Not recorded"


def rule_sentence(rule: SuppressionRule, people: str) -> str:
    """How small numbers are treated on a page, in plain words. `people`: who
    the figures are about, e.g. "the people who came"."""
    if rule.primary_max == 0:
        return "All numbers are shown exactly: your organisation's rule does not hide small numbers."
    rounding = f" Other numbers are rounded to the nearest {rule.round_to}." if rule.round_to else ""
    return (
        f"To protect {people}, numbers from 1 to {rule.primary_max} are not shown (they show as {rule.symbol})."
        f"{rounding} Some other numbers are hidden too, so that a hidden number cannot be worked out from the "
        "totals."
    )


def suppressed_note(rule: SuppressionRule) -> str:
    return (
        f"{rule.symbol} Not shown: from 1 to {rule.primary_max} people, or hidden so that a small number cannot be "
        "worked out."
    )


# --- Make-up ------------------------------------------------------------------------


def _protect_with_total(counts: Mapping, rule: SuppressionRule) -> dict:
    """Primary and secondary suppression of cells that add up to a total that
    is always shown (the number who came): a margin with one hidden cell gets
    its smallest other cell hidden too, until none has exactly one."""
    hidden = {cell: stats.is_primary_suppressed(count, rule) for cell, count in counts.items()}
    if rule.primary_max == 0:
        return hidden
    while sum(hidden.values()) == 1:
        visible = [(count, i, cell) for i, (cell, count) in enumerate(counts.items()) if not hidden[cell]]
        if not visible:
            break
        non_zero = [item for item in visible if item[0] > 0]
        _, _, chosen = min(non_zero or visible)
        hidden[chosen] = True
    return hidden


@dataclass
class MakeUpRow:
    label: str
    count: int | None  # None: not shown


@dataclass
class MakeUpTable:
    key: str
    label: str
    rows: list[MakeUpRow]

    @property
    def any_hidden(self) -> bool:
        return any(row.count is None for row in self.rows)


@dataclass
class MakeUp:
    attendees: int
    tables: list[MakeUpTable] = field(default_factory=list)
    too_few: bool = False  # so few came that no make-up is shown
    recorded: bool = False  # any make-up was entered

    @property
    def any_hidden(self) -> bool:
        return any(table.any_hidden for table in self.tables)


def make_up(counts_by_key: Mapping | None, attendees: int, rule: SuppressionRule) -> MakeUp:
    """The make-up of `attendees` people as it may be shown: per characteristic,
    each group and "Not recorded" (those not counted in any group)."""
    counts_by_key = counts_by_key or {}
    result = MakeUp(attendees=attendees, recorded=any(any(v.values()) for v in counts_by_key.values() if v))
    if not result.recorded:
        return result
    if rule.primary_max and attendees <= rule.primary_max:
        result.too_few = True
        return result
    for item in MAKE_UP:
        entered = counts_by_key.get(item.key) or {}
        if not entered:
            continue
        counts = {code: int(entered.get(code) or 0) for code, _label in item.categories()}
        counts[NOT_RECORDED] = max(attendees - sum(counts.values()), 0)
        hidden = _protect_with_total(counts, rule)
        labels = dict(item.categories()) | {NOT_RECORDED: NOT_RECORDED}
        rows = []
        for code, count in counts.items():
            if code == NOT_RECORDED and count == 0 and not hidden[code]:
                continue
            rows.append(MakeUpRow(labels[code], None if hidden[code] else stats.display_count(count, rule)))
        result.tables.append(MakeUpTable(item.key, item.label, rows))
    return result


def combined_make_up(groups: Iterable[FocusGroup], rule: SuppressionRule) -> MakeUp:
    """Everyone who came to these focus groups, added up."""
    totals: dict[str, dict[str, int]] = {}
    attendees = 0
    for group in groups:
        attendees += group.attendees
        for key, counts in (group.make_up or {}).items():
            row = totals.setdefault(key, {})
            for code, count in (counts or {}).items():
                row[code] = row.get(code, 0) + int(count or 0)
    return make_up(totals, attendees, rule)


# --- Themes -------------------------------------------------------------------------

SOURCES = (
    ("survey_answers", "survey answer", "survey answers"),
    ("focus_groups", "focus group", "focus groups"),
    ("community_inputs", "piece of community input", "pieces of community input"),
)


@dataclass
class ThemeRow:
    theme: object
    survey_answers: int | None
    focus_groups: int | None
    community_inputs: int | None
    total: int | None
    sources: int  # how many of the three sources it was coded in
    true_total: int = field(repr=False, default=0)


def _theme_row(counts: dict, rule: SuppressionRule) -> ThemeRow:
    cells = {key: counts[key] for key, _one, _many in SOURCES}
    hidden = stats.suppress_table(cells, [list(cells)], rule)
    shown = {key: None if hidden[key] else stats.display_count(value, rule) for key, value in cells.items()}
    return ThemeRow(
        theme=counts["theme"],
        total=stats.display_count(counts["total"], rule),
        sources=sum(1 for value in cells.values() if value),
        true_total=counts["total"],
        **shown,
    )


def theme_counts(project, themes=None) -> list[dict]:
    """Each theme of the project with how often it was coded in each source and
    in all, most often first. (The annotations cannot take the names of
    Theme's reverse relations, so they are prefixed n_.) Survey answers count
    only once their response is submitted."""
    queryset = Theme.objects.filter(project=project) if themes is None else themes
    queryset = queryset.annotate(
        n_survey_answers=Count(
            "answers", filter=Q(answers__response__state=SurveyResponse.State.SUBMITTED), distinct=True
        ),
        n_focus_groups=Count("focus_groups", distinct=True),
        n_community_inputs=Count("community_inputs", distinct=True),
    )
    rows = [
        {
            "theme": theme,
            "survey_answers": theme.n_survey_answers,
            "focus_groups": theme.n_focus_groups,
            "community_inputs": theme.n_community_inputs,
            "total": theme.n_survey_answers + theme.n_focus_groups + theme.n_community_inputs,
        }
        for theme in queryset
    ]
    return sorted(rows, key=lambda row: (-row["total"], row["theme"].name.casefold()))


def theme_rows(project, rule: SuppressionRule) -> list[ThemeRow]:
    """Each theme with how often it was coded in each source, most often first.
    Each row is suppressed on its own, its three sources adding up to its total.
    The order is by the totals as shown (then by name), so it tells no more than they do."""
    rows = [_theme_row(counts, rule) for counts in theme_counts(project)]
    return sorted(rows, key=lambda row: (-_shown_rank(row), row.theme.name.casefold()))


def _shown_rank(row: ThemeRow) -> float:
    """A theme's total as shown, for ranking: a hidden total (too small to show) ranks
    below every shown one but above none at all."""
    return row.total if row.total is not None else (0.5 if row.true_total else 0)


def theme_row(project, theme, rule: SuppressionRule) -> ThemeRow:
    (counts,) = theme_counts(project, Theme.objects.filter(project=project, pk=theme.pk))
    return _theme_row(counts, rule)


def _times(total: int | None, rule: SuppressionRule) -> str:
    if total is None:
        return f"fewer than {rule.primary_max + 1} times"
    about = "about " if rule.round_to and rule.primary_max else ""
    return f"{about}{total:,} time{'s' if total != 1 else ''}"


def _quoted(names: Sequence[str]) -> str:
    names = [f"'{name}'" for name in names]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def theme_summary(rows: list[ThemeRow], rule: SuppressionRule) -> str:
    """One plain-English sentence about the most common theme."""
    coded = [row for row in rows if row.true_total]
    if not coded:
        return "No themes have been coded yet."
    # Ranked by the totals as shown: two themes shown as "about 10" are tied, whatever lies behind.
    best = max(_shown_rank(row) for row in coded)
    top = [row for row in coded if _shown_rank(row) == best]
    if top[0].total is None:
        sentence = f"Every theme was coded {_times(None, rule)}."
    elif len(top) > 1:
        shown = _quoted([row.theme.name for row in top[:4]]) + (" and others" if len(top) > 4 else "")
        sentence = f"The most common themes are {shown}, each coded {_times(top[0].total, rule)}."
    else:
        row = top[0]
        sources = f" across {row.sources} sources" if row.sources > 1 else " in one source"
        sentence = f"The most common theme is '{row.theme.name}', coded {_times(row.total, rule)}{sources}."
    return f"{sentence} {len(rows)} theme{'s' if len(rows) != 1 else ''} in all."


# --- Asset directory --------------------------------------------------------------


def characteristic_labels(keys: Iterable[str]) -> list[str]:
    return [taxonomy.CHARACTERISTICS[key].label for key in keys if key in taxonomy.CHARACTERISTICS]


def criteria_rows(criteria: Iterable[Mapping]) -> list[tuple[str, list[str]]]:
    """(what, [group labels]) for each code list of an asset's criteria."""
    rows = []
    for item in criteria or []:
        key = item.get("code_list")
        try:
            code_list = taxonomy.code_list(key)
        except KeyError:
            continue
        labels = [code_list[code].label for code in item.get("codes", []) if code in code_list]
        if labels:
            rows.append((CRITERIA_KEYS.get(key, code_list.name), labels))
    return rows


def _serves(asset: CommunityAsset, text: str) -> bool:
    wanted = taxonomy.normalise(text)
    if wanted in taxonomy.normalise(asset.populations_served):
        return True
    for _what, labels in criteria_rows(asset.criteria):
        if any(wanted in taxonomy.normalise(label) for label in labels):
            return True
    return any(wanted in taxonomy.normalise(label) for label in characteristic_labels(asset.characteristics))


def filter_assets(
    organisation, *, q: str = "", characteristic: str = "", population: str = "", kind: str = "", language: str = ""
) -> list[CommunityAsset]:
    """The organisation's assets matching every filter given, by name.

    `q` looks in the name and area; `population` in who it serves, in its own
    words or as the groups it is described by; `language` in the languages spoken."""
    assets = CommunityAsset.objects.filter(organisation=organisation)
    if kind:
        assets = assets.filter(kind=kind)
    if language:
        assets = assets.filter(languages__icontains=language.strip())
    result = []
    words = q.split()
    for asset in assets.order_by("name", "postcode"):
        haystack = f"{asset.name} {asset.area} {asset.postcode}".casefold()
        if words and not all(word.casefold() in haystack for word in words):
            continue
        if characteristic and characteristic not in (asset.characteristics or []):
            continue
        if population.strip() and not _serves(asset, population):
            continue
        result.append(asset)
    return result
