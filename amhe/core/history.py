"""Audit history in plain words.

Models keep their history with django-simple-history (`history = HistoricalRecords()`;
the request's user is recorded by its middleware). This module turns those records,
of any model, into entries a governance lead can read: "12 March 2027, 14:05 — Asha
Patel changed the likelihood from 3 to 4 and the next review from 1 April 2027 to
1 May 2027". Fields are named by their verbose names, choices by their labels,
linked records by their names (a deleted one by its last recorded name), and an
empty value is said as "nothing". Nothing here knows a step: a step describes its
kinds of record with `Kind` and asks `page_of` / `present` for the entries.

The first half (`say`, `join_words`, `changes`, `Change`, `Entry`) is pure; the rest
reads the database, a fixed number of queries per kind of record on a page.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from django.core.paginator import Paginator
from django.db import models
from django.db.models import CharField, Q, Value
from django.utils import timezone
from simple_history.models import HistoricalRecords

NOTHING = "nothing"
NOBODY = "Someone (name not recorded)"
CREATED, CHANGED, DELETED = "+", "~", "-"
# A record's first known state, where what came before was not kept (records from
# before the history began, saved as they stood by the migration that began it).
BEGINS = "="
BASELINE_REASON = "As it stood when the history began"


# --- Pure: values, changes and entries in words ----------------------------------


def join_words(parts: Iterable[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    parts = [part for part in parts if part]
    if len(parts) < 2:
        return "".join(parts)
    return f"{', '.join(parts[:-1])} and {parts[-1]}"


def short(text: str, limit: int = 80) -> str:
    """`text` cut at a word to at most `limit` characters, with "…" if cut."""
    text = " ".join(str(text).split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0] or text[: limit - 1]
    return f"{cut.rstrip(' ,;:')}…"


def say_date(value: dt.date) -> str:
    return f"{value.day} {value:%B %Y}"


def say_when(value: dt.datetime) -> str:
    """A moment in local time: '12 March 2027, 14:05'."""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return f"{say_date(value)}, {value:%H:%M}"


def say_decimal(value: Decimal) -> str:
    if not value.is_finite():
        return str(value)
    text = f"{value.normalize():,f}"
    return "0" if text in ("-0", "0") else text


def say(value: Any, *, choices: Mapping | None = None) -> str:
    """One value in words. Empty (None, blank text, an empty list) is "nothing"; a
    choice is its label; text is quoted; dates are written out."""
    if value is None or value == "" or (isinstance(value, list | tuple | set | frozenset | dict) and not value):
        return NOTHING
    if choices and not isinstance(value, list | tuple | set | frozenset | dict):
        try:
            if value in choices:
                return str(choices[value])
        except TypeError:  # an unhashable value is not a choice
            pass
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.datetime):
        return say_when(value)
    if isinstance(value, dt.date):
        return say_date(value)
    if isinstance(value, Decimal):
        return say_decimal(value)
    if isinstance(value, float):
        return say_decimal(Decimal(repr(value)))
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, list | tuple | set | frozenset):
        items = [say(item, choices=choices) for item in value]
        return join_words(sorted(items) if isinstance(value, set | frozenset) else items)
    if isinstance(value, dict):
        return "; ".join(f"{key}: {say(item)}" for key, item in value.items())
    text = str(value).strip()
    return f"“{text}”" if text else NOTHING


@dataclass(frozen=True)
class Spec:
    """How to say one field: its label (the verbose name), and how its values read.
    `link` is the model a foreign key or many-to-many field points to."""

    name: str
    label: str
    choices: Mapping | None = None
    link: type[models.Model] | None = None
    many: bool = False
    format: Callable[[Any], str] | None = None


@dataclass(frozen=True)
class Change:
    label: str
    old: str
    new: str

    def __str__(self) -> str:
        return f"the {self.label} from {self.old} to {self.new}"

    @property
    def as_set(self) -> str:
        return f"the {self.label} set to {self.new}"

    @property
    def as_was(self) -> str:
        return f"the {self.label} was {self.new}"


def _say_field(spec: Spec, value: Any, names: Mapping) -> str:
    if spec.format is not None:
        return spec.format(value) if value not in (None, "", [], ()) else NOTHING
    if spec.link is not None:
        if spec.many:
            return join_words(sorted(names.get((spec.link, pk), f"no. {pk}") for pk in value)) or NOTHING
        return NOTHING if value is None else names.get((spec.link, value), f"no. {value}")
    return say(value, choices=spec.choices)


def changes(specs: Iterable[Spec], old: Mapping | None, new: Mapping, names: Mapping | None = None) -> list[Change]:
    """What differs between two snapshots of a record (field name -> stored value;
    a list of ids for a many-to-many field), in the order of `specs`. With `old`
    None (the record was created), every field that is not empty. `names` gives the
    name of each linked record: {(model, pk): name}."""
    names = names or {}
    found = []
    for spec in specs:
        before = None if old is None else old.get(spec.name)
        after = new.get(spec.name)
        if spec.many:
            before, after = sorted(before or []), sorted(after or [])
        if old is not None and before == after:
            continue
        said_after = _say_field(spec, after, names)
        if old is None and said_after == NOTHING:
            continue
        said_before = _say_field(spec, before, names)
        if said_before != said_after or old is None:
            found.append(Change(spec.label, said_before, said_after))
    return found


@dataclass(frozen=True)
class Entry:
    """One change to one record, in words."""

    when: dt.datetime
    who: str
    type: str  # CREATED, CHANGED or DELETED
    kind: str  # the kind of record, e.g. "risk"
    item: str  # e.g. 'the risk “Staff leave”'
    changes: tuple[Change, ...] = ()
    url: str | None = None
    reason: str = ""  # why, where the change was recorded with a reason

    @property
    def when_said(self) -> str:
        return say_when(self.when)

    @property
    def verb(self) -> str:
        return {CREATED: "added", DELETED: "deleted"}.get(self.type, "changed")

    @property
    def opening(self) -> str:
        """The words before the item's name ('Asha Patel changed ')."""
        return "The history of " if self.type == BEGINS else f"{self.who} {self.verb} "

    @property
    def closing(self) -> str:
        """The words after the item's name."""
        return " begins here, as it stood" if self.type == BEGINS else ""

    @property
    def headline(self) -> str:
        """'Asha Patel changed the risk “Staff leave”'."""
        return f"{self.opening}{self.item}{self.closing}"

    @property
    def details(self) -> list[str]:
        if self.type == CREATED:
            return [change.as_set for change in self.changes]
        if self.type == BEGINS:
            return [change.as_was for change in self.changes]
        if self.type == CHANGED:
            return [str(change) for change in self.changes]
        return []

    @property
    def what(self) -> str:
        """What happened, without the date: 'Asha Patel changed the likelihood from 3 to 4'."""
        if self.type == CHANGED:
            if not self.changes:
                return f"{self.headline} without changing anything"
            return f"{self.who} changed {join_words(self.details)}"
        if self.type in (CREATED, BEGINS) and self.changes:
            return (
                f"{self.headline}: {join_words(self.details)}"
                if self.type == BEGINS
                else (f"{self.headline}, with {join_words(self.details)}")
            )
        return self.headline

    @property
    def sentence(self) -> str:
        return f"{self.when_said} — {self.what}"


