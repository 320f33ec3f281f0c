"""Deliver 3B: milestones, actions and their update log (append-only, never dated in the
future, nothing half-saved), overdue actions said in words on every page that shows them,
the roll-up per intervention and per SMART goal, the timeline's table and sentence, and who
may do what (leads keep actions and milestones; a lead or the action's owner records updates;
everyone on the project, governance leads included, reads)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from amhe.core.models import Role
from deliver.models import ActionUpdate, DeliveryAction, Milestone
from deliver.tracking import presenters, selectors, services
from tests.factories import (
    DeliveryActionFactory,
    InterventionFactory,
    MilestoneFactory,
    ProjectFactory,
    SmartGoalFactory,
    StrategyFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
TODAY = timezone.localdate


def _url(name, project, **kwargs):
    return reverse(f"deliver:{name}", kwargs={"project_id": project.pk, **kwargs})


@pytest.fixture
def lead(project, member_of):
    return member_of(project, Role.LEAD)


@pytest.fixture
def strategy(project):
    return StrategyFactory(project=project, title="Fairer crisis care")


@pytest.fixture
def intervention(strategy):
    return InterventionFactory(strategy=strategy, title="Evening peer support")


def _action(by, strategy, intervention, **overrides):
    fields = {
        "intervention": intervention,
        "title": "Recruit six peer supporters",
        "owner": by,
        "due_date": TODAY() + 30 * DAY,
        **overrides,
    }
    return services.action_create(by=by, strategy=strategy, **fields)


# --- Services and rules -----------------------------------------------------------


def test_an_action_is_added_with_its_status_and_rag_and_updates_append_to_its_log(lead, strategy, intervention):
    item = _action(lead, strategy, intervention, status="not_started", rag="green", blockers="  None yet ")
    assert (item.status, item.rag, item.blockers) == ("not_started", "green", "None yet")
    first = services.action_record_update(
        by=lead, action=item, date=TODAY() - 3 * DAY, status="in_progress", rag="amber", note="Two recruited"
    )
    second = services.action_record_update(
        by=lead, action=item, date=TODAY(), status="blocked", rag="red", note="Funding paused", next_step="Ask the ICB"
    )
    item.refresh_from_db()
    assert (item.status, item.rag, item.next_step) == ("blocked", "red", "Ask the ICB")
    assert [u.pk for u in selectors.updates(item)] == [second.pk, first.pk]  # newest first
    assert (first.status, first.rag, first.by, first.date) == ("in_progress", "amber", lead, TODAY() - 3 * DAY)
    # An update on the same day as the latest is fine.
    services.action_record_update(by=lead, action=item, date=TODAY(), status="in_progress", rag="amber", note="Back")
    assert ActionUpdate.objects.filter(action=item).count() == 3


def test_an_update_dated_in_the_future_or_before_the_latest_is_refused_and_nothing_changes(
    lead, strategy, intervention
):
    item = _action(lead, strategy, intervention, status="in_progress", rag="green")
    services.action_record_update(by=lead, action=item, date=TODAY() - 2 * DAY, status="in_progress", rag="green")
    with pytest.raises(ValidationError) as future:
        services.action_record_update(by=lead, action=item, date=TODAY() + DAY, status="done", rag="green", note="x")
    assert future.value.message_dict["date"] == ["The date of the update must be today or in the past."]
    with pytest.raises(ValidationError) as earlier:
        services.action_record_update(by=lead, action=item, date=TODAY() - 5 * DAY, status="done", rag="green")
    assert "cannot be before the latest one" in earlier.value.message_dict["date"][0]
    with pytest.raises(ValidationError) as unknown:
        services.action_record_update(by=lead, action=item, date=TODAY(), status="finished", rag="purple")
    assert set(unknown.value.message_dict) == {"status", "rag"}
    item.refresh_from_db()
    assert item.status == "in_progress" and ActionUpdate.objects.filter(action=item).count() == 1


def test_owner_must_be_on_the_project(lead, strategy, intervention):
    outsider = UserFactory(organisation=strategy.project.organisation)
    with pytest.raises(ValidationError) as exc:
        _action(lead, strategy, intervention, owner=outsider)
    assert exc.value.message_dict["owner"] == ["Choose someone on this project as the owner."]
    assert not DeliveryAction.objects.exists()


def test_an_action_must_be_due_by_its_milestone_and_a_milestone_not_before_its_actions(lead, strategy, intervention):
    # A milestone may be due before the strategy was written (or in the past): no rule against it.
    early = services.milestone_create(by=lead, strategy=strategy, title="Pilot", due_date=TODAY() - 400 * DAY)
    milestone = services.milestone_create(by=lead, strategy=strategy, title="Service open", due_date=TODAY() + 20 * DAY)
    assert early.pk
    with pytest.raises(ValidationError) as exc:
        _action(lead, strategy, intervention, milestone=milestone, due_date=TODAY() + 30 * DAY)
    assert "must be due by its milestone's date" in exc.value.message_dict["due_date"][0]
    item = _action(lead, strategy, intervention, milestone=milestone, due_date=TODAY() + 10 * DAY)
    with pytest.raises(ValidationError) as moved:
        services.milestone_update(by=lead, milestone=milestone, due_date=TODAY() + 5 * DAY)
    assert f"'{item.title}' is due on" in moved.value.message_dict["due_date"][0]
    milestone.refresh_from_db()
    assert milestone.due_date == TODAY() + 20 * DAY
    services.milestone_delete(by=lead, milestone=milestone)
    item.refresh_from_db()
    assert item.milestone is None  # the action stays


def test_another_projects_intervention_or_milestone_is_refused(lead, strategy, intervention):
    other = StrategyFactory(project=ProjectFactory(organisation=strategy.project.organisation))
    with pytest.raises(ValidationError) as exc:
        _action(lead, strategy, InterventionFactory(strategy=other), milestone=MilestoneFactory(strategy=other))
    assert set(exc.value.message_dict) >= {"intervention", "milestone"}
    assert not DeliveryAction.objects.exists()


def test_changing_an_action_keeps_its_status_and_log(lead, strategy, intervention):
    item = _action(lead, strategy, intervention, status="in_progress", rag="amber")
    services.action_update(by=lead, action=item, title="Recruit eight peer supporters", due_date=TODAY() + 60 * DAY)
    item.refresh_from_db()
    assert (item.title, item.status, item.rag) == ("Recruit eight peer supporters", "in_progress", "amber")
    with pytest.raises(TypeError):
        services.action_update(by=lead, action=item, status="done")


# --- Overdue and roll-up ----------------------------------------------------------


def test_overdue_is_said_in_days_and_done_actions_are_never_overdue():
    today = datetime.date(2027, 3, 15)
    late = DeliveryAction(due_date=datetime.date(2027, 3, 3), status="in_progress")
    yesterday = DeliveryAction(due_date=datetime.date(2027, 3, 14), status="blocked")
    due_today = DeliveryAction(due_date=today, status="not_started")
    done_late = DeliveryAction(due_date=datetime.date(2027, 1, 1), status="done")
    assert presenters.overdue_text(presenters.overdue_days(late, today)) == "Overdue by 12 days"
    assert presenters.overdue_text(presenters.overdue_days(yesterday, today)) == "Overdue by 1 day"
    assert presenters.overdue_days(due_today, today) == 0
    assert presenters.overdue_days(done_late, today) == 0


def test_overdue_actions_of_a_project_longest_overdue_first(lead, project, intervention):
    today = TODAY()
    recent = DeliveryActionFactory(intervention=intervention, due_date=today - DAY, status="blocked")
    oldest = DeliveryActionFactory(intervention=intervention, due_date=today - 30 * DAY, status="not_started")
    DeliveryActionFactory(intervention=intervention, due_date=today - 40 * DAY, status="done")
    DeliveryActionFactory(intervention=intervention, due_date=today, status="in_progress")
    DeliveryActionFactory(due_date=today - 50 * DAY, status="in_progress")  # another project's
    assert list(selectors.overdue_actions(project)) == [oldest, recent]


def test_roll_up_per_intervention_and_per_goal(lead, project, strategy, intervention):
    other = InterventionFactory(strategy=strategy, title="Interpreters")
    goal = SmartGoalFactory(project=project, owner=lead, statement="Halve the gap")
    lonely = SmartGoalFactory(project=project, owner=lead, statement="Fewer repeat detentions")
    intervention.goals.add(goal)
    other.goals.add(goal, lonely)
    past = TODAY() - 12 * DAY
    for status, rag, due in [
        ("done", "green", past),
        ("done", "green", TODAY()),
        ("in_progress", "amber", past),  # overdue
        ("blocked", "red", TODAY() + DAY),
    ]:
        DeliveryActionFactory(intervention=intervention, status=status, rag=rag, due_date=due, owner=lead)
    DeliveryActionFactory(intervention=other, status="not_started", rag="green", owner=lead)

    roll = presenters.roll_up(intervention.title, selectors.actions_of(intervention))
    assert roll.share_done == "2 of 4 actions done (50%)"
    assert roll.overdue == 1 and roll.overdue_text == "1 overdue"
    assert roll.by_status == [("Not started", 0), ("In progress", 1), ("Done", 2), ("Blocked", 1)]
    assert roll.by_rag == [("Red: off track", 1), ("Amber: at risk", 1), ("Green: on track", 2)]

    by_goal = {g.statement: presenters.roll_up(g.statement, acts) for g, acts in selectors.goals_with_actions(project)}
    assert by_goal["Halve the gap"].share_done == "2 of 5 actions done (40%)"  # each action once
    assert by_goal["Fewer repeat detentions"].share_done == "0 of 1 action done (0%)"
    assert presenters.roll_up("None", []).share_done == "No actions yet"


def test_timeline_table_lists_milestones_and_actions_in_date_order_with_a_sentence(lead, strategy, intervention):
    today = TODAY()
    milestone = MilestoneFactory(strategy=strategy, title="Service open", due_date=today + 40 * DAY)
    late = DeliveryActionFactory(intervention=intervention, title="Book venues", due_date=today - 12 * DAY, owner=lead)
    DeliveryActionFactory(intervention=intervention, title="Train staff", due_date=today + 10 * DAY, status="done")
    chart = presenters.timeline_chart([milestone], selectors.actions(strategy), today=today)
    assert [row[0] for row in chart.table["rows"]] == ["Book venues", "Train staff", "Service open"]
    assert chart.table["rows"][0][-1] == "Overdue by 12 days"
    assert chart.table["rows"][2][1] == "Milestone"
    assert chart.summary == (
        f"2 actions and 1 milestone due from {presenters.day(late.due_date)} to "
        f"{presenters.day(milestone.due_date)}; 1 of 2 actions done and 1 overdue."
    )
    assert {trace["type"] for trace in chart.figure["data"]} == {"scatter"}
    assert {trace.get("name") for trace in chart.figure["data"]} >= {
        "In progress",
        "Done",
        "Milestone",
        "Today",
        "Overdue: due date to today",
    }
    assert presenters.timeline_chart([], []) is None


# --- Pages and permissions ----------------------------------------------------------


def test_overdue_action_stands_out_on_the_list_the_intervention_and_the_step_page(
    client, lead, project, strategy, intervention
):
    DeliveryActionFactory(intervention=intervention, title="Book venues", due_date=TODAY() - 12 * DAY, owner=lead)
    client.force_login(lead)
    for url in (
        _url("tracking", project),
        _url("intervention", project, intervention_id=intervention.pk),
        _url("overview", project),
    ):
        page = client.get(url).content.decode()
        assert "Overdue by 12 days" in page, url
        assert "0 of 1 action done" in page, url


def test_lead_adds_an_action_through_the_form_and_bad_input_gets_plain_messages(
    client, lead, project, strategy, intervention, member_of
):
    analyst = member_of(project, Role.ANALYST)
    client.force_login(lead)
    due = TODAY() + 30 * DAY
    data = {
        "title": "Recruit peer supporters",
        "intervention": str(intervention.pk),
        "owner": str(UserFactory().pk),  # not on the project: not even offered
        "due_date_day": str(due.day),
        "due_date_month": str(due.month),
        "due_date_year": str(due.year),
        "status": "not_started",
        "rag": "green",
    }
    response = client.post(_url("action-new", project), data)
    assert response.status_code == 200 and not DeliveryAction.objects.exists()
    assert "Select a valid choice" in response.content.decode()
    response = client.post(_url("action-new", project), {**data, "owner": str(analyst.pk)})
    item = DeliveryAction.objects.get()
    assert response.url == _url("action", project, action_id=item.pk)
    assert item.owner == analyst and item.intervention == intervention

    update = {"date_day": str(TODAY().day + 0), "date_month": str(TODAY().month), "date_year": str(TODAY().year + 1)}
    response = client.post(
        _url("action-update", project, action_id=item.pk), {**update, "status": "done", "rag": "green", "note": "x"}
    )
    assert "The date of the update must be today or in the past." in response.content.decode()
    assert not ActionUpdate.objects.exists()


def test_who_may_write_and_update(client, lead, project, strategy, intervention, member_of):
    governance = member_of(project, Role.GOVERNANCE)
    analyst = member_of(project, Role.ANALYST)
    other_analyst = member_of(project, Role.ANALYST)
    item = DeliveryActionFactory(intervention=intervention, owner=analyst)
    milestone = MilestoneFactory(strategy=strategy)
    today = TODAY()
    update = {
        "date_day": str(today.day),
        "date_month": str(today.month),
        "date_year": str(today.year),
        "status": "done",
        "rag": "green",
        "note": "Finished",
    }
    client.force_login(governance)
    assert client.get(_url("tracking", project)).status_code == 200
    assert client.get(_url("action", project, action_id=item.pk)).status_code == 200
    assert client.get(_url("action-new", project)).status_code == 403
    assert client.get(_url("milestone-edit", project, milestone_id=milestone.pk)).status_code == 403
    assert client.post(_url("action-update", project, action_id=item.pk), update).status_code == 403
    client.force_login(other_analyst)
    assert client.post(_url("action-update", project, action_id=item.pk), update).status_code == 403
    client.force_login(analyst)  # the owner
    assert client.get(_url("action-edit", project, action_id=item.pk)).status_code == 403
    response = client.post(_url("action-update", project, action_id=item.pk), update)
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == "done" and ActionUpdate.objects.get().by == analyst


def test_pages_before_a_strategy_say_so_and_writing_is_404(client, lead, project):
    client.force_login(lead)
    page = client.get(_url("tracking", project)).content.decode()
    assert "The project has no strategy yet" in page
    assert client.get(_url("action-new", project)).status_code == 404
    assert client.get(_url("milestone-new", project)).status_code == 404
    assert not Milestone.objects.exists()


# --- Demo ---------------------------------------------------------------------------


def test_demo_gives_leeds_actions_with_one_overdue_and_dated_updates_through_the_services(settings):
    from unittest import mock

    from django.core.management import call_command

    from amhe.core.management.commands.load_demo import WEST_YORKSHIRE
    from amhe.core.models import Project

    settings.DEBUG = True
    with (
        mock.patch.object(services, "action_create", wraps=services.action_create) as create,
        mock.patch.object(services, "action_record_update", wraps=services.action_record_update) as record,
    ):
        call_command("load_demo", verbosity=0)
        call_command("load_demo", verbosity=0)  # idempotent
    assert (create.call_count, record.call_count) == (4, 5)
    project = Project.objects.get(name=WEST_YORKSHIRE.project_name)
    strategy = project.strategy
    rows = [presenters.action_row(item) for item in selectors.actions(strategy)]
    assert [row.overdue for row in rows if row.overdue] == ["Overdue by 12 days"]
    assert selectors.milestones(strategy).count() == 2
    assert presenters.roll_up("All", selectors.actions(strategy)).share_done == "1 of 4 actions done (25%)"
    assert ActionUpdate.objects.filter(action__intervention__strategy=strategy).count() == 5
    # The demo's lead sees the overdue action and the timeline on the list page.
    from django.test import Client

    client = Client()
    client.force_login(project.memberships.get(role=Role.LEAD).user)
    page = client.get(_url("tracking", project)).content.decode()
    assert "Overdue by 12 days" in page and "Timeline of milestones and actions" in page


def test_access_helpers_404_outside_the_project_and_for_another_projects_records(lead, project, intervention):
    from django.http import Http404

    item = DeliveryActionFactory(intervention=intervention, owner=lead)
    milestone = MilestoneFactory(strategy=intervention.strategy)
    assert selectors.action_for(lead, project.pk, item.pk)[2] == item
    assert selectors.milestone_for(lead, project.pk, milestone.pk)[2] == milestone
    other = ProjectFactory(organisation=project.organisation)
    from amhe.core.models import Membership

    Membership.objects.create(project=other, user=lead, role=Role.LEAD)
    for helper, pk in ((selectors.action_for, item.pk), (selectors.milestone_for, milestone.pk)):
        with pytest.raises(Http404):
            helper(lead, other.pk, pk)  # the record is not the other project's
        with pytest.raises(Http404):
            helper(UserFactory(organisation=project.organisation), project.pk, pk)  # not on the project
