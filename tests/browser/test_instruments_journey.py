"""Journey: a project lead opens Evaluate 4A's PREMs and PROMs, reads the PHQ-9 (its
items, bands and licence), adds it to a draft survey, reads the scores of a survey
that asked it by ethnic group (a small group hidden, with a sentence that says no more
than the numbers), and tries to define an instrument with a mistake. Every page passes
axe with no violation of any impact."""

import pytest

from amhe.core.models import Role
from amhe.surveys import building
from evaluate.instruments import services
from evaluate.models import SurveyInstrument
from tests.factories import PASSWORD, MembershipFactory, ProjectFactory, UserFactory, work_out_figures
from tests.integration.test_instruments import answer
from tests.integration.test_survey_results_views import respond

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _click(journey, role, name):
    journey.page.get_by_role(role, name=name).first.click()
    journey.page.wait_for_load_state()
    journey.check()


@pytest.fixture
def setting():
    project = ProjectFactory()
    lead = UserFactory(organisation=project.organisation)
    MembershipFactory(project=project, user=lead, role=Role.LEAD)
    draft = building.survey_create(
        by=lead, project=project, substep="4A", title="Six-week check-in", privacy_notice="Anonymous."
    )
    asked = building.survey_create(
        by=lead, project=project, substep="4A", title="Spring follow-up", privacy_notice="Anonymous."
    )
    use = services.add_to_survey(by=lead, survey=asked, key="gad-7")
    group = asked.questions.get(equality_key="ethnic_group")
    for n, code, index in [(20, "WHITE", 1), (15, "ASIAN", 2), (10, "MIXED", 0), (3, "BLACK", 3)]:
        for _ in range(n):
            respond(asked, {**answer(use, [index] * 7), group: code})
    work_out_figures(asked)
    return project, lead, draft, use


def test_lead_adds_the_phq9_to_a_survey_and_reads_scores_by_group(setting, journey):
    project, lead, draft, use = setting
    page = journey.page
    journey.log_in(lead.email, PASSWORD)
    journey.goto(f"/projects/{project.pk}/evaluate/")
    _click(journey, "link", "PREMs and PROMs")
    assert page.get_by_role("heading", name="PREMs and PROMs", level=1).is_visible()

    _click(journey, "link", "PHQ-9 (depression)")
    assert page.get_by_text("Little interest or pleasure in doing things").is_visible()
    assert page.get_by_role("table", name="Bands of the total score").get_by_text("Moderately severe").is_visible()
    assert page.get_by_text("phqscreeners.com").first.is_visible()
    page.get_by_label("Survey").select_option(label="Six-week check-in")
    _click(journey, "button", "Add to the survey")
    assert SurveyInstrument.objects.filter(survey=draft, key="phq-9").count() == 1
    assert page.get_by_text("Feeling down, depressed, or hopeless").first.is_visible()

    journey.goto(f"/projects/{project.pk}/evaluate/instruments/")
    _click(journey, "link", "GAD-7 (anxiety) in 'Spring follow-up'")
    assert page.get_by_text("The mean GAD-7 (anxiety) score was").is_visible()
    table = page.get_by_role("table", name="GAD-7 (anxiety) by ethnic group")
    black = table.get_by_role("row").filter(has_text="Black")
    assert "Suppressed" in black.inner_text()
    assert page.get_by_text("was highest for Asian").is_visible()
    assert "14.0" in table.inner_text() and "21.0" not in page.content()  # Asian 7 x 2; Black 7 x 3 hidden

    journey.goto(f"/projects/{project.pk}/evaluate/instruments/new/")
    page.get_by_label("Name").fill("Feeling listened to")
    page.get_by_label("PREM: an experience (how the care was)").check()
    page.get_by_label("Source and permission").fill("Written by our team")
    page.get_by_label("Items", exact=True).fill("Staff listened to me\nI felt rushed")
    page.get_by_label("Answers and their scores").fill("Never = 1\nAlways = 3")
    page.get_by_label("Total of the item scores").check()
    page.get_by_label("Items that may be left unanswered").fill("0")
    page.get_by_label("Bands (optional, totals only)").fill("2-3 Low\n5-6 High")
    page.get_by_label("A higher score is better").check()
    _click(journey, "button", "Save the instrument")
    assert page.get_by_role("alert").get_by_text("no gap or overlap").first.is_visible()
    page.get_by_label("Bands (optional, totals only)").fill("2-3 Low\n4-6 High")
    _click(journey, "button", "Save the instrument")
    assert page.get_by_role("heading", name="Feeling listened to", level=1).is_visible()
