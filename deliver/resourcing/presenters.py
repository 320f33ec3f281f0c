"""Deliver 3A: resourcing as the pages show it. Money in pounds and pence
("£12,500.00"), financial years as "2026/27", and the budget's totals by
financial year, by intervention and by category, worked out exactly (Decimal)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.utils.formats import date_format

from deliver.models.resourcing import BudgetCategory
from deliver.resourcing import years

WHOLE_STRATEGY = "The strategy as a whole (no one intervention)"


def money(amount) -> str:
    return f"£{Decimal(amount):,.2f}"


def fte(value) -> str:
    """0.50 -> "0.5", 2.00 -> "2"."""
    text = f"{Decimal(value):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def day(value) -> str:
    return date_format(value, "j F Y") if value else ""


@dataclass(frozen=True)
class StaffRow:
    role: object
    fte: str
    dates: str
    years: str


def staff_row(role) -> StaffRow:
    covered = years.years_between(role.start_date, role.end_date)
    if role.end_date is None:
        dates = f"From {day(role.start_date)}, no end date"
        span = f"From {years.label(covered[0])}"
    else:
        dates = f"{day(role.start_date)} to {day(role.end_date)}"
        span = (
            years.label(covered[0]) if len(covered) == 1 else f"{years.label(covered[0])} to {years.label(covered[-1])}"
        )
    return StaffRow(role=role, fte=fte(role.fte), dates=dates, years=span)


@dataclass(frozen=True)
class BudgetRow:
    line: object
    year: str
    amount: str


def budget_row(line) -> BudgetRow:
    return BudgetRow(line=line, year=years.label(line.financial_year), amount=money(line.amount))


@dataclass(frozen=True)
class Total:
    label: str
    amount: str
    lines: int


@dataclass(frozen=True)
class Totals:
    by_year: list[Total]
    by_intervention: list[Total]
    by_category: list[Total]
    total: str
    lines: int


def _totals(groups: dict, order, label) -> list[Total]:
    return [
        Total(label=label(key), amount=money(sum(amounts, Decimal(0))), lines=len(amounts))
        for key, amounts in sorted(groups.items(), key=lambda item: order(item[0]))
    ]


def totals(lines) -> Totals:
    """The budget's totals; every line counts once in each breakdown, so each adds up to the total."""
    lines = list(lines)
    by_year, by_intervention, by_category = defaultdict(list), defaultdict(list), defaultdict(list)
    titles = {}
    for line in lines:
        by_year[line.financial_year].append(line.amount)
        key = line.intervention_id
        titles[key] = line.intervention.title if line.intervention else WHOLE_STRATEGY
        by_intervention[key].append(line.amount)
        by_category[line.category].append(line.amount)
    categories = list(BudgetCategory.values)
    return Totals(
        by_year=_totals(by_year, lambda year: year, years.label),
        # Interventions in the order they were added, the strategy as a whole last.
        by_intervention=_totals(by_intervention, lambda key: (key is None, key or 0), titles.__getitem__),
        by_category=_totals(by_category, categories.index, lambda key: BudgetCategory(key).label),
        total=money(sum((line.amount for line in lines), Decimal(0))),
        lines=len(lines),
    )


def total_fte(roles) -> str:
    return fte(sum((role.fte for role in roles), Decimal(0)))


def year_label(year: int) -> str:
    return years.label(year)
