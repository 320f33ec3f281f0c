"""What the 2A evidence and initiatives pages show: labels for characteristics
and the overlap warning's links and reasons."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from amhe.core import taxonomy
from research.evidence.overlap import Overlap


def characteristic_labels(keys) -> list[str]:
    return [taxonomy.CHARACTERISTICS[key].label for key in keys or [] if key in taxonomy.CHARACTERISTICS]


def doi_url(doi: str) -> str:
    return f"https://doi.org/{doi}" if doi else ""


@dataclass(frozen=True)
class OverlapRow:
    name: str
    url: str
    reason: str


def overlap_reason(item: Overlap, population_names: dict) -> str:
    parts = []
    if item.shared_populations:
        names = [population_names.get(pk, "a focus population") for pk in item.shared_populations]
        parts.append("for the same population (" + ", ".join(names) + ")")
    if item.shared_characteristics:
        parts.append(
            "about the same characteristics (" + ", ".join(characteristic_labels(item.shared_characteristics)) + ")"
        )
    reason = "Both are " + " and ".join(parts)
    if item.shared_words:
        reason += "; words in common: " + ", ".join(item.shared_words)
    return reason + "."


def overlap_rows(project, overlaps: list[Overlap], population_names: dict) -> list[OverlapRow]:
    return [
        OverlapRow(
            name=item.candidate.name,
            url=reverse("research:initiative", kwargs={"project_id": project.pk, "initiative_id": item.candidate.id}),
            reason=overlap_reason(item, population_names),
        )
        for item in overlaps
    ]
