"""Step 4, Evaluate: one module per area, each re-exported here so Django finds
the models (4A: measures' rebase dates, PREMs and PROMs, benchmarking, self-assessment
frameworks; 4B: feedback; 4C: the review)."""

from evaluate.models.benchmarking import Benchmark, Comparator
from evaluate.models.feedback import (
    PUBLIC_AUDIENCES,
    Audience,
    FeedbackForm,
    FeedbackPage,
    YouSaidWeDid,
    YouSaidWeDidTheme,
)
from evaluate.models.frameworks import (
    Assessment,
    Framework,
    FrameworkItem,
    FrameworkSection,
    ItemRating,
    RatingLevel,
)
from evaluate.models.instruments import Instrument, InstrumentUpload, InstrumentUploadPeriod, SurveyInstrument
from evaluate.models.measures import MeasureRebase
from evaluate.models.review import GoalReview, Review, ReviewView

__all__ = [
    "PUBLIC_AUDIENCES",
    "Assessment",
    "Audience",
    "Benchmark",
    "Comparator",
    "FeedbackForm",
    "FeedbackPage",
    "Framework",
    "FrameworkItem",
    "FrameworkSection",
    "GoalReview",
    "Instrument",
    "InstrumentUpload",
    "InstrumentUploadPeriod",
    "ItemRating",
    "MeasureRebase",
    "RatingLevel",
    "Review",
    "ReviewView",
    "SurveyInstrument",
    "YouSaidWeDid",
    "YouSaidWeDidTheme",
]