# --- Describing kinds of record --------------------------------------------------


def default_name(instance) -> str:
    return f"the {instance._meta.verbose_name} {say(str(instance))}"


@dataclass(frozen=True)
class Kind:
    """A kind of record whose history is shown. `name` says a (historical) instance,
    e.g. 'the risk “Staff leave”'; `url` gives its page if it still exists; `hidden`
    fields are never said (ids and times saved are hidden anyway); `labels` name
    fields whose verbose names do not read well after "the"; `formats` say a field's values in a way of their own; with
    `show_created` False, adding such a record is not an entry of its own (rows made
    with their parent, e.g. the blank rows of a new form)."""

    key: str
    model: type[models.Model]
    name: Callable[[Any], str] = default_name
    url: Callable[[Any], str | None] | None = None
    hidden: frozenset[str] = frozenset()
    formats: Mapping[str, Callable[[Any], str]] = field(default_factory=dict)
    show_created: bool = True
    # Words for a field where its verbose name does not read well after "the".
    labels: Mapping[str, str] = field(default_factory=dict)

    @property
    def history_model(self):
        return self.model.history.model

    def specs(self) -> list[Spec]:
        history = self.history_model
        tracked = {f.name for f in history.tracked_fields} if hasattr(history, "tracked_fields") else set()
        specs = []
        for model_field in self.model._meta.get_fields():
            if not getattr(model_field, "concrete", False) or model_field.auto_created:
                continue
            if model_field.primary_key or model_field.name in self.hidden or not model_field.editable:
                continue
            if getattr(model_field, "auto_now", False) or getattr(model_field, "auto_now_add", False):
                continue
            many = model_field.many_to_many
            if many and model_field.name not in {f.name for f in history._history_m2m_fields}:
                continue
            if not many and tracked and model_field.name not in tracked:
                continue
            link = model_field.related_model if model_field.is_relation else None
            specs.append(
                Spec(
                    name=model_field.name,
                    label=self.labels.get(model_field.name, str(model_field.verbose_name)),
                    choices=dict(model_field.flatchoices) if model_field.choices else None,
                    link=link,
                    many=many,
                    format=self.formats.get(model_field.name),
                )
            )
        return specs


