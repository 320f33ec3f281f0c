"""Step 4, Evaluate: one module per area, each re-exported here so Django finds
the models (4A: measures' rebase dates; PREMs and PROMs)."""

from evaluate.models.instruments import Instrument, SurveyInstrument
from evaluate.models.measures import MeasureRebase

__all__ = ["Instrument", "MeasureRebase", "SurveyInstrument"]
