"""Identify 1B community pages through the web: focus groups (make-up, themes,
edit, delete), community input received by staff and its themes, the public
link's settings, themes from all sources and the community asset directory
(filters, pages, CSV export and import), with role checks."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from amhe.core.models import Organisation, Role
from amhe.surveys import themes
from identify.community import assets_csv
from identify.models import CommunityAsset, CommunityInput, CommunityInputLink, FocusGroup
from tests.factories import (
    AnswerFactory,
    CommunityAssetFactory,
    CommunityInputFactory,
    CommunityInputLinkFactory,
    FocusGroupFactory,
    OrganisationFactory,
    QuestionFactory,
    SurveyFactory,
    SurveyResponseFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead(project, member_of):
    return member_of(project, Role.LEAD)


@pytest.fixture
def signed_in(client, lead):
    client.force_login(lead)
    return client


@pytest.fixture
def viewer_client(client, project, member_of):
    client.force_login(member_of(project, Role.VIEWER))
    return client


def url(name, project, **kwargs):
    return reverse(f"identify:{name}", kwargs={"project_id": project.pk, **kwargs})


def exact_figures(project):
    Organisation.objects.filter(pk=project.organisation_id).update(suppression_rule="none")


def focus_group_post(**overrides):
    data = {
        "title": "Crisis care conversation with the men's group",
        "held_on_day": "17",
        "held_on_month": "9",
        "held_on_year": "2026",
        "community_group": "Chapeltown men's health group",
        "facilitators": "Desmond Clarke, Amara Okafor",
        "attendees": "14",
        "make_up__ethnicity_high__BLACK": "11",
        "make_up__ethnicity_high__MIXED": "3",
        "make_up__sex__M": "14",
        "languages": "English",
        "notes": "Most had contact with police during a crisis.",
        "theme_names": "Police involvement, Knowing where to go, police INVOLVEMENT",
        "consent_recorded": "yes",
        "consent_notes": "Verbal consent for anonymous notes.",
    }
    data.update(overrides)
    return data


# --- Focus groups ---------------------------------------------------------------------


def test_record_a_focus_group_with_its_make_up_and_themes(signed_in, project, lead):
    page = signed_in.get(url("focus-group-new", project))
    html = page.content.decode()
    assert page.status_code == 200
    assert "1B Work with communities" in html and "<title>Record a focus group" in html
    assert 'name="make_up__ethnicity_high__BLACK"' in html and 'for="id_make_up__sex__F"' in html

    response = signed_in.post(url("focus-group-new", project), focus_group_post())
    group = FocusGroup.objects.get(project=project)
    assert response.status_code == 302 and response.url == url("focus-group", project, focus_group_id=group.pk)
    assert group.held_on.isoformat() == "2026-09-17" and group.attendees == 14
    assert group.make_up == {"ethnicity_high": {"BLACK": 11, "MIXED": 3}, "sex": {"M": 14}}
    assert group.consent_recorded is True and group.created_by == lead
    assert sorted(group.themes.values_list("name", flat=True)) == ["Knowing where to go", "Police involvement"]

    detail = signed_in.get(response.url).content.decode()
    assert "Most had contact with police during a crisis." in detail
    assert "numbers from 1 to 7 are not shown" in detail  # the project's rule, said on the page
    assert "Not shown" in detail  # 3 and 11 are hidden under the NHS rule


def test_make_up_more_than_the_people_who_came_is_refused(signed_in, project):
    response = signed_in.post(url("focus-group-new", project), focus_group_post(make_up__ethnicity_high__BLACK="20"))
    html = response.content.decode()
    assert response.status_code == 200 and not FocusGroup.objects.exists()
    message = (
        "Black, Black British, Black Welsh, Caribbean or African: 20 is more than the 14 people who came. "
        "Enter a number from 0 to 14"
    )
    assert message in html
    assert 'href="#id_make_up__ethnicity_high__BLACK"' in html  # the error summary links to the box
    assert 'value="Crisis care conversation with the men&#x27;s group"' in html  # what was typed is kept

    response = signed_in.post(
        url("focus-group-new", project), focus_group_post(make_up__sex__M="10", make_up__sex__F="9")
    )
    assert "The sex numbers add up to 19, more than the 14 people who came. Count each person once" in (
        response.content.decode()
    )
    assert not FocusGroup.objects.exists()


def test_focus_group_needs_the_basics(signed_in, project):
    data = focus_group_post(title="", attendees="lots", held_on_day="", consent_recorded="")
    html = signed_in.post(url("focus-group-new", project), data).content.decode()
    for message in (
        "Enter a title",
        "Enter the number of people who came as a whole number, like 12",
        "Date held must include a day",
        "Select yes if consent was recorded",
    ):
        assert message in html
    assert not FocusGroup.objects.exists()


def test_focus_group_can_name_an_asset_of_its_own_organisation_only(signed_in, project):
    ours = CommunityAssetFactory(organisation=project.organisation, name="Chapeltown men's health group")
    theirs = CommunityAssetFactory(organisation=OrganisationFactory(name="Elsewhere ICB"))
    response = signed_in.post(url("focus-group-new", project), focus_group_post(asset=str(theirs.pk)))
    assert response.status_code == 200 and not FocusGroup.objects.exists()
    assert "Select a valid choice" in response.content.decode()
    signed_in.post(url("focus-group-new", project), focus_group_post(asset=str(ours.pk), community_group=""))
    group = FocusGroup.objects.get()
    assert group.asset == ours and group.community_group == "Chapeltown men's health group"


def test_edit_and_delete_a_focus_group(signed_in, project, lead):
    group = FocusGroupFactory(project=project, created_by=lead, attendees=9, make_up={"sex": {"F": 9}})
    themes.themes_set(by=lead, project=project, target=group, names=["Language"])
    edit = signed_in.get(url("focus-group-edit", project, focus_group_id=group.pk)).content.decode()
    assert 'name="make_up__sex__F" type="text" inputmode="numeric" autocomplete="off" value="9"' in edit
    assert 'value="Language"' in edit

    response = signed_in.post(
        url("focus-group-edit", project, focus_group_id=group.pk),
        focus_group_post(
            title="Coffee morning",
            attendees="9",
            theme_names="Trust",
            make_up__ethnicity_high__BLACK="",
            make_up__ethnicity_high__MIXED="",
            make_up__sex__M="",
            make_up__sex__F="9",
        ),
    )
    assert response.status_code == 302
    group.refresh_from_db()
    assert group.title == "Coffee morning" and group.make_up == {"sex": {"F": 9}}
    assert list(group.themes.values_list("name", flat=True)) == ["Trust"]

    confirm = signed_in.get(url("focus-group-delete", project, focus_group_id=group.pk))
    assert confirm.status_code == 200 and "This cannot be undone" in confirm.content.decode()
    assert FocusGroup.objects.filter(pk=group.pk).exists()  # a GET changes nothing
    response = signed_in.post(url("focus-group-delete", project, focus_group_id=group.pk))
    assert response.status_code == 302 and response.url == url("focus-groups", project)
    assert not FocusGroup.objects.filter(pk=group.pk).exists()


def test_focus_group_of_another_project_is_not_found(signed_in, project):
    other = FocusGroupFactory()  # another project, another organisation
    for name in ("focus-group", "focus-group-edit", "focus-group-delete"):
        assert signed_in.get(url(name, project, focus_group_id=other.pk)).status_code == 404
    assert signed_in.post(url("focus-group-delete", project, focus_group_id=other.pk)).status_code == 404
    assert FocusGroup.objects.filter(pk=other.pk).exists()


def test_viewer_sees_the_list_and_added_up_make_up_but_cannot_record(viewer_client, project, lead):
    FocusGroupFactory(project=project, created_by=lead, title="Men's group", attendees=14, make_up={"sex": {"M": 14}})
    FocusGroupFactory(project=project, created_by=lead, title="Women's group", attendees=9, make_up={"sex": {"F": 9}})
    page = viewer_client.get(url("focus-groups", project))
    html = page.content.decode()
    assert page.status_code == 200
    assert html.index("Women&#x27;s group") < html.index("Men&#x27;s group")  # same day: the later one first
    assert "23 people came to 2 focus groups" in html
    assert url("focus-group-new", project) not in html
    assert url("focus-group", project, focus_group_id=FocusGroup.objects.first().pk) not in html
    # 14 men and 9 women: shown rounded to the nearest 5 under the NHS rule.
    assert '<th scope="row" class="nhsuk-table__header">Male</th>' in html
    assert viewer_client.get(url("focus-group-new", project)).status_code == 403
    assert viewer_client.post(url("focus-group-new", project), focus_group_post()).status_code == 403
    assert FocusGroup.objects.count() == 2


# --- Community input (staff) ----------------------------------------------------------------


def test_staff_enter_input_received_by_email(signed_in, project, lead):
    response = signed_in.post(
        url("community-input-new", project),
        {
            "organisation_name": "Leeds Refugee Support Network",
            "represents": "People seeking asylum",
            "input": "People fear contact with services will affect their case.",
            "contact": "",
            "submitted_on_day": "3",
            "submitted_on_month": "10",
            "submitted_on_year": "2026",
            "theme_names": "Trust in services",
        },
    )
    item = CommunityInput.objects.get(project=project)
    assert response.status_code == 302 and response.url == url("community-input", project, input_id=item.pk)
    assert item.entered_by == lead and item.submitted_on.isoformat() == "2026-10-03"
    assert list(item.themes.values_list("name", flat=True)) == ["Trust in services"]
    listing = signed_in.get(url("community-inputs", project)).content.decode()
    assert "Leeds Refugee Support Network" in listing and f"Entered by {lead.full_name}" in listing


def test_tag_community_input_with_themes(signed_in, project):
    item = CommunityInputFactory(project=project, organisation_name="Carers' group")
    page = signed_in.get(url("community-input", project, input_id=item.pk))
    assert page.status_code == 200 and item.input in page.content.decode()
    response = signed_in.post(
        url("community-input", project, input_id=item.pk), {"theme_names": "Waiting times, Being listened to"}
    )
    assert response.status_code == 302
    assert sorted(item.themes.values_list("name", flat=True)) == ["Being listened to", "Waiting times"]
    response = signed_in.post(url("community-input", project, input_id=item.pk), {"theme_names": "x" * 101})
    assert response.status_code == 200 and "Theme names can be at most 100 characters" in response.content.decode()
    assert item.themes.count() == 2
    signed_in.post(url("community-input", project, input_id=item.pk), {"theme_names": ""})
    assert item.themes.count() == 0


def test_delete_community_input(signed_in, project):
    item = CommunityInputFactory(project=project)
    assert signed_in.get(url("community-input-delete", project, input_id=item.pk)).status_code == 200
    assert signed_in.post(url("community-input-delete", project, input_id=item.pk)).status_code == 302
    assert not CommunityInput.objects.filter(pk=item.pk).exists()


def test_viewer_sees_who_sent_input_but_not_the_input(viewer_client, project):
    item = CommunityInputFactory(project=project, organisation_name="Carers' group", contact="07700 900123")
    html = viewer_client.get(url("community-inputs", project)).content.decode()
    assert "Carers&#x27; group" in html and "07700 900123" not in html and item.input not in html
    assert viewer_client.get(url("community-input", project, input_id=item.pk)).status_code == 403
    assert (
        viewer_client.post(url("community-input", project, input_id=item.pk), {"theme_names": "X"}).status_code == 403
    )
    assert viewer_client.get(url("community-input-link", project)).status_code == 403
    assert item.themes.count() == 0


def test_make_show_open_and_close_the_public_link(signed_in, project):
    page = signed_in.get(url("community-input-link", project))
    assert "does not have a link yet" in page.content.decode()
    signed_in.post(url("community-input-link", project), {"action": "create", "prompt": "Tell us about crisis care."})
    link = CommunityInputLink.objects.get(project=project)
    assert link.is_open and link.prompt == "Tell us about crisis care." and len(link.token) >= 32

    html = signed_in.get(url("community-input-link", project)).content.decode()
    assert f'value="http://testserver/c/{link.token}/"' in html  # the absolute address, to copy

    signed_in.post(url("community-input-link", project), {"action": "close"})
    link.refresh_from_db()
    assert not link.is_open
    signed_in.post(url("community-input-link", project), {"action": "open"})
    signed_in.post(url("community-input-link", project), {"action": "prompt", "prompt": "What would help?"})
    old_token = link.token
    signed_in.post(url("community-input-link", project), {"action": "new_link"})
    link.refresh_from_db()
    assert link.is_open and link.prompt == "What would help?" and link.token != old_token
    assert CommunityInputLink.objects.count() == 1


# --- Themes from all sources -------------------------------------------------------------


@pytest.fixture
def coded(project, lead):
    survey = SurveyFactory(project=project, created_by=lead, title="Crisis care survey")
    question = QuestionFactory(survey=survey, kind="long_text", options=[], text="What would have helped?")
    for text in ("Less waiting in A&E", "A call back sooner"):
        answer = AnswerFactory(
            response=SurveyResponseFactory(survey=survey, state="submitted"), question=question, value=text
        )
        themes.themes_set(by=lead, project=project, target=answer, names=["Waiting times"])
    group = FocusGroupFactory(project=project, created_by=lead, title="Carers' coffee morning")
    themes.themes_set(by=lead, project=project, target=group, names=["Waiting times", "Being listened to"])
    item = CommunityInputFactory(project=project, organisation_name="Seacroft carers")
    themes.themes_set(by=lead, project=project, target=item, names=["waiting times"])
    return project.themes.get(name="Waiting times")


def test_themes_page_counts_every_source_with_a_summary(signed_in, project, coded):
    exact_figures(project)
    html = signed_in.get(url("themes", project)).content.decode()
    assert (
        "The most common theme is &#x27;Waiting times&#x27;, coded 4 times across 3 sources. 2 themes in all." in html
    )
    row = html[html.index(">Waiting times</a>") :].split("</tr>", 1)[0]
    cells = [cell.split("<", 1)[0].strip() for cell in row.split('nhsuk-table__cell--numeric">')[1:]]
    assert cells == ["2", "1", "1", "4"]
    assert "All numbers are shown exactly" in html


def test_themes_page_hides_small_numbers_under_the_rule(viewer_client, project, coded):
    html = viewer_client.get(url("themes", project)).content.decode()
    assert "numbers from 1 to 7 are not shown" in html
    assert "coded fewer than 8 times" in html
    assert '<span class="nhsuk-u-visually-hidden">Not shown</span>' in html


def test_theme_detail_shows_answers_to_leads_and_analysts_only(client, project, coded, member_of):
    exact_figures(project)
    client.force_login(member_of(project, Role.ANALYST))
    html = client.get(url("theme", project, theme_id=coded.pk)).content.decode()
    assert "Less waiting in A&amp;E" in html and "Carers&#x27; coffee morning" in html and "Seacroft carers" in html
    client.force_login(member_of(project, Role.VIEWER))
    html = client.get(url("theme", project, theme_id=coded.pk)).content.decode()
    assert "Less waiting in A&amp;E" not in html and "only leads and analysts can read them" in html
    assert "Carers&#x27; coffee morning" in html  # focus-group titles are for everyone


# --- Community asset directory ---------------------------------------------------------------


def asset_post(**overrides):
    data = {
        "name": "Harehills women's centre",
        "kind": "organisation",
        "description": "Advice and wellbeing groups for women.",
        "characteristics": ["race", "sex"],
        "criteria_ons_ethnicity_2021": ["ASIAN_PAKISTANI", "ASIAN_BANGLADESHI"],
        "populations_served": "South Asian women",
        "languages": "Urdu, Punjabi, English",
        "postcode": "ls8 5bd",
        "area": "Harehills",
        "email": "hello@example.org",
        "website": "www.example.org",
    }
    data.update(overrides)
    return data


def test_add_an_asset_to_the_organisations_directory(signed_in, project):
    response = signed_in.post(url("asset-new", project), asset_post())
    asset = CommunityAsset.objects.get(organisation=project.organisation)
    assert response.status_code == 302 and response.url == url("asset", project, asset_id=asset.pk)
    assert asset.postcode == "LS8 5BD" and asset.website == "https://www.example.org"
    assert asset.characteristics == ["race", "sex"]
    assert asset.criteria == [{"code_list": "ons_ethnicity_2021", "codes": ["ASIAN_BANGLADESHI", "ASIAN_PAKISTANI"]}]
    html = signed_in.get(response.url).content.decode()
    assert "Asian, Asian British or Asian Welsh: Pakistani" in html

    again = signed_in.post(url("asset-new", project), asset_post(name="HAREHILLS women's centre", postcode="LS85BD"))
    assert again.status_code == 200 and "already has" in again.content.decode()
    assert CommunityAsset.objects.count() == 1


def test_edit_and_remove_an_asset(signed_in, project, lead):
    asset = CommunityAssetFactory(organisation=project.organisation, name="Crisis café", kind="service")
    group = FocusGroupFactory(project=project, created_by=lead, asset=asset, community_group="")
    response = signed_in.post(
        url("asset-edit", project, asset_id=asset.pk), asset_post(name="Crisis café", kind="place")
    )
    assert response.status_code == 302
    asset.refresh_from_db()
    assert asset.kind == "place"
    confirm = signed_in.get(url("asset-delete", project, asset_id=asset.pk)).content.decode()
    assert "1 focus group names it" in confirm
    signed_in.post(url("asset-delete", project, asset_id=asset.pk))
    group.refresh_from_db()
    assert not CommunityAsset.objects.filter(pk=asset.pk).exists()
    assert group.asset is None and group.community_group == "Crisis café"


def test_asset_of_another_organisation_is_not_found(signed_in, project):
    theirs = CommunityAssetFactory(organisation=OrganisationFactory(name="Elsewhere ICB"))
    for name in ("asset", "asset-edit", "asset-delete"):
        assert signed_in.get(url(name, project, asset_id=theirs.pk)).status_code == 404
    assert signed_in.post(url("asset-delete", project, asset_id=theirs.pk)).status_code == 404
    assert CommunityAsset.objects.filter(pk=theirs.pk).exists()


def test_filter_and_page_through_the_directory(viewer_client, project):
    for n in range(27):
        CommunityAssetFactory(
            organisation=project.organisation,
            name=f"Group {n:02}",
            kind="group",
            characteristics=["carer"] if n % 3 == 0 else ["race"],
            languages="Polish, English" if n == 4 else "English",
            area="Beeston" if n == 5 else "Seacroft",
        )
    CommunityAssetFactory(organisation=OrganisationFactory(name="Elsewhere ICB"), name="Group elsewhere")
    page = viewer_client.get(url("assets", project))
    html = page.content.decode()
    assert page.status_code == 200 and "27 assets" in html and "Group 24" in html and "Group 25" not in html
    assert "Group elsewhere" not in html
    assert url("asset-new", project) not in html  # viewers do not edit
    assert url("assets-csv", project) in html  # but may download the directory
    assert "?page=2" in html
    html = viewer_client.get(url("assets", project), {"page": 2}).content.decode()
    assert "Group 25" in html and "Group 26" in html and "Group 00" not in html

    html = viewer_client.get(url("assets", project), {"characteristic": "carer"}).content.decode()
    assert "9 of 27 assets match" in html
    html = viewer_client.get(url("assets", project), {"language": "polish"}).content.decode()
    assert "1 of 27 assets matches" in html and "Group 04" in html
    html = viewer_client.get(url("assets", project), {"q": "beeston", "kind": "group"}).content.decode()
    assert "Group 05" in html and "Group 06" not in html
    # Filters are kept on the next page's link.
    html = viewer_client.get(url("assets", project), {"characteristic": "race"}).content.decode()
    assert "18 of 27 assets match" in html
    assert viewer_client.get(url("asset-new", project)).status_code == 403
    assert viewer_client.get(url("assets-csv", project)).status_code == 200


def test_directory_pages_keep_filters(signed_in, project):
    for n in range(30):
        CommunityAssetFactory(organisation=project.organisation, name=f"Group {n:02}", characteristics=["race"])
    html = signed_in.get(url("assets", project), {"characteristic": "race"}).content.decode()
    assert "?characteristic=race&amp;page=2" in html


def read_csv_response(response):
    text = b"".join(response.streaming_content).decode() if response.streaming else response.content.decode()
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


def test_export_the_filtered_directory_as_safe_csv(signed_in, project):
    CommunityAssetFactory(organisation=project.organisation, name="=cmd|' /C calc'!A0", characteristics=["carer"])
    CommunityAssetFactory(organisation=project.organisation, name="Crisis café", characteristics=["disability"])
    response = signed_in.get(url("assets-csv", project), {"characteristic": "carer"})
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="community-assets-')
    rows = read_csv_response(response)
    assert [row["name"] for row in rows] == ["'=cmd|' /C calc'!A0"]  # formula injection defused
    assert rows[0]["characteristics"] == "carer" and rows[0]["kind"] == "organisation"
    assert list(rows[0]) == assets_csv.HEADINGS
    assert len(read_csv_response(signed_in.get(url("assets-csv", project)))) == 2


def test_template_csv_has_the_headings(signed_in, project):
    response = signed_in.get(url("assets-import-template", project))
    assert response.content.decode().removeprefix("\ufeff").strip() == ",".join(assets_csv.HEADINGS)


def upload(text, name="assets.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def test_import_adds_and_updates_and_says_how_many(signed_in, project):
    existing = CommunityAssetFactory(
        organisation=project.organisation, name="Crisis café", postcode="LS9 7TF", kind="service", phone="0113 000"
    )
    text = (
        "name,kind,postcode,phone,characteristics\n"
        "crisis café,service,ls9 7tf,0113 496 0000,disability\n"
        "Polish drop-in,group,LS11 5LJ,,race\n"
        "LGBT+ peer group,group,LS1 6HU,,sexual_orientation; gender_reassignment\n"
    )
    page = signed_in.get(url("assets-import", project)).content.decode()
    assert "populations_served" in page and 'enctype="multipart/form-data"' in page
    response = signed_in.post(url("assets-import", project), {"file": upload(text)}, follow=True)
    assert response.redirect_chain[-1][0] == url("assets", project)
    assert "Import finished: 2 assets added and 1 updated." in response.content.decode()
    existing.refresh_from_db()
    assert existing.phone == "0113 496 0000" and existing.characteristics == ["disability"]
    assert CommunityAsset.objects.filter(organisation=project.organisation).count() == 3
    lgbt = CommunityAsset.objects.get(name="LGBT+ peer group")
    assert lgbt.characteristics == ["gender_reassignment", "sexual_orientation"]


def test_import_with_a_bad_row_imports_nothing_and_says_what_to_fix(signed_in, project):
    text = (
        "name,kind,email,website\n"
        "Good group,group,hello@example.org,https://example.org\n"
        "Bad group,group,not an email,https://example.org\n"
        ",group,,\n"
    )
    response = signed_in.post(url("assets-import", project), {"file": upload(text)})
    html = response.content.decode()
    assert response.status_code == 200
    assert not CommunityAsset.objects.exists()
    assert "Nothing was imported: the file has 2 problems." in html
    assert (
        "Row 3, column &#x27;email&#x27;: Enter an email address in the correct format, like name@example.org." in html
    )
    assert "Row 4, column &#x27;name&#x27;: Enter the name of the asset." in html
    assert 'href="#problem-1"' in html and 'id="problem-1"' in html


def test_import_refuses_big_and_non_csv_files(signed_in, project):
    response = signed_in.post(url("assets-import", project), {"file": upload("name,kind\nA,group\n", "assets.xlsx")})
    assert "The selected file must be a CSV" in response.content.decode()
    assert assets_csv.MAX_BYTES == 1024 * 1024
    big = "name,kind\n" + "A long name for a group,group\n" * 40000
    response = signed_in.post(url("assets-import", project), {"file": upload(big)})
    assert "The selected file must be smaller than 1 MB" in response.content.decode()
    assert not CommunityAsset.objects.exists()


def test_viewer_cannot_import(viewer_client, project):
    assert viewer_client.get(url("assets-import", project)).status_code == 403
    response = viewer_client.post(url("assets-import", project), {"file": upload("name,kind\nA,group\n")})
    assert response.status_code == 403 and not CommunityAsset.objects.exists()


def test_link_from_the_identify_overview(signed_in, project):
    html = signed_in.get(reverse("identify:overview", kwargs={"project_id": project.pk})).content.decode()
    for name in ("focus-groups", "community-inputs", "themes", "assets"):
        assert url(name, project) in html


def test_public_link_factory_is_usable(project):
    link = CommunityInputLinkFactory(project=project)
    assert reverse("public:community-input", kwargs={"token": link.token}) == f"/c/{link.token}/"


def test_community_pages_with_the_demo_data(client, project, lead, member_of):
    import sys

    from identify import demo_communities

    analyst = member_of(project, Role.ANALYST)
    demo_communities.load(project=project, users={Role.LEAD: lead, Role.ANALYST: analyst}, stdout=sys.stdout)
    client.force_login(analyst)
    for name in ("focus-groups", "community-inputs", "themes", "assets"):
        assert client.get(url(name, project)).status_code == 200, name
    html = client.get(url("themes", project)).content.decode()
    assert "The most common theme is" in html and "Police involvement" in html
    for theme in project.themes.all():
        assert client.get(url("theme", project, theme_id=theme.pk)).status_code == 200
    for group in project.focus_groups.all():
        assert client.get(url("focus-group", project, focus_group_id=group.pk)).status_code == 200
        assert client.get(url("focus-group-edit", project, focus_group_id=group.pk)).status_code == 200
    for asset in project.organisation.community_assets.all():
        assert client.get(url("asset-edit", project, asset_id=asset.pk)).status_code == 200
    html = client.get(url("assets", project), {"population": "Pakistani"}).content.decode()
    assert "Harehills women&#x27;s centre" in html and "Crisis café" not in html
    # The demo directory exports and imports again unchanged.
    exported = client.get(url("assets-csv", project)).content
    response = client.post(url("assets-import", project), {"file": SimpleUploadedFile("a.csv", exported)}, follow=True)
    html = response.content.decode()
    assert "Import finished: 0 assets added, 0 updated and 7 already up to date." in html


def test_every_member_reads_an_asset_but_only_leads_and_analysts_change_it(viewer_client, project):
    asset = CommunityAssetFactory(organisation=project.organisation, name="Harehills women's centre")
    html = viewer_client.get(url("asset", project, asset_id=asset.pk)).content.decode()
    assert "<h1>Harehills women&#x27;s centre</h1>" in html
    assert url("asset-edit", project, asset_id=asset.pk) not in html
    assert url("asset-delete", project, asset_id=asset.pk) not in html
    assert viewer_client.get(url("asset-edit", project, asset_id=asset.pk)).status_code == 403
