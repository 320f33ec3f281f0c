"""Step 4, Evaluate: one module per area, each re-exported here so Django finds
the models (4A: measures' rebase dates; 4C: the review)."""

from evaluate.models.measures import MeasureRebase
from evaluate.models.review import GoalReview, Review, ReviewView

__all__ = ["GoalReview", "MeasureRebase", "Review", "ReviewView"]
