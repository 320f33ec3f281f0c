"""Unit tests for the characteristic taxonomy (pure Python, no Django, no database)."""

import dataclasses
import math

import pytest

from amhe.core import taxonomy as tx

NHS = tx.code_list("nhs_ethnic_category")
ONS = tx.code_list("ons_ethnicity_2021")


# --------------------------------------------------------------------------- NHS ethnic category


def test_nhs_ethnic_codes_are_exact_and_in_official_order():
    assert NHS.codes == tuple("ABCDEFGHJKLMNPRS") + ("Z", "99")


@pytest.mark.parametrize(
    ("group", "codes"),
    [
        ("WHITE", "ABC"),
        ("MIXED", "DEFG"),
        ("ASIAN", "HJKL"),
        ("BLACK", "MNP"),
        ("OTHER", "RS"),
    ],
)
def test_nhs_ethnic_groups(group, codes):
    assert tuple(c.code for c in NHS.in_group(group)) == tuple(codes)
    for code in codes:
        assert NHS.group_of(code).code == group


def test_nhs_ethnic_group_labels():
    assert NHS.group_choices() == [
        ("WHITE", "White"),
        ("MIXED", "Mixed"),
        ("ASIAN", "Asian or Asian British"),
        ("BLACK", "Black or Black British"),
        ("OTHER", "Other Ethnic Groups"),
    ]


def test_nhs_ethnic_official_labels():
    assert NHS["A"].label == "White - British"
    assert NHS["N"].label == "Black or Black British - African"
    assert NHS["R"].label == "Other Ethnic Groups - Chinese"
    assert NHS["S"].label == "Other Ethnic Groups - Any other ethnic group"
    assert NHS["Z"].label == "Not stated"
    assert NHS["99"].label == "Not known"


def test_nhs_ethnic_kinds_keep_missing_and_vague_apart():
    assert NHS["Z"].kind == tx.NOT_STATED
    assert NHS["99"].kind == tx.NOT_KNOWN
    assert {c.code for c in NHS.of_kind(tx.OTHER)} == set("CGLPS")
    assert {c.code for c in NHS.missing} == {"Z", "99"}
    assert len(NHS.answered) == 16
    # Missing data is never rolled up into a real group, not even OTHER.
    assert NHS.group_of("Z") is None
    assert NHS.group_of("99") is None
    assert NHS["Z"].is_missing and not NHS["Z"].is_answered
    assert NHS["S"].is_answered and not NHS["S"].is_missing


def test_choices_are_code_label_pairs_in_order():
    choices = NHS.choices()
    assert choices[0] == ("A", "White - British")
    assert choices[-1] == ("99", "Not known")
    assert len(choices) == 18


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("white - british", "A"),
        (" a ", "A"),
        ("WHITE BRITISH", "A"),
        ("White: English, Welsh, Scottish, Northern Irish or British", "A"),
        ("Black or Black British - African", "N"),
        ("black  or black british–african", "N"),
        ("Black Caribbean", "M"),
        ("Black or Black British - Caribbean", "M"),
        ("Black, Black British, Black Welsh, Caribbean or African: Caribbean", "M"),
        ("Asian, Asian British or Asian Welsh: Chinese", "R"),
        ("any other white background", "C"),
        ("Prefer not to say", "Z"),
        ("z", "Z"),
        ("99", "99"),
        ("not known", "99"),
    ],
)
def test_nhs_ethnic_lookup_messy_variants(value, code):
    assert NHS.lookup(value).code == code


@pytest.mark.parametrize("value", ["Martian", "", "   ", None, "White - Britishh", "T", "Gypsy or Irish Traveller"])
def test_nhs_ethnic_lookup_non_match_is_none(value):
    assert NHS.lookup(value) is None


def test_get_is_code_only_and_case_insensitive():
    assert NHS.get(" a ").code == "A"
    assert NHS.get("99").code == "99"
    assert NHS.get("White - British") is None
    assert NHS.get(None) is None
    assert "k" in NHS
    with pytest.raises(KeyError, match="nhs_ethnic_category"):
        NHS["Q"]


# --------------------------------------------------------------------------- ONS 2021 ethnic group


