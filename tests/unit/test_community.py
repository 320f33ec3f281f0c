"""Identify 1B community module below the pages: focus-group make-up and its
suppression, theme counts across sources, the asset directory's filters and
the asset CSV (reading, checking, importing, exporting)."""

import csv
import datetime
import io

import pytest
from django.core.exceptions import ValidationError

from amhe import stats
from amhe.surveys import themes
from identify.community import assets_csv, presenters, services
from identify.models import CommunityAsset, FocusGroup
from tests.factories import (
    AnswerFactory,
    CommunityAssetFactory,
    CommunityInputFactory,
    FocusGroupFactory,
    OrganisationFactory,
    QuestionFactory,
    SurveyFactory,
    SurveyResponseFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
NHS, NONE, LT10 = stats.RULES["nhs"], stats.RULES["none"], stats.RULES["nhs_lt10"]


# --- Make-up ---------------------------------------------------------------------------


def test_make_up_characteristics_come_from_the_taxonomy():
    keys = {item.key: item for item in services.MAKE_UP}
    assert set(keys) == {"ethnicity_high", "sex", "age_band", "disability"}
    assert keys["ethnicity_high"].codes() == ["ASIAN", "BLACK", "MIXED", "WHITE", "OTHER"]
    assert keys["sex"].codes() == ["F", "M"]
    assert keys["age_band"].codes()[0] == "0-17" and keys["age_band"].codes()[-1] == "65+"
    assert keys["disability"].codes() == ["Y", "N"]  # answered categories only


def test_clean_make_up_keeps_known_groups_in_taxonomy_order():
    cleaned = services.clean_make_up({"ethnicity_high": {"MIXED": 3, "BLACK": 11}, "sex": {"M": 14}}, 14)
    assert cleaned == {"ethnicity_high": {"BLACK": 11, "MIXED": 3}, "sex": {"M": 14}}
    assert list(cleaned["ethnicity_high"]) == ["BLACK", "MIXED"]


@pytest.mark.parametrize(
    ("make_up", "message"),
    [
        ({"ethnicity_high": {"BLACK": 15}}, "15 is more than the 14 attendees"),
        ({"sex": {"M": 10, "F": 9}}, "The sex numbers add up to 19, more than the 14 attendees"),
        ({"shoe_size": {"9": 2}}, "'shoe_size' is not a characteristic"),
        ({"sex": {"X": 2}}, "'X' is not a group of sex"),
        ({"sex": {"M": -1}}, "enter a whole number, 0 or more"),
    ],
)
def test_clean_make_up_refuses_what_cannot_be_right(make_up, message):
    with pytest.raises(ValidationError) as caught:
        services.clean_make_up(make_up, 14)
    assert any(message in text for text in caught.value.message_dict["make_up"])


def test_make_up_is_suppressed_with_the_number_who_came_as_a_shown_total():
    shown = presenters.make_up({"ethnicity_high": {"BLACK": 11, "MIXED": 3}, "sex": {"M": 14}}, 14, NHS)
    ethnic = {row.label: row.count for row in shown.tables[0].rows}
    # 3 is hidden; 11 is hidden too, or it would be 14 - 11 = 3.
    assert ethnic["Mixed or Multiple ethnic groups"] is None
    assert ethnic["Black, Black British, Black Welsh, Caribbean or African"] is None
    assert ethnic["White"] == 0 and ethnic["Asian, Asian British or Asian Welsh"] == 0
    assert presenters.NOT_RECORDED not in ethnic  # everyone was counted
    sex = {row.label: row.count for row in shown.tables[1].rows}
    assert sex == {"Female": 0, "Male": 15}  # 14 rounded to the nearest 5
    assert shown.any_hidden


def test_make_up_shows_people_not_counted_in_any_group():
    shown = presenters.make_up({"sex": {"F": 12}}, 30, LT10)
    assert [(row.label, row.count) for row in shown.tables[0].rows] == [
        ("Female", 12),
        ("Male", 0),
        ("Not recorded", 18),
    ]


def test_make_up_of_a_small_group_is_not_shown_at_all():
    shown = presenters.make_up({"sex": {"F": 6}}, 6, NHS)
    assert shown.too_few and shown.tables == []
    exact = presenters.make_up({"sex": {"F": 6}}, 6, NONE)
    assert [(row.label, row.count) for row in exact.tables[0].rows] == [("Female", 6), ("Male", 0)]


def test_combined_make_up_adds_up_the_groups(project):
    lead = UserFactory()
    groups = [
        FocusGroupFactory(project=project, created_by=lead, attendees=14, make_up={"sex": {"M": 14}}),
        FocusGroupFactory(project=project, created_by=lead, attendees=9, make_up={"sex": {"F": 9}}),
    ]
    shown = presenters.combined_make_up(groups, NONE)
    assert shown.attendees == 23
    assert [(row.label, row.count) for row in shown.tables[0].rows] == [("Female", 9), ("Male", 14)]


def test_focus_group_service_checks_asset_organisation_and_make_up(project):
    lead = UserFactory()
    fields = {"title": "Coffee morning", "held_on": datetime.date(2026, 10, 8), "attendees": 9}
    elsewhere = CommunityAssetFactory(organisation=OrganisationFactory(name="Elsewhere ICB"))
    with pytest.raises(ValidationError) as caught:
        services.focus_group_create(by=lead, project=project, asset=elsewhere, **fields)
    assert "asset" in caught.value.message_dict
    with pytest.raises(ValidationError):
        services.focus_group_create(by=lead, project=project, make_up={"sex": {"F": 10}}, **fields)
    assert not FocusGroup.objects.exists()
    ours = CommunityAssetFactory(organisation=project.organisation, name="Harehills women's centre")
    group = services.focus_group_create(
        by=lead, project=project, asset=ours, theme_names=["Language", "Community alternatives"], **fields
    )
    assert group.community_group == "Harehills women's centre"  # taken from the asset
    assert sorted(group.themes.values_list("name", flat=True)) == ["Community alternatives", "Language"]


# --- Themes -----------------------------------------------------------------------------


def _coded_everywhere(project, name, answers=1, groups=1, inputs=1):
    lead = UserFactory()
    survey = SurveyFactory(project=project, created_by=lead)
    question = QuestionFactory(survey=survey, kind="long_text", options=[])
    for _ in range(answers):
        answer = AnswerFactory(
            response=SurveyResponseFactory(survey=survey, state="submitted"), question=question, value="Waited hours"
        )
        themes.themes_set(by=lead, project=project, target=answer, names=[name])
    for _ in range(groups):
        themes.themes_set(by=lead, project=project, target=FocusGroupFactory(project=project), names=[name])
    for _ in range(inputs):
        themes.themes_set(by=lead, project=project, target=CommunityInputFactory(project=project), names=[name])
    return lead, question


def test_theme_counts_add_up_survey_answers_focus_groups_and_input(project):
    lead, question = _coded_everywhere(project, "Waiting times", answers=3, groups=2, inputs=1)
    _coded_everywhere(project, "Language and interpreting", answers=1, groups=0, inputs=0)
    # An answer still being filled in is not counted.
    draft = AnswerFactory(response=SurveyResponseFactory(survey=question.survey), question=question, value="x")
    themes.themes_set(by=lead, project=project, target=draft, names=["waiting TIMES"])

    rows = presenters.theme_rows(project, NONE)
    assert [(r.theme.name, r.survey_answers, r.focus_groups, r.community_inputs, r.total) for r in rows] == [
        ("Waiting times", 3, 2, 1, 6),
        ("Language and interpreting", 1, 0, 0, 1),
    ]
    assert presenters.theme_summary(rows, NONE) == (
        "The most common theme is 'Waiting times', coded 6 times across 3 sources. 2 themes in all."
    )


def test_theme_counts_are_suppressed_under_the_rule(project):
    _coded_everywhere(project, "Waiting times", answers=9, groups=1, inputs=0)
    (row,) = presenters.theme_rows(project, NHS)
    # 1 focus group is hidden, and the 9 answers too, or 10 - 9 would give it away.
    assert (row.survey_answers, row.focus_groups, row.community_inputs, row.total) == (None, None, 0, 10)
    assert presenters.theme_summary([row], NHS) == (
        "The most common theme is 'Waiting times', coded about 10 times across 2 sources. 1 theme in all."
    )
    small = presenters.theme_row(project, row.theme, LT10)
    assert small.total == 10 and small.focus_groups is None and small.survey_answers is None


def test_theme_summary_when_nothing_or_a_tie():
    assert presenters.theme_summary([], NHS) == "No themes have been coded yet."


def test_theme_summary_names_tied_themes(project):
    _coded_everywhere(project, "Waiting times", answers=0, groups=1, inputs=1)
    _coded_everywhere(project, "Trust", answers=0, groups=1, inputs=1)
    rows = presenters.theme_rows(project, NONE)
    assert presenters.theme_summary(rows, NONE) == (
        "The most common themes are 'Trust' and 'Waiting times', each coded 2 times. 2 themes in all."
    )


def test_theme_summary_and_order_go_by_the_totals_as_shown(project):
    """12 and 11 are both shown as "about 10": neither may be called the most common,
    nor listed first for being higher (that would tell what the rounding hides)."""
    _coded_everywhere(project, "Waiting times", answers=12, groups=0, inputs=0)
    _coded_everywhere(project, "Trust", answers=11, groups=0, inputs=0)
    rows = presenters.theme_rows(project, NHS)
    assert [(r.theme.name, r.total) for r in rows] == [("Trust", 10), ("Waiting times", 10)]
    assert presenters.theme_summary(rows, NHS) == (
        "The most common themes are 'Trust' and 'Waiting times', each coded about 10 times. 2 themes in all."
    )


def test_theme_summary_when_every_total_is_too_small_to_show(project):
    _coded_everywhere(project, "Waiting times", answers=3, groups=0, inputs=0)
    _coded_everywhere(project, "Trust", answers=2, groups=0, inputs=0)
    rows = presenters.theme_rows(project, NHS)
    assert presenters.theme_summary(rows, NHS) == "Every theme was coded fewer than 8 times. 2 themes in all."


# --- Asset directory ----------------------------------------------------------------


@pytest.fixture
def directory(project):
    org = project.organisation
    return {
        "women": CommunityAssetFactory(
            organisation=org,
            name="Harehills women's centre",
            kind="organisation",
            characteristics=["race", "sex"],
            criteria=[{"code_list": "ons_ethnicity_2021", "codes": ["ASIAN_PAKISTANI"]}],
            populations_served="South Asian women",
            languages="Urdu, Punjabi, English",
            area="Harehills",
            postcode="LS8 5BD",
        ),
        "carers": CommunityAssetFactory(
            organisation=org,
            name="Seacroft carers' group",
            kind="group",
            characteristics=["carer"],
            populations_served="Unpaid carers",
            languages="English",
            area="Seacroft",
            postcode="LS14 6JA",
        ),
        "cafe": CommunityAssetFactory(
            organisation=org,
            name="Crisis café",
            kind="service",
            characteristics=["disability"],
            languages="English; telephone interpreting",
            area="Burmantofts",
            postcode="LS9 7TF",
        ),
        "elsewhere": CommunityAssetFactory(
            organisation=OrganisationFactory(name="Elsewhere ICB"), name="Harehills elsewhere", area="Harehills"
        ),
    }


def names(assets):
    return [asset.name for asset in assets]


def test_filter_assets_by_each_filter(project, directory):
    org = project.organisation
    assert names(presenters.filter_assets(org)) == ["Crisis café", "Harehills women's centre", "Seacroft carers' group"]
    assert names(presenters.filter_assets(org, q="harehills")) == ["Harehills women's centre"]
    assert names(presenters.filter_assets(org, characteristic="carer")) == ["Seacroft carers' group"]
    assert names(presenters.filter_assets(org, characteristic="sex")) == ["Harehills women's centre"]
    assert names(presenters.filter_assets(org, kind="service")) == ["Crisis café"]
    assert names(presenters.filter_assets(org, language="urdu")) == ["Harehills women's centre"]
    # Who it serves: its own words, or the groups of its criteria ("Pakistani").
    assert names(presenters.filter_assets(org, population="carers")) == ["Seacroft carers' group"]
    assert names(presenters.filter_assets(org, population="Pakistani")) == ["Harehills women's centre"]
    assert names(presenters.filter_assets(org, population="pakistani", kind="group")) == []


def test_postcodes_are_tidied_and_checked():
    assert services.normalise_postcode(" ls73hb ") == "LS7 3HB"
    assert services.normalise_postcode("LS7   3HB") == "LS7 3HB"
    assert services.normalise_postcode("ls7") == "LS7"
    assert services.valid_postcode("LS7 3HB") and services.valid_postcode("LS7") and services.valid_postcode("")
    assert not services.valid_postcode("NOT A POSTCODE")


def test_asset_service_refuses_a_second_asset_with_the_same_name_and_postcode(project, directory):
    with pytest.raises(ValidationError) as caught:
        services.asset_create(
            by=UserFactory(),
            organisation=project.organisation,
            name="harehills  WOMEN'S centre",
            kind="group",
            postcode="ls85bd",
        )
    assert "already has 'Harehills women's centre' at LS8 5BD" in caught.value.message_dict["name"][0]


# --- Asset CSV ---------------------------------------------------------------------------


def csv_bytes(rows, headings=None, encoding="utf-8"):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headings or ["name", "kind", "postcode", "email", "characteristics", "criteria"])
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def test_read_csv_cleans_every_row():
    data = csv_bytes(
        [
            ["Polish drop-in", "group", "ls11 5lj", "hello@example.org", "Race; carer", "age_band_mh: 18-24, 25-34"],
            ["Crisis café", "Service (NHS, council or commissioned)", "", "", "", ""],
        ]
    )
    result = assets_csv.read_csv(data)
    assert result.ok, result.errors
    assert result.rows[0] == (
        2,
        {
            "name": "Polish drop-in",
            "kind": "group",
            "postcode": "LS11 5LJ",
            "email": "hello@example.org",
            "characteristics": ["race", "carer"],
            "criteria": [{"code_list": "age_band_mh", "codes": ["18-24", "25-34"]}],
        },
    )
    assert result.rows[1][1]["kind"] == "service"  # the label is accepted too


