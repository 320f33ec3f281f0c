"""Evaluate 4A writes: rebase dates of a measure's SPC chart, and a measure's series
of values. Keyword-only, `by=` the user, atomic; the role is checked here too."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from amhe.core import access, audit
from amhe.core.access import Action
from amhe.core.models import Measure, MeasureValue
from evaluate.measures import presenters
from evaluate.models import MeasureRebase


def _check_role(by, project) -> None:
    membership = access.membership_for(by, project)
    if membership is None or not access.role_can(membership.role, Action.EVALUATE):
        raise PermissionDenied("Only the project's leads and analysts set where a chart's limits start again.")


@transaction.atomic
def rebase_add(*, by, measure: Measure, on: date, reason: str) -> MeasureRebase:
    """Start the chart's limits again from the first plotted period starting on or after
    `on`. It must leave at least two plotted points before and after it."""
    _check_role(by, measure.project)
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError({"reason": "Enter why the process changed then."})
    measure = Measure.objects.select_for_update().get(pk=measure.pk)
    existing = list(measure.rebases.values_list("date", flat=True))
    if on in existing:
        raise ValidationError({"date": "The limits already start again from this date."})
    series = presenters.series(measure.values.all())
    try:
        presenters.rebase_indexes(series, [*existing, on], strict=True)
    except ValueError as exc:
        raise ValidationError({"date": str(exc)}) from exc
    rebase = MeasureRebase(measure=measure, date=on, reason=reason[:300], created_by=by)
    rebase.full_clean()
    rebase.save()
    return rebase


@transaction.atomic
def rebase_remove(*, by, rebase: MeasureRebase) -> None:
    _check_role(by, rebase.measure.project)
    audit.record_deletion(by=by, instance=rebase)
    MeasureRebase.objects.filter(pk=rebase.pk).delete()


@transaction.atomic
def series_replace(
    *,
    by,
    project,
    name: str,
    description: str,
    unit: str,
    direction: str,
    source: str,
    definition: dict,
    values: list[tuple[date, date, Decimal | None]],
) -> Measure:
    """Create or update the project's measure called `name` with exactly these values
    (period start, period end, value or None for missing). Used by the demo and by
    anyone loading a published time series."""
    _check_role(by, project)
    measure, _ = Measure.objects.update_or_create(
        project=project,
        name=name,
        defaults={
            "description": description,
            "unit": unit,
            "direction": direction,
            "source": source,
            "definition": definition,
        },
    )
    measure.full_clean()
    measure.values.all().delete()
    MeasureValue.objects.bulk_create(
        MeasureValue(measure=measure, period_start=start, period_end=end, value=value, suppressed=False)
        for start, end, value in values
    )
    return measure
