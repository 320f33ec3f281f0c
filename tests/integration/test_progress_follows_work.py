"""A sub-step nobody has set a state for shows "In progress" once work is recorded in
it; a state someone set stands (amhe.core.progress)."""

from django.urls import reverse

from amhe.core import presenters
from amhe.core.models import Role, SubStepStatus
from tests.factories import ExtractFactory, FocusGroupFactory, SurveyFactory


def states(project) -> dict[str, str]:
    return {sub.code: sub.state for step in presenters.cycle_view(project, can_edit=False) for sub in step.substeps}


def test_sub_steps_follow_the_work(project, member_of):
    lead = member_of(project, Role.LEAD)
    assert set(states(project).values()) == {SubStepStatus.State.NOT_STARTED}
    ExtractFactory(project=project, uploaded_by=lead)
    SurveyFactory(project=project, created_by=lead, substep="4A")
    found = states(project)
    assert found["1A"] == found["4A"] == SubStepStatus.State.IN_PROGRESS
    assert found["1B"] == found["2A"] == found["4B"] == SubStepStatus.State.NOT_STARTED
    FocusGroupFactory(project=project, created_by=lead)
    assert states(project)["1B"] == SubStepStatus.State.IN_PROGRESS


def test_a_state_someone_set_stands(project, member_of):
    lead = member_of(project, Role.LEAD)
    SubStepStatus.objects.update_or_create(project=project, code="1A", defaults={"state": SubStepStatus.State.DONE})
    ExtractFactory(project=project, uploaded_by=lead)
    assert states(project)["1A"] == SubStepStatus.State.DONE


def test_the_project_page_shows_it(client, project, member_of):
    lead = member_of(project, Role.LEAD)
    SurveyFactory(project=project, created_by=lead, substep="2A")
    client.force_login(lead)
    html = client.get(reverse("research:overview", kwargs={"project_id": project.pk})).content.decode()
    section = html[html.index('id="detail-2A"') : html.index('id="detail-2B"')]
    assert "In progress" in section and "Not started" not in section
