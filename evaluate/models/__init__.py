"""Step 4, Evaluate: one module per area, each re-exported here so Django finds
the models (4A: measures' rebase dates, benchmarking; 4B: feedback; 4C: the review)."""

from evaluate.models.benchmarking import Benchmark, Comparator
from evaluate.models.feedback import (
    PUBLIC_AUDIENCES,
    Audience,
    FeedbackForm,
    FeedbackPage,
    YouSaidWeDid,
    YouSaidWeDidTheme,
)
from evaluate.models.measures import MeasureRebase
from evaluate.models.review import GoalReview, Review, ReviewView

__all__ = [
    "PUBLIC_AUDIENCES",
    "Audience",
    "Benchmark",
    "Comparator",
    "FeedbackForm",
    "FeedbackPage",
    "GoalReview",
    "MeasureRebase",
    "Review",
    "ReviewView",
    "YouSaidWeDid",
    "YouSaidWeDidTheme",
]
