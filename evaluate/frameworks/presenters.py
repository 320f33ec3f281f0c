"""Evaluate 4A self-assessments: stored ratings -> what the pages show (the summary
of an assessment, its totals and overall rating, and the year-on-year table). No
queries: the selectors fetch, these shape."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from amhe.core import taxonomy
from evaluate.frameworks import scoring
from evaluate.measures.presenters import format_value, series
from evaluate.models import Assessment, Framework, FrameworkItem, ItemRating


def levels_of(framework: Framework) -> dict[int, str]:
    return {level.value: level.label for level in framework.levels.all()}


def top_of(framework: Framework) -> int:
    return max(levels_of(framework), default=0)


def rating_text(value: int | None, levels: dict[int, str]) -> str:
    if value is None:
        return "Not rated yet"
    return f"{value} {levels.get(value, '')}".strip()


@dataclass(frozen=True)
class MeasureLink:
    name: str
    pk: int
    latest: str  # "12.3 (Jan 2026)", "Hidden (small numbers)" or "No values yet"


def measure_link(measure) -> MeasureLink:
    periods = series(measure.values.all())
    if not periods:
        return MeasureLink(measure.name, measure.pk, "No values yet")
    last = periods[-1]
    if last.value is None:
        return MeasureLink(measure.name, measure.pk, f"Hidden (small numbers) ({last.label})")
    return MeasureLink(measure.name, measure.pk, f"{format_value(last.value)} ({last.label})")


@dataclass
class RatingRow:
    rating: ItemRating
    item: FrameworkItem
    text: str
    low: bool
    by_characteristic: list[tuple[str, str]]
    measures: list[MeasureLink]


@dataclass
class SectionBlock:
    code: str
    title: str
    rows: list[RatingRow] = field(default_factory=list)
    subtotal: int = 0
    maximum: int = 0


@dataclass
class Summary:
    framework: Framework
    sections: list[SectionBlock]
    totals: scoring.Totals
    has_total: bool
    low_count: int

    @property
    def plural(self) -> str:
        return f"{self.framework.item_label.lower()}s"

    @property
    def sentence(self) -> str:
        t = self.totals
        if not t.complete:
            return (
                f"{t.rated} of {t.items} {self.plural} rated so far: the overall rating comes once every one is rated."
            )
        if not self.has_total:
            return f"All {t.items} {self.plural} rated; {self.low_count} rated low."
        return (
            f"All {t.items} {self.plural} rated: a total of {t.total} out of {t.maximum}, "
            f"so the overall rating is {t.overall}; {self.low_count} rated low."
        )


def characteristic_evidence(rating: ItemRating) -> list[tuple[str, str]]:
    return [
        (c.label, rating.by_characteristic[key])
        for key, c in taxonomy.CHARACTERISTICS.items()
        if c.kind == taxonomy.PROTECTED and rating.by_characteristic.get(key)
    ]


def summary(assessment: Assessment, ratings: Sequence[ItemRating]) -> Summary:
    framework = assessment.framework
    levels = levels_of(framework)
    top = max(levels, default=0)
    blocks: dict[str, SectionBlock] = {}
    low_count = 0
    for rating in ratings:
        section = rating.item.section
        block = blocks.setdefault(section.code, SectionBlock(section.code, section.title))
        low = rating.rating is not None and rating.rating <= framework.low_rating
        low_count += low
        block.rows.append(
            RatingRow(
                rating=rating,
                item=rating.item,
                text=rating_text(rating.rating, levels),
                low=low,
                by_characteristic=characteristic_evidence(rating),
                measures=[measure_link(m) for m in rating.measures.all()],
            )
        )
    result = scoring.totals([(r.item.section.code, r.rating) for r in ratings], top=top, bands=framework.bands or [])
    for code, block in blocks.items():
        block.subtotal = result.sections.get(code, 0)
        block.maximum = result.section_maximums.get(code, 0)
    return Summary(framework, list(blocks.values()), result, bool(framework.bands), low_count)


def band_ranges(framework: Framework, maximum: int) -> list[str]:
    """Each band in words: "Undeveloped: a total of 0 to 7", ..., "Excelling: a total of 33"."""
    bands = list(framework.bands or [])
    words = []
    for index, band in enumerate(bands):
        end = bands[index + 1]["from"] - 1 if index + 1 < len(bands) else maximum
        span = f"{band['from']}" if end <= band["from"] else f"{band['from']} to {end}"
        words.append(f"{band['label']}: a total of {span}")
    return words


@dataclass(frozen=True)
class YearRow:
    code: str
    title: str
    cells: list[str]
    is_total: bool = False


@dataclass(frozen=True)
class YearOnYear:
    periods: list[Assessment]
    rows: list[YearRow]
    sentence: str


def year_on_year(
    framework: Framework, items: Sequence[FrameworkItem], assessments: Sequence[Assessment], ratings: Iterable
) -> YearOnYear:
    """Items down, the project's assessments across (oldest first); with bands, each
    section's subtotal, the total and the overall rating; and a sentence on the change."""
    levels = levels_of(framework)
    top = max(levels, default=0)
    found = {(r.assessment_id, r.item_id): r.rating for r in ratings}
    rows: list[YearRow] = []
    for item in items:
        rows.append(
            YearRow(item.code, item.title, [rating_text(found.get((a.pk, item.pk)), levels) for a in assessments])
        )
    totals = [
        scoring.totals(
            [(item.section.code, found.get((a.pk, item.pk))) for item in items], top=top, bands=framework.bands or []
        )
        for a in assessments
    ]
    if framework.bands:
        sections = []
        for item in items:
            if item.section.code not in [s.code for s in sections]:
                sections.append(item.section)
        for section in sections:
            rows.append(
                YearRow(
                    f"{framework.section_label} {section.code}",
                    f"{section.title} (subtotal)",
                    [f"{t.sections.get(section.code, 0)} of {t.section_maximums.get(section.code, 0)}" for t in totals],
                    is_total=True,
                )
            )
        rows.append(YearRow("Total", "", [f"{t.total} of {t.maximum}" for t in totals], is_total=True))
        rows.append(
            YearRow(
                "Overall rating",
                "",
                [t.overall or f"Not yet ({t.rated} of {t.items} rated)" for t in totals],
                is_total=True,
            )
        )
    return YearOnYear(list(assessments), rows, _change_sentence(framework, assessments, totals))


def _change_sentence(framework, assessments, totals) -> str:
    if not assessments:
        return "No assessments yet."
    if len(assessments) == 1:
        return f"One assessment so far ({assessments[0].period}): the next one will show the change."
    first, last = totals[0], totals[-1]
    a, b = assessments[0].period, assessments[-1].period
    if not (first.complete and last.complete):
        return f"{len(assessments)} assessments, from {a} to {b}; the change shows once both are fully rated."
    if not framework.bands:
        return f"{len(assessments)} assessments, from {a} to {b}."
    change = last.total - first.total
    moved = "up" if change > 0 else "down" if change < 0 else "unchanged"
    if change:
        moved = f"{moved} {abs(change)}"
    overall = (
        f"the overall rating stayed {last.overall}"
        if first.overall == last.overall
        else f"the overall rating went from {first.overall} to {last.overall}"
    )
    return (
        f"From {a} to {b} the total went from {first.total} to {last.total} out of {last.maximum} ({moved}), "
        f"and {overall}."
    )
