"""Labels and messages staff read (issue 9, item 17): fields a later step
needs say so instead of "(optional)", plurals agree with their numbers, page
references read "page 36", staff see language names in English too, empty
choices read "Choose...", the quality trend table has readable headings and
saving progress shows its message where it can be seen."""

import re

import pytest
from django.urls import reverse

from amhe.core.models import Role, SubStepStatus
from amhe.surveys import building
from tests.factories import (
    ExtractFactory,
    MembershipFactory,
    QualityReportFactory,
    QuestionFactory,
    SurveyFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead(project, member_of):
    return member_of(project, Role.LEAD)


@pytest.fixture
def signed_in(client, lead):
    client.force_login(lead)
    return client


def text(fragment: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", fragment).split())


def labels(html: str) -> dict[str, str]:
    """Each form control's id -> its label text, or its fieldset's legend (date inputs, radios)."""
    found = {}
    for fieldset in re.findall(r"<fieldset.*?</fieldset>", html, re.S):
        legend = re.search(r"<legend.*?>(.*?)</legend>", fieldset, re.S)
        control = re.search(r"<(?:input|select|textarea)[^>]* id=\"([^\"]+)\"", fieldset)
        if legend and control:
            found[control.group(1)] = text(legend.group(1))
    for for_id, label in re.findall(r"<label[^>]* for=\"([^\"]+)\"[^>]*>(.*?)</label>", html, re.S):
        found.setdefault(for_id, text(label))
    return found


def table_with_caption(html: str, caption: str) -> str:
    return next(t for t in re.findall(r"<table.*?</table>", html, re.S) if caption in t)


def test_goal_fields_needed_to_agree_it_say_so(signed_in, project):
    html = signed_in.get(reverse("core:goal-new", kwargs={"project_id": project.pk})).content.decode()
    found = labels(html)
    for field in ("baseline_value", "target_value", "owner", "achievable", "realistic"):
        assert found[f"id_{field}"].endswith("(needed to agree the goal)"), found[f"id_{field}"]
    assert found["id_target_date_day"].endswith("(needed to agree the goal)")
    assert found["id_measure_description"].endswith("(needed to agree the goal if you choose no measure)")
    # Truly optional parts still say so.
    assert found["id_population"].endswith("(optional)")
    assert found["id_baseline_date_day"].endswith("(optional)")
    assert "(optional)" not in found["id_target_value"]


def test_survey_fields_needed_to_publish_say_so(signed_in, project, lead):
    html = signed_in.get(
        reverse("surveys:survey-new", kwargs={"step": "identify", "project_id": project.pk})
    ).content.decode()
    found = labels(html)
    assert found["id_privacy_notice"] == "Privacy notice (needed to publish)"
    assert found["id_introduction"] == "Introduction (optional)"


def test_translations_needed_to_publish_say_so(signed_in, project, lead):
    survey = SurveyFactory(project=project, created_by=lead, languages=["pl"])
    question = QuestionFactory(
        survey=survey, options=[{"value": "a", "label": "Often"}, {"value": "yes", "label": "Yes"}]
    )
    url = reverse(
        "surveys:survey-translate",
        kwargs={"step": "identify", "project_id": project.pk, "survey_id": survey.pk, "language": "pl"},
    )
    found = labels(signed_in.get(url).content.decode())
    assert found["id_survey__title"] == "Title (needed to publish)"
    assert found[f"id_q{question.pk}__text"] == "Question (needed to publish)"
    assert found[f"id_q{question.pk}__option__a"] == "Answer: Often (needed to publish)"
    # The app translates "Yes" itself, so that box may stay blank.
    assert found[f"id_q{question.pk}__option__yes"] == "Answer: Yes (optional)"
    # A language people cannot choose is not needed to publish.
    url_ur = reverse(
        "surveys:survey-translate",
        kwargs={"step": "identify", "project_id": project.pk, "survey_id": survey.pk, "language": "ur"},
    )
    assert labels(signed_in.get(url_ur).content.decode())["id_survey__title"] == "Title (optional)"


def test_empty_choices_read_choose(signed_in, project):
    html = signed_in.get(reverse("core:goal-new", kwargs={"project_id": project.pk})).content.decode()
    empty = [text(label) for label in re.findall(r'<option value=""[^>]*>(.*?)</option>', html, re.S)]
    assert len(empty) >= 3 and set(empty) == {"Choose..."}
    assert "---------" not in html


def test_step_page_references_read_page_or_pages(signed_in, project):
    research = signed_in.get(reverse("research:overview", kwargs={"project_id": project.pk})).content.decode()
    assert "(AMHE resource, page 36)" in research
    assert "pages 36" not in research
    identify = signed_in.get(reverse("identify:overview", kwargs={"project_id": project.pk})).content.decode()
    assert "(AMHE resource, pages 12 to 23)" in identify
    assert ".)" not in re.sub(r"\s+", " ", identify).split("AMHE resource", 1)[1][:40]


def test_staff_see_language_names_in_english_too(signed_in, project, lead):
    html = signed_in.get(
        reverse("surveys:survey-new", kwargs={"step": "identify", "project_id": project.pk})
    ).content.decode()
    assert "Polski (Polish)" in html
    assert "اردو (Urdu)" in html
    survey = SurveyFactory(project=project, created_by=lead, languages=["pl", "ur"])
    QuestionFactory(survey=survey)
    detail = text(signed_in.get(survey.get_absolute_url()).content.decode())
    assert "Polski (Polish)" in detail and "اردو (Urdu)" in detail
    problems = [p.message for p in building.publish_problems(survey)]
    assert any(m.startswith("The Polski (Polish) translation is not finished") for m in problems), problems


def test_respondents_see_language_names_in_their_own_script(client, project, lead):
    survey = SurveyFactory(project=project, created_by=lead, languages=["pl", "ur"])
    QuestionFactory(survey=survey)
    survey.state = survey.State.PUBLISHED
    survey.save()
    html = client.get(reverse("public:survey-start", kwargs={"token": survey.open_token})).content.decode()
    assert "Polski" in html and "(Polish)" not in html


def test_one_panel_member_is_singular(signed_in, project, lead):
    survey = SurveyFactory(project=project, created_by=lead)
    MembershipFactory(project=project, role=Role.PANEL)
    url = reverse("surveys:survey-share", kwargs={"step": "identify", "project_id": project.pk, "survey_id": survey.pk})
    html = " ".join(signed_in.get(url).content.decode().split())
    assert "1 lived-experience panel member of this project" in html
    assert "1 lived-experience panel members" not in html


def test_one_single_use_link_is_singular(signed_in, project, lead):
    survey = SurveyFactory(project=project, created_by=lead)
    QuestionFactory(survey=survey)
    building.survey_publish(by=lead, survey=survey)
    url = reverse(
        "surveys:survey-invitations", kwargs={"step": "identify", "project_id": project.pk, "survey_id": survey.pk}
    )
    response = signed_in.post(url, {"count": 1, "batch": "Library"}, follow=True)
    html = " ".join(response.content.decode().split())
    assert "1 single-use link made." in html


def test_quality_trend_table_has_readable_headings(signed_in, project, lead):
    first = ExtractFactory(project=project, uploaded_by=lead)
    QualityReportFactory(
        extract=first,
        report={"rows": 10, "fields": {"ethnicity": {"label": "Ethnic group", "completeness": 0.8}}},
    )
    second = ExtractFactory(project=project, uploaded_by=lead)
    QualityReportFactory(
        extract=second,
        report={
            "rows": 10,
            "fields": {
                "age": {"label": "Age", "completeness": 1.0},
                "ethnicity": {"label": "Ethnic group", "completeness": 0.9},
            },
        },
    )
    url = reverse("identify:quality", kwargs={"project_id": project.pk, "extract_id": second.pk})
    table = table_with_caption(signed_in.get(url).content.decode(), "Completeness by upload")
    head, body = table.split("</thead>")
    headings = [text(th) for th in re.findall(r"<th.*?</th>", head, re.S)]
    assert headings == ["Upload", "Ethnic group", "Age"]
    rows = [
        [text(td) for td in re.findall(r"<td.*?</td>", row, re.S)] for row in re.findall(r"<tr.*?</tr>", body, re.S)
    ]
    # Each figure sits under its own heading, even where an upload lacks a column.
    assert rows == [["80%", "– Not in this upload"], ["90%", "100%"]]


def test_saving_progress_shows_its_message_at_the_top(signed_in, project):
    url = reverse("core:substep-edit", kwargs={"project_id": project.pk, "code": "1B"})
    response = signed_in.post(url, {"state": SubStepStatus.State.DONE, "note": ""})
    # No #fragment, which would scroll the page past the message.
    assert response.status_code == 302 and response.url == project.get_absolute_url()
    html = " ".join(signed_in.get(response.url).content.decode().split())
    assert "Progress saved: 1B Work with communities is done." in html
