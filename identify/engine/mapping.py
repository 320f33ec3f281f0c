"""What each column of an extract holds: the fields AMHE understands, a guess from
the column names, and a validated :class:`Mapping`.

:data:`FIELDS` lists every field a column can be mapped to. Characteristic fields
name the taxonomy code list their values are read with (``amhe.core.taxonomy``);
the others are measures (``count``, ``population``, ``score``, ``outcome``) or
record details (``record_id``, ``date``). Dates of birth are deliberately not a
field: ask for age instead (and the reader removes date-of-birth columns anyway).

:func:`detect_mapping` recognises MHSDS / IAPT (NHS Talking Therapies) data item
names such as ``EthnicCategory``, ``EthnicCategory2021``, ``Gender``,
``GenderIDCode``, ``GenderSameAtBirth``, ``AgeRepPeriodEnd``,
``AgeServReferRecDate``, ``LSOA2011``, ``LSOA2021``, ``ReferralRequestReceivedDate``,
``Person_ID``, ``RecordNumber`` and ``UniqServReqID``, and plain-English headers
("Ethnic group", "Sex", "Age", "IMD decile", "Number of detentions", "Population"),
ignoring case, spaces, underscores and punctuation. ``UniqMonthID`` is a reporting
month, not a record identifier, so it is not mapped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Final

from amhe.core import taxonomy

from .reading import ExtractError, identifier_kind_for_name

__all__ = [
    "CHARACTERISTIC",
    "COUNT",
    "POPULATION",
    "RECORD_ID",
    "DATE",
    "OUTCOME",
    "SCORE",
    "ROLES",
    "EXTRACT_KINDS",
    "Field",
    "FIELDS",
    "FIELD_ALIASES",
    "MappingError",
    "Mapping",
    "detect_mapping",
    "field_choices",
]

CHARACTERISTIC: Final = "characteristic"
COUNT: Final = "count"
POPULATION: Final = "population"
RECORD_ID: Final = "record_id"
DATE: Final = "date"
OUTCOME: Final = "outcome"
SCORE: Final = "score"
ROLES: Final = (CHARACTERISTIC, COUNT, POPULATION, RECORD_ID, DATE, OUTCOME, SCORE)

#: Kinds of extract (``identify.models.Extract.Kind`` values).
EXTRACT_KINDS: Final = ("service_use", "experience", "outcomes", "population")
_EVENTS = ("service_use", "experience", "outcomes")
_KINDS_FOR_ROLE: Final = {
    CHARACTERISTIC: EXTRACT_KINDS,
    COUNT: _EVENTS,
    POPULATION: ("population",),
    RECORD_ID: _EVENTS,
    DATE: _EVENTS,
    OUTCOME: ("outcomes",),
    SCORE: ("experience", "outcomes"),
}


@dataclass(frozen=True)
class Field:
    """Something a column can hold.

    ``names`` are the column names recognised for it, most specific first (when two
    columns match one field, the one matching an earlier name wins).
    ``code_list`` is the taxonomy list values are read with (``None`` for numbers,
    dates, ids, age in years and LSOA codes). ``characteristic`` is the taxonomy
    characteristic it records.
    """

    key: str
    label: str
    role: str
    help: str
    names: tuple[str, ...] = ()
    code_list: str | None = None
    characteristic: str | None = None
    kinds: tuple[str, ...] = ()  # the kinds of extract it belongs in (filled in below from the role)

    def __post_init__(self) -> None:
        if not self.kinds:
            object.__setattr__(self, "kinds", _KINDS_FOR_ROLE[self.role])

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "label": self.label,
            "role": self.role,
            "help": self.help,
            "code_list": self.code_list,
            "characteristic": self.characteristic,
            "kinds": list(self.kinds),
        }


def _flag(key: str, label: str, characteristic: str, names: tuple[str, ...]) -> Field:
    return Field(
        key,
        label,
        CHARACTERISTIC,
        f"{label}: Y/N (also Yes/No, 1/0, True/False), Z not stated, X not known.",
        names,
        "yes_no_unknown",
        characteristic,
    )


_FIELD_LIST: tuple[Field, ...] = (
    Field(
        "ethnicity",
        "Ethnicity (NHS ethnic category)",
        CHARACTERISTIC,
        "NHS ETHNIC CATEGORY letters A-S, Z (not stated), 99 (not known), or their names; ONS 2021 names are "
        "converted.",
        (
            "EthnicCategory",
            "Validated_EthnicCategory",
            "NHSDEthnicity",
            "EthnicCategoryCode",
            "Ethnicity",
            "Ethnic group",
            "Ethnic category",
            "Ethnic origin",
            "Ethnicity code",
            "Ethnic group code",
            "Race",
        ),
        "nhs_ethnic_category",
        "race",
    ),
    Field(
        "ethnicity_2021",
        "Ethnicity (ONS Census 2021 groups)",
        CHARACTERISTIC,
        "Census 2021 ethnic group names (19 groups), for example 'White: Roma' or 'Other ethnic group: Arab'.",
        (
            "EthnicCategory2021",
            "Ethnicity 2021",
            "Ethnic group 2021",
            "Ethnic category 2021",
            "Census 2021 ethnic group",
            "Ethnic group (Census 2021)",
        ),
        "ons_ethnicity_2021",
        "race",
    ),
    Field(
        "sex",
        "Sex (person stated gender)",
        CHARACTERISTIC,
        "PERSON STATED GENDER CODE: 1 male, 2 female, 9 indeterminate, X not known (also Male/Female, Man/Woman, M/F).",
        (
            "PersonStatedGenderCode",
            "PersonStatedGender",
            "Gender",
            "Sex",
            "GenderCode",
            "StatedGender",
            "PersonGender",
            "PersonGenderCode",
            "Sex code",
            "Gender (stated)",
        ),
        "person_stated_gender",
        "sex",
    ),
    Field(
        "gender_identity",
        "Gender identity",
        CHARACTERISTIC,
        "GENDER IDENTITY CODE: 1 male (including trans man), 2 female (including trans woman), 3 non-binary, 4 other, "
        "Z not stated, X not known.",
        ("GenderIDCode", "GenderIdentityCode", "Gender identity", "GenderIdentity"),
        "gender_identity",
        "gender_reassignment",
    ),
    Field(
        "gender_same_at_birth",
        "Gender identity same as at birth",
        CHARACTERISTIC,
        "GENDER IDENTITY SAME AT BIRTH INDICATOR: Y, N, Z not stated, X not known.",
        (
            "GenderSameAtBirthIndicator",
            "GenderSameAtBirth",
            "GenderIdentitySameAtBirthIndicator",
            "GenderIdentitySameAtBirth",
            "Gender same as at birth",
            "Gender same at birth",
            "Trans status",
            "Trans",
        ),
        "gender_same_at_birth",
        "gender_reassignment",
    ),
    Field(
        "age",
        "Age (years)",
        CHARACTERISTIC,
        "Age in whole years (0 to 120). We put it into age bands; do not upload dates of birth.",
        (
            "AgeServReferRecDate",
            "AgeRepPeriodEnd",
            "AgeRepPeriodStart",
            "Age",
            "Age (years)",
            "Age in years",
            "AgeYears",
            "Age at referral",
            "Age at admission",
            "Age at detention",
            "Age at contact",
            "Age at activity",
            "PersonAge",
        ),
        None,
        "age",
    ),
    Field(
        "age_band",
        "Age band (already grouped)",
        CHARACTERISTIC,
        "Age bands, either 5-year bands (0-4, 5-9, ..., 90+) or mental health bands (0-17, 18-24, 25-34, ..., 65+).",
        ("Age band", "Age group", "AgeBand", "AgeGroup", "Age range", "Age category", "Age bands", "Age groups"),
        "age_band_mh",
        "age",
    ),
    Field(
        "lsoa",
        "LSOA (where the person lives)",
        CHARACTERISTIC,
        "Lower-layer Super Output Area code, for example E01011362. We look up its deprivation decile "
        "(English Indices of Deprivation 2019, which uses 2011 LSOAs).",
        (
            "LSOA2011",
            "LSOA11",
            "LSOA11CD",
            "LSOA 2011 code",
            "LSOA code 2011",
            "LSOA",
            "LSOA code",
            "LSOA of residence",
            "Lower layer super output area",
            "Lower super output area",
            "LSOA2021",
            "LSOA21",
            "LSOA21CD",
            "LSOA 2021 code",
        ),
        None,
        "deprivation",
    ),
    Field(
        "imd_decile",
        "Deprivation decile (IMD)",
        CHARACTERISTIC,
        "Index of Multiple Deprivation decile, 1 (most deprived 10%) to 10 (least deprived).",
        (
            "IMD decile",
            "IMDDecile",
            "IMD 2019 decile",
            "IMD19 decile",
            "Deprivation decile",
            "Index of Multiple Deprivation decile",
            "IMD",
        ),
        "imd_decile",
        "deprivation",
    ),
    Field(
        "imd_quintile",
        "Deprivation quintile (IMD)",
        CHARACTERISTIC,
        "Index of Multiple Deprivation quintile, 1 (most deprived 20%) to 5 (least deprived).",
        (
            "IMD quintile",
            "IMDQuintile",
            "IMD 2019 quintile",
            "IMD19 quintile",
            "Deprivation quintile",
            "Index of Multiple Deprivation quintile",
        ),
        "imd_quintile",
        "deprivation",
    ),
    Field(
        "sexual_orientation",
        "Sexual orientation",
        CHARACTERISTIC,
        "PERSON STATED SEXUAL ORIENTATION CODE: 1 heterosexual, 2 gay or lesbian, 3 bisexual, 4 other, U unsure, "
        "Z not stated, 9 not known (or their names, or the SNOMED CT codes MHSDS uses).",
        (
            "PersonStatedSexualOrientationCode",
            "SexualOrientationCode",
            "SexualOrientation",
            "Sexual orientation",
            "SexOrient",
        ),
        "sexual_orientation",
        "sexual_orientation",
    ),
    Field(
        "religion",
        "Religion or belief",
        CHARACTERISTIC,
        "Census 2021 religion: No religion, Christian, Buddhist, Hindu, Jewish, Muslim, Sikh, Other religion, "
        "Not answered.",
        (
            "ReligiousOrOtherBeliefSystemAffiliationCode",
            "ReligiousOrOtherBeliefSystemAffiliation",
            "ReligiousAffiliation",
            "Religion",
            "Religion or belief",
            "Religious affiliation",
            "Faith",
        ),
        "religion_2021",
        "religion_belief",
    ),
    Field(
        "disability",
        "Disability",
        CHARACTERISTIC,
        "Disabled under the Equality Act 2010: Y, N, Z not stated, X not known (also Yes/No).",
        ("DisabilityCode", "Disability", "Disabled", "Disability status", "DisabilityFlag", "Has a disability"),
        "disability",
        "disability",
    ),
    Field(
        "marital_status",
        "Marital or civil partnership status",
        CHARACTERISTIC,
        "PERSON MARITAL STATUS: S, M, D, W, P, N not disclosed, 8 not applicable, 9 not known.",
        ("MaritalStatus", "PersonMaritalStatus", "Marital status", "Legal partnership status"),
        "marital_status",
        "marriage_civil_partnership",
    ),
    Field(
        "pregnancy",
        "Pregnancy and maternity",
        CHARACTERISTIC,
        "Pregnant or within 26 weeks of giving birth: Y, N, Z not stated, X not known.",
        ("Pregnancy", "Pregnant", "PregnancyMaternity", "Pregnancy or maternity", "Pregnancy and maternity"),
        "pregnancy_maternity",
        "pregnancy_maternity",
    ),
    _flag("homeless", "Experiencing homelessness", "homelessness", ("Homeless", "Homelessness", "HomelessFlag")),
    _flag(
        "refugee_asylum",
        "Refugee or asylum seeker",
        "refugee_asylum",
        ("Refugee or asylum seeker", "Refugee", "Asylum seeker", "RefugeeAsylum", "RefugeeAsylumSeeker"),
    ),
    _flag(
        "gypsy_roma_traveller",
        "Gypsy, Roma or Traveller",
        "gypsy_roma_traveller",
        ("Gypsy Roma Traveller", "Gypsy, Roma or Traveller", "GRT"),
    ),
    _flag("sex_worker", "Sex worker", "sex_workers", ("Sex worker", "SexWorker")),
    _flag(
        "justice_system",
        "In contact with the justice system",
        "justice_system",
        ("Justice system", "Contact with justice system", "Criminal justice", "Criminal justice system"),
    ),
    _flag(
        "modern_slavery", "Victim of modern slavery", "modern_slavery", ("Modern slavery", "Victim of modern slavery")
    ),
    _flag(
        "substance_use",
        "Drug or alcohol dependence",
        "substance_use",
        ("Substance use", "Substance misuse", "Drug and alcohol", "Drug or alcohol dependence"),
    ),
    _flag("carer", "Unpaid carer", "carer", ("Carer", "Unpaid carer", "Carer status", "Young carer")),
    Field(
        "count",
        "Count (each row is a group)",
        COUNT,
        "How many people or events the row stands for, in a file of counts (one row per group).",
        (
            "Count",
            "Number",
            "N",
            "Frequency",
            "Total",
            "Referrals",
            "Detentions",
            "Admissions",
            "Contacts",
            "Number of referrals",
            "Number of detentions",
            "Number of admissions",
            "Number of contacts",
            "Number of people",
        ),
    ),
    Field(
        "population",
        "Population (denominator)",
        POPULATION,
        "How many people live in the area in this group, for rates (a population file).",
        (
            "Population",
            "Pop",
            "Denominator",
            "Residents",
            "Usual residents",
            "Population count",
            "Registered population",
            "List size",
        ),
    ),
    Field(
        "record_id",
        "Record ID (pseudonymised)",
        RECORD_ID,
        "A pseudonymised person or referral identifier, used only to find duplicate records. Not an NHS number.",
        (
            "UniqServReqID",
            "ServiceRequestId",
            "ReferralId",
            "Referral ID",
            "RecordNumber",
            "Record number",
            "Record ID",
            "Person_ID",
            "Der_Person_ID",
            "PersonID",
            "Pseudo NHS number",
            # What the reader puts in place of an NHS number column (reading.NHS_PSEUDONYM_COLUMN).
            "NHS number (pseudonym)",
            "PseudoNHSNumber",
            "Pseudonymised ID",
            "Token_Person_ID",
            "LocalPatientId",
            "Patient ID",
            "Client ID",
            "ID",
        ),
    ),
    Field(
        "date",
        "Date (of referral, contact, admission or detention)",
        DATE,
        "The date of the event the row records, for example ReferralRequestReceivedDate. Not a date of birth.",
        (
            "ReferralRequestReceivedDate",
            "Referral date",
            "Referral received date",
            "ReferralDate",
            "CareContDate",
            "Contact date",
            "StartDateHospProvSpell",
            "Admission date",
            "StartDateMHActLegalStatusClass",
            "Detention date",
            "Detention start date",
            "Event date",
            "Activity date",
            "Date",
            "Start date",
            "ReportingPeriodStartDate",
        ),
    ),
    Field(
        "outcome",
        "Outcome flag",
        OUTCOME,
        "Whether the outcome happened: Y/N, Yes/No, 1/0 or True/False (for example recovered).",
        (
            "Recovered",
            "Recovery",
            "Reliable recovery",
            "ReliableRecovery",
            "Reliable improvement",
            "ReliableImprovement",
            "Improved",
            "Outcome",
            "Outcome flag",
        ),
        "yes_no_unknown",
    ),
    Field(
        "score",
        "Score (PREM or PROM)",
        SCORE,
        "A numeric score from an experience (PREM) or outcome (PROM) measure; higher or lower as the measure defines.",
        (
            "Score",
            "PREM score",
            "PROM score",
            "Total score",
            "Experience score",
            "Satisfaction score",
            "Change score",
            "Wellbeing score",
            "Outcome score",
        ),
    ),
)

#: Every field a column can be mapped to, by key.
FIELDS: Final[dict[str, Field]] = {f.key: f for f in _FIELD_LIST}

#: Field names people might type that are not fields, with what to do instead.
_NOT_FIELDS = {
    "date_of_birth": "Dates of birth identify people and are not used: map an age column instead.",
    "dob": "Dates of birth identify people and are not used: map an age column instead.",
    "nhs_number": "NHS numbers identify people and are not used: map a pseudonymised ID as Record ID instead.",
    "postcode": "Full postcodes identify people and are not used: map an LSOA column instead.",
    "name": "Names identify people and are not used.",
}

#: Other spellings of field keys accepted in a mapping (saved mappings, API users).
FIELD_ALIASES: Final = {"ethnic_category": "ethnicity", "gender": "sex", "religion_belief": "religion"}


def _key(text: str) -> str:
    return re.sub(r"[^0-9a-z]+", "", str(text).casefold())


_BRACKETS = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_SUFFIXES = ("code", "codes", "cd", "desc", "description", "flag", "indicator", "value")


def _candidates(column: str) -> list[str]:
    """Comparison keys for a column name: as given, without brackets, without a code/desc suffix."""
    keys = [_key(column)]
    plain = _key(_BRACKETS.sub(" ", column))
    if plain and plain not in keys:
        keys.append(plain)
    for base in list(keys):
        for suffix in _SUFFIXES:
            if base.endswith(suffix) and len(base) > len(suffix) + 2 and base[: -len(suffix)] not in keys:
                keys.append(base[: -len(suffix)])
    return keys


_NAME_INDEX: dict[str, tuple[str, int]] = {}
for _field in _FIELD_LIST:
    for _rank, _name in enumerate(_field.names):
        _NAME_INDEX.setdefault(_key(_name), (_field.key, _rank))

_COUNT_PATTERN = re.compile(r"(?:numberof|noof|countof|num)[a-z0-9]+|[a-z0-9]*count")
_COUNT_RANK = 100  # pattern matches lose to listed names


def _match(column: str) -> tuple[str, int] | None:
    if identifier_kind_for_name(column) is not None:
        return None  # never map something that looks like a direct identifier
    for key in _candidates(column):
        found = _NAME_INDEX.get(key)
        if found is not None:
            return found
    key = _key(column)
    if _COUNT_PATTERN.fullmatch(key) and "population" not in key:
        return ("count", _COUNT_RANK)
    return None


# When both are detected, the first is kept and the second left unmapped.
_PREFER = (
    ("age", "age_band"),
    ("lsoa", "imd_decile"),
    ("lsoa", "imd_quintile"),
    ("imd_decile", "imd_quintile"),
    ("count", "record_id"),
    ("population", "record_id"),
)


def detect_mapping(columns: Iterable[str]) -> dict[str, str | None]:
    """Guess each column's field from its name: ``{column: field key or None}``.

    Each field is given to at most one column (the best-matching name, then the
    left-most column), and combinations a :class:`Mapping` refuses are avoided,
    so the guess is always a valid starting point for the uploader to check.
    """
    columns = [str(c) for c in columns]
    matches = {c: _match(c) for c in columns}
    best: dict[str, tuple[int, int, str]] = {}
    for position, column in enumerate(columns):
        found = matches[column]
        if found is None:
            continue
        field_key, rank = found
        current = best.get(field_key)
        if current is None or (rank, position) < current[:2]:
            best[field_key] = (rank, position, column)
    for keep, drop in _PREFER:
        if keep in best and drop in best:
            del best[drop]
    chosen = {column: key for key, (_, _, column) in best.items()}
    return {column: chosen.get(column) for column in columns}


def field_choices(kind: str | None = None) -> list[tuple[str, str]]:
    """``[(key, label), ...]`` for a form: the fields that belong in this kind of extract (all if ``None``)."""
    return [(f.key, f.label) for f in _FIELD_LIST if kind is None or kind in f.kinds]


class MappingError(ExtractError, ValueError):
    """A mapping we cannot use. ``errors`` is a list of ``{"column", "field", "message"}``.

    An :class:`ExtractError` (code ``"mapping"``) so a job can treat both alike.
    """

    def __init__(self, errors: list[dict[str, Any]]):
        self.errors = errors
        super().__init__("mapping", " ".join(e["message"] for e in errors), column=errors[0].get("column"))

    def to_dict(self) -> dict[str, Any]:
        return {**super().to_dict(), "errors": [dict(e) for e in self.errors]}


# Pairs of fields that cannot both be mapped, and why.
_CONFLICTS = (
    (
        "count",
        "record_id",
        "A count column means each row is a group of people, but a record ID means each row is one person or "
        "referral. Choose one: set the other to 'Not used'.",
    ),
    (
        "population",
        "record_id",
        "A population column means each row is a group of residents, so a record ID does not apply. Set '{b}' to "
        "'Not used'.",
    ),
    (
        "age",
        "age_band",
        "Map either age in years or age band, not both (we work out age bands from age). Set '{b}' to 'Not used'.",
    ),
    (
        "lsoa",
        "imd_decile",
        "Map either LSOA or IMD decile, not both (we look up the decile from the LSOA). Set one of '{a}' and '{b}' "
        "to 'Not used'.",
    ),
    (
        "lsoa",
        "imd_quintile",
        "Map either LSOA or IMD quintile, not both (we look up deprivation from the LSOA). Set one of '{a}' and '{b}' "
        "to 'Not used'.",
    ),
    (
        "imd_decile",
        "imd_quintile",
        "Map either IMD decile or IMD quintile, not both (we work out quintiles from deciles). Set '{b}' to "
        "'Not used'.",
    ),
)


@dataclass(frozen=True)
class Mapping:
    """A checked ``{column: field key}`` for the columns that are used.

    Build it with ``Mapping({...})`` or :meth:`from_dict` (which drops unused
    columns and can check the columns exist); both raise :class:`MappingError`
    listing every problem in plain English.
    """

    columns: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "columns", self._validated(dict(self.columns)))

    @classmethod
    def from_dict(cls, mapping: dict[str, str | None], *, columns: Iterable[str] | None = None) -> Mapping:
        """From a form or saved mapping; ``None``/``""`` mean "not used"."""
        used = {str(c): FIELD_ALIASES.get(str(f), str(f)) for c, f in mapping.items() if f}
        if columns is not None:
            available = {str(c) for c in columns}
            missing = [c for c in used if c not in available]
            if missing:
                raise MappingError(
                    [
                        {
                            "column": c,
                            "field": used[c],
                            "message": f"There is no column called '{c}' in this file. Choose the columns again.",
                        }
                        for c in missing
                    ]
                )
        return cls(used)

    @staticmethod
    def _validated(columns: dict[str, str]) -> dict[str, str]:
        errors: list[dict[str, Any]] = []
        by_field: dict[str, list[str]] = {}
        for column, key in columns.items():
            key = FIELD_ALIASES.get(key, key)
            columns[column] = key
            if key in _NOT_FIELDS:
                errors.append({"column": column, "field": key, "message": f"Column '{column}': {_NOT_FIELDS[key]}"})
            elif key not in FIELDS:
                errors.append(
                    {
                        "column": column,
                        "field": key,
                        "message": f"Column '{column}' is set to '{key}', which is not something we can use. Choose "
                        "one of the listed options, or 'Not used'.",
                    }
                )
            elif identifier_kind_for_name(column) is not None:
                errors.append(
                    {
                        "column": column,
                        "field": key,
                        "message": f"Column '{column}' looks like it identifies people, so it cannot be used. Set it "
                        "to 'Not used'.",
                    }
                )
            else:
                by_field.setdefault(key, []).append(column)
        for key, cols in by_field.items():
            if len(cols) > 1:
                names = " and ".join(f"'{c}'" for c in cols)
                errors.append(
                    {
                        "column": cols[1],
                        "field": key,
                        "message": f"Columns {names} are both set to {FIELDS[key].label}. Choose one and set the "
                        "other to 'Not used'.",
                    }
                )
        for a, b, message in _CONFLICTS:
            if a in by_field and b in by_field:
                errors.append(
                    {
                        "column": by_field[b][0],
                        "field": b,
                        "message": message.format(a=by_field[a][0], b=by_field[b][0]),
                    }
                )
        if not errors and not any(FIELDS[k].role == CHARACTERISTIC for k in by_field):
            errors.append(
                {
                    "column": None,
                    "field": None,
                    "message": "Choose at least one column that holds a characteristic, such as ethnicity, sex, age "
                    "or LSOA, so there is something to break the data down by.",
                }
            )
        if errors:
            raise MappingError(errors)
        return columns

    # -- views ---------------------------------------------------------------

    def column_for(self, field_key: str) -> str | None:
        for column, key in self.columns.items():
            if key == field_key:
                return column
        return None

    @property
    def fields(self) -> list[str]:
        return list(self.columns.values())

    @property
    def characteristic_fields(self) -> list[str]:
        return [k for k in self.columns.values() if FIELDS[k].role == CHARACTERISTIC]

    @property
    def shape(self) -> str:
        """ "aggregate" (rows are groups: a count or population column) or "record"."""
        return "aggregate" if any(k in ("count", "population") for k in self.columns.values()) else "record"

    def to_dict(self) -> dict[str, str]:
        return dict(self.columns)

    def __contains__(self, field_key: object) -> bool:
        return field_key in self.columns.values()


# Checked at import: every field's code list exists in the taxonomy.
for _field in _FIELD_LIST:
    if _field.code_list is not None:
        taxonomy.code_list(_field.code_list)
    if _field.characteristic is not None:
        taxonomy.characteristic(_field.characteristic)
