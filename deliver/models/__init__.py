"""Step 3, Deliver: one module per area, each re-exported here so Django finds
the models (strategy, interventions, equality impact assessments and where measures'
values came from 3A; milestones, actions and their updates 3B; risks and decisions 3C)."""

from deliver.models.decisions import Decision
from deliver.models.eia import EiaImpact, EiaVersion, EqualityImpactAssessment
from deliver.models.measures import GoalBaseline, MeasureValueOrigin
from deliver.models.risks import Risk
from deliver.models.strategy import Intervention, Strategy, StrategyComment
from deliver.models.tracking import ActionReminder, ActionUpdate, DeliveryAction, Milestone

__all__ = [
    "ActionReminder",
    "ActionUpdate",
    "Decision",
    "DeliveryAction",
    "EiaImpact",
    "EiaVersion",
    "EqualityImpactAssessment",
    "GoalBaseline",
    "Intervention",
    "MeasureValueOrigin",
    "Milestone",
    "Risk",
    "Strategy",
    "StrategyComment",
]
