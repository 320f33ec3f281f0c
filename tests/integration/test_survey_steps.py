"""A survey belongs to one sub-step of the cycle, and its staff pages sit under that
sub-step's step: a 4A survey under "4. Evaluate", a 1B one under "1. Identify"
(issue 10). A survey asked for under another step's URL is not found."""

import pytest
from django.urls import NoReverseMatch, reverse

from amhe.core.models import Role
from amhe.surveys.models import Survey
from amhe.surveys.selectors import survey_url
from tests.factories import FocusGroupFactory, QuestionFactory, SurveyFactory, SurveyResponseFactory, ThemeFactory


@pytest.fixture
def lead(project, member_of):
    return member_of(project, Role.LEAD)


@pytest.fixture
def signed_in(client, lead):
    client.force_login(lead)
    return client


def crumb_texts(response) -> list[str]:
    return [text for text, _url in response.context["crumbs"]]


SETTINGS = {"title": "Care since discharge", "include_equality": "on", "open_link_enabled": "on"}


def test_a_survey_created_under_evaluate_is_for_the_sub_step_chosen(signed_in, project):
    new = reverse("surveys:survey-new", kwargs={"project_id": project.pk, "step": "evaluate"})
    response = signed_in.get(new + "?substep=4B")
    page = response.content.decode()
    # Evaluate runs surveys in two sub-steps, so the form asks which, with 4B chosen from the link.
    assert 'value="4A"' in page and 'value="4B"' in page and 'value="1B"' not in page
    assert response.context["form"]["substep"].value() == "4B"
    response = signed_in.post(new, {**SETTINGS, "substep": "4A"})
    survey = Survey.objects.get(title="Care since discharge")
    assert survey.substep == "4A"
    assert response["Location"] == f"/projects/{project.pk}/evaluate/surveys/{survey.pk}/"
    detail = signed_in.get(response["Location"])
    assert crumb_texts(detail) == ["Your projects", project.name, "4. Evaluate", "Surveys"]
    assert "1. Identify" not in detail.content.decode()


def test_evaluate_refuses_a_sub_step_outside_the_step(signed_in, project):
    new = reverse("surveys:survey-new", kwargs={"project_id": project.pk, "step": "evaluate"})
    response = signed_in.post(new, {**SETTINGS, "substep": "1B"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Survey.objects.exists()


def test_research_surveys_are_for_2a_without_asking(signed_in, project):
    new = reverse("surveys:survey-new", kwargs={"project_id": project.pk, "step": "research"})
    assert "substep" not in signed_in.get(new).context["form"].fields
    signed_in.post(new, SETTINGS)
    assert Survey.objects.get().substep == "2A"


def test_identify_surveys_are_for_1b(signed_in, project):
    signed_in.post(reverse("surveys:survey-new", kwargs={"project_id": project.pk, "step": "identify"}), SETTINGS)
    survey = Survey.objects.get()
    assert survey.substep == "1B"
    assert crumb_texts(signed_in.get(survey.get_absolute_url()))[2] == "1. Identify"


def test_deliver_runs_no_surveys(project):
    with pytest.raises(NoReverseMatch):
        reverse("surveys:surveys", kwargs={"project_id": project.pk, "step": "deliver"})


def test_deliver_survey_url_is_not_found(signed_in, project):
    assert signed_in.get(f"/projects/{project.pk}/deliver/surveys/").status_code == 404


def test_a_survey_under_another_steps_url_is_not_found(signed_in, project, lead):
    prem = SurveyFactory(project=project, created_by=lead, substep="4A", state="published")
    QuestionFactory(survey=prem)
    for name in ("survey", "survey-edit", "survey-results", "survey-share", "survey-answer", "survey-enter"):
        right = survey_url(name, prem)
        assert "/evaluate/surveys/" in right
        assert signed_in.get(right).status_code == 200, name
        wrong = right.replace("/evaluate/", "/identify/")
        assert signed_in.get(wrong).status_code == 404, name


def test_results_of_a_4a_survey_sit_under_evaluate(signed_in, project, lead):
    prem = SurveyFactory(project=project, created_by=lead, substep="4A", state="published")
    question = QuestionFactory(survey=prem)
    SurveyResponseFactory(survey=prem, state="submitted")
    page = signed_in.get(survey_url("survey-results", prem))
    assert crumb_texts(page)[:4] == ["Your projects", project.name, "4. Evaluate", "Surveys"]
    assert "4A" in page.content.decode()
    assert question.pk


def test_step_pages_list_their_own_surveys(signed_in, project, lead):
    SurveyFactory(project=project, created_by=lead, substep="1B", title="Community voices")
    SurveyFactory(project=project, created_by=lead, substep="4A", title="Experience of care")
    SurveyFactory(project=project, created_by=lead, substep="2A", title="Ideas from the community")
    identify = signed_in.get(reverse("identify:overview", kwargs={"project_id": project.pk})).content.decode()
    evaluate = signed_in.get(reverse("evaluate:overview", kwargs={"project_id": project.pk})).content.decode()
    research = signed_in.get(reverse("research:overview", kwargs={"project_id": project.pk})).content.decode()
    assert "Community voices" in identify and "Experience of care" not in identify
    assert "Experience of care" in evaluate and "Community voices" not in evaluate
    assert "Ideas from the community" in research and "Experience of care" not in research
    listing = signed_in.get(reverse("surveys:surveys", kwargs={"project_id": project.pk, "step": "evaluate"}))
    assert [row["survey"].title for row in listing.context["rows"]] == ["Experience of care"]
    assert crumb_texts(listing)[-1] == "4. Evaluate"


def test_step_pages_link_to_the_steps_before_and_after(signed_in, project):
    def pager(slug):
        response = signed_in.get(reverse(f"{slug}:overview", kwargs={"project_id": project.pk}))
        previous, following = response.context["step_pager"]["previous"], response.context["step_pager"]["next"]
        return (previous[0] if previous else None, following[0] if following else None), response.content.decode()

    assert pager("identify")[0] == (None, "2. Research")
    assert pager("deliver")[0] == ("2. Research", "4. Evaluate")
    (texts, html) = pager("evaluate")
    assert texts == ("3. Deliver", None)
    assert 'aria-label="Steps of the cycle"' in html
    assert f'href="/projects/{project.pk}/deliver/" rel="prev"' in html


def test_research_shows_what_communities_said_in_step_1(signed_in, project, lead):
    housing, trust = ThemeFactory(project=project, name="Housing"), ThemeFactory(project=project, name="Trust")
    for _ in range(12):
        FocusGroupFactory(project=project, created_by=lead).themes.add(trust)
    FocusGroupFactory(project=project, created_by=lead).themes.add(housing)
    SurveyFactory(project=project, created_by=lead, substep="1B", title="Community voices")
    html = signed_in.get(reverse("research:overview", kwargs={"project_id": project.pk})).content.decode()
    section = html[html.index('id="detail-2A"') : html.index('id="detail-2B"')]
    # 12 codings before 1; each offered to a lead as a priority.
    assert section.index("<li>Trust (") < section.index("<li>Housing (")
    assert "Focus groups</a> (13)" in section and "Community voices" in section