def _value(record, spec: Spec):
    if spec.link is not None and not spec.many:
        return getattr(record, record._meta.get_field(spec.name).attname)
    return getattr(record, spec.name)


# --- Reading records -------------------------------------------------------------


def _names(wanted: Mapping[type[models.Model], set]) -> dict:
    """{(model, pk): name} for linked records, live or deleted (said by the name they
    last had, if their model keeps history)."""
    names = {}
    for model, pks in wanted.items():
        pks = {pk for pk in pks if pk is not None}
        if not pks:
            continue
        for pk, obj in model._default_manager.in_bulk(pks).items():
            names[(model, pk)] = say(str(obj)) if not _is_user(model) else str(obj)
        missing = pks - {pk for (m, pk) in names if m is model}
        if missing and hasattr(model, "history") and hasattr(model.history, "model"):
            latest = model.history.filter(id__in=missing).order_by("id", "-history_date", "-history_id")
            for record in latest:
                names.setdefault((model, record.id), f"{say(str(record.instance))} (since deleted)")
        for pk in missing:
            if _is_user(model):
                names.setdefault((model, pk), "a removed account")
            else:
                names.setdefault((model, pk), f"a deleted {model._meta.verbose_name}")
    return names


def _is_user(model) -> bool:
    from django.contrib.auth import get_user_model

    return model is get_user_model()


def _m2m_ids(records, specs: list[Spec]) -> dict:
    """{(history_id, field name): [ids]} for the many-to-many fields of `records`."""
    found = defaultdict(list)
    if not records:
        return found
    history_model = type(records[0])
    for spec in specs:
        if not spec.many:
            continue
        m2m_field = history_model.instance_type._meta.get_field(spec.name)
        m2m_model = HistoricalRecords.m2m_models[m2m_field]
        target = m2m_field.m2m_reverse_field_name()
        rows = m2m_model.objects.filter(history__in=[r.history_id for r in records]).values_list(
            "history_id", f"{target}_id"
        )
        for history_id, pk in rows:
            found[(history_id, spec.name)].append(pk)
    return found


def _previous(history_model, records) -> dict:
    """{history_id: the record before it of the same object} (None if first)."""
    ids = {record.id for record in records}
    every = history_model.objects.filter(id__in=ids).order_by("id", "history_date", "history_id")
    before, last = {}, {}
    wanted = {record.history_id for record in records}
    for record in every:
        if record.history_id in wanted:
            before[record.history_id] = last.get(record.id)
        last[record.id] = record
    return before


