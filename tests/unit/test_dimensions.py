"""The one registry of breakdown dimensions (amhe.analysis.dimensions), shared by
uploaded service data and surveys (no database)."""

import pandas as pd
import pytest

from amhe.analysis.breakdown import breakdown
from amhe.analysis.dimensions import DIMENSIONS, EXTRACT, SURVEY, dimensions_for
from amhe.core import taxonomy
from amhe.surveys import equality


def test_each_source_has_its_dimensions_in_listing_order():
    assert list(dimensions_for(EXTRACT)) == [
        "ethnicity",
        "ethnicity_high",
        "sex",
        "gender_identity",
        "age_band",
        "imd_decile",
        "imd_quintile",
        "sexual_orientation",
        "religion",
        "disability",
    ]
    assert list(dimensions_for(SURVEY)) == [
        "ethnicity_high",
        "ethnicity",
        "age_band",
        "sex",
        "gender_same",
        "sexual_orientation",
        "religion",
        "disability",
        "carer",
    ]


def test_extracts_and_surveys_use_their_own_code_lists_where_they_differ():
    extract, survey = dimensions_for(EXTRACT), dimensions_for(SURVEY)
    assert extract["ethnicity"].code_list == "nhs_ethnic_category"
    assert survey["ethnicity"].code_list == "ons_ethnicity_2021"
    assert extract["sex"].code_list == "person_stated_gender"
    assert survey["sex"].code_list == "sex_2021"
    # A characteristic both ask the same way is one entry, not two copies.
    assert extract["religion"] is survey["religion"]
    assert extract["age_band"] is survey["age_band"]


def test_no_source_lists_a_key_twice():
    for source in (EXTRACT, SURVEY):
        keys = [d.key for d in DIMENSIONS if source in d.sources]
        assert len(keys) == len(set(keys)), source


@pytest.mark.parametrize("dimension", DIMENSIONS, ids=lambda d: f"{d.key}-{'-'.join(sorted(d.sources))}")
def test_every_dimension_names_a_code_list_of_the_taxonomy(dimension):
    code_list = taxonomy.code_list(dimension.code_list)
    assert code_list.answered
    if dimension.high_level:
        assert code_list.groups
    assert dimension.column == dimension.key


def test_survey_dimensions_are_the_columns_the_equality_section_fills():
    columns = equality.frame_columns({})
    for dimension in dimensions_for(SURVEY).values():
        assert dimension.column in columns
        assert f"{dimension.column}__kind" in columns


def test_the_survey_registry_breaks_survey_answers_down():
    rows = [equality.frame_columns({"sex": "F", "age": "25-34", "carer": "N"}) for _ in range(3)]
    rows += [equality.frame_columns({"sex": "M", "age": "25-34", "carer": "Y_50_PLUS"}) for _ in range(2)]
    result = breakdown(pd.DataFrame(rows), ["sex"], registry=dimensions_for(SURVEY))
    counts = {row["group"]: row["count"] for row in result.rows if row["count"]}
    assert counts == {"Female": 3, "Male": 2}
    with pytest.raises(Exception, match="Unknown characteristic 'gender_same'"):
        breakdown(pd.DataFrame(rows), ["gender_same"])  # extracts have no such characteristic


def test_an_unknown_source_is_refused():
    with pytest.raises(ValueError, match="extract, survey"):
        dimensions_for("census")


def test_the_registries_cannot_be_changed_by_a_caller():
    with pytest.raises(TypeError):
        dimensions_for(EXTRACT)["carer"] = dimensions_for(SURVEY)["carer"]
