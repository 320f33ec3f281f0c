"""Deliver 3A: stored EIA rows -> what its pages show."""

from __future__ import annotations

from dataclasses import dataclass

from amhe.core import taxonomy
from deliver.models import EiaVersion

KIND_HEADINGS = {
    taxonomy.PROTECTED: "Protected characteristics",
    taxonomy.DEPRIVATION: "Deprivation",
    taxonomy.INCLUSION_HEALTH: "Inclusion-health groups",
    taxonomy.OTHER: "Carers",
}
TAG = {
    "positive": "nhsuk-tag--green",
    "neutral": "nhsuk-tag--grey",
    "negative": "nhsuk-tag--red",
    "unknown": "nhsuk-tag--yellow",
    "": "nhsuk-tag--white",
}
STATE_TAG = {
    EiaVersion.State.DRAFT: "nhsuk-tag--grey",
    EiaVersion.State.SUBMITTED: "nhsuk-tag--blue",
    EiaVersion.State.SIGNED_OFF: "nhsuk-tag--green",
    EiaVersion.State.RETURNED: "nhsuk-tag--orange",
}


@dataclass
class ImpactRow:
    key: str
    label: str
    heading: str
    impact: str
    tag: str
    evidence: str
    mitigation: str
    action: str
    extracts: list
    surveys: list
    missing_mitigation: bool


def rows(impacts) -> list[ImpactRow]:
    """One row per characteristic of the taxonomy, in its order (a characteristic a
    version has no row for reads as not assessed)."""
    by_key = {impact.characteristic: impact for impact in impacts}
    made = []
    for key, characteristic in taxonomy.CHARACTERISTICS.items():
        impact = by_key.get(key)
        value = impact.impact if impact else ""
        made.append(
            ImpactRow(
                key=key,
                label=characteristic.label,
                heading=KIND_HEADINGS.get(characteristic.kind, ""),
                impact=impact.get_impact_display() if value else "Not assessed",
                tag=TAG.get(value, TAG[""]),
                evidence=impact.evidence if impact else "",
                mitigation=impact.mitigation if impact else "",
                action=impact.action if impact else "",
                extracts=list(impact.extracts.all()) if impact else [],
                surveys=list(impact.surveys.all()) if impact else [],
                missing_mitigation=bool(impact and impact.needs_mitigation and not impact.mitigated),
            )
        )
    return made


def subject_label(eia) -> str:
    if eia.strategy_id:
        return f"Strategy: {eia.strategy}"
    return f"Intervention: {eia.intervention}"


def state_tag(version) -> str:
    return STATE_TAG.get(version.state, "nhsuk-tag--grey")


def status_line(eia, latest, signed_off) -> str:
    """'EIA: signed off (version 2)', and what the latest version is if it is later."""
    if eia is None or latest is None:
        return ""
    if signed_off is None:
        return f"EIA: {latest.get_state_display().lower()} (version {latest.number})"
    text = f"EIA: signed off (version {signed_off.number})"
    if latest.number != signed_off.number:
        text += f"; version {latest.number} {latest.get_state_display().lower()}"
    return text
