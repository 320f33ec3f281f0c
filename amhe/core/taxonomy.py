"""The characteristic taxonomy: the one list of equality characteristics and code lists.

Every form, upload, normaliser and chart in AMHE takes its characteristics and codes
from here, so that a "Black Caribbean" row in an upload, a "Black or Black British -
Caribbean" option in a form and an "M" in an MHSDS extract all end up as the same
category. The module is pure Python (standard library only, no Django) so it can be
used anywhere, including in data-processing jobs and tests.

Two layers
----------
* A :class:`Characteristic` is *what* is being looked at (race, sex, deprivation,
  homelessness ...). Its ``kind`` is one of :data:`PROTECTED` (the nine Equality Act
  2010 protected characteristics), :data:`DEPRIVATION`, :data:`INCLUSION_HEALTH`
  (NHS England's inclusion health groups) or :data:`OTHER` (e.g. carers).
* A :class:`CodeList` is *how* it is recorded: a published list of codes, each a
  :class:`Category`, optionally rolled up into high-level :class:`Group` s. A
  characteristic may have several code lists (ethnicity: NHS 2001-census based
  categories and ONS Census 2021 groups); the first one is the default. Every code
  list names its public ``source``.

Category kinds: keeping "missing" and "vague" apart
---------------------------------------------------
Each category has a ``kind``:

* :data:`VALID`: a specific answer ("White - Irish", "Bisexual").
* :data:`OTHER`: a real answer, but a vague catch-all ("Any other White background",
  "Other (not listed)"). These people *did* answer; the group is just heterogeneous.
* :data:`NOT_STATED`: the person was asked and chose not to answer (NHS code ``Z``,
  "prefer not to say", Census "Not answered").
* :data:`NOT_KNOWN`: nothing was recorded, e.g. the person was never asked (NHS default
  codes ``99``, ``X`` or ``9`` depending on the list).
* :data:`NOT_APPLICABLE`: the question does not apply (only PERSON MARITAL STATUS
  code ``8``, e.g. children).

These are never merged. "Not stated" is a choice the person made and "Not known" is
a gap in recording: they have different causes and different fixes, so they are two
categories, and neither is folded into an "other" group. Vague "any other ..."
categories stay separate from both, and belong to their own high-level group (e.g.
``C`` is in ``WHITE``); missing categories belong to no group at all (``group is
None``). :attr:`CodeList.answered` and :attr:`CodeList.missing` give the two sides.

Lookups
-------
:meth:`CodeList.get` matches canonical codes only. :meth:`CodeList.lookup` also
matches official labels and listed aliases, ignoring case, whitespace and
punctuation ("white - british", " a " and "WHITE BRITISH" all give ``A``); it returns
``None`` rather than guessing. Aliases are only added where they mean exactly the same
category, and every list is checked at import time so that no code, label or alias
can resolve to two categories.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Final

__all__ = [
    "VALID",
    "OTHER",
    "NOT_STATED",
    "NOT_KNOWN",
    "NOT_APPLICABLE",
    "CATEGORY_KINDS",
    "MISSING_KINDS",
    "PROTECTED",
    "DEPRIVATION",
    "INCLUSION_HEALTH",
    "CHARACTERISTIC_KINDS",
    "Category",
    "Group",
    "CodeList",
    "Characteristic",
    "CODE_LISTS",
    "CHARACTERISTICS",
    "characteristic",
    "code_list",
    "normalise",
    "ONS2021_TO_NHS",
    "ons2021_to_nhs",
    "imd_quintile_for_decile",
    "AGE_SCHEMES",
    "MAX_AGE",
    "age_band",
]

# --------------------------------------------------------------------------- kinds

VALID: Final = "valid"
OTHER: Final = "other"
NOT_STATED: Final = "not_stated"
NOT_KNOWN: Final = "not_known"
NOT_APPLICABLE: Final = "not_applicable"

CATEGORY_KINDS: Final = (VALID, OTHER, NOT_STATED, NOT_KNOWN, NOT_APPLICABLE)
#: Kinds that mean "we do not have this person's answer".
MISSING_KINDS: Final = frozenset({NOT_STATED, NOT_KNOWN})

PROTECTED: Final = "protected"
DEPRIVATION: Final = "deprivation"
INCLUSION_HEALTH: Final = "inclusion_health"
# ``OTHER`` ("other") doubles as the characteristic kind for anything else (carers).
CHARACTERISTIC_KINDS: Final = (PROTECTED, DEPRIVATION, INCLUSION_HEALTH, OTHER)


# --------------------------------------------------------------------------- helpers

_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def normalise(value: object) -> str:
    """Fold a code, label or free-text value to a comparison key.

    Case, accents, surrounding/inner whitespace and punctuation are ignored and
    ``&`` reads as "and": ``" White - British "`` and ``"white british"`` give the
    same key. Returns ``""`` for ``None`` or blank input.
    """
    if value is None:
        return ""
    text = unicodedata.normalize("NFKD", str(value))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.casefold().replace("&", " and ")
    return _NON_ALNUM.sub(" ", text).strip()


def _code_key(code: object) -> str:
    return str(code).strip().upper()


# --------------------------------------------------------------------------- model


@dataclass(frozen=True)
class Category:
    """One answer in a code list."""

    code: str  # canonical code as it appears in datasets, e.g. "A", "99", "Z", "1"
    label: str  # official label
    group: str | None = None  # code of the high-level Group this belongs to, if any
    kind: str = VALID  # one of CATEGORY_KINDS
    aliases: tuple[str, ...] = ()  # other spellings / labels / codes meaning exactly this

    @property
    def is_missing(self) -> bool:
        """True for "not stated" and "not known" (no usable answer)."""
        return self.kind in MISSING_KINDS

    @property
    def is_answered(self) -> bool:
        """True for a real answer, specific or vague ("any other ...")."""
        return self.kind in (VALID, OTHER)


@dataclass(frozen=True)
class Group:
    """A high-level group of categories, e.g. WHITE in NHS ethnic category."""

    code: str
    label: str


@dataclass(frozen=True)
class CodeList:
    """A published list of categories for one way of recording a characteristic.

    ``characteristic`` is the key of the characteristic the list records, or ``""`` for a
    generic list shared by several characteristics (``yes_no_unknown``).
    """

    key: str
    name: str
    characteristic: str
    source: str
    categories: tuple[Category, ...]
    groups: tuple[Group, ...] = ()
    notes: str = ""
    _by_code: dict[str, Category] = field(init=False, repr=False, compare=False, default_factory=dict)
    _index: dict[str, Category] = field(init=False, repr=False, compare=False, default_factory=dict)
    _groups: dict[str, Group] = field(init=False, repr=False, compare=False, default_factory=dict)

    def __post_init__(self) -> None:
        if not self.source.strip():
            raise ValueError(f"code list {self.key!r} must cite a source")
        groups: dict[str, Group] = {}
        for group in self.groups:
            if group.code in groups:
                raise ValueError(f"{self.key}: duplicate group {group.code!r}")
            groups[group.code] = group
        by_code: dict[str, Category] = {}
        index: dict[str, Category] = {}
        for cat in self.categories:
            if cat.kind not in CATEGORY_KINDS:
                raise ValueError(f"{self.key}: {cat.code!r} has unknown kind {cat.kind!r}")
            if cat.group is not None and cat.group not in groups:
                raise ValueError(f"{self.key}: {cat.code!r} is in unknown group {cat.group!r}")
            if cat.kind in MISSING_KINDS and cat.group is not None:
                raise ValueError(f"{self.key}: missing-data category {cat.code!r} must not be in a group")
            ckey = _code_key(cat.code)
            if not ckey or ckey in by_code:
                raise ValueError(f"{self.key}: empty or duplicate code {cat.code!r}")
            by_code[ckey] = cat
            for text in (cat.code, cat.label, *cat.aliases):
                nkey = normalise(text)
                if not nkey:
                    raise ValueError(f"{self.key}: blank label or alias on {cat.code!r}")
                other = index.get(nkey)
                if other is not None and other is not cat:
                    raise ValueError(f"{self.key}: {text!r} would match both {other.code!r} and {cat.code!r}")
                index[nkey] = cat
        object.__setattr__(self, "_by_code", by_code)
        object.__setattr__(self, "_index", index)
        object.__setattr__(self, "_groups", groups)

    # -- lookups -------------------------------------------------------------

    def get(self, code: object) -> Category | None:
        """Exact canonical-code lookup (surrounding whitespace and letter case ignored)."""
        if code is None:
            return None
        return self._by_code.get(_code_key(code))

    def lookup(self, value: object) -> Category | None:
        """Match a code, official label or alias, ignoring case, whitespace and punctuation.

        Returns ``None`` when nothing matches; never guesses.
        """
        found = self.get(value)
        if found is not None:
            return found
        key = normalise(value)
        return self._index.get(key) if key else None

    def __getitem__(self, code: str) -> Category:
        found = self.get(code)
        if found is None:
            raise KeyError(f"{code!r} is not a code in {self.key!r}; codes are {', '.join(self.codes)}")
        return found

    def __contains__(self, code: object) -> bool:
        return self.get(code) is not None

    def __iter__(self) -> Iterator[Category]:
        return iter(self.categories)

    def __len__(self) -> int:
        return len(self.categories)

    # -- views ---------------------------------------------------------------

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(cat.code for cat in self.categories)

    def choices(self) -> list[tuple[str, str]]:
        """``[(code, label), ...]`` in official order, for form fields."""
        return [(cat.code, cat.label) for cat in self.categories]

    def group_choices(self) -> list[tuple[str, str]]:
        return [(group.code, group.label) for group in self.groups]

    def get_group(self, group_code: str) -> Group | None:
        return self._groups.get(group_code)

    def group_of(self, code: object) -> Group | None:
        """The high-level group of a category code (``None`` for missing data or ungrouped lists)."""
        cat = self.get(code)
        if cat is None or cat.group is None:
            return None
        return self._groups[cat.group]

    def in_group(self, group_code: str) -> tuple[Category, ...]:
        return tuple(cat for cat in self.categories if cat.group == group_code)

    def of_kind(self, *kinds: str) -> tuple[Category, ...]:
        return tuple(cat for cat in self.categories if cat.kind in kinds)

    @property
    def answered(self) -> tuple[Category, ...]:
        """Real answers: VALID and OTHER ("any other ...") categories."""
        return self.of_kind(VALID, OTHER)

    @property
    def missing(self) -> tuple[Category, ...]:
        """NOT_STATED and NOT_KNOWN categories."""
        return self.of_kind(*MISSING_KINDS)


@dataclass(frozen=True)
class Characteristic:
    """A characteristic to examine for inequality, and the code lists that record it."""

    key: str
    label: str
    kind: str  # one of CHARACTERISTIC_KINDS
    description: str
    code_lists: tuple[str, ...]  # keys of CODE_LISTS; the first is the default

    @property
    def default_code_list(self) -> str:
        return self.code_lists[0]


# --------------------------------------------------------------------------- code lists

_NHS_DD = "https://www.datadictionary.nhs.uk"
_ONS_2021 = "https://www.ons.gov.uk/census/census2021dictionary"


def _flags(yes: str, no: str, yes_aliases: Iterable[str] = (), no_aliases: Iterable[str] = ()) -> tuple[Category, ...]:
    """Y / N / Z (asked, declined) / X (not recorded) flags, as in NHS indicator data items."""
    return (
        Category("Y", yes, aliases=("Yes", *yes_aliases)),
        Category("N", no, aliases=("No", *no_aliases)),
        Category(
            "Z",
            "Not stated (person asked but declined to provide a response)",
            kind=NOT_STATED,
            aliases=("Not stated", "Prefer not to say", "Declined"),
        ),
        Category(
            "X",
            "Not known (not recorded)",
            kind=NOT_KNOWN,
            aliases=("Not known", "Unknown", "Not recorded"),
        ),
    )


_ETHNIC_GROUPS_NHS = (
    Group("WHITE", "White"),
    Group("MIXED", "Mixed"),
    Group("ASIAN", "Asian or Asian British"),
    Group("BLACK", "Black or Black British"),
    Group("OTHER", "Other Ethnic Groups"),
)

# ONS Census 2021 labels (TS021, 19 categories), reused below as aliases where the
# NHS 2001-census category is the same group.
_ONS_WBRI = "White: English, Welsh, Scottish, Northern Irish or British"
_ONS_WIRI = "White: Irish"
_ONS_WOTH = "White: Other White"
_ONS_MWBC = "Mixed or Multiple ethnic groups: White and Black Caribbean"
_ONS_MWBA = "Mixed or Multiple ethnic groups: White and Black African"
_ONS_MWA = "Mixed or Multiple ethnic groups: White and Asian"
_ONS_MOTH = "Mixed or Multiple ethnic groups: Other Mixed or Multiple ethnic groups"
_ONS_AIND = "Asian, Asian British or Asian Welsh: Indian"
_ONS_APAK = "Asian, Asian British or Asian Welsh: Pakistani"
_ONS_ABAN = "Asian, Asian British or Asian Welsh: Bangladeshi"
_ONS_ACHI = "Asian, Asian British or Asian Welsh: Chinese"
_ONS_AOTH = "Asian, Asian British or Asian Welsh: Other Asian"
_ONS_BCAR = "Black, Black British, Black Welsh, Caribbean or African: Caribbean"
_ONS_BAFR = "Black, Black British, Black Welsh, Caribbean or African: African"
_ONS_BOTH = "Black, Black British, Black Welsh, Caribbean or African: Other Black"

NHS_ETHNIC_CATEGORY = CodeList(
    key="nhs_ethnic_category",
    name="NHS ethnic category (2001 census based)",
    characteristic="race",
    source=(
        "NHS Data Dictionary: ETHNIC CATEGORY (2001 census based; national codes A-S, Z 'Not stated', "
        f"default code 99 'Not known'), {_NHS_DD}/data_elements/ethnic_category.html. "
        "Alias 'X' for 99 from the HES data dictionary (ethnos X = Not known)."
    ),
    groups=_ETHNIC_GROUPS_NHS,
    categories=(
        Category(
            "A",
            "White - British",
            "WHITE",
            aliases=(
                "White British",
                "British",
                "English, Welsh, Scottish, Northern Irish or British",
                "White English, Welsh, Scottish, Northern Irish or British",
                _ONS_WBRI,
            ),
        ),
        Category("B", "White - Irish", "WHITE", aliases=("White Irish", "Irish", _ONS_WIRI)),
        Category(
            "C",
            "White - Any other White background",
            "WHITE",
            kind=OTHER,
            aliases=("Any other White background", "White other", "Other White", _ONS_WOTH),
        ),
        Category(
            "D",
            "Mixed - White and Black Caribbean",
            "MIXED",
            aliases=("White and Black Caribbean", _ONS_MWBC),
        ),
        Category(
            "E",
            "Mixed - White and Black African",
            "MIXED",
            aliases=("White and Black African", _ONS_MWBA),
        ),
        Category("F", "Mixed - White and Asian", "MIXED", aliases=("White and Asian", _ONS_MWA)),
        Category(
            "G",
            "Mixed - Any other mixed background",
            "MIXED",
            kind=OTHER,
            aliases=("Any other mixed background", "Mixed other", "Other Mixed", _ONS_MOTH),
        ),
        Category(
            "H",
            "Asian or Asian British - Indian",
            "ASIAN",
            aliases=("Indian", "Asian Indian", "Indian or British Indian", _ONS_AIND),
        ),
        Category(
            "J",
            "Asian or Asian British - Pakistani",
            "ASIAN",
            aliases=("Pakistani", "Asian Pakistani", "Pakistani or British Pakistani", _ONS_APAK),
        ),
        Category(
            "K",
            "Asian or Asian British - Bangladeshi",
            "ASIAN",
            aliases=("Bangladeshi", "Asian Bangladeshi", "Bangladeshi or British Bangladeshi", _ONS_ABAN),
        ),
        Category(
            "L",
            "Asian or Asian British - Any other Asian background",
            "ASIAN",
            kind=OTHER,
            aliases=("Any other Asian background", "Asian other", "Other Asian", _ONS_AOTH),
        ),
        Category(
            "M",
            "Black or Black British - Caribbean",
            "BLACK",
            aliases=("Black Caribbean", "Caribbean", _ONS_BCAR),
        ),
        Category(
            "N",
            "Black or Black British - African",
            "BLACK",
            aliases=("Black African", "African", _ONS_BAFR),
        ),
        Category(
            "P",
            "Black or Black British - Any other Black background",
            "BLACK",
            kind=OTHER,
            aliases=("Any other Black background", "Black other", "Other Black", _ONS_BOTH),
        ),
        Category(
            "R",
            "Other Ethnic Groups - Chinese",
            "OTHER",
            aliases=("Chinese", _ONS_ACHI),
        ),
        Category(
            "S",
            "Other Ethnic Groups - Any other ethnic group",
            "OTHER",
            kind=OTHER,
            aliases=("Any other ethnic group",),
        ),
        Category("Z", "Not stated", kind=NOT_STATED, aliases=("Prefer not to say", "Declined")),
        Category("99", "Not known", kind=NOT_KNOWN, aliases=("X", "Unknown", "Not recorded")),
    ),
    notes=(
        "Only the first character is the national code; a second character may be used locally "
        "and must roll up to the national code. Chinese (R) sits in OTHER here but in ASIAN in "
        "the ONS 2021 classification, so high-level groups are not comparable one-to-one across lists."
    ),
)

ONS_ETHNICITY_2021 = CodeList(
    key="ons_ethnicity_2021",
    name="Ethnic group (ONS Census 2021, 19 categories)",
    characteristic="race",
    source=(
        "ONS Census 2021 ethnic group classification, 19 categories within 5 high-level groups "
        f"(TS021 Ethnic group), {_ONS_2021}. Labels are ONS's; codes are AMHE mnemonics "
        "(ONS numeric codes are not used). NOT_STATED/NOT_KNOWN are AMHE additions for service data."
    ),
    groups=(
        Group("ASIAN", "Asian, Asian British or Asian Welsh"),
        Group("BLACK", "Black, Black British, Black Welsh, Caribbean or African"),
        Group("MIXED", "Mixed or Multiple ethnic groups"),
        Group("WHITE", "White"),
        Group("OTHER", "Other ethnic group"),
    ),
    categories=(
        Category("ASIAN_BANGLADESHI", _ONS_ABAN, "ASIAN", aliases=("Bangladeshi",)),
        Category("ASIAN_CHINESE", _ONS_ACHI, "ASIAN", aliases=("Chinese",)),
        Category("ASIAN_INDIAN", _ONS_AIND, "ASIAN", aliases=("Indian",)),
        Category("ASIAN_PAKISTANI", _ONS_APAK, "ASIAN", aliases=("Pakistani",)),
        Category("ASIAN_OTHER", _ONS_AOTH, "ASIAN", kind=OTHER, aliases=("Other Asian",)),
        Category("BLACK_AFRICAN", _ONS_BAFR, "BLACK", aliases=("African", "Black African")),
        Category("BLACK_CARIBBEAN", _ONS_BCAR, "BLACK", aliases=("Caribbean", "Black Caribbean")),
        Category("BLACK_OTHER", _ONS_BOTH, "BLACK", kind=OTHER, aliases=("Other Black",)),
        Category("MIXED_WHITE_ASIAN", _ONS_MWA, "MIXED", aliases=("White and Asian",)),
        Category("MIXED_WHITE_BLACK_AFRICAN", _ONS_MWBA, "MIXED", aliases=("White and Black African",)),
        Category("MIXED_WHITE_BLACK_CARIBBEAN", _ONS_MWBC, "MIXED", aliases=("White and Black Caribbean",)),
        Category(
            "MIXED_OTHER",
            _ONS_MOTH,
            "MIXED",
            kind=OTHER,
            aliases=("Other Mixed or Multiple ethnic groups", "Other Mixed"),
        ),
        Category(
            "WHITE_BRITISH",
            _ONS_WBRI,
            "WHITE",
            aliases=("English, Welsh, Scottish, Northern Irish or British",),
        ),
        Category("WHITE_IRISH", _ONS_WIRI, "WHITE", aliases=("White Irish",)),
        Category(
            "WHITE_GYPSY_IRISH_TRAVELLER",
            "White: Gypsy or Irish Traveller",
            "WHITE",
            aliases=("Gypsy or Irish Traveller",),
        ),
        Category("WHITE_ROMA", "White: Roma", "WHITE", aliases=("Roma",)),
        Category("WHITE_OTHER", _ONS_WOTH, "WHITE", kind=OTHER, aliases=("Other White",)),
        Category("OTHER_ARAB", "Other ethnic group: Arab", "OTHER", aliases=("Arab",)),
        Category(
            "OTHER_ANY_OTHER",
            "Other ethnic group: Any other ethnic group",
            "OTHER",
            kind=OTHER,
        ),
        Category("NOT_STATED", "Not stated", kind=NOT_STATED, aliases=("Prefer not to say",)),
        Category("NOT_KNOWN", "Not known", kind=NOT_KNOWN, aliases=("Unknown", "Not recorded")),
    ),
    notes="Census 2021 imputed missing ethnic group, so Census tables have no not-stated category.",
)

#: ONS Census 2021 ethnic group -> NHS ETHNIC CATEGORY (2001 census based).
#: One-to-one or many-to-one only. Gypsy or Irish Traveller and Roma have no own NHS
#: code and go to C "Any other White background"; Arab goes to S "Any other ethnic
#: group"; Chinese (ASIAN in ONS 2021) goes to R (OTHER in NHS). This is the usual
#: 2001-based re-coding of the 2021 categories, as in ONS's 2011/2021 classification
#: changes (Roma and Arab are new tick boxes) and, for example, OpenSAFELY's
#: Census-2021 to 16-category ethnicity mapping.
ONS2021_TO_NHS: Final = MappingProxyType(
    {
        "ASIAN_BANGLADESHI": "K",
        "ASIAN_CHINESE": "R",
        "ASIAN_INDIAN": "H",
        "ASIAN_PAKISTANI": "J",
        "ASIAN_OTHER": "L",
        "BLACK_AFRICAN": "N",
        "BLACK_CARIBBEAN": "M",
        "BLACK_OTHER": "P",
        "MIXED_WHITE_ASIAN": "F",
        "MIXED_WHITE_BLACK_AFRICAN": "E",
        "MIXED_WHITE_BLACK_CARIBBEAN": "D",
        "MIXED_OTHER": "G",
        "WHITE_BRITISH": "A",
        "WHITE_IRISH": "B",
        "WHITE_GYPSY_IRISH_TRAVELLER": "C",
        "WHITE_ROMA": "C",
        "WHITE_OTHER": "C",
        "OTHER_ARAB": "S",
        "OTHER_ANY_OTHER": "S",
        "NOT_STATED": "Z",
        "NOT_KNOWN": "99",
    }
)

PERSON_STATED_GENDER = CodeList(
    key="person_stated_gender",
    name="Person stated gender",
    characteristic="sex",
    source=(
        "NHS Data Dictionary: PERSON STATED GENDER CODE (1 Male, 2 Female, 9 Indeterminate, X Not Known); "
        "labels as in the UK Core FHIR "
        "value set UKCore-NHSDataDictionary-PersonStatedGender. Alias '0' for X from the older "
        "PERSON GENDER CODE (0 = Not known, not recorded)."
    ),
    categories=(
        # Man and Woman: the everyday words many systems record (issue 9).
        Category("1", "Male", aliases=("M", "Man")),
        Category("2", "Female", aliases=("F", "Woman")),
        # A recorded state (a person who cannot be classified as male or female), not missing data.
        Category("9", "Indeterminate (unable to be classified as either male or female)", aliases=("Indeterminate",)),
        Category("X", "Not Known (not recorded)", kind=NOT_KNOWN, aliases=("Not known", "Unknown", "0")),
    ),
)

GENDER_IDENTITY = CodeList(
    key="gender_identity",
    name="Gender identity",
    characteristic="gender_reassignment",
    source=(
        "NHS Data Dictionary: GENDER IDENTITY CODE (MHSDS GenderIDCode), "
        f"{_NHS_DD}/data_elements/gender_identity_code.html"
    ),
    categories=(
        Category("1", "Male (including trans man)", aliases=("Male", "Man")),
        Category("2", "Female (including trans woman)", aliases=("Female", "Woman")),
        Category("3", "Non-binary", aliases=("Nonbinary",)),
        Category("4", "Other (not listed)", kind=OTHER, aliases=("Other",)),
        Category(
            "Z",
            "Not Stated (PERSON asked but declined to provide a response)",
            kind=NOT_STATED,
            aliases=("Not stated", "Prefer not to say"),
        ),
        Category("X", "Not Known (not recorded)", kind=NOT_KNOWN, aliases=("Not known", "Unknown")),
    ),
)

SEX_2021 = CodeList(
    key="sex_2021",
    name="Sex (ONS Census 2021)",
    characteristic="sex",
    source=(
        f"ONS Census 2021 variable 'Sex' (TS008), {_ONS_2021}. Codes F/M are AMHE mnemonics "
        "(chosen so they cannot be confused with NHS 1 = Male, 2 = Female)."
    ),
    categories=(
        Category("F", "Female"),
        Category("M", "Male"),
    ),
)

GENDER_SAME_AT_BIRTH = CodeList(
    key="gender_same_at_birth",
    name="Gender identity same as at birth",
    characteristic="gender_reassignment",
    source=(
        "NHS Data Dictionary: GENDER IDENTITY SAME AT BIRTH INDICATOR (MHSDS v5+ GenderSameAtBirth): "
        "national codes Y, N, Z and default code X, as validated in NHS Digital's MHSDS data quality "
        "code (github.com/NHSDigital/mental-health-monthly-statistics). Labels are AMHE wording."
    ),
    categories=(
        Category("Y", "Yes - gender identity is the same as at birth", aliases=("Yes",)),
        Category("N", "No - gender identity is not the same as at birth", aliases=("No",)),
        Category(
            "Z",
            "Not stated (person asked but declined to provide a response)",
            kind=NOT_STATED,
            aliases=("Not stated", "Prefer not to say"),
        ),
        Category("X", "Not known (not recorded)", kind=NOT_KNOWN, aliases=("Not known", "Unknown")),
    ),
)

SEXUAL_ORIENTATION = CodeList(
    key="sexual_orientation",
    name="Sexual orientation",
    characteristic="sexual_orientation",
    source=(
        "NHS Data Dictionary: PERSON STATED SEXUAL ORIENTATION CODE (information standard "
        f"DCB2094/SCCI2094 Sexual Orientation Monitoring), {_NHS_DD}; 9 'Not Known (Not Recorded)' as the "
        "default code in COSD. SNOMED CT aliases are those NHS Digital's MHSDS publication code maps to "
        "these categories (refset 999003081000000103, github.com/NHSDigital/mental-health-monthly-statistics)."
    ),
    categories=(
        Category("1", "Heterosexual or Straight", aliases=("Heterosexual", "Straight", "20430005")),
        Category("2", "Gay or Lesbian", aliases=("Gay", "Lesbian", "89217008", "76102007")),
        Category("3", "Bisexual", aliases=("42035005",)),
        Category("4", "Other sexual orientation not listed", kind=OTHER, aliases=("Other sexual orientation",)),
        # An answer ("unsure"), not missing data: the person was asked and responded.
        Category(
            "U",
            "Person asked and does not know or is not sure",
            aliases=("Not sure", "Don't know", "Unsure", "1064711000000108"),
        ),
        Category(
            "Z",
            "Not Stated (PERSON asked but declined to provide a response)",
            kind=NOT_STATED,
            aliases=("Not stated", "Prefer not to say", "729951000000104", "699042003"),
        ),
        Category(
            "9",
            "Not Known (Not Recorded)",
            kind=NOT_KNOWN,
            aliases=("Not known", "Unknown", "Not recorded", "440583007"),
        ),
    ),
)

RELIGION_2021 = CodeList(
    key="religion_2021",
    name="Religion (ONS Census 2021)",
    characteristic="religion_belief",
    source=(
        f"ONS Census 2021 religion, 8 tick-box responses plus 'Not answered' (TS030 Religion), {_ONS_2021}. "
        "Codes are AMHE mnemonics; NOT_KNOWN is an AMHE addition for service data."
    ),
    categories=(
        Category("NO_RELIGION", "No religion"),
        Category("CHRISTIAN", "Christian", aliases=("Christianity",)),
        Category("BUDDHIST", "Buddhist", aliases=("Buddhism",)),
        Category("HINDU", "Hindu", aliases=("Hinduism",)),
        Category("JEWISH", "Jewish", aliases=("Judaism",)),
        Category("MUSLIM", "Muslim", aliases=("Islam",)),
        Category("SIKH", "Sikh", aliases=("Sikhism",)),
        Category("OTHER_RELIGION", "Other religion", kind=OTHER),
        Category(
            "NOT_ANSWERED",
            "Not answered",
            kind=NOT_STATED,
            aliases=("Not stated", "Prefer not to say"),
        ),
        Category("NOT_KNOWN", "Not known (not recorded)", kind=NOT_KNOWN, aliases=("Unknown", "Not recorded")),
    ),
)

DISABILITY = CodeList(
    key="disability",
    name="Disability (Equality Act 2010)",
    characteristic="disability",
    source=(
        "Equality Act 2010 s.6 definition of disability, as operationalised by the GSS harmonised "
        "standard 'Long-lasting health conditions and illnesses; impairments and disability' and the "
        "ONS Census 2021 variable 'Disability' (disability_3a: 'Disabled under the Equality Act' / "
        "'Not disabled under the Equality Act'). Y/N/Z/X codes are AMHE's."
    ),
    categories=_flags(
        "Disabled (Equality Act 2010)",
        "Not disabled (Equality Act 2010)",
        yes_aliases=("Disabled", "Disabled under the Equality Act"),
        no_aliases=("Not disabled", "Not disabled under the Equality Act"),
    ),
)

MARITAL_STATUS = CodeList(
    key="marital_status",
    name="Marital or civil partnership status",
    characteristic="marriage_civil_partnership",
    source=(
        f"NHS Data Dictionary: PERSON MARITAL STATUS (MHSDS MaritalStatus), {_NHS_DD}/data_elements/"
        "person_marital_status.html (retired codes 1-4 omitted). Aliases: ONS Census 2021 legal "
        "partnership status labels (TS002)."
    ),
    categories=(
        Category(
            "S",
            "Single",
            aliases=("Never married and never registered a civil partnership",),
        ),
        Category(
            "M",
            "Married/Civil Partner",
            aliases=("Married or in a registered civil partnership",),
        ),
        Category(
            "D",
            "Divorced/Person whose Civil Partnership has been dissolved",
            aliases=("Divorced or civil partnership dissolved",),
        ),
        Category(
            "W",
            "Widowed/Surviving Civil Partner",
            aliases=("Widowed or surviving civil partnership partner",),
        ),
        Category(
            "P",
            "Separated",
            aliases=("Separated, but still legally married or still legally in a civil partnership",),
        ),
        Category("N", "Not disclosed", kind=NOT_STATED, aliases=("Not stated", "Prefer not to say")),
        Category("8", "Not applicable", kind=NOT_APPLICABLE),
        Category("9", "Not known", kind=NOT_KNOWN, aliases=("Unknown", "Not recorded")),
    ),
)

PREGNANCY_MATERNITY = CodeList(
    key="pregnancy_maternity",
    name="Pregnancy and maternity",
    characteristic="pregnancy_maternity",
    source=(
        "Equality Act 2010 ss.4 and 17 (pregnancy, and the maternity period of 26 weeks beginning "
        "with the day of birth). No national NHS code list; Y/N/Z/X codes are AMHE's."
    ),
    categories=_flags(
        "Pregnant or within 26 weeks of giving birth",
        "Not pregnant and not within 26 weeks of giving birth",
    ),
)

IMD_DECILE = CodeList(
    key="imd_decile",
    name="Index of Multiple Deprivation decile",
    characteristic="deprivation",
    source=(
        "English Indices of Deprivation 2019 (MHCLG): IMD decile of the Lower-layer Super Output Area, "
        "1 = most deprived 10% of LSOAs in England, 10 = least deprived 10%. "
        "https://www.gov.uk/government/statistics/english-indices-of-deprivation-2019"
    ),
    categories=tuple(
        Category(
            str(d),
            f"Decile {d}" + (" (most deprived 10%)" if d == 1 else " (least deprived 10%)" if d == 10 else ""),
            aliases=(f"{d:02d}",) if d < 10 else (),
        )
        for d in range(1, 11)
    ),
)

IMD_QUINTILE = CodeList(
    key="imd_quintile",
    name="Index of Multiple Deprivation quintile",
    characteristic="deprivation",
    source=(
        "English Indices of Deprivation 2019 (MHCLG): IMD quintile of the LSOA (pairs of deciles), "
        "1 = most deprived 20% of LSOAs in England, 5 = least deprived 20%. "
        "https://www.gov.uk/government/statistics/english-indices-of-deprivation-2019"
    ),
    categories=tuple(
        Category(
            str(q),
            f"Quintile {q}" + (" (most deprived 20%)" if q == 1 else " (least deprived 20%)" if q == 5 else ""),
            aliases=(f"Q{q}", f"{q:02d}"),
        )
        for q in range(1, 6)
    ),
)

MAX_AGE: Final = 120  # ages above this are treated as recording errors


def _age_list(key: str, name: str, source: str, bands: tuple[tuple[int, int | None], ...]) -> CodeList:
    cats = []
    for lo, hi in bands:
        if hi is None:
            cats.append(Category(f"{lo}+", f"{lo} and over", aliases=(f"{lo} or over", f"{lo} plus")))
        else:
            cats.append(Category(f"{lo}-{hi}", f"{lo} to {hi}"))
    return CodeList(key=key, name=name, characteristic="age", source=source, categories=tuple(cats))


AGE_BAND_5Y = _age_list(
    "age_band_5y",
    "Age (5-year bands)",
    "2013 European Standard Population age groups (Eurostat, 2013), as used by ONS and OHID for "
    "age-standardised rates: 0-4, 5-9, ..., 85-89, 90+ (0 and 1-4 combined).",
    tuple((lo, lo + 4) for lo in range(0, 90, 5)) + ((90, None),),
)

AGE_BAND_MH = _age_list(
    "age_band_mh",
    "Age (mental health service bands)",
    "AMHE reporting bands for mental health services: under 18 (children and young people's "
    "services) then 10-year adult bands from 25, with 65+ (older adults). Local convention, "
    "not a national code list.",
    ((0, 17), (18, 24), (25, 34), (35, 44), (45, 54), (55, 64), (65, None)),
)

YES_NO_UNKNOWN = CodeList(
    key="yes_no_unknown",
    name="Yes / No / Not stated / Not known",
    characteristic="",
    source=(
        "Generic flag following the NHS Data Dictionary indicator convention: Y Yes, N No, "
        "Z Not stated (person asked but declined to provide a response), X Not known (not recorded), "
        "as in GENDER IDENTITY CODE / GENDER IDENTITY SAME AT BIRTH INDICATOR."
    ),
    categories=_flags("Yes", "No", yes_aliases=("True", "1"), no_aliases=("False", "0")),
)

CODE_LISTS: dict[str, CodeList] = {
    cl.key: cl
    for cl in (
        NHS_ETHNIC_CATEGORY,
        ONS_ETHNICITY_2021,
        PERSON_STATED_GENDER,
        GENDER_IDENTITY,
        SEX_2021,
        GENDER_SAME_AT_BIRTH,
        SEXUAL_ORIENTATION,
        RELIGION_2021,
        DISABILITY,
        MARITAL_STATUS,
        PREGNANCY_MATERNITY,
        IMD_DECILE,
        IMD_QUINTILE,
        AGE_BAND_5Y,
        AGE_BAND_MH,
        YES_NO_UNKNOWN,
    )
}


# --------------------------------------------------------------------------- characteristics

_INCLUSION_SOURCE = "NHS England, A national framework for NHS action on inclusion health (2023)."

CHARACTERISTICS: dict[str, Characteristic] = {
    c.key: c
    for c in (
        # The nine protected characteristics, in the order of Equality Act 2010 s.4.
        Characteristic(
            "age", "Age", PROTECTED, "Age of the person (Equality Act 2010 s.5).", ("age_band_5y", "age_band_mh")
        ),
        Characteristic(
            "disability", "Disability", PROTECTED, "Disability as defined in Equality Act 2010 s.6.", ("disability",)
        ),
        Characteristic(
            "gender_reassignment",
            "Gender reassignment",
            PROTECTED,
            "Trans status (Equality Act 2010 s.7): whether gender identity differs from sex registered at birth, "
            "and gender identity itself.",
            ("gender_same_at_birth", "gender_identity"),
        ),
        Characteristic(
            "marriage_civil_partnership",
            "Marriage and civil partnership",
            PROTECTED,
            "Marital or civil partnership status (Equality Act 2010 s.8).",
            ("marital_status",),
        ),
        Characteristic(
            "pregnancy_maternity",
            "Pregnancy and maternity",
            PROTECTED,
            "Pregnancy, or within 26 weeks of giving birth (Equality Act 2010 ss.4, 17).",
            ("pregnancy_maternity",),
        ),
        Characteristic(
            "race",
            "Race",
            PROTECTED,
            "Race, including colour, nationality and ethnic or national origins (Equality Act 2010 s.9); "
            "recorded as ethnic group.",
            ("nhs_ethnic_category", "ons_ethnicity_2021"),
        ),
        Characteristic(
            "religion_belief",
            "Religion or belief",
            PROTECTED,
            "Religion or belief, including lack of religion or belief (Equality Act 2010 s.10).",
            ("religion_2021",),
        ),
        Characteristic("sex", "Sex", PROTECTED, "Sex (Equality Act 2010 s.11).", ("person_stated_gender", "sex_2021")),
        Characteristic(
            "sexual_orientation",
            "Sexual orientation",
            PROTECTED,
            "Sexual orientation (Equality Act 2010 s.12).",
            ("sexual_orientation",),
        ),
        Characteristic(
            "deprivation",
            "Deprivation",
            DEPRIVATION,
            "Area deprivation of the person's home LSOA (English Indices of Deprivation 2019).",
            ("imd_decile", "imd_quintile"),
        ),
        Characteristic(
            "homelessness",
            "People experiencing homelessness",
            INCLUSION_HEALTH,
            "Inclusion health group: people who experience homelessness. " + _INCLUSION_SOURCE,
            ("yes_no_unknown",),
        ),
        Characteristic(
            "refugee_asylum",
            "Refugees, asylum seekers and vulnerable migrants",
            INCLUSION_HEALTH,
            "Inclusion health group: vulnerable migrants and refugees, including people seeking asylum. "
            + _INCLUSION_SOURCE,
            ("yes_no_unknown",),
        ),
        Characteristic(
            "gypsy_roma_traveller",
            "Gypsy, Roma and Traveller communities",
            INCLUSION_HEALTH,
            "Inclusion health group: Gypsy, Roma and Traveller communities. " + _INCLUSION_SOURCE,
            ("yes_no_unknown",),
        ),
        Characteristic(
            "sex_workers",
            "Sex workers",
            INCLUSION_HEALTH,
            "Inclusion health group: sex workers. " + _INCLUSION_SOURCE,
            ("yes_no_unknown",),
        ),
        Characteristic(
            "justice_system",
            "People in contact with the justice system",
            INCLUSION_HEALTH,
            "Inclusion health group: people in contact with the justice system. " + _INCLUSION_SOURCE,
            ("yes_no_unknown",),
        ),
        Characteristic(
            "modern_slavery",
            "Victims of modern slavery",
            INCLUSION_HEALTH,
            "Inclusion health group: victims of modern slavery. " + _INCLUSION_SOURCE,
            ("yes_no_unknown",),
        ),
        Characteristic(
            "substance_use",
            "People with drug and alcohol dependence",
            INCLUSION_HEALTH,
            "Inclusion health group: people with drug and alcohol dependence. " + _INCLUSION_SOURCE,
            ("yes_no_unknown",),
        ),
        Characteristic(
            "carer",
            "Carers",
            OTHER,
            "People who provide unpaid care to someone because of illness, disability, mental health or age.",
            ("yes_no_unknown",),
        ),
    )
}


def characteristic(key: str) -> Characteristic:
    """The characteristic with this key; ``KeyError`` naming the known keys otherwise."""
    try:
        return CHARACTERISTICS[key]
    except KeyError:
        raise KeyError(f"unknown characteristic {key!r}; known: {', '.join(CHARACTERISTICS)}") from None


def code_list(key: str) -> CodeList:
    """The code list with this key; ``KeyError`` naming the known keys otherwise."""
    try:
        return CODE_LISTS[key]
    except KeyError:
        raise KeyError(f"unknown code list {key!r}; known: {', '.join(CODE_LISTS)}") from None


# --------------------------------------------------------------------------- conversions


def ons2021_to_nhs(value: object) -> str | None:
    """NHS ETHNIC CATEGORY code for an ONS 2021 ethnic group (code, label or alias).

    Returns ``None`` if the value is not an ONS 2021 category. See :data:`ONS2021_TO_NHS`.
    """
    cat = ONS_ETHNICITY_2021.lookup(value)
    return None if cat is None else ONS2021_TO_NHS[cat.code]


def imd_quintile_for_decile(decile: int) -> int:
    """IMD quintile (1-5) for an IMD decile (1-10): deciles 1-2 -> 1, ..., 9-10 -> 5.

    Raises ``ValueError`` for anything that is not a whole number from 1 to 10.
    """
    if isinstance(decile, bool):
        raise ValueError(f"IMD decile must be a whole number 1-10, got {decile!r}")
    try:
        number = int(str(decile).strip())
    except ValueError:
        raise ValueError(f"IMD decile must be a whole number 1-10, got {decile!r}") from None
    if not 1 <= number <= 10:
        raise ValueError(f"IMD decile must be a whole number 1-10, got {decile!r}")
    return (number + 1) // 2


def _age_bounds(cl: CodeList) -> tuple[tuple[int, int | None, str], ...]:
    bounds: list[tuple[int, int | None, str]] = []
    for cat in cl.categories:
        if cat.code.endswith("+"):
            bounds.append((int(cat.code[:-1]), None, cat.code))
        else:
            lo, hi = cat.code.split("-")
            bounds.append((int(lo), int(hi), cat.code))
    return tuple(bounds)


_AGE_BOUNDS = {cl.key: _age_bounds(cl) for cl in (AGE_BAND_5Y, AGE_BAND_MH)}

#: Keys of the age code lists usable with :func:`age_band`.
AGE_SCHEMES: Final = tuple(_AGE_BOUNDS)


def age_band(age: float | int | str | None, scheme: str = "age_band_5y") -> str | None:
    """The age band code for an age in years, e.g. ``age_band(17) == "15-19"``.

    Ages are in completed years, so fractions count down (89.9 is in "85-89").
    Numeric strings are accepted. Returns ``None`` for missing (``None``, blank, NaN,
    non-numeric) and impossible ages (negative or over :data:`MAX_AGE`), which callers
    should treat as "not known". Raises ``KeyError`` for an unknown scheme.
    """
    if scheme not in _AGE_BOUNDS:
        raise KeyError(f"unknown age scheme {scheme!r}; known: {', '.join(AGE_SCHEMES)}")
    if age is None or isinstance(age, bool):
        return None
    try:
        years = float(str(age).strip()) if isinstance(age, str) else float(age)
    except (TypeError, ValueError):
        return None
    if math.isnan(years) or years < 0 or years > MAX_AGE:
        return None
    whole = math.floor(years)
    for lo, hi, code in _AGE_BOUNDS[scheme]:
        if whole >= lo and (hi is None or whole <= hi):
            return code
    return None  # pragma: no cover - bands cover 0..MAX_AGE
