"""Step 2, Research: one module per area, each re-exported here so Django
finds the models (casestudies 2A, evidence and initiatives 2A, ngt 2B,
diagrams 2B, priorities 2C)."""

from research.models.evidence import Initiative, Reference
from research.models.ngt import NgtIdea, NgtParticipant, NgtRanking, NgtSession
from research.models.plans import Diagram, DiagramNode
from research.models.practice import CaseStudy, CaseStudyAttachment, CaseStudyCharacteristic
from research.models.priorities import Priority, PriorityView

__all__ = [
    "CaseStudy",
    "CaseStudyAttachment",
    "CaseStudyCharacteristic",
    "Diagram",
    "DiagramNode",
    "Initiative",
    "NgtIdea",
    "NgtParticipant",
    "NgtRanking",
    "NgtSession",
    "Priority",
    "PriorityView",
    "Reference",
]
