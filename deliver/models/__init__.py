"""Step 3, Deliver: one module per area, each re-exported here so Django finds
the models (strategy, interventions, equality impact assessments and where measures'
values came from, and resourcing, 3A; milestones, actions and their updates 3B;
risks, decisions and the governance structure 3C)."""

from deliver.models.decisions import Decision
from deliver.models.eia import EiaImpact, EiaVersion, EqualityImpactAssessment
from deliver.models.governance import GovernanceGroup, GovernanceMeeting
from deliver.models.measures import GoalBaseline, MeasureValueOrigin
from deliver.models.resourcing import BudgetLine, Facility, StaffRole
from deliver.models.risks import Risk
from deliver.models.strategy import Intervention, Strategy, StrategyComment
from deliver.models.tracking import ActionReminder, ActionUpdate, DeliveryAction, Milestone

__all__ = [
    "ActionReminder",
    "ActionUpdate",
    "BudgetLine",
    "Decision",
    "DeliveryAction",
    "EiaImpact",
    "EiaVersion",
    "EqualityImpactAssessment",
    "Facility",
    "GoalBaseline",
    "GovernanceGroup",
    "GovernanceMeeting",
    "Intervention",
    "MeasureValueOrigin",
    "Milestone",
    "Risk",
    "StaffRole",
    "Strategy",
    "StrategyComment",
]