ONS_LABELS = {
    "ASIAN": [
        "Asian, Asian British or Asian Welsh: Bangladeshi",
        "Asian, Asian British or Asian Welsh: Chinese",
        "Asian, Asian British or Asian Welsh: Indian",
        "Asian, Asian British or Asian Welsh: Pakistani",
        "Asian, Asian British or Asian Welsh: Other Asian",
    ],
    "BLACK": [
        "Black, Black British, Black Welsh, Caribbean or African: African",
        "Black, Black British, Black Welsh, Caribbean or African: Caribbean",
        "Black, Black British, Black Welsh, Caribbean or African: Other Black",
    ],
    "MIXED": [
        "Mixed or Multiple ethnic groups: White and Asian",
        "Mixed or Multiple ethnic groups: White and Black African",
        "Mixed or Multiple ethnic groups: White and Black Caribbean",
        "Mixed or Multiple ethnic groups: Other Mixed or Multiple ethnic groups",
    ],
    "WHITE": [
        "White: English, Welsh, Scottish, Northern Irish or British",
        "White: Irish",
        "White: Gypsy or Irish Traveller",
        "White: Roma",
        "White: Other White",
    ],
    "OTHER": [
        "Other ethnic group: Arab",
        "Other ethnic group: Any other ethnic group",
    ],
}


def test_ons_2021_has_19_groups_with_exact_labels_in_order():
    answered = ONS.answered
    assert len(answered) == 19
    assert [c.label for c in answered] == [label for labels in ONS_LABELS.values() for label in labels]
    for group, labels in ONS_LABELS.items():
        assert [c.label for c in ONS.in_group(group)] == labels


def test_ons_2021_five_high_level_groups():
    assert ONS.group_choices() == [
        ("ASIAN", "Asian, Asian British or Asian Welsh"),
        ("BLACK", "Black, Black British, Black Welsh, Caribbean or African"),
        ("MIXED", "Mixed or Multiple ethnic groups"),
        ("WHITE", "White"),
        ("OTHER", "Other ethnic group"),
    ]


def test_ons_2021_kinds():
    assert {c.code for c in ONS.of_kind(tx.OTHER)} == {
        "ASIAN_OTHER",
        "BLACK_OTHER",
        "MIXED_OTHER",
        "WHITE_OTHER",
        "OTHER_ANY_OTHER",
    }
    assert ONS["NOT_STATED"].kind == tx.NOT_STATED
    assert ONS["NOT_KNOWN"].kind == tx.NOT_KNOWN


@pytest.mark.parametrize(
    ("value", "nhs"),
    [
        ("WHITE_BRITISH", "A"),
        ("White: Irish", "B"),
        ("Gypsy or Irish Traveller", "C"),
        ("Roma", "C"),
        ("white other", "C"),
        ("Mixed or Multiple ethnic groups: White and Black Caribbean", "D"),
        ("MIXED_WHITE_BLACK_AFRICAN", "E"),
        ("MIXED_WHITE_ASIAN", "F"),
        ("MIXED_OTHER", "G"),
        ("Indian", "H"),
        ("Pakistani", "J"),
        ("Bangladeshi", "K"),
        ("Asian, Asian British or Asian Welsh: Chinese", "R"),
        ("ASIAN_OTHER", "L"),
        ("Caribbean", "M"),
        ("African", "N"),
        ("BLACK_OTHER", "P"),
        ("Arab", "S"),
        ("OTHER_ANY_OTHER", "S"),
        ("NOT_STATED", "Z"),
        ("NOT_KNOWN", "99"),
    ],
)
def test_ons2021_to_nhs(value, nhs):
    assert tx.ons2021_to_nhs(value) == nhs


def test_ons2021_to_nhs_covers_every_ons_code_and_targets_real_nhs_codes():
    assert set(tx.ONS2021_TO_NHS) == set(ONS.codes)
    for ons_code, nhs_code in tx.ONS2021_TO_NHS.items():
        nhs_cat = NHS[nhs_code]
        ons_cat = ONS[ons_code]
        # Missing stays missing of the same kind; answers stay answers.
        assert nhs_cat.is_missing == ons_cat.is_missing
        if ons_cat.is_missing:
            assert nhs_cat.kind == ons_cat.kind
    assert tx.ons2021_to_nhs("Martian") is None
    assert tx.ons2021_to_nhs(None) is None


def test_ons_mapping_keeps_white_and_black_groups_consistent():
    for ons_code, nhs_code in tx.ONS2021_TO_NHS.items():
        ons_group = ONS[ons_code].group
        if ons_group in {"WHITE", "MIXED", "BLACK"}:
            assert NHS[nhs_code].group == ons_group


# --------------------------------------------------------------------------- sex and gender