def test_read_csv_reports_every_problem_by_row_and_column():
    data = csv_bytes(
        [
            ["Good one", "group", "LS7 3HB", "", "", ""],
            ["", "group", "LS7 3HB", "", "", ""],
            ["Bad email", "group", "LS7", "not-an-email", "race; shoe size", ""],
            ["Bad kind", "charity", "nowhere at all", "", "", "age_band_mh: 200-300"],
            ["good ONE", "organisation", "ls73hb", "", "", ""],
        ]
    )
    result = assets_csv.read_csv(data)
    assert not result.ok and result.rows == []
    messages = [str(error) for error in result.errors]
    assert "Row 3, column 'name': Enter the name of the asset." in messages
    assert "Row 4, column 'email': Enter an email address in the correct format, like name@example.org." in messages
    assert any(m.startswith("Row 4, column 'characteristics': 'shoe size' is not a characteristic") for m in messages)
    assert any(m.startswith("Row 5, column 'kind': 'charity' is not a kind of asset") for m in messages)
    assert any(m.startswith("Row 5, column 'postcode': Enter a real postcode") for m in messages)
    assert any(m.startswith("Row 5, column 'criteria': '200-300' is not a code in age_band_mh") for m in messages)
    assert "Row 6, column 'name': Row 2 has the same name and postcode." in " ".join(messages)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty"),
        (b"name,kind\n", "The file has headings but no assets"),
        (b"name,colour\nA,blue\n", "'colour' is not a column the import knows"),
        (b"title,kind\nA,group\n", "There is no 'name' column"),
        (b"name,kind,name\nA,group,B\n", "There are 2 'name' columns"),
        (b"PK\x03\x04\x14\x00\x06\x00", "This is a spreadsheet workbook, not a CSV"),
        (b"name,kind\n\x00\x01\x02,group\n", "The file could not be read"),
    ],
)
def test_read_csv_explains_a_file_it_cannot_use(data, message):
    result = assets_csv.read_csv(data)
    assert not result.ok
    assert any(message in str(error) for error in result.errors), result.errors


