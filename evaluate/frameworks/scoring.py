"""Self-assessment scores, pure Python: the total of a framework's ratings, each
section's subtotal, and the overall rating from score bands.

Bands are data (``Framework.bands``): a list of ``{"from": N, "label": "..."}``,
ascending, the first from 0. A total belongs to the last band whose ``from`` it
reaches. EDS 2022's default (NHS England, EDS 2022 ratings and score card, as
summarised in the README): under 8 Undeveloped, 8 to 21 Developing, 22 to 32
Achieving, 33 Excelling.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

EDS_2022_BANDS: tuple[dict, ...] = (
    {"from": 0, "label": "Undeveloped"},
    {"from": 8, "label": "Developing"},
    {"from": 22, "label": "Achieving"},
    {"from": 33, "label": "Excelling"},
)


def check_bands(bands: Sequence[Mapping], maximum: int | None = None) -> None:
    """Raise ValueError, in plain words, unless `bands` is a usable list of bands."""
    if not bands:
        return
    starts = []
    for band in bands:
        if not isinstance(band, Mapping) or set(band) != {"from", "label"}:
            raise ValueError('Each band needs exactly a "from" score and a "label".')
        start, label = band["from"], band["label"]
        if isinstance(start, bool) or not isinstance(start, int) or start < 0:
            raise ValueError("Each band starts at a whole score of 0 or more.")
        if not isinstance(label, str) or not label.strip():
            raise ValueError("Each band needs a label.")
        starts.append(start)
    if starts[0] != 0:
        raise ValueError("The first band must start at 0, so every total has a rating.")
    if any(b <= a for a, b in zip(starts, starts[1:], strict=False)):
        raise ValueError("The bands must start at scores in increasing order.")
    if maximum is not None and starts[-1] > maximum:
        raise ValueError(f"A band starts above the highest possible total ({maximum}).")


def band_for(total: int, bands: Sequence[Mapping]) -> str | None:
    """The label of the band `total` falls in, or None when there are no bands."""
    check_bands(bands)
    label = None
    for band in bands:
        if total >= band["from"]:
            label = band["label"]
    return label


@dataclass(frozen=True)
class Totals:
    sections: dict[str, int]  # section code -> its subtotal (rated items only)
    section_maximums: dict[str, int]
    total: int
    maximum: int
    rated: int
    items: int
    overall: str | None  # the band of the total, only when every item is rated

    @property
    def complete(self) -> bool:
        return self.rated == self.items


def totals(ratings: Iterable[tuple[str, int | None]], *, top: int, bands: Sequence[Mapping]) -> Totals:
    """`ratings`: (section code, rating or None) for every item of the framework;
    `top`: the highest rating an item can have. The overall rating needs every item rated."""
    sections: dict[str, int] = {}
    maximums: dict[str, int] = {}
    total = rated = items = 0
    for section, value in ratings:
        items += 1
        sections.setdefault(section, 0)
        maximums[section] = maximums.get(section, 0) + top
        if value is not None:
            rated += 1
            sections[section] += value
            total += value
    overall = band_for(total, bands) if bands and rated == items and items else None
    return Totals(sections, maximums, total, items * top, rated, items, overall)