def present(records: Iterable, kinds: Iterable[Kind]) -> list[Entry]:
    """Entries for historical records (of any of `kinds`), in the order given."""
    records = list(records)
    by_model = {kind.history_model: kind for kind in kinds}
    groups = defaultdict(list)
    for record in records:
        groups[type(record)].append(record)
    prepared = {}
    wanted = defaultdict(set)
    for history_model, group in groups.items():
        kind = by_model[history_model]
        specs = kind.specs()
        previous = _previous(history_model, group)
        snapshots = list(group) + [p for p in previous.values() if p is not None]
        m2m = _m2m_ids(snapshots, specs)

        def snapshot(record, specs=specs, m2m=m2m):
            return {
                spec.name: (m2m.get((record.history_id, spec.name), []) if spec.many else _value(record, spec))
                for spec in specs
            }

        for record in snapshots:
            for spec in specs:
                if spec.link is None or spec.format is not None:
                    continue
                value = snapshot(record)[spec.name]
                wanted[spec.link].update(value if spec.many else [value])
        live = set(kind.model._default_manager.filter(pk__in={r.id for r in group}).values_list("pk", flat=True))
        prepared[history_model] = (kind, specs, previous, snapshot, live)
    names = _names(wanted)
    entries = []
    for record in records:
        kind, specs, previous, snapshot, live = prepared[type(record)]
        before = previous.get(record.history_id)
        instance = record.instance
        if record.history_type == DELETED:
            found = []
        elif record.history_type == CREATED or before is None:
            found = changes(specs, None, snapshot(record), names)
        else:
            found = changes(specs, snapshot(before), snapshot(record), names)
        url = kind.url(instance) if kind.url and record.id in live else None
        entries.append(
            Entry(
                when=record.history_date,
                who=str(record.history_user) if record.history_user_id and record.history_user else NOBODY,
                type=BEGINS if record.history_type == CHANGED and before is None else record.history_type,
                kind=kind.key,
                item=kind.name(instance),
                changes=tuple(found),
                url=url,
                reason="" if record.history_change_reason == BASELINE_REASON else record.history_change_reason or "",
            )
        )
    return entries


def union_of(sources: Iterable[tuple[Kind, Q]]):
    """One query of (history_date, history_id, kind key) over the records of each kind
    matching its Q, newest first."""
    queries = []
    for kind, where in sources:
        records = kind.history_model.objects.filter(where)
        if not kind.show_created:
            records = records.exclude(history_type=CREATED)
        queries.append(
            records.order_by()
            .annotate(kind_key=Value(kind.key, output_field=CharField()))
            .values_list("history_date", "history_id", "kind_key")
        )
    if not queries:
        return None
    first, *rest = queries
    union = first.union(*rest, all=True) if rest else first
    return union.order_by("-history_date", "-history_id")


def page_of(sources: Iterable[tuple[Kind, Q]], page_number, per_page: int = 50):
    """A page (django.core.paginator.Page) of entries, newest first, of the records of
    each kind matching its Q. `page.entries` holds them."""
    sources = list(sources)
    kinds = {kind.key: kind for kind, _ in sources}
    union = union_of(sources)
    paginator = Paginator(union if union is not None else [], per_page)
    page = paginator.get_page(page_number)
    rows = list(page.object_list)
    fetched = {}
    by_kind = defaultdict(list)
    for _when, history_id, key in rows:
        by_kind[key].append(history_id)
    for key, history_ids in by_kind.items():
        for record in (
            kinds[key].history_model.objects.filter(history_id__in=history_ids).select_related("history_user")
        ):
            fetched[(key, record.history_id)] = record
    records = [fetched[(key, history_id)] for _when, history_id, key in rows if (key, history_id) in fetched]
    page.entries = present(records, kinds.values())
    return page


# --- Writing: one record for a save and its many-to-many links -------------------


def save_with_links(instance: models.Model, set_links: Callable[[], None]) -> None:
    """Save `instance`, then set its many-to-many links (in `set_links`), leaving one
    history record that holds both. Without this each `.set()` adds records of its
    own (one for what it removes, one for what it adds) and the record made by the
    save holds the links as they were before."""
    when = timezone.now()
    instance._history_date = when
    try:
        instance.save()
        instance.skip_history_when_saving = True
        set_links()
    finally:
        del instance._history_date
        if hasattr(instance, "skip_history_when_saving"):
            del instance.skip_history_when_saving
    record = instance.history.filter(history_date=when).order_by("-history_id").first()
    if record is None:
        return
    for m2m_field in record._history_m2m_fields:
        getattr(record, m2m_field.name).all().delete()
    HistoricalRecords().create_historical_record_m2ms(record, instance)


@contextmanager
def recorded_as(user):
    """History records made inside the block name `user` where no request names them
    (work done by a job, by load_demo, or by a test calling services). Inside a
    request the request's user is kept."""
    context = HistoricalRecords.context
    if getattr(context, "request", None) is not None:
        yield
        return
    context.request = SimpleNamespace(user=user)
    try:
        yield
    finally:
        del context.request


def records_by(service):
    """For a service taking `by=` (the user it acts for): the history records it makes
    name that user when no request does (a job, load_demo, a test)."""

    @functools.wraps(service)
    def run(*args, **kwargs):
        with recorded_as(kwargs.get("by")):
            return service(*args, **kwargs)

    return run
