"""Deliver 3C writes: the decision log. Keyword-only, `by=` the user, atomic;
the linked item must be the project's, and a decision is dated today or before."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from amhe.core import audit, history
from deliver.models import Decision
from research.evidence import importing

DECISION_FIELDS = ("decided_on", "decision", "made_by", "rationale", "intervention", "risk")


def _apply(decision: Decision, fields: dict) -> None:
    unknown = set(fields) - set(DECISION_FIELDS)
    if unknown:
        raise TypeError(f"Not decision fields: {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        if isinstance(value, str):
            value = importing.clean_text(value, multiline=name in ("decision", "rationale"))
        setattr(decision, name, value)
    errors: dict[str, list[str]] = {}
    if not decision.decision:
        errors["decision"] = ["Enter the decision."]
    if not decision.made_by:
        errors["made_by"] = ["Enter the group or meeting that made the decision."]
    if not isinstance(decision.decided_on, datetime.date):
        errors["decided_on"] = ["Enter the date of the decision."]
    elif decision.decided_on > timezone.localdate():
        errors["decided_on"] = ["The date of the decision must be today or in the past."]
    if decision.intervention is not None and decision.risk is not None:
        errors["linked"] = ["Link the decision to one item at most."]
    elif decision.intervention is not None and decision.intervention.strategy.project_id != decision.project_id:
        errors["linked"] = ["Choose an intervention of this project's strategy."]
    elif decision.risk is not None and decision.risk.project_id != decision.project_id:
        errors["linked"] = ["Choose a risk of this project's register."]
    if errors:
        raise ValidationError(errors)
    decision.full_clean(exclude=["project", "created_by", "intervention", "risk"])


@history.records_by
@transaction.atomic
def decision_create(*, by, project, **fields) -> Decision:
    decision = Decision(project=project, created_by=by)
    _apply(decision, fields)
    decision.save()
    return decision


@history.records_by
@transaction.atomic
def decision_update(*, by, decision: Decision, **fields) -> Decision:
    _apply(decision, fields)
    decision.save()
    return decision


@history.records_by
@transaction.atomic
def decision_delete(*, by, decision: Decision) -> None:
    audit.record_deletion(by=by, instance=decision)
    decision.delete()