def test_person_stated_gender_codes():
    cl = tx.code_list("person_stated_gender")
    assert cl.choices() == [
        ("1", "Male"),
        ("2", "Female"),
        ("9", "Indeterminate (unable to be classified as either male or female)"),
        ("X", "Not Known (not recorded)"),
    ]
    assert cl["X"].kind == tx.NOT_KNOWN
    assert cl["9"].kind == tx.VALID
    assert cl.lookup("female").code == "2"
    assert cl.lookup("m").code == "1"
    assert cl.lookup("x").code == "X"


def test_gender_identity_codes():
    cl = tx.code_list("gender_identity")
    assert cl.choices() == [
        ("1", "Male (including trans man)"),
        ("2", "Female (including trans woman)"),
        ("3", "Non-binary"),
        ("4", "Other (not listed)"),
        ("Z", "Not Stated (PERSON asked but declined to provide a response)"),
        ("X", "Not Known (not recorded)"),
    ]
    assert cl["4"].kind == tx.OTHER
    assert cl["Z"].kind == tx.NOT_STATED
    assert cl["X"].kind == tx.NOT_KNOWN
    assert cl.lookup("non binary").code == "3"
    assert cl.lookup("Nonbinary").code == "3"
    assert cl.lookup("z").code == "Z"


def test_gender_same_at_birth_codes():
    cl = tx.code_list("gender_same_at_birth")
    assert cl.codes == ("Y", "N", "Z", "X")
    assert [c.kind for c in cl] == [tx.VALID, tx.VALID, tx.NOT_STATED, tx.NOT_KNOWN]
    assert cl.lookup("no").code == "N"


def test_sex_2021():
    cl = tx.code_list("sex_2021")
    assert cl.choices() == [("F", "Female"), ("M", "Male")]


# --------------------------------------------------------------------------- sexual orientation


def test_sexual_orientation_codes():
    cl = tx.code_list("sexual_orientation")
    assert cl.choices() == [
        ("1", "Heterosexual or Straight"),
        ("2", "Gay or Lesbian"),
        ("3", "Bisexual"),
        ("4", "Other sexual orientation not listed"),
        ("U", "Person asked and does not know or is not sure"),
        ("Z", "Not Stated (PERSON asked but declined to provide a response)"),
        ("9", "Not Known (Not Recorded)"),
    ]
    assert cl["4"].kind == tx.OTHER
    assert cl["U"].kind == tx.VALID  # an answer ("unsure"), not missing data
    assert cl["Z"].kind == tx.NOT_STATED
    assert cl["9"].kind == tx.NOT_KNOWN


@pytest.mark.parametrize(
    ("snomed", "code"),
    [
        ("20430005", "1"),
        ("89217008", "2"),
        ("76102007", "2"),
        ("42035005", "3"),
        ("1064711000000108", "U"),
        ("729951000000104", "Z"),
        ("699042003", "Z"),
        ("440583007", "9"),
    ],
)
def test_sexual_orientation_snomed_aliases(snomed, code):
    assert tx.code_list("sexual_orientation").lookup(snomed).code == code


def test_sexual_orientation_messy_lookups():
    cl = tx.code_list("sexual_orientation")
    assert cl.lookup("straight").code == "1"
    assert cl.lookup("LESBIAN").code == "2"
    assert cl.lookup("don't know").code == "U"
    assert cl.lookup("u").code == "U"
    assert cl.lookup("pansexual") is None


# --------------------------------------------------------------------------- other protected lists


def test_religion_2021():
    cl = tx.code_list("religion_2021")
    assert [c.label for c in cl.answered] == [
        "No religion",
        "Christian",
        "Buddhist",
        "Hindu",
        "Jewish",
        "Muslim",
        "Sikh",
        "Other religion",
    ]
    assert cl["OTHER_RELIGION"].kind == tx.OTHER
    assert cl.lookup("Not answered").kind == tx.NOT_STATED
    assert cl.lookup("islam").code == "MUSLIM"


def test_disability():
    cl = tx.code_list("disability")
    assert cl.codes == ("Y", "N", "Z", "X")
    assert cl.lookup("Disabled under the Equality Act").code == "Y"
    assert cl.lookup("not disabled under the equality act").code == "N"
    assert cl.lookup("prefer not to say").kind == tx.NOT_STATED


def test_marital_status_keeps_not_disclosed_not_applicable_and_not_known_apart():
    cl = tx.code_list("marital_status")
    assert cl.codes == ("S", "M", "D", "W", "P", "N", "8", "9")
    assert cl["N"].kind == tx.NOT_STATED
    assert cl["8"].kind == tx.NOT_APPLICABLE
    assert cl["9"].kind == tx.NOT_KNOWN
    assert not cl["8"].is_missing and not cl["8"].is_answered
    assert cl.lookup("Married or in a registered civil partnership").code == "M"


