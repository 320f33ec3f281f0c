"""Step 3, Deliver: one module per area, each re-exported here so Django finds
the models (strategy and interventions 3A; risks and decisions 3C)."""

from deliver.models.decisions import Decision
from deliver.models.risks import Risk
from deliver.models.strategy import Intervention, Strategy, StrategyComment

__all__ = ["Decision", "Intervention", "Risk", "Strategy", "StrategyComment"]
