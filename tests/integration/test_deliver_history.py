"""Deliver's audit history: every change to a goal, the strategy, an intervention, an
EIA (its versions and impacts), a milestone, an action (and its updates), a risk and
a decision is kept, who made it and when, and read by governance leads and leads in
plain words, field by field; deletions too. Others on the project 403, everyone else 404."""

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from amhe.core import history
from amhe.core.models import Role, SmartGoal
from deliver.decisions import services as decision_services
from deliver.eia import services as eia_services
from deliver.models import Intervention, Risk
from deliver.risks import services as risk_services
from deliver.strategy import services as strategy_services
from deliver.tracking import services as tracking_services
from tests.factories import (
    MembershipFactory,
    PopulationFactory,
    PriorityFactory,
    ProjectFactory,
    SmartGoalFactory,
    StrategyFactory,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate
DAY = datetime.timedelta(days=1)


def _url(name, project, **kwargs):
    return reverse(f"deliver:{name}", kwargs={"project_id": project.pk, **kwargs})


def _text(response) -> str:
    """The page's words, tags stripped and spaces collapsed."""
    html = response.content.decode()
    html = html[html.index("<main") :]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace(" :", ":").replace(" .", ".")


@pytest.fixture
def lead(project, member_of):
    user = member_of(project, Role.LEAD)
    user.full_name = "Sam Lead"
    user.save()
    return user


@pytest.fixture
def governance(project, member_of):
    user = member_of(project, Role.GOVERNANCE)
    user.full_name = "Asha Patel"
    user.save()
    return user


@pytest.fixture
def strategy(project):
    return StrategyFactory(project=project, title="Fairer crisis care")


def _risk(project, by, owner, **overrides):
    fields = {
        "title": "Too few peer supporters",
        "likelihood": 3,
        "impact": 3,
        "target_likelihood": 1,
        "target_impact": 2,
        "owner": owner,
        "review_date": datetime.date(2027, 4, 1),
        **overrides,
    }
    with history.recorded_as(by):
        return risk_services.risk_create(by=by, project=project, **fields)


def _fields(risk):
    return {
        name: getattr(risk, name)
        for name in (
            "title",
            "description",
            "cause",
            "effect",
            "likelihood",
            "impact",
            "target_likelihood",
            "target_impact",
            "owner",
            "controls",
            "actions",
            "last_reviewed",
            "review_date",
        )
    }


# --- Each kind of record, field by field ----------------------------------------------


def test_a_risk_change_reads_field_by_field_with_who_and_when(client, project, lead, governance):
    risk = _risk(project, lead, governance)
    client.force_login(governance)
    fields = {**_fields(risk), "likelihood": 4, "review_date": datetime.date(2027, 5, 1)}
    # Through the page, as in use: the request's user is recorded.
    post = {
        key: (value.pk if hasattr(value, "pk") else value)
        for key, value in fields.items()
        if not isinstance(value, datetime.date) and value is not None
    }
    post.update({"review_date_day": "1", "review_date_month": "5", "review_date_year": "2027"})
    assert client.post(_url("risk-edit", project, risk_id=risk.pk), post).status_code == 302
    response = client.get(_url("risk-history", project, risk_id=risk.pk))
    assert response.status_code == 200
    entries = response.context["entries"]
    assert [entry.type for entry in entries] == ["~", "+"]
    change = entries[0]
    assert change.who == "Asha Patel"
    assert change.what == (
        "Asha Patel changed the likelihood from 3 to 4 and the next review from 1 April 2027 to 1 May 2027"
    )
    when = timezone.localtime(Risk.history.filter(id=risk.pk).latest().history_date)
    assert change.sentence.startswith(f"{when.day} {when:%B %Y}, {when:%H:%M} — Asha Patel changed")
    text = _text(response)
    assert "Asha Patel changed the risk “Too few peer supporters”:" in text
    assert "the next review from 1 April 2027 to 1 May 2027" in text
    assert "Sam Lead added the risk “Too few peer supporters”:" in text
    assert "the owner set to Asha Patel" in text
    assert "{" not in text  # never raw JSON


def test_a_decision_says_its_linked_risk_by_name_even_once_deleted(project, lead, governance):
    risk = _risk(project, lead, governance, title="Evening cover")
    with history.recorded_as(lead):
        decision = decision_services.decision_create(
            by=lead,
            project=project,
            decided_on=TODAY() - DAY,
            decision="Fund two more peer supporters",
            made_by="Equality board",
            risk=risk,
        )
        decision_services.decision_update(by=lead, decision=decision, made_by="Mental health equality board", risk=None)
        risk_services.risk_delete(by=lead, risk=risk)
    page = history.page_of([(_kind("decision", project), _where("decision", project))], 1)
    changed, added = page.entries
    assert changed.what == (
        "Sam Lead changed the group or meeting that made it from “Equality board” to “Mental health equality board” "
        "and the risk from “Evening cover” (since deleted) to nothing"
    )
    assert "the risk set to “Evening cover” (since deleted)" in added.details


def _kind(key, project):
    from deliver.audit.kinds import kinds_for

    return next(kind for kind in kinds_for(project) if kind.key == key)


def _where(key, project):
    from deliver.audit.kinds import scopes

    return scopes(project)[key]


def _entries(key, project):
    return history.page_of([(_kind(key, project), _where(key, project))], 1).entries


def test_strategy_and_intervention_changes_with_their_links_read_in_words(project, lead, strategy):
    goal = SmartGoalFactory(project=project, statement="Halve detentions")
    population = PopulationFactory(organisation=project.organisation, name="Black men in Leeds")
    priority = PriorityFactory(project=project, title="Crisis cafe", state="agreed")
    with history.recorded_as(lead):
        strategy_services.strategy_save(by=lead, project=project, title="Fairer crisis care", aims="Fewer detentions")
        intervention = strategy_services.intervention_create(
            by=lead, strategy=strategy, title="Evening peer support", kind="", priorities=[priority]
        )
        before = intervention.history.count()
        strategy_services.intervention_update(
            by=lead,
            intervention=intervention,
            title="Evening peer support",
            kind="choice_of_delivery",
            characteristics=["race"],
            goals=[goal],
            populations=[population],
        )
    # One record for the save and its links, not one per link changed.
    assert intervention.history.count() == before + 1
    strategy_entry = _entries("strategy", project)[0]
    assert strategy_entry.what == "Sam Lead changed the aims from nothing to “Fewer detentions”"
    changed, added = _entries("intervention", project)
    assert added.type == "+" and "the agreed priorities it comes from set to “Crisis cafe”" in added.details
    kind_label = dict(Intervention._meta.get_field("kind").flatchoices)["choice_of_delivery"]
    assert set(changed.details) == {
        f"the kind of intervention from nothing to {kind_label}",
        "the characteristics from nothing to Race",
        "the SMART goals it works towards from nothing to “Halve detentions”",
        "the focus populations from nothing to “Black men in Leeds”",
    }


def test_eia_versions_and_impacts_read_in_words(project, lead, governance, strategy):
    with history.recorded_as(lead):
        eia = eia_services.eia_create(by=lead, project=project, strategy=strategy)
        eia_services.eia_save(
            by=lead,
            eia=eia,
            summary="Evening crisis support",
            impacts={"race": {"impact": "negative", "mitigation": "Recruit peer supporters who reflect the area"}},
        )
    with history.recorded_as(governance):
        eia_services.eia_save(by=governance, eia=eia, impacts={"race": {"impact": "positive"}})
    sources = [(_kind(key, project), _where(key, project)) for key in ("eia", "eia-version", "eia-impact")]
    entries = history.page_of(sources, 1).entries
    said = [entry.what for entry in entries]
    assert said[0] == "Asha Patel changed the impact from Negative to Positive"
    assert "Sam Lead changed the impact from nothing to Negative and the mitigation from nothing to " in said[1]
    assert said[2] == "Sam Lead changed the summary of what is assessed from nothing to “Evening crisis support”"
    assert entries[0].item.startswith("the impact on Race in version 1 of the equality impact assessment of")
    assert said[-1].startswith("Sam Lead added the equality impact assessment of “Fairer crisis care”")
    # The blank rows made with a version are not entries of their own.
    assert sum(1 for entry in entries if entry.kind == "eia-impact" and entry.type == "+") == 0


def test_an_eia_version_signed_off_and_its_next_version(project, lead, governance, strategy):
    with history.recorded_as(lead):
        eia = eia_services.eia_create(by=lead, project=project, strategy=strategy)
    version = eia.versions.get()
    version.state = "submitted"
    version.save()
    with history.recorded_as(governance):
        eia_services.eia_sign_off(by=governance, eia=eia, comment="Thorough")
    entry = _entries("eia-version", project)[0]
    assert entry.who == "Asha Patel"
    assert "the state from Submitted, awaiting sign-off to Signed off" in entry.details
    assert "the governance lead who decided from nothing to Asha Patel" in entry.details
    assert "the governance lead's comments from nothing to “Thorough”" in entry.details


def test_milestones_actions_and_updates_read_in_words(project, lead, strategy):
    from tests.factories import InterventionFactory

    intervention = InterventionFactory(strategy=strategy, title="Evening peer support")
    with history.recorded_as(lead):
        milestone = tracking_services.milestone_create(
            by=lead, strategy=strategy, title="Service open", due_date=datetime.date(2027, 6, 1)
        )
        tracking_services.milestone_update(
            by=lead, milestone=milestone, title="Service open", due_date=datetime.date(2027, 7, 1), description=""
        )
        action = tracking_services.action_create(
            by=lead,
            strategy=strategy,
            intervention=intervention,
            title="Recruit six peer supporters",
            owner=lead,
            due_date=datetime.date(2027, 5, 1),
        )
        tracking_services.action_record_update(
            by=lead, action=action, date=TODAY(), status="blocked", rag="red", note="No venue", blockers="Venue"
        )
    assert _entries("milestone", project)[0].what == "Sam Lead changed the due date from 1 June 2027 to 1 July 2027"
    action_change = _entries("action", project)[0]
    assert "the status from Not started to Blocked" in action_change.details
    assert "the RAG rating from Green: on track to Red: off track" in action_change.details
    update = _entries("action-update", project)[0]
    assert update.type == "+"
    assert update.headline.startswith(f"Sam Lead added the update of {history.say_date(TODAY())} on the action")
    assert "the note set to “No venue”" in update.details


def test_a_goal_change_reads_in_words_on_the_core_goal_page(client, project, governance):
    goal = SmartGoalFactory(project=project, statement="Halve detentions", target_value=Decimal("127.0"))
    goal.target_value = Decimal("120.50")
    goal.status = SmartGoal.Status.WITHDRAWN
    goal._change_reason = "Withdrawn by the board"
    with history.recorded_as(governance):
        goal.save()
    client.force_login(governance)
    response = client.get(reverse("core:goal-history", kwargs={"project_id": project.pk, "goal_id": goal.pk}))
    assert response.status_code == 200
    entry = response.context["entries"][0]
    assert set(entry.details) == {"the target value from 127 to 120.5", "the status from Draft to Withdrawn"}
    assert "History of a SMART goal" in _text(response)
    assert entry.reason == "Withdrawn by the board" and "Why: Withdrawn by the board" in _text(response)
    assert (
        reverse("core:goal-history", kwargs={"project_id": project.pk, "goal_id": goal.pk})
        in client.get(reverse("core:goals", kwargs={"project_id": project.pk})).content.decode()
    )


def test_a_service_called_outside_a_request_records_its_by_user(project, lead, governance):
    """load_demo and jobs call services with no request: the history still names who."""
    risk = risk_services.risk_create(
        by=governance,
        project=project,
        title="Evening cover",
        likelihood=2,
        impact=2,
        target_likelihood=1,
        target_impact=1,
        owner=governance,
        review_date=TODAY() + 30 * DAY,
    )
    risk_services.risk_update(by=lead, risk=risk, **{**_fields(risk), "likelihood": 3})
    assert [record.history_user for record in Risk.history.filter(id=risk.pk)] == [lead, governance]


# --- The project's change history ---------------------------------------------------------


def test_deletions_show_in_the_project_history_newest_first(client, project, lead, governance):
    risk = _risk(project, lead, governance, title="Evening cover")
    with history.recorded_as(governance):
        risk_services.risk_delete(by=governance, risk=risk)
    client.force_login(governance)
    response = client.get(_url("history", project))
    entries = response.context["entries"]
    assert [(entry.type, entry.who) for entry in entries] == [("-", "Asha Patel"), ("+", "Sam Lead")]
    assert entries[0].url is None  # nothing to link to once deleted
    assert "Asha Patel deleted the risk “Evening cover”." in _text(response)


def test_the_project_history_filters_by_kind_and_pages(client, project, lead, governance, strategy):
    risk = _risk(project, lead, governance)
    with history.recorded_as(lead):
        for number in range(1, 55):
            risk_services.risk_update(by=lead, risk=risk, **{**_fields(risk), "description": f"Take {number}"})
        tracking_services.milestone_create(by=lead, strategy=strategy, title="Open", due_date=TODAY() + 90 * DAY)
    client.force_login(lead)
    first = client.get(_url("history", project))
    # The strategy and the risk added, 54 changes to the risk, the milestone added.
    assert first.context["page"].paginator.count == 1 + 1 + 54 + 1
    assert len(first.context["entries"]) == 50
    assert first.context["entries"][0].kind == "milestone"
    assert first.context["entries"][1].details == ["the description from “Take 53” to “Take 54”"]
    second = client.get(_url("history", project), {"page": 2})
    assert len(second.context["entries"]) == 7 and second.context["entries"][-1].type == "+"
    risks_only = client.get(_url("history", project), {"kind": "risks"})
    assert {entry.kind for entry in risks_only.context["entries"]} == {"risk"}
    milestones = client.get(_url("history", project), {"kind": "milestones"})
    assert [entry.kind for entry in milestones.context["entries"]] == ["milestone"]


def test_a_page_of_history_takes_a_bounded_number_of_queries(client, project, lead, governance, strategy):
    """Whatever the page holds (here 50 changes to risks, an intervention's links, EIA
    impacts, actions and their updates), a page reads a fixed number of queries per kind."""
    from tests.factories import InterventionFactory

    goals = [SmartGoalFactory(project=project, statement=f"Goal {n}") for n in range(3)]
    intervention = InterventionFactory(strategy=strategy)
    with history.recorded_as(lead):
        eia = eia_services.eia_create(by=lead, project=project, strategy=strategy)
        action = tracking_services.action_create(
            by=lead, strategy=strategy, intervention=intervention, title="Recruit", owner=lead, due_date=TODAY()
        )
        for number in range(10):
            risk = _risk(project, lead, governance, title=f"Risk {number}")
            risk_services.risk_update(by=lead, risk=risk, **{**_fields(risk), "likelihood": 4})
            strategy_services.intervention_update(by=lead, intervention=intervention, goals=goals[: number % 3 + 1])
            eia_services.eia_save(by=lead, eia=eia, impacts={"race": {"evidence": f"Take {number}"}})
            tracking_services.action_record_update(
                by=lead, action=action, date=TODAY(), status="in_progress", rag="red"
            )
    client.force_login(lead)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(_url("history", project))
    assert len(response.context["entries"]) == 50
    assert {entry.kind for entry in response.context["entries"]} >= {"risk", "intervention", "eia-impact", "action"}
    assert len(queries) <= 40, len(queries)  # 34 measured


def test_another_projects_changes_never_show(client, project, lead, governance):
    other = ProjectFactory(organisation=project.organisation)
    other_lead = MembershipFactory(project=other, role=Role.LEAD).user
    _risk(other, other_lead, other_lead, title="Someone else's risk")
    StrategyFactory(project=other)
    client.force_login(lead)
    response = client.get(_url("history", project))
    assert response.context["entries"] == []
    assert "Someone else" not in _text(response)


# --- Who may read it --------------------------------------------------------------------


@pytest.mark.parametrize(("role", "status"), [(Role.PANEL, 403), (Role.VIEWER, 403), (Role.ANALYST, 403)])
def test_only_governance_leads_and_leads_read_history(client, project, member_of, lead, governance, role, status):
    risk = _risk(project, lead, governance)
    client.force_login(member_of(project, role))
    assert client.get(_url("history", project)).status_code == status
    assert client.get(_url("risk-history", project, risk_id=risk.pk)).status_code == status
    # Their pages offer no link to it.
    assert (
        _url("risk-history", project, risk_id=risk.pk)
        not in client.get(_url("risk", project, risk_id=risk.pk)).content.decode()
    )


def test_another_projects_history_is_not_found(client, project, lead, governance, other_org_user):
    risk = _risk(project, lead, governance)
    client.force_login(other_org_user)
    assert client.get(_url("history", project)).status_code == 404
    assert client.get(_url("risk-history", project, risk_id=risk.pk)).status_code == 404


def test_each_page_links_to_its_history_for_a_governance_lead(client, project, lead, governance, strategy):
    from tests.factories import DecisionFactory, DeliveryActionFactory, InterventionFactory, MilestoneFactory

    risk = _risk(project, lead, governance)
    intervention = InterventionFactory(strategy=strategy)
    action = DeliveryActionFactory(intervention=intervention, owner=lead)
    milestone = MilestoneFactory(strategy=strategy)
    decision = DecisionFactory(project=project)
    with history.recorded_as(lead):
        eia = eia_services.eia_create(by=lead, project=project, strategy=strategy)
    client.force_login(governance)
    pages = {
        _url("risk", project, risk_id=risk.pk): _url("risk-history", project, risk_id=risk.pk),
        _url("strategy", project): _url("strategy-history", project),
        _url("intervention", project, intervention_id=intervention.pk): _url(
            "intervention-history", project, intervention_id=intervention.pk
        ),
        _url("eia", project, eia_id=eia.pk): _url("eia-history", project, eia_id=eia.pk),
        _url("action", project, action_id=action.pk): _url("action-history", project, action_id=action.pk),
        _url("tracking", project): _url("milestone-history", project, milestone_id=milestone.pk),
        _url("decisions", project): _url("decision-history", project, decision_id=decision.pk),
        _url("overview", project): _url("history", project),
    }
    for page, link in pages.items():
        assert link in client.get(page).content.decode(), page
        assert client.get(link).status_code == 200, link
    # Made with no one to name (a factory, as a script would): said so.
    response = client.get(_url("decision-history", project, decision_id=decision.pk))
    assert "Someone (name not recorded) added the decision" in _text(response)


def test_records_from_before_the_history_begin_as_they_stood(project, lead, governance, strategy):
    """Migration 0010 saves each record already there as it stands, with its links, so its
    first change afterwards reads field by field."""
    import importlib

    from django.apps import apps

    from deliver.models import Intervention
    from tests.factories import InterventionFactory

    migration = importlib.import_module("deliver.migrations.0010_history")
    risk = _risk(project, lead, governance, title="Evening cover")
    priority = PriorityFactory(project=project, title="Crisis cafe", state="agreed")
    intervention = InterventionFactory(strategy=strategy, title="Evening peer support")
    intervention.priorities.add(priority)
    for model in (Risk, Intervention, type(strategy)):
        model.history.all().delete()  # as if made before the history began
    migration.record_as_it_stands(apps, None)
    risk_services.risk_update(by=governance, risk=risk, **{**_fields(risk), "likelihood": 4})
    changed, begins = _entries("risk", project)
    assert changed.what == "Asha Patel changed the likelihood from 3 to 4"
    assert begins.type == history.BEGINS and begins.reason == ""
    assert begins.headline == "The history of the risk “Evening cover” begins here, as it stood"
    assert "the likelihood was 3" in begins.details
    (intervention_begins,) = _entries("intervention", project)
    assert "the agreed priorities it comes from was “Crisis cafe”" in intervention_begins.details
