"""Step 2, Research: one module per area, each re-exported here so Django
finds the models (casestudies 2A, evidence and initiatives 2A, ngt 2B,
diagrams 2B, priorities 2C)."""

from research.models.plans import Diagram, DiagramNode

__all__ = ["Diagram", "DiagramNode"]
