"""Deliver 3A writes: resourcing the strategy (staff roles, facilities, budget
lines). Keyword-only, `by=` the user, atomic. Every rule is checked before
anything is saved and each problem says what to fix: an intervention must be of
the same strategy, dates in order, an FTE more than 0 and at most 100, an
amount never negative, a financial year in range."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction

from amhe.core import audit
from deliver.models import BudgetLine, Facility, StaffRole
from deliver.models.resourcing import FTE_MAX, BudgetCategory
from deliver.resourcing import years
from research.evidence import importing

STAFF_FIELDS = ("title", "fte", "intervention", "funded_by", "start_date", "end_date")
FACILITY_FIELDS = ("name", "location", "purpose", "intervention")
BUDGET_FIELDS = ("description", "category", "intervention", "financial_year", "amount")
TEXT = {"purpose"}
AMOUNT_MAX = Decimal("9999999999.99")  # what the column holds


def _apply(record, fields: dict, allowed) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"Not fields of {type(record).__name__}: {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        if isinstance(value, str):
            value = importing.clean_text(value, multiline=name in TEXT)
        setattr(record, name, value)


def _decimal(value) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _check_intervention(errors, record) -> None:
    if record.intervention is not None and record.intervention.strategy_id != record.strategy_id:
        errors["intervention"] = ["Choose an intervention of this project's strategy."]


def _save(record, fields: dict, allowed, check):
    """Apply `fields`, check every rule (the kind's own `check`, then the intervention's
    strategy and the model's own), and save only if all hold."""
    _apply(record, fields, allowed)
    errors = check(record)
    _check_intervention(errors, record)
    if errors:
        raise ValidationError(errors)
    record.full_clean(exclude=["strategy", "created_by", "intervention"])
    record.save()
    return record


# --- Staff roles ------------------------------------------------------------------


def _check_staff_role(role: StaffRole) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not role.title:
        errors["title"] = ["Enter the role."]
    fte = _decimal(role.fte)
    if fte is None:
        errors["fte"] = ["Enter the FTE as a number, for example 0.5."]
    elif fte <= 0:
        errors["fte"] = ["The FTE must be more than 0: for example 0.5 for half-time."]
    elif fte > FTE_MAX:
        errors["fte"] = [f"The FTE must be at most {FTE_MAX}: give the role's total time in full-time equivalents."]
    elif fte != fte.quantize(Decimal("0.01")):
        errors["fte"] = ["Give the FTE with at most 2 decimal places, for example 0.75."]
    else:
        role.fte = fte
    if not isinstance(role.start_date, datetime.date):
        errors["start_date"] = ["Enter the start date."]
    elif role.end_date is not None:
        if not isinstance(role.end_date, datetime.date):
            errors["end_date"] = ["Enter the end date as a date, or leave it empty."]
        elif role.end_date <= role.start_date:
            errors["end_date"] = ["The end date must be after the start date."]
    return errors


@transaction.atomic
def staff_role_create(*, by, strategy, **fields) -> StaffRole:
    return _save(StaffRole(strategy=strategy, created_by=by), fields, STAFF_FIELDS, _check_staff_role)


@transaction.atomic
def staff_role_update(*, by, role: StaffRole, **fields) -> StaffRole:
    return _save(role, fields, STAFF_FIELDS, _check_staff_role)


@transaction.atomic
def staff_role_delete(*, by, role: StaffRole) -> None:
    audit.record_deletion(by=by, instance=role)
    role.delete()


# --- Facilities -------------------------------------------------------------------


def _check_facility(facility: Facility) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not facility.name:
        errors["name"] = ["Enter the facility's name."]
    return errors


@transaction.atomic
def facility_create(*, by, strategy, **fields) -> Facility:
    return _save(Facility(strategy=strategy, created_by=by), fields, FACILITY_FIELDS, _check_facility)


@transaction.atomic
def facility_update(*, by, facility: Facility, **fields) -> Facility:
    return _save(facility, fields, FACILITY_FIELDS, _check_facility)


@transaction.atomic
def facility_delete(*, by, facility: Facility) -> None:
    audit.record_deletion(by=by, instance=facility)
    facility.delete()


# --- Budget lines -----------------------------------------------------------------


def _check_budget_line(line: BudgetLine) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not line.description:
        errors["description"] = ["Enter what the money is for."]
    if line.category not in BudgetCategory.values:
        errors["category"] = ["Choose the category: staff, facilities, training or other."]
    year = line.financial_year
    if isinstance(year, bool) or not isinstance(year, int) or not years.FIRST <= year <= years.LAST:
        errors["financial_year"] = [
            f"Choose a financial year from {years.label(years.FIRST)} to {years.label(years.LAST)}."
        ]
    amount = _decimal(line.amount)
    if amount is None:
        errors["amount"] = ["Enter the amount in pounds, for example 12500."]
    elif amount < 0:
        errors["amount"] = ["The amount cannot be negative. Enter what is budgeted, in pounds."]
    elif amount > AMOUNT_MAX:
        errors["amount"] = ["The amount must be less than £10,000,000,000."]
    elif amount != amount.quantize(Decimal("0.01")):
        errors["amount"] = ["Enter the amount in pounds and pence, with at most 2 decimal places."]
    else:
        line.amount = amount
    return errors


@transaction.atomic
def budget_line_create(*, by, strategy, **fields) -> BudgetLine:
    return _save(BudgetLine(strategy=strategy, created_by=by), fields, BUDGET_FIELDS, _check_budget_line)


@transaction.atomic
def budget_line_update(*, by, line: BudgetLine, **fields) -> BudgetLine:
    return _save(line, fields, BUDGET_FIELDS, _check_budget_line)


@transaction.atomic
def budget_line_delete(*, by, line: BudgetLine) -> None:
    audit.record_deletion(by=by, instance=line)
    line.delete()
