"""Deliver 3A: stored rows -> what the strategy's pages show."""

from __future__ import annotations

from dataclasses import dataclass, field

from deliver.strategy import interventions as kinds
from research.evidence.presenters import characteristic_labels

NOT_CHOSEN = "Not chosen yet"


@dataclass
class InterventionView:
    intervention: object
    kind: str
    kind_chosen: bool
    characteristics: list[str]
    populations: list
    owner: str
    priorities: list
    goals: list
    nodes: list = field(default_factory=list)
    evidence: list = field(default_factory=list)


def intervention_view(intervention, *, nodes=None, evidence=None) -> InterventionView:
    return InterventionView(
        intervention=intervention,
        kind=kinds.label(intervention.kind) if intervention.kind else NOT_CHOSEN,
        kind_chosen=bool(intervention.kind),
        characteristics=characteristic_labels(intervention.characteristics),
        populations=list(intervention.populations.all()),
        owner=str(intervention.owner) if intervention.owner else NOT_CHOSEN,
        priorities=list(intervention.priorities.all()),
        goals=list(intervention.goals.all()),
        nodes=list(nodes or []),
        evidence=list(evidence or []),
    )


def aims_list(strategy) -> list[str]:
    """The strategy's aims, one a line, blank lines left out."""
    return [line.strip() for line in (strategy.aims or "").splitlines() if line.strip()]
