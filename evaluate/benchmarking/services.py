"""Evaluate 4A benchmarking writes. Keyword-only, `by=` the user, atomic; the role
(Action.EVALUATE: leads and analysts) is checked here too. A file of comparators
is saved whole or not at all."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F

from amhe.core import access, audit
from amhe.core.access import Action
from amhe.core.models import Measure
from evaluate.benchmarking import importing, references
from evaluate.models import Benchmark, Comparator


def _check_role(by, project) -> None:
    membership = access.membership_for(by, project)
    if membership is None or not access.role_can(membership.role, Action.EVALUATE):
        raise PermissionDenied("Only the project's leads and analysts change benchmarking.")


def _clean_text(text) -> str:
    return " ".join((text or "").split())


def _check_figure(kind: str, numerator, denominator, field: str) -> None:
    if numerator is None and denominator is None:
        return
    if numerator is None or denominator is None:
        raise ValidationError({field: "Enter both the count and the denominator, or neither."})
    if numerator < 0 or denominator < 0:
        raise ValidationError({field: "Counts cannot be negative."})
    if denominator == 0:
        raise ValidationError({field: "The denominator must be more than 0."})
    if kind == Benchmark.Kind.PROPORTION and numerator > denominator:
        raise ValidationError({field: "The count cannot be larger than the denominator for a proportion."})


@transaction.atomic
def benchmark_save(
    *,
    by,
    project,
    benchmark: Benchmark | None = None,
    title: str,
    kind: str,
    polarity: str,
    period: str = "",
    reference: str = "",
    england_value: Decimal | None = None,
    england_source: str = "",
    own_name: str,
    measure: Measure | None = None,
    own_numerator: int | None = None,
    own_denominator: int | None = None,
) -> Benchmark:
    """Create or change a benchmark. With a bundled `reference`, its kind, period and
    England figure (and source) replace whatever was given for them."""
    _check_role(by, project)
    if benchmark is not None and benchmark.project_id != project.pk:
        raise PermissionDenied("That benchmark is not this project's.")
    if measure is not None and measure.project_id != project.pk:
        raise ValidationError({"measure": "Choose one of this project's measures."})
    chosen = references.get(reference)
    if reference and chosen is None:
        raise ValidationError({"reference": "Choose a reference from the list."})
    england_numerator = england_denominator = None
    if chosen:
        kind, period, england_value = chosen.kind, chosen.period, chosen.england_value
        england_numerator, england_denominator = chosen.england_numerator, chosen.england_denominator
        england_source = chosen.source
    if kind not in Benchmark.Kind.values:
        raise ValidationError({"kind": "Select the kind of figure."})
    if england_value is None:
        raise ValidationError({"england_value": "Enter England's figure, or choose a bundled reference."})
    if england_value < 0 or (kind == Benchmark.Kind.PROPORTION and england_value > 100):
        raise ValidationError({"england_value": "Enter a percentage from 0 to 100, or a rate of 0 or more."})
    if measure is None:
        _check_figure(kind, own_numerator, own_denominator, "own_numerator")
    else:
        own_numerator = own_denominator = None
    record = benchmark or Benchmark(project=project, created_by=by)
    record.title = _clean_text(title)[:200]
    record.kind = kind
    record.polarity = polarity
    record.period = _clean_text(period)[:40]
    record.reference = chosen.key if chosen else ""
    record.england_value = england_value
    record.england_numerator = england_numerator
    record.england_denominator = england_denominator
    record.england_source = _clean_text(england_source)[:300]
    record.own_name = _clean_text(own_name)[:120]
    record.measure = measure
    record.own_numerator = own_numerator
    record.own_denominator = own_denominator
    if Benchmark.objects.filter(project=project, title=record.title).exclude(pk=record.pk).exists():
        raise ValidationError({"title": "The project already has a benchmark with this title."})
    record.full_clean()
    record.save()
    if benchmark is not None and kind == Benchmark.Kind.PROPORTION:
        bad = record.comparators.filter(numerator__gt=F("denominator"))
        if bad.exists():
            raise ValidationError(
                {"kind": "Some comparators have a count larger than their denominator, so this cannot be a proportion."}
            )
    return record


@transaction.atomic
def benchmark_delete(*, by, benchmark: Benchmark) -> None:
    _check_role(by, benchmark.project)
    audit.record_deletion(by=by, instance=benchmark)
    Benchmark.objects.filter(pk=benchmark.pk).delete()


def _upsert(benchmark: Benchmark, rows, origin: str) -> int:
    saved = 0
    for row in rows:
        comparator, _ = Comparator.objects.update_or_create(
            benchmark=benchmark,
            name=row.name,
            period=row.period,
            defaults={"numerator": row.numerator, "denominator": row.denominator, "origin": origin},
        )
        comparator.full_clean()
        saved += 1
    return saved


@transaction.atomic
def comparator_add(
    *, by, benchmark: Benchmark, name: str, numerator: int, denominator: int, period: str = ""
) -> Comparator:
    """Add a comparator, or change the one of the same name and period."""
    _check_role(by, benchmark.project)
    name, period = _clean_text(name)[:120], _clean_text(period)[:40]
    if not name:
        raise ValidationError({"name": "Enter the area or provider's name."})
    _check_figure(benchmark.kind, numerator, denominator, "numerator")
    if numerator is None:
        raise ValidationError({"numerator": "Enter the count and the denominator."})
    _upsert(benchmark, [importing.Row(name, numerator, denominator, period)], Comparator.Origin.ENTERED)
    return Comparator.objects.get(benchmark=benchmark, name=name, period=period)


@transaction.atomic
def comparators_upload(*, by, benchmark: Benchmark, data: bytes) -> int:
    """Read a CSV of comparators (see importing) and save every row, or none: any
    problem raises ValidationError with a sentence per problem."""
    _check_role(by, benchmark.project)
    try:
        rows = importing.read(data, proportion=benchmark.kind == Benchmark.Kind.PROPORTION)
    except importing.CsvProblem as exc:
        raise ValidationError({"file": exc.messages}) from exc
    saved = _upsert(benchmark, rows, Comparator.Origin.UPLOADED)
    audit.record(
        action=audit.UPLOAD,
        user=by,
        project=benchmark.project,
        object_kind="benchmark",
        object_id=benchmark.pk,
        detail=f"comparators CSV, {saved} rows",
    )
    return saved


@transaction.atomic
def comparators_from_reference(*, by, benchmark: Benchmark, codes: list[str] | None = None) -> int:
    """Add the peer areas published with the benchmark's bundled reference (all of
    them, or those whose code is in `codes`)."""
    _check_role(by, benchmark.project)
    chosen = references.get(benchmark.reference)
    if chosen is None or not chosen.peers:
        raise ValidationError("This benchmark's reference has no peer areas to add.")
    peers = [p for p in chosen.peers if codes is None or p.code in codes]
    if not peers:
        raise ValidationError({"codes": "Choose at least one area."})
    rows = [importing.Row(p.name, p.numerator, p.denominator, chosen.period) for p in peers]
    return _upsert(benchmark, rows, Comparator.Origin.BUNDLED)


@transaction.atomic
def comparator_delete(*, by, comparator: Comparator) -> None:
    _check_role(by, comparator.benchmark.project)
    audit.record_deletion(by=by, instance=comparator)
    Comparator.objects.filter(pk=comparator.pk).delete()