def test_read_csv_reads_excel_unicode_text():
    data = "name\tkind\nŁódź group\tgroup\n".encode("utf-16")
    result = assets_csv.read_csv(data)
    assert result.rows == [(2, {"name": "Łódź group", "kind": "group"})]


def test_read_csv_accepts_excel_files():
    # Windows Excel: "CSV" in the ANSI code page with semicolons, headings as typed.
    data = "Name;Kind;Populations served\nCafé crisis;place;Adults in distress\n".encode("cp1252")
    result = assets_csv.read_csv(data)
    assert result.ok, result.errors
    assert result.rows == [(2, {"name": "Café crisis", "kind": "place", "populations_served": "Adults in distress"})]


def test_export_is_formula_safe_and_reads_back_the_same(project):
    asset = CommunityAssetFactory(
        organisation=project.organisation,
        name='=HYPERLINK("http://evil.example","Click")',
        kind="group",
        phone="+44 113 496 0000",
        characteristics=["race", "carer"],
        criteria=[{"code_list": "ons_ethnicity_2021", "codes": ["BLACK_AFRICAN", "BLACK_CARIBBEAN"]}],
        postcode="LS7 3HB",
        description="@risk",
    )
    out = io.StringIO()
    assets_csv.write(out, [asset])
    heading, row = list(csv.reader(io.StringIO(out.getvalue())))
    assert heading == assets_csv.HEADINGS
    values = dict(zip(heading, row, strict=True))
    assert values["name"] == '\'=HYPERLINK("http://evil.example","Click")'
    assert values["phone"] == "'+44 113 496 0000"
    assert values["description"] == "'@risk"
    assert values["characteristics"] == "race; carer"
    assert values["criteria"] == "ons_ethnicity_2021: BLACK_AFRICAN, BLACK_CARIBBEAN"

    result = assets_csv.read_csv(out.getvalue().encode())
    assert result.ok, result.errors
    report = services.assets_import(by=UserFactory(), organisation=project.organisation, rows=result.rows)
    assert report == services.ImportReport(created=0, updated=0, unchanged=1)
    asset.refresh_from_db()
    assert asset.name.startswith("=HYPERLINK") and asset.phone == "+44 113 496 0000"


