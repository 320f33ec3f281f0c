"""The demo's 1B data goes through the same services and rules as people's
(issue 9, item 16): the survey is published by the publishing service, so it
meets the publishing rule (no language offered with its translation unfinished),
its responses are sent through the responding services, and its focus groups,
community input and assets through the community services."""

import io
from contextlib import ExitStack
from unittest import mock

import pytest
from django.core.exceptions import ValidationError

from amhe.core.models import Role
from amhe.surveys import building, i18n, responding
from amhe.surveys.models import Invitation, Survey, SurveyResponse
from identify import demo_communities
from identify.community import services as community
from identify.models import CommunityAsset, CommunityInput, FocusGroup

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(project, member_of):
    users = {Role.LEAD: member_of(project, Role.LEAD), Role.ANALYST: member_of(project, Role.ANALYST)}
    spied = {
        (building, "survey_publish"),
        (responding, "submit"),
        (community, "focus_group_create"),
        (community, "community_input_submit"),
        (community, "asset_create"),
    }
    with ExitStack() as stack:
        spies = {
            name: stack.enter_context(mock.patch.object(module, name, wraps=getattr(module, name)))
            for module, name in spied
        }
        demo_communities.load(project=project, users=users, stdout=io.StringIO())
    return project, spies


def test_every_demo_survey_passes_the_publishing_checks(demo):
    project, spies = demo
    publish = spies["survey_publish"]
    surveys = list(Survey.objects.filter(project=project))
    assert surveys
    for survey in surveys:
        assert survey.state == Survey.State.PUBLISHED
        assert building.publish_problems(survey) == []
        questions = building.ordered_questions(survey)
        for language in survey.languages:
            assert i18n.missing(survey, questions, language) == [], language
    # Published by the real service, which refuses an unfinished translation.
    assert [call.kwargs["survey"].pk for call in publish.call_args_list] == [s.pk for s in surveys]


def test_the_publishing_service_would_refuse_the_demo_survey_with_a_translation_gap(demo):
    """The check the demo passes can fail: take one Urdu label out and publishing is refused."""
    project, _spies = demo
    survey = Survey.objects.get(project=project)
    building.survey_close(by=survey.created_by, survey=survey)
    question = building.own_questions(survey).first()
    translations = dict(question.translations)
    translations["ur"] = {k: v for k, v in translations["ur"].items() if k != "text"}
    question.translations = translations
    question.save()
    with pytest.raises(ValidationError, match="translation is not finished"):
        building.survey_reopen(by=survey.created_by, survey=survey)


def test_demo_responses_are_sent_through_the_responding_services(demo):
    project, spies = demo
    submit = spies["submit"]
    survey = Survey.objects.get(project=project)
    responses = SurveyResponse.objects.filter(survey=survey)
    assert responses.count() == demo_communities.RESPONSES == submit.call_count
    assert not responses.exclude(state=SurveyResponse.State.SUBMITTED).exists()
    assert (
        responses.filter(channel="invitation").count()
        == Invitation.objects.filter(survey=survey, used_at__isnull=False).count()
    )
    assert not responses.filter(channel="paper", entered_by=None).exists()
    assert not responses.exclude(channel="paper").filter(entered_by__isnull=False).exists()
    # Every answer is one its question offers (the builder gave the options their values).
    for question in building.own_questions(survey).exclude(options=[]):
        offered = set(building.option_values(question.options))
        for value in question.answers.values_list("value", flat=True):
            assert set(value if isinstance(value, list) else [value]) <= offered, question.text
    for response in responses.filter(submitted_on__isnull=False)[:50]:
        assert response.submitted_on >= response.started_on


def test_demo_focus_groups_input_and_assets_go_through_the_community_services(demo):
    project, spies = demo
    assert spies["focus_group_create"].call_count == FocusGroup.objects.filter(project=project).count() > 0
    inputs = CommunityInput.objects.filter(project=project)
    assert spies["community_input_submit"].call_count == inputs.count() > 0
    assert not inputs.filter(themes__isnull=True).exists()
    assets = CommunityAsset.objects.filter(organisation=project.organisation)
    assert spies["asset_create"].call_count == assets.count() > 0


def test_the_demo_survey_ends_with_its_figures_worked_out(demo):
    """One job, queued by the responding and theme services, ran and stored the results."""
    from amhe.core.models import Job
    from amhe.core.selectors import suppression_rule_for
    from amhe.surveys import figures as survey_figures

    project, _spies = demo
    survey = Survey.objects.get(project=project, title=demo_communities.SURVEY_TITLE)
    stored = survey_figures.figures_for(survey)
    assert survey_figures.is_current(stored, suppression_rule_for(project))
    assert stored.responses_counted == SurveyResponse.objects.filter(survey=survey, state="submitted").count()
    assert stored.responses_counted == demo_communities.RESPONSES
    jobs = Job.objects.filter(kind=survey_figures.KIND, project=project)
    assert [job.state for job in jobs] == [Job.State.SUCCEEDED]
