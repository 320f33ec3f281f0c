"""Step 4, Evaluate: one module per area, each re-exported here so Django finds
the models (4A: measures' rebase dates; self-assessment frameworks)."""

from evaluate.models.frameworks import (
    Assessment,
    Framework,
    FrameworkItem,
    FrameworkSection,
    ItemRating,
    RatingLevel,
)
from evaluate.models.measures import MeasureRebase

__all__ = [
    "Assessment",
    "Framework",
    "FrameworkItem",
    "FrameworkSection",
    "ItemRating",
    "MeasureRebase",
    "RatingLevel",
]
