"""Evaluate 4A benchmarking reads: the access helpers and what the pages list."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from amhe.core import access
from amhe.core.access import Action
from amhe.core.models import Measure, MeasureValue
from evaluate.models import Benchmark, Comparator


def benchmark_for(user, project_id, benchmark_id, action: Action = Action.VIEW):
    """The project, the membership and the project's benchmark, or 404 outside the project."""
    project, membership = access.get_project_for_user(user, project_id, action)
    benchmark = get_object_or_404(Benchmark.objects.select_related("measure"), pk=benchmark_id, project=project)
    return project, membership, benchmark


def comparator_for(user, project_id, benchmark_id, comparator_id, action: Action = Action.VIEW):
    """A comparator of the project's benchmark, or 404 outside the project or benchmark."""
    project, membership, benchmark = benchmark_for(user, project_id, benchmark_id, action)
    comparator = get_object_or_404(Comparator, pk=comparator_id, benchmark=benchmark)
    return project, membership, benchmark, comparator


def benchmarks(project) -> QuerySet[Benchmark]:
    return Benchmark.objects.filter(project=project).select_related("measure").prefetch_related("comparators")


def comparators(benchmark: Benchmark) -> list[Comparator]:
    return list(benchmark.comparators.order_by("name", "period"))


def measures(project) -> QuerySet[Measure]:
    return Measure.objects.filter(project=project).order_by("name", "pk")


def latest_value(measure: Measure | None) -> MeasureValue | None:
    """The measure's latest value (by the end of its period), or None."""
    if measure is None:
        return None
    return measure.values.order_by("-period_end", "-period_start").first()
