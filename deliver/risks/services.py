"""Deliver 3C writes: the risk register. Keyword-only, `by=` the user, atomic.
Every rule is checked before anything is saved, and each problem says what to fix."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from amhe.core import audit, history
from deliver.models import Risk
from deliver.risks import scoring, selectors
from research.evidence import importing

RISK_FIELDS = (
    "title",
    "description",
    "cause",
    "effect",
    "likelihood",
    "impact",
    "target_likelihood",
    "target_impact",
    "owner",
    "controls",
    "actions",
    "last_reviewed",
    "review_date",
)
TEXT = {"description", "cause", "effect", "controls", "actions"}
RATINGS = {
    "likelihood": "Likelihood",
    "impact": "Impact",
    "target_likelihood": "Target likelihood",
    "target_impact": "Target impact",
}


def _check(risk: Risk, *, review_date_changed: bool) -> None:
    errors: dict[str, list[str]] = {}
    if not risk.title:
        errors["title"] = ["Enter the risk."]
    for name, what in RATINGS.items():
        try:
            scoring.check_rating(getattr(risk, name), what)
        except ValueError as exc:
            errors[name] = [f"{exc}."]
    if not errors.keys() & RATINGS.keys() and risk.target_score > risk.score:
        errors["target_impact"] = [
            f"The target score ({risk.target_score}) cannot be higher than the current score ({risk.score}): "
            "the target is where the controls and actions should bring the risk."
        ]
    today = timezone.localdate()
    last = risk.last_reviewed
    if last is not None and last > today:
        errors["last_reviewed"] = ["The date it was last reviewed must be today or in the past."]
    if not isinstance(risk.review_date, datetime.date):
        errors["review_date"] = ["Enter the next review date."]
    elif last is not None and risk.review_date <= last:
        errors["review_date"] = ["The next review must be after the date it was last reviewed."]
    elif review_date_changed and last is None and risk.review_date < today:
        errors["review_date"] = [
            "The next review must be today or in the future. If a review is already overdue, "
            "give the date it was last reviewed."
        ]
    if risk.owner is None:
        errors["owner"] = ["Choose who owns the risk."]
    elif not selectors.may_own(risk.project, risk.owner):
        errors["owner"] = ["Choose a governance lead or lead of this project as the owner."]
    if errors:
        raise ValidationError(errors)
    risk.full_clean(exclude=["project", "created_by", "owner"])


def _apply(risk: Risk, fields: dict) -> None:
    unknown = set(fields) - set(RISK_FIELDS)
    if unknown:
        raise TypeError(f"Not risk fields: {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        if isinstance(value, str):
            value = importing.clean_text(value, multiline=name in TEXT)
        setattr(risk, name, value)


@history.records_by
@transaction.atomic
def risk_create(*, by, project, **fields) -> Risk:
    risk = Risk(project=project, created_by=by)
    _apply(risk, fields)
    _check(risk, review_date_changed=True)
    risk.save()
    return risk


@history.records_by
@transaction.atomic
def risk_update(*, by, risk: Risk, **fields) -> Risk:
    """Change a risk. A review date already passed may stay (the register shows it is
    overdue); a new one must be today or later unless the last review is given before it."""
    before = risk.review_date
    _apply(risk, fields)
    _check(risk, review_date_changed=risk.review_date != before)
    risk.save()
    return risk


@history.records_by
@transaction.atomic
def risk_delete(*, by, risk: Risk) -> None:
    audit.record_deletion(by=by, instance=risk)
    risk.delete()
