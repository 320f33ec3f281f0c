"""The AMHE list of kinds of intervention a strategy's intervention is (3A).

Where it comes from: the NCCMH Advancing Mental Health Equality resource, "A
summary of the four steps", step 3B (Implement the strategy), whose five
bullets are: locating services where people live; choice in care (outreach,
home-based care, street clinics and help over the phone); staff trained to
provide culturally appropriate alternatives; services or activities online;
a collaborative agency approach (/work/shared/domain/amhe-four-steps-summary.txt).
Anything else is "Other", and the intervention's description says what it is.

Pure Python: the model, forms and demo data read this one list.
"""

from __future__ import annotations

KINDS: tuple[tuple[str, str], ...] = (
    ("where_people_live", "Services located where people live"),
    ("choice_of_delivery", "Choice of delivery: outreach, home-based care, street clinics or phone"),
    ("culturally_appropriate", "Culturally appropriate care and staff training"),
    ("online", "Online options"),
    ("multi_agency", "Collaborative, multi-agency approaches"),
    ("other", "Other"),
)
CODES = tuple(code for code, _label in KINDS)
LABELS = dict(KINDS)


def label(code: str) -> str:
    return LABELS.get(code, code)