def test_import_creates_new_assets_and_updates_by_name_and_postcode(project, directory):
    org = project.organisation
    data = csv_bytes(
        [
            [
                "harehills women's centre",
                "organisation",
                "ls8 5bd",
                "new@example.org",
                "race; sex; religion_belief",
                "",
            ],
            ["Seacroft carers' group", "group", "LS15 1AA", "", "carer", ""],  # another postcode: a new asset
            ["Beeston Polish drop-in", "group", "LS11 5LJ", "", "race", "ons_ethnicity_2021: WHITE_OTHER"],
        ]
    )
    result = assets_csv.read_csv(data)
    report = services.assets_import(by=UserFactory(), organisation=org, rows=result.rows)
    assert report == services.ImportReport(created=2, updated=1, unchanged=0)
    women = CommunityAsset.objects.get(pk=directory["women"].pk)
    assert women.email == "new@example.org"
    assert women.characteristics == ["race", "religion_belief", "sex"]  # taxonomy order
    assert women.criteria == []  # the file's criteria column was empty
    assert women.populations_served == "South Asian women"  # not a column of the file: kept
    assert CommunityAsset.objects.filter(organisation=org).count() == 5
    polish = CommunityAsset.objects.get(organisation=org, name="Beeston Polish drop-in")
    assert polish.criteria == [{"code_list": "ons_ethnicity_2021", "codes": ["WHITE_OTHER"]}]
    assert directory["elsewhere"].organisation.community_assets.count() == 1  # other organisations untouched


def test_read_csv_refuses_a_file_that_mixes_utf8_and_windows_1252():
    """As the 1A upload does: read as Windows-1252 it would import 'CafÃ©' for 'Café'."""
    data = "name,kind\nCafé group,group\n".encode() + "Café place,place\n".encode("cp1252")
    result = assets_csv.read_csv(data, filename="assets.csv")
    assert not result.ok and not result.rows
    message = str(result.errors[0])
    assert "'assets.csv' mixes two kinds of text encoding" in message
    assert "line 2" in message and "line 3" in message and "CSV UTF-8" in message