def test_pregnancy_maternity():
    cl = tx.code_list("pregnancy_maternity")
    assert cl.codes == ("Y", "N", "Z", "X")


# --------------------------------------------------------------------------- deprivation


@pytest.mark.parametrize(
    ("decile", "quintile"),
    [(1, 1), (2, 1), (3, 2), (4, 2), (5, 3), (6, 3), (7, 4), (8, 4), (9, 5), (10, 5), ("7", 4)],
)
def test_imd_quintile_for_decile(decile, quintile):
    assert tx.imd_quintile_for_decile(decile) == quintile


@pytest.mark.parametrize("bad", [0, 11, -1, "x", 2.5, None, True])
def test_imd_quintile_for_decile_rejects_bad_values(bad):
    with pytest.raises(ValueError):
        tx.imd_quintile_for_decile(bad)


def test_imd_lists():
    deciles = tx.code_list("imd_decile")
    quintiles = tx.code_list("imd_quintile")
    assert deciles.codes == tuple(str(d) for d in range(1, 11))
    assert quintiles.codes == ("1", "2", "3", "4", "5")
    assert "most deprived" in deciles["1"].label
    assert "least deprived" in deciles["10"].label
    assert "most deprived" in quintiles["1"].label
    assert deciles.lookup("01").code == "1"
    assert quintiles.lookup("q5").code == "5"
    for decile in deciles.codes:
        assert str(tx.imd_quintile_for_decile(int(decile))) in quintiles


# --------------------------------------------------------------------------- age


@pytest.mark.parametrize(
    ("age", "band"),
    [
        (0, "0-4"),
        (4, "0-4"),
        (4.99, "0-4"),
        (5, "5-9"),
        (17, "15-19"),
        (18, "15-19"),
        (89.9, "85-89"),
        (90, "90+"),
        (120, "90+"),
        ("42", "40-44"),
        (-1, None),
        (-0.5, None),
        (120.5, None),
        (121, None),
        (None, None),
        ("", None),
        ("abc", None),
        (math.nan, None),
        (True, None),
    ],
)
def test_age_band_5y(age, band):
    assert tx.age_band(age) == band


@pytest.mark.parametrize(
    ("age", "band"),
    [
        (0, "0-17"),
        (17, "0-17"),
        (17.99, "0-17"),
        (18, "18-24"),
        (24, "18-24"),
        (25, "25-34"),
        (64, "55-64"),
        (65, "65+"),
        (89.9, "65+"),
        (120, "65+"),
        (-1, None),
        (None, None),
    ],
)
def test_age_band_mh(age, band):
    assert tx.age_band(age, scheme="age_band_mh") == band


def test_age_band_lists_are_contiguous_and_match_function():
    five = tx.code_list("age_band_5y")
    assert five.codes[0] == "0-4" and five.codes[-1] == "90+" and len(five) == 19
    assert tx.code_list("age_band_mh").codes == ("0-17", "18-24", "25-34", "35-44", "45-54", "55-64", "65+")
    for scheme in tx.AGE_SCHEMES:
        produced = {tx.age_band(a, scheme) for a in range(0, tx.MAX_AGE + 1)}
        assert produced == set(tx.code_list(scheme).codes)


def test_age_band_unknown_scheme():
    with pytest.raises(KeyError, match="age_band_5y"):
        tx.age_band(30, scheme="decades")


# --------------------------------------------------------------------------- registry


PROTECTED_NINE = [
    "age",
    "disability",
    "gender_reassignment",
    "marriage_civil_partnership",
    "pregnancy_maternity",
    "race",
    "religion_belief",
    "sex",
    "sexual_orientation",
]

INCLUSION = [
    "homelessness",
    "refugee_asylum",
    "gypsy_roma_traveller",
    "sex_workers",
    "justice_system",
    "modern_slavery",
    "substance_use",
]


def test_nine_protected_characteristics_present_and_first():
    protected = [c.key for c in tx.CHARACTERISTICS.values() if c.kind == tx.PROTECTED]
    assert protected == PROTECTED_NINE
    assert list(tx.CHARACTERISTICS)[:9] == PROTECTED_NINE


def test_other_characteristics():
    assert tx.characteristic("deprivation").kind == tx.DEPRIVATION
    assert [c.key for c in tx.CHARACTERISTICS.values() if c.kind == tx.INCLUSION_HEALTH] == INCLUSION
    assert tx.characteristic("carer").kind == tx.OTHER
    for key in [*INCLUSION, "carer"]:
        assert tx.characteristic(key).default_code_list == "yes_no_unknown"


