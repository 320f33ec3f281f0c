"""Retention and destruction: how long each kind of data is kept, and the purge.

Each organisation says, in days, how long each kind of data is kept (the
``retain_*_days`` fields of `Organisation`, changed on its settings page). A
*retention kind* knows where that kind of data lives:

- ``expired(organisation, as_of)``: a queryset of what is past its time for that
  organisation at the moment ``as_of`` (what a dry run counts);
- ``purge(organisation, as_of)``: destroy it and say how many went. Files go through
  Django's storage API (never the file system directly), so the purge works the same
  on local disk and on object storage; rows go with the rows of the history tables
  that were about them.

Kinds are registered with `register` from each app's ``retention.py`` (found by
amhe.core's autodiscovery, as ``jobs.py`` is), so the core knows no step app. The
change history (django-simple-history's ``Historical*`` tables) is the core's own
kind, below. The audit log (core.AuditEvent) is one more registration::

    register(RetentionKind(
        key="audit", label="Audit log entries", setting="retain_audit_days",
        expired=lambda organisation, as_of: AuditEvent.objects.filter(
            organisation=organisation, at__lt=cutoff(organisation, "retain_audit_days", as_of)),
        purge=lambda organisation, as_of: audit.purge_before(
            cutoff=cutoff(organisation, "retain_audit_days", as_of), organisation=organisation),
    ))

Every run, real or dry, is kept as a `PurgeRun` with its counts (numbers only). The
purge is idempotent: what was destroyed is not found again, so a second run (or a
job started again after its worker died) removes nothing more and fails on nothing.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import models, transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from simple_history.models import registered_models
from simple_history.utils import get_history_model_for_model

from amhe.core import audit, files, ownership
from amhe.core.models import AuditEvent, Organisation, PurgeRun

PURGE_JOB = "core.retention_purge"


@dataclass(frozen=True)
class RetentionKind:
    key: str  # stable: PurgeRun.counts is keyed by it
    label: str  # plain English, for the settings page and the dry-run report
    setting: str  # the Organisation field with its days
    expired: Callable[[Organisation, datetime.datetime], models.QuerySet]
    purge: Callable[[Organisation, datetime.datetime], int]
    # The count of a dry run, if counting the queryset is not the right number.
    count: Callable[[Organisation, datetime.datetime], int] | None = None

    def count_expired(self, organisation, as_of) -> int:
        if self.count is not None:
            return self.count(organisation, as_of)
        return self.expired(organisation, as_of).count()


_KINDS: dict[str, RetentionKind] = {}


def register(kind: RetentionKind) -> RetentionKind:
    if kind.key in _KINDS and _KINDS[kind.key] != kind:
        raise ValueError(f"Retention kind {kind.key!r} is registered twice")
    Organisation._meta.get_field(kind.setting)  # fail now for a setting that does not exist
    _KINDS[kind.key] = kind
    return kind


def kinds() -> list[RetentionKind]:
    """Registered kinds in the order of the settings page (the Organisation fields' order)."""
    order = [field.name for field in Organisation._meta.get_fields()]
    return sorted(_KINDS.values(), key=lambda kind: (order.index(kind.setting), kind.key))


def cutoff(organisation, setting: str, as_of: datetime.datetime) -> datetime.datetime:
    """What is older than this is past its time."""
    return as_of - datetime.timedelta(days=getattr(organisation, setting))


# --- Helpers for kinds: files through storage, rows with their history ----------


def storage_name(value) -> str:
    """The storage name of a file, from a FieldFile or from a path kept as text (an
    absolute path under MEDIA_ROOT, as older uploads kept them, or a storage name)."""
    if isinstance(value, FieldFile):
        return value.name or ""
    value = str(value or "")
    if not value:
        return ""
    path = Path(value)
    if path.is_absolute():
        try:
            return path.relative_to(Path(settings.MEDIA_ROOT)).as_posix()
        except ValueError:
            return ""  # not in storage: never touched by the purge
    return value


def delete_file(value) -> None:
    """Delete a file through Django's storage API (amhe.core.files.delete, with the
    field's own storage for a FieldFile); a file already gone is fine."""
    if isinstance(value, FieldFile):
        files.delete([value.name or ""], storage=value.storage)
    else:
        files.delete([storage_name(value)])


def delete_with_history(queryset) -> int:
    """Delete the rows (Django's cascade included) and then every row of the history
    table about them, including the "deleted" row that deleting them just wrote.
    Returns how many rows of the queryset's own model went."""
    model = queryset.model
    ids = list(queryset.values_list("pk", flat=True))
    if not ids:
        return 0
    _, by_model = model.objects.filter(pk__in=ids).delete()
    history = _history_model(model)
    if history is not None:
        history.objects.filter(**{f"{model._meta.pk.attname}__in": ids}).delete()
    return by_model.get(model._meta.label, 0)


def _history_model(model):
    if model._meta.db_table not in registered_models:
        return None
    return get_history_model_for_model(model)


# --- The change history: the core's own kind ------------------------------------


def history_models() -> list[tuple[type[models.Model], type[models.Model], str]]:
    """[(model, its history model, lookup from a history row to its Organisation)] for
    every model that keeps a history and can be traced to one organisation."""
    found = []
    for model in apps.get_models():
        if model._meta.db_table not in registered_models or model._meta.proxy:
            continue
        path = ownership.organisation_lookup(model)
        if path is not None:
            found.append((model, get_history_model_for_model(model), path))
    return sorted(found, key=lambda item: item[0]._meta.label)


def _expired_history(organisation, as_of) -> list[models.QuerySet]:
    before = cutoff(organisation, "retain_history_days", as_of)
    return [
        history.objects.filter(**{path: organisation.pk, "history_date__lt": before})
        for _, history, path in history_models()
    ]


def _history_count(organisation, as_of) -> int:
    return sum(queryset.count() for queryset in _expired_history(organisation, as_of))


def _history_purge(organisation, as_of) -> int:
    return _delete_history_rows(_expired_history(organisation, as_of))


# History rows of records whose project (or organisation) has been deleted belong to no
# organisation any more. They go after the longest period any organisation keeps its
# history for (the default if there is none), so none is kept for ever and none goes
# sooner than its organisation would have let it. They are counted under "none".
UNOWNED = "none"


def _unowned_history(as_of) -> list[models.QuerySet]:
    longest = Organisation.objects.aggregate(longest=models.Max("retain_history_days"))["longest"]
    days = longest or Organisation._meta.get_field("retain_history_days").default
    before = as_of - datetime.timedelta(days=days)
    return [
        history.objects.filter(**{f"{path}__isnull": True, "history_date__lt": before})
        for _, history, path in history_models()
    ]


def _delete_history_rows(querysets) -> int:
    removed = 0
    for queryset in querysets:
        ids = list(queryset.values_list("pk", flat=True))
        if ids:
            # The history model's own delete: its many-to-many history rows go with it.
            _, by_model = queryset.model.objects.filter(pk__in=ids).delete()
            removed += by_model.get(queryset.model._meta.label, 0)
    return removed


def _history_first(organisation, as_of):
    querysets = _expired_history(organisation, as_of)
    return querysets[0] if querysets else Organisation.objects.none()


register(
    RetentionKind(
        key="history",
        label="Change history entries",
        setting="retain_history_days",
        expired=_history_first,
        count=_history_count,
        purge=_history_purge,
    )
)


# The audit log: entries older than the organisation's period go through the log's one
# way out (amhe.core.audit.purge_before, which records the purge in the log itself).
register(
    RetentionKind(
        key="audit",
        label="Audit log entries",
        setting="retain_audit_days",
        expired=lambda organisation, as_of: AuditEvent.objects.filter(
            organisation=organisation, at__lt=cutoff(organisation, "retain_audit_days", as_of)
        ),
        purge=lambda organisation, as_of: audit.purge_before(
            cutoff=cutoff(organisation, "retain_audit_days", as_of), organisation=organisation
        ),
    )
)


# --- Dry run and purge ---------------------------------------------------------


def _organisations(organisation=None):
    if organisation is not None:
        return [organisation]
    return list(Organisation.objects.order_by("pk"))


def expired_counts(*, organisation=None, as_of=None) -> dict[str, dict[str, int]]:
    """{kind key: {organisation id: count}} of what a purge at `as_of` would destroy
    (organisations with none of a kind are left out); changes nothing."""
    as_of = as_of or timezone.now()
    counts: dict[str, dict[str, int]] = {kind.key: {} for kind in kinds()}
    for org in _organisations(organisation):
        for kind in kinds():
            count = kind.count_expired(org, as_of)
            if count:
                counts[kind.key][str(org.pk)] = count
    if organisation is None:
        unowned = sum(queryset.count() for queryset in _unowned_history(as_of))
        if unowned:
            counts["history"][UNOWNED] = unowned
    return counts


def dry_run(*, by=None, organisation=None, trigger=PurgeRun.Trigger.COMMAND, as_of=None) -> PurgeRun:
    """Count what would go, keep the counts as a dry-run PurgeRun, and destroy nothing."""
    as_of = as_of or timezone.now()
    counts = expired_counts(organisation=organisation, as_of=as_of)
    return PurgeRun.objects.create(
        as_of=as_of,
        dry_run=True,
        trigger=trigger,
        organisation=organisation,
        by=by,
        counts=counts,
        finished_at=timezone.now(),
    )


def purge(*, by=None, organisation=None, trigger=PurgeRun.Trigger.COMMAND, as_of=None, job=None, progress=None):
    """Destroy everything past its time at `as_of`, organisation by organisation and
    kind by kind (each in its own transaction, so one that fails leaves the others
    done), and keep the counts as a PurgeRun (the same one for the same job, so a job
    started again adds to its own record rather than making a second)."""
    as_of = as_of or timezone.now()
    if job is not None:
        run, _ = PurgeRun.objects.get_or_create(
            job=job, defaults={"as_of": as_of, "trigger": trigger, "organisation": organisation, "by": by}
        )
        as_of = run.as_of
    else:
        run = PurgeRun.objects.create(as_of=as_of, trigger=trigger, organisation=organisation, by=by)
    counts = {key: {org: int(n) for org, n in by_org.items()} for key, by_org in (run.counts or {}).items()}
    organisations = _organisations(organisation)
    for number, org in enumerate(organisations):
        if progress is not None:
            progress(min(99, 5 + 90 * number // max(1, len(organisations))), "Purging")
        for kind in kinds():
            with transaction.atomic():
                removed = kind.purge(org, as_of)
            by_org = counts.setdefault(kind.key, {})
            if removed:
                by_org[str(org.pk)] = by_org.get(str(org.pk), 0) + removed
                PurgeRun.objects.filter(pk=run.pk).update(counts=counts)
    if organisation is None:
        with transaction.atomic():
            removed = _delete_history_rows(_unowned_history(as_of))
        if removed:
            by_org = counts.setdefault("history", {})
            by_org[UNOWNED] = by_org.get(UNOWNED, 0) + removed
    run.counts = counts
    run.finished_at = timezone.now()
    run.save(update_fields=["counts", "finished_at"])
    return run


def report_rows(counts: dict[str, dict[str, int]]) -> list[dict]:
    """Rows for showing a run's counts: one per kind and organisation, labelled."""
    labels = {kind.key: kind.label for kind in kinds()}
    names = dict(Organisation.objects.values_list("pk", "name"))
    rows = []
    for key, by_org in counts.items():
        for org_id, count in sorted(by_org.items(), key=lambda item: (item[0] == UNOWNED, item[0].zfill(12))):
            known = org_id != UNOWNED
            rows.append(
                {
                    "kind": key,
                    "label": labels.get(key, key),
                    "organisation_id": int(org_id) if known else UNOWNED,
                    "organisation": names.get(int(org_id), f"Organisation {org_id}") if known else "No organisation",
                    "count": count,
                }
            )
    return rows
