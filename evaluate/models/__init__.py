"""Step 4, Evaluate: one module per area, each re-exported here so Django finds
the models (4A: measures' rebase dates; benchmarking)."""

from evaluate.models.benchmarking import Benchmark, Comparator
from evaluate.models.measures import MeasureRebase

__all__ = ["Benchmark", "Comparator", "MeasureRebase"]
