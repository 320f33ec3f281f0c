"""Deliver 3A: the strategy, its interventions started from agreed priorities
(linked back to them, their evidence, driver-diagram boxes and SMART goals),
who may write it, and the panel's comments without names."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from amhe.core.models import Role
from deliver.models import Intervention, Strategy, StrategyComment
from deliver.strategy import selectors, services
from tests.factories import (
    DiagramNodeFactory,
    InterventionFactory,
    PopulationFactory,
    PriorityFactory,
    ProjectFactory,
    ReferenceFactory,
    SmartGoalFactory,
    StrategyCommentFactory,
    StrategyFactory,
)

pytestmark = pytest.mark.django_db


def _url(name, project, **kwargs):
    return reverse(f"deliver:{name}", kwargs={"project_id": project.pk, **kwargs})


@pytest.fixture
def lead(project, member_of):
    return member_of(project, Role.LEAD)


@pytest.fixture
def agreed(project):
    population = PopulationFactory(organisation=project.organisation, name="Black men in Leeds")
    first = PriorityFactory(
        project=project,
        title="Evening peer support",
        description="Peers in the evening",
        state="agreed",
        characteristics=["race", "sex"],
    )
    first.populations.add(population)
    first.references.add(ReferenceFactory(project=project, title="Peer support review"))
    second = PriorityFactory(project=project, title="Interpreters at assessments", state="agreed")
    PriorityFactory(project=project, title="Only proposed", state="proposed")
    return first, second


# --- Services ---------------------------------------------------------------------


def test_starting_from_two_priorities_makes_the_strategy_and_one_intervention_each(project, lead, agreed):
    first, second = agreed
    strategy, made = services.strategy_start_from_priorities(
        by=lead, project=project, priorities=[first, second], title="Fairer crisis care", aims="Fewer detentions"
    )
    assert strategy.project == project and strategy.title == "Fairer crisis care" and strategy.created_by == lead
    assert [i.title for i in made] == ["Evening peer support", "Interpreters at assessments"]
    one = made[0]
    assert one.description == "Peers in the evening"
    assert sorted(one.characteristics) == ["race", "sex"]
    assert [p.name for p in one.populations.all()] == ["Black men in Leeds"]
    assert list(one.priorities.all()) == [first]
    assert one.kind == ""  # for the lead to choose
    assert [r.title for r in selectors.evidence_for(one)] == ["Peer support review"]
    assert selectors.priorities_without_intervention(project) == []


def test_start_adds_to_an_existing_strategy_and_refuses_a_priority_used_twice(project, lead, agreed):
    first, second = agreed
    strategy, _ = services.strategy_start_from_priorities(by=lead, project=project, priorities=[first], title="S")
    again, made = services.strategy_start_from_priorities(by=lead, project=project, priorities=[second])
    assert again == strategy and len(made) == 1
    with pytest.raises(ValidationError, match="already has an intervention"):
        services.strategy_start_from_priorities(by=lead, project=project, priorities=[first])
    assert Intervention.objects.filter(strategy=strategy).count() == 2


def test_start_refuses_unagreed_or_other_projects_priorities_and_saves_nothing(project, lead, agreed):
    proposed = project.priorities.get(title="Only proposed")
    other = PriorityFactory(project=ProjectFactory(organisation=project.organisation), state="agreed")
    for bad in (proposed, other):
        with pytest.raises(ValidationError, match="not an agreed priority of this project"):
            services.strategy_start_from_priorities(by=lead, project=project, priorities=[agreed[0], bad], title="S")
    with pytest.raises(ValidationError, match="Select at least one"):
        services.strategy_start_from_priorities(by=lead, project=project, priorities=[], title="S")
    with pytest.raises(ValidationError):
        services.strategy_start_from_priorities(by=lead, project=project, priorities=[agreed[0]], title="  ")
    assert not Strategy.objects.exists() and not Intervention.objects.exists()


def test_intervention_links_are_checked_against_the_project(project, lead, member_of):
    strategy = StrategyFactory(project=project)
    elsewhere = ProjectFactory(organisation=project.organisation)
    node = DiagramNodeFactory(diagram__project=project)
    goal = SmartGoalFactory(project=project)
    owner = member_of(project, Role.GOVERNANCE)
    intervention = services.intervention_create(
        by=lead,
        strategy=strategy,
        title=" Street clinic ",
        kind="where_people_live",
        owner=owner,
        nodes=[node],
        goals=[goal],
    )
    assert intervention.title == "Street clinic"
    assert list(intervention.nodes.all()) == [node] and list(intervention.goals.all()) == [goal]
    bad = {
        "nodes": [DiagramNodeFactory(diagram__project=elsewhere)],
        "goals": [SmartGoalFactory(project=elsewhere)],
        "priorities": [PriorityFactory(project=elsewhere, state="agreed")],
        "owner": member_of(elsewhere, Role.LEAD),
    }
    for name, value in bad.items():
        with pytest.raises(ValidationError) as caught:
            services.intervention_update(by=lead, intervention=intervention, **{name: value})
        assert name in caught.value.message_dict
    with pytest.raises(ValidationError, match="Choose a kind"):
        services.intervention_create(by=lead, strategy=strategy, title="X", kind="teleportation")
    with pytest.raises(ValidationError, match="not agreed yet"):
        services.intervention_create(
            by=lead, strategy=strategy, title="X", priorities=[PriorityFactory(project=project, state="proposed")]
        )
    assert Intervention.objects.filter(strategy=strategy).count() == 1


def test_panel_comment_one_each_replaced_and_refused_to_others(project, lead, member_of):
    strategy = StrategyFactory(project=project)
    panel = member_of(project, Role.PANEL)
    services.strategy_comment_give(by=panel, strategy=strategy, comment="First thought")
    services.strategy_comment_give(by=panel, strategy=strategy, comment="Better thought")
    assert list(StrategyComment.objects.values_list("comment", flat=True)) == ["Better thought"]
    with pytest.raises(ValidationError):
        services.strategy_comment_give(by=panel, strategy=strategy, comment="   ")
    for role in (Role.LEAD, Role.VIEWER, Role.GOVERNANCE):
        with pytest.raises(PermissionDenied):
            services.strategy_comment_give(by=member_of(project, role), strategy=strategy, comment="Mine")
    services.strategy_comment_withdraw(by=panel, strategy=strategy)
    assert not StrategyComment.objects.exists()


# --- Pages --------------------------------------------------------------------------


def test_lead_starts_the_strategy_on_the_page_and_completes_an_intervention(client, project, lead, agreed):
    client.force_login(lead)
    page = client.get(_url("strategy-start", project)).content.decode()
    assert "Evening peer support" in page and "Only proposed" not in page
    response = client.post(
        _url("strategy-start", project), {"title": "Fairer crisis care", "priorities": [p.pk for p in agreed]}
    )
    assert response.status_code == 302
    strategy = project.strategy
    one = strategy.interventions.get(title="Evening peer support")
    page = client.get(_url("strategy", project)).content.decode()
    assert "Fairer crisis care" in page and "Not chosen yet" in page
    goal = SmartGoalFactory(project=project, statement="Halve the detention gap")
    edit = client.post(
        _url("intervention-edit", project, intervention_id=one.pk),
        {
            "title": "Evening peer support in Chapeltown",
            "kind": "choice_of_delivery",
            "priorities": [agreed[0].pk],
            "goals": [goal.pk],
            "characteristics": ["race"],
        },
    )
    assert edit.status_code == 302, edit.content.decode()
    detail = client.get(_url("intervention", project, intervention_id=one.pk)).content.decode()
    assert "Choice of delivery" in detail
    assert "Peer support review" in detail  # the evidence behind its priority
    assert "Halve the detention gap" in detail


def test_intervention_form_needs_a_kind_and_saves_nothing_without_one(client, project, lead):
    strategy = StrategyFactory(project=project)
    client.force_login(lead)
    response = client.post(_url("intervention-new", project), {"title": "Something"})
    assert response.status_code == 200
    assert "Select what kind of intervention it is" in response.content.decode()
    assert not strategy.interventions.exists()


@pytest.mark.parametrize("role", [Role.PANEL, Role.VIEWER, Role.GOVERNANCE, Role.ANALYST])
def test_only_leads_write_the_strategy(client, project, member_of, agreed, role):
    strategy = StrategyFactory(project=project, title="Kept")
    intervention = InterventionFactory(strategy=strategy, title="Kept too")
    client.force_login(member_of(project, role))
    assert client.get(_url("strategy", project)).status_code == 200
    posts = [
        (_url("strategy-edit", project), {"title": "Changed"}),
        (_url("strategy-start", project), {"priorities": [agreed[0].pk]}),
        (_url("intervention-new", project), {"title": "New", "kind": "online"}),
        (_url("intervention-edit", project, intervention_id=intervention.pk), {"title": "Changed", "kind": "online"}),
        (_url("intervention-delete", project, intervention_id=intervention.pk), {}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 403, url
    strategy.refresh_from_db()
    assert strategy.title == "Kept" and list(strategy.interventions.values_list("title", flat=True)) == ["Kept too"]


def test_comments_are_shown_without_names_and_only_panel_members_comment(client, project, lead, member_of):
    strategy = StrategyFactory(project=project)
    first = member_of(project, Role.PANEL)
    second = member_of(project, Role.PANEL)
    first.full_name, second.full_name = "Zainab Quereshi", "Yusuf Okafor"
    first.save(), second.save()
    StrategyCommentFactory(strategy=strategy, member=second, comment="Zebra crossings matter")
    client.force_login(first)
    response = client.post(_url("strategy-comment", project), {"comment": "Ask people who used the service"})
    assert response.status_code == 302
    for viewer in (first, lead):
        client.force_login(viewer)
        page = client.get(_url("strategy", project)).content.decode()
        assert page.index("Ask people who used the service") < page.index("Zebra crossings matter")
        # The header names whoever is signed in; the comments name nobody.
        names = {"Zainab Quereshi", "Yusuf Okafor"} - {viewer.full_name}
        assert not any(name in page for name in names)
    client.force_login(member_of(project, Role.VIEWER))
    assert client.post(_url("strategy-comment", project), {"comment": "Viewer"}).status_code == 403
    assert StrategyComment.objects.count() == 2
    client.force_login(first)
    assert "Take my comment off" in client.get(_url("strategy-comment", project)).content.decode()
    assert client.post(_url("strategy-comment", project), {"withdraw": ""}).status_code == 302
    assert list(StrategyComment.objects.values_list("comment", flat=True)) == ["Zebra crossings matter"]


def test_a_priority_taken_meanwhile_gets_a_plain_message(client, project, lead, agreed):
    services.strategy_start_from_priorities(by=lead, project=project, priorities=[agreed[0]], title="S")
    client.force_login(lead)
    response = client.post(_url("strategy-start", project), {"priorities": [agreed[0].pk]})
    assert "no longer agreed or already has an intervention" in response.content.decode()
    assert Intervention.objects.count() == 1


def test_strategy_pages_are_404_without_a_strategy_or_outside_the_project(client, project, lead, other_org_user):
    client.force_login(lead)
    assert client.get(_url("strategy", project)).status_code == 404
    assert client.get(_url("strategy-edit", project)).status_code == 200  # writes the first one
    other = InterventionFactory(strategy__project=ProjectFactory(organisation=project.organisation))
    StrategyFactory(project=project)
    assert client.get(_url("intervention", project, intervention_id=other.pk)).status_code == 404


def test_3a_follows_the_work(project, lead):
    from tests.integration.test_progress_follows_work import states

    assert states(project)["3A"] == "not_started"
    services.strategy_save(by=lead, project=project, title="Fairer care")
    assert states(project)["3A"] == "in_progress"


def test_deliver_page_offers_to_start_from_the_agreed_priorities(client, project, lead, member_of, agreed):
    client.force_login(lead)
    page = client.get(_url("overview", project)).content.decode()
    assert "Start the strategy from the agreed priorities" in page
    client.force_login(member_of(project, Role.VIEWER))
    page = client.get(_url("overview", project)).content.decode()
    assert "No strategy yet" in page and "Start the strategy" not in page