def test_default_code_lists():
    assert tx.characteristic("race").code_lists == ("nhs_ethnic_category", "ons_ethnicity_2021")
    assert tx.characteristic("sex").default_code_list == "person_stated_gender"
    assert tx.characteristic("deprivation").code_lists == ("imd_decile", "imd_quintile")
    assert tx.characteristic("age").code_lists == ("age_band_5y", "age_band_mh")


def test_every_characteristic_is_well_formed_and_its_code_lists_exist():
    for key, char in tx.CHARACTERISTICS.items():
        assert char.key == key
        assert char.kind in tx.CHARACTERISTIC_KINDS
        assert char.label and char.description
        assert char.code_lists
        for list_key in char.code_lists:
            assert list_key in tx.CODE_LISTS, (key, list_key)
            owner = tx.CODE_LISTS[list_key].characteristic
            assert owner in ("", key), (key, list_key, owner)


def test_every_code_list_is_well_formed():
    for key, cl in tx.CODE_LISTS.items():
        assert cl.key == key
        assert cl.source.strip(), key
        assert cl.characteristic == "" or cl.characteristic in tx.CHARACTERISTICS
        assert len(cl) > 0
        group_codes = {g.code for g in cl.groups}
        for cat in cl:
            assert cat.kind in tx.CATEGORY_KINDS
            assert cat.label.strip()
            assert cat.group is None or cat.group in group_codes
            if cat.is_missing:
                assert cat.group is None


def test_codes_unique_within_each_list():
    for key, cl in tx.CODE_LISTS.items():
        keys = [c.code.strip().upper() for c in cl]
        assert len(keys) == len(set(keys)), key


def test_every_code_label_and_alias_resolves_to_its_own_category_only():
    for key, cl in tx.CODE_LISTS.items():
        owners: dict[str, str] = {}
        for cat in cl:
            for text in (cat.code, cat.label, *cat.aliases):
                norm = tx.normalise(text)
                assert norm, (key, cat.code, text)
                assert owners.setdefault(norm, cat.code) == cat.code, (key, text, owners[norm], cat.code)
                assert cl.lookup(text) is cat, (key, text)


def test_registry_functions_raise_helpful_key_errors():
    assert tx.code_list("nhs_ethnic_category") is NHS
    with pytest.raises(KeyError, match="race"):
        tx.characteristic("ethnicity")
    with pytest.raises(KeyError, match="nhs_ethnic_category"):
        tx.code_list("ethnicity")


def test_alias_collision_is_rejected_at_construction():
    with pytest.raises(ValueError, match="would match both"):
        tx.CodeList(
            key="bad",
            name="Bad",
            characteristic="",
            source="test",
            categories=(tx.Category("1", "One", aliases=("Same",)), tx.Category("2", "Two", aliases=("same",))),
        )


def test_invalid_definitions_are_rejected():
    with pytest.raises(ValueError, match="duplicate code"):
        tx.CodeList("bad", "Bad", "", "test", (tx.Category("a", "One"), tx.Category("A", "Two")))
    with pytest.raises(ValueError, match="unknown group"):
        tx.CodeList("bad", "Bad", "", "test", (tx.Category("1", "One", group="NOPE"),))
    with pytest.raises(ValueError, match="must not be in a group"):
        tx.CodeList(
            "bad",
            "Bad",
            "",
            "test",
            (tx.Category("Z", "Not stated", group="G", kind=tx.NOT_STATED),),
            groups=(tx.Group("G", "G"),),
        )
    with pytest.raises(ValueError, match="cite a source"):
        tx.CodeList("bad", "Bad", "", " ", (tx.Category("1", "One"),))


def test_model_objects_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        NHS["A"].label = "changed"
    with pytest.raises(dataclasses.FrozenInstanceError):
        NHS.key = "changed"
    with pytest.raises(dataclasses.FrozenInstanceError):
        tx.characteristic("race").label = "changed"


def test_yes_no_unknown_flag():
    cl = tx.code_list("yes_no_unknown")
    assert cl.codes == ("Y", "N", "Z", "X")
    assert cl.lookup("TRUE").code == "Y"
    assert cl.lookup("0").code == "N"
    assert cl.lookup("declined").kind == tx.NOT_STATED
    assert cl.lookup("unknown").kind == tx.NOT_KNOWN
    assert cl.lookup("maybe") is None
