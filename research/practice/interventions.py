"""The AMHE list of kinds of intervention a case study may describe (2A).

Where it comes from: the kinds of action named in the NCCMH Advancing Mental
Health Equality resource, "A summary of the four steps" (step 3B, Implement the
strategy, and step 1B, Work with communities), and in NHS England's national
update on the Advancing Mental Health Equalities Strategy (the actions for
local systems, data and workforce). Both are in /work/shared/domain/. Each
entry says which of the two names it. A kind not named there is "Other", and
the case study says what it was in "What action was taken".

Pure Python: the model, forms, filters and demo data all read this one list.
"""

from __future__ import annotations

from dataclasses import dataclass

_SUMMARY_3B = "AMHE resource, summary of the four steps, 3B Implement the strategy"
_SUMMARY_1B = "AMHE resource, summary of the four steps, 1B Work with communities"
_NATIONAL = "NHS England, Advancing Mental Health Equalities Strategy: national update"


@dataclass(frozen=True)
class InterventionType:
    code: str
    label: str
    source: str


INTERVENTION_TYPES: tuple[InterventionType, ...] = (
    InterventionType("where_people_live", "Services located where people live", _SUMMARY_3B),
    InterventionType("outreach", "Outreach, including with community groups", f"{_SUMMARY_3B}; {_NATIONAL}"),
    InterventionType("home_based", "Home-based care", _SUMMARY_3B),
    InterventionType("street_clinic", "Street clinics", _SUMMARY_3B),
    InterventionType("phone", "Help over the phone", _SUMMARY_3B),
    InterventionType("online", "Services or activities online", _SUMMARY_3B),
    InterventionType(
        "culturally_appropriate", "Culturally appropriate care and staff trained to provide it", _SUMMARY_3B
    ),
    InterventionType("multi_agency", "Collaborative, multi-agency working", _SUMMARY_3B),
    InterventionType("community_involvement", "Working with communities and people with lived experience", _SUMMARY_1B),
    InterventionType("data_quality", "Better recording of protected and other characteristics", _NATIONAL),
    InterventionType("pcref", "Patient and Carer Race Equality Framework (PCREF)", _NATIONAL),
    InterventionType(
        "physical_health_checks", "Physical health checks for people with severe mental illness", _NATIONAL
    ),
    InterventionType("digital_pathways", "Reviewing digital care pathways for inequalities", _NATIONAL),
    InterventionType("workforce", "A representative, skilled workforce", _NATIONAL),
    InterventionType("other", "Other", "A kind not named in the AMHE resource or the national strategy"),
)
BY_CODE = {item.code: item for item in INTERVENTION_TYPES}
CHOICES = [(item.code, item.label) for item in INTERVENTION_TYPES]


def label(code: str) -> str:
    item = BY_CODE.get(code)
    return item.label if item else code
