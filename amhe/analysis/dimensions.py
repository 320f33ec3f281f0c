"""The one registry of breakdown dimensions: the characteristics a count can be
broken down by, for uploaded service data (1A extracts) and for survey answers
(the equality section) alike.

A dimension names the column of a normalised table that holds taxonomy codes
(with its `<column>__kind` beside it) and the code list those codes come from
(amhe.core.taxonomy). Extracts and surveys use different code lists for some
characteristics (the NHS Data Dictionary's ethnic category and stated gender in
service data; the 2021 Census questions in surveys), so a key may stand twice,
once for each source; a dimension the two share stands once, for both.
`dimensions_for(source)` gives one source's dimensions, in the order pages list them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from types import MappingProxyType

EXTRACT = "extract"
SURVEY = "survey"
SOURCES = (EXTRACT, SURVEY)
BOTH = frozenset(SOURCES)


@dataclass(frozen=True)
class Dimension:
    key: str
    label: str
    code_list: str
    high_level: bool = False  # use the code list's groups (e.g. ethnicity_high)
    sources: frozenset[str] = BOTH  # which data the dimension breaks down: EXTRACT, SURVEY or both
    column: str = ""  # the table's column of codes; the key when not given

    def __post_init__(self) -> None:
        if not self.column:
            object.__setattr__(self, "column", self.key)


_E, _S = frozenset({EXTRACT}), frozenset({SURVEY})

# In the order each source lists its dimensions.
DIMENSIONS: tuple[Dimension, ...] = (
    Dimension("ethnicity_high", "Ethnic group", "ons_ethnicity_2021", True, _S),
    Dimension("ethnicity", "Ethnic group (detailed)", "ons_ethnicity_2021", sources=_S),
    Dimension("ethnicity", "Ethnic group", "nhs_ethnic_category", sources=_E),
    Dimension("ethnicity_high", "Ethnic group (high level)", "nhs_ethnic_category", True, _E),
    Dimension("sex", "Sex (stated gender)", "person_stated_gender", sources=_E),
    Dimension("gender_identity", "Gender identity", "gender_identity", sources=_E),
    Dimension("age_band", "Age band", "age_band_mh"),
    Dimension("sex", "Sex", "sex_2021", sources=_S),
    Dimension("gender_same", "Gender same as sex registered at birth", "gender_same_at_birth", sources=_S),
    Dimension("imd_decile", "Deprivation decile (IMD 2019)", "imd_decile", sources=_E),
    Dimension("imd_quintile", "Deprivation quintile (IMD 2019)", "imd_quintile", sources=_E),
    Dimension("sexual_orientation", "Sexual orientation", "sexual_orientation"),
    Dimension("religion", "Religion", "religion_2021"),
    Dimension("disability", "Disability", "disability"),
    Dimension("carer", "Unpaid carer", "yes_no_unknown", sources=_S),
)


@cache
def dimensions_for(source: str) -> Mapping[str, Dimension]:
    """key -> Dimension for one source (EXTRACT or SURVEY), read-only, in listing order."""
    if source not in SOURCES:
        raise ValueError(f"source must be one of {', '.join(SOURCES)}, not {source!r}")
    return MappingProxyType({d.key: d for d in DIMENSIONS if source in d.sources})
