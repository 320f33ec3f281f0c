"""Evaluate 4C: the review of a cycle with panel members, each goal marked with its
evidence, and the next cycle started from it with what carries over."""

import threading
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from amhe.core.models import Measure, Membership, Project, Role, SmartGoal
from evaluate.models import GoalReview, MeasureRebase, Review, ReviewView
from evaluate.review import services
from tests.factories import (
    MeasureFactory,
    MeasureValueFactory,
    PopulationFactory,
    ProjectFactory,
    SmartGoalFactory,
)

pytestmark = pytest.mark.django_db


def _url(name, project, **kwargs):
    return reverse(f"evaluate:{name}", kwargs={"project_id": project.pk, **kwargs})


@pytest.fixture
def lead(project, member_of):
    return member_of(project, Role.LEAD)


@pytest.fixture
def panel(project, member_of):
    return member_of(project, Role.PANEL)


def _goal(project, lead, statement, measure=None, **kwargs):
    return SmartGoalFactory(project=project, owner=lead, statement=statement, measure=measure, **kwargs)


def _complete_review(project, lead, outcomes):
    review = services.review_save(
        by=lead,
        project=project,
        participants="5 members of the lived experience panel",
        what_works="Evening clinics reached carers",
        recommendations="Commission the outreach team for three more years",
    )
    for goal, outcome in outcomes.items():
        services.goal_review_save(by=lead, review=review, goal=goal, outcome=outcome, evidence="The SPC chart")
    return services.review_complete(by=lead, review=review)


def test_a_review_cannot_be_completed_until_every_goal_is_marked_and_the_learning_written(project, lead):
    goal = _goal(project, lead, "Fewer detentions of Black men")
    _goal(project, lead, "Withdrawn idea", status=SmartGoal.Status.WITHDRAWN)
    review = services.review_save(by=lead, project=project, participants="The panel")
    with pytest.raises(ValidationError) as refused:
        services.review_complete(by=lead, review=review)
    messages = " ".join(refused.value.messages)
    assert "Fewer detentions of Black men" in messages
    assert "Withdrawn idea" not in messages  # a withdrawn goal is not reviewed
    assert "recommendations" in messages
    review.refresh_from_db()
    assert review.state == Review.State.DRAFT

    services.goal_review_save(by=lead, review=review, goal=goal, outcome="met", evidence="Rate fell below target")
    services.review_save(by=lead, project=project, participants="The panel", what_works="x", recommendations="y")
    services.review_complete(by=lead, review=review)
    review.refresh_from_db()
    assert review.state == Review.State.COMPLETE and review.completed_at is not None
    # A complete review is not changed any more.
    with pytest.raises(ValidationError):
        services.review_save(by=lead, project=project, participants="Someone else")
    with pytest.raises(ValidationError):
        services.goal_review_save(by=lead, review=review, goal=goal, outcome="not_met", evidence="x")


def test_a_goal_of_another_project_or_a_future_meeting_date_is_refused(project, lead):
    review = services.review_save(by=lead, project=project, participants="The panel")
    other_goal = SmartGoalFactory(project=ProjectFactory(organisation=project.organisation))
    with pytest.raises(ValidationError):
        services.goal_review_save(by=lead, review=review, goal=other_goal, outcome="met", evidence="x")
    with pytest.raises(ValidationError) as refused:
        services.review_save(by=lead, project=project, participants="x", held_on=date.today() + timedelta(days=2))
    assert "today or in the past" in str(refused.value)
    assert not GoalReview.objects.exists()


def test_only_panel_members_of_the_project_are_named_as_taking_part(project, lead, panel, member_of):
    viewer = member_of(project, Role.VIEWER)
    with pytest.raises(ValidationError):
        services.review_save(by=lead, project=project, participants="x", panel_members=[viewer])
    review = services.review_save(by=lead, project=project, participants="x", panel_members=[panel])
    assert list(review.panel_members.all()) == [panel]


def test_next_cycle_carries_over_goals_not_met_learning_team_and_measures(project, lead, panel, member_of):
    analyst = member_of(project, Role.ANALYST)
    population = PopulationFactory(organisation=project.organisation)
    project.focus_populations.add(population)
    measure = MeasureFactory(project=project, name="Detentions per 100,000", direction=Measure.Direction.LOWER)
    for month, value in ((1, "210.5"), (2, "205.0"), (3, "190.25")):
        MeasureValueFactory(
            measure=measure, period_start=date(2026, month, 1), period_end=date(2026, month, 28), value=Decimal(value)
        )
    MeasureRebase.objects.create(measure=measure, date=date(2026, 2, 1), reason="New crisis service")
    met = _goal(project, lead, "Faster access for carers")
    partly = _goal(
        project,
        lead,
        "Fewer detentions of Black men",
        measure=measure,
        baseline_value=Decimal("220"),
        baseline_date=date(2025, 12, 31),
        target_value=Decimal("150"),
        target_date=date(2026, 12, 31),
    )
    not_met = _goal(project, lead, "More referrals from faith groups")
    review = _complete_review(project, lead, {met: "met", partly: "partly_met", not_met: "not_met"})

    new = services.next_cycle_start(by=lead, review=review)

    assert new.previous_cycle == project and new.cycle_number == project.cycle_number + 1
    assert new.current_step == Project.Step.IDENTIFY
    assert "Evening clinics reached carers" in new.carried_learning
    assert "Commission the outreach team" in new.carried_learning
    assert list(new.focus_populations.all()) == [population]
    roles = dict(Membership.objects.filter(project=new).values_list("user_id", "role"))
    assert roles == {lead.pk: Role.LEAD, panel.pk: Role.PANEL, analyst.pk: Role.ANALYST}
    # The measure and its values go on, so SPC continues across cycles; the old one is untouched.
    carried_measure = Measure.objects.get(project=new)
    assert carried_measure.name == measure.name and carried_measure.definition == measure.definition
    assert [v.value for v in carried_measure.values.order_by("period_end")] == [
        Decimal("210.5"),
        Decimal("205.0"),
        Decimal("190.25"),
    ]
    assert MeasureRebase.objects.filter(measure=carried_measure, date=date(2026, 2, 1)).exists()
    assert measure.values.count() == 3
    # Only the goals not met or partly met, as drafts; the measured one starts from its latest value.
    goals = {g.statement: g for g in SmartGoal.objects.filter(project=new)}
    assert set(goals) == {"Fewer detentions of Black men", "More referrals from faith groups"}
    carried = goals["Fewer detentions of Black men"]
    assert carried.status == SmartGoal.Status.DRAFT and carried.measure == carried_measure
    assert carried.baseline_value == Decimal("190.25") and carried.baseline_date == date(2026, 3, 28)
    assert carried.target_value == Decimal("150") and carried.target_date is None
    # Only one next cycle.
    with pytest.raises(ValidationError):
        services.next_cycle_start(by=lead, review=review)
    assert Project.objects.filter(previous_cycle=project).count() == 1


def test_a_carried_target_already_passed_is_left_for_the_team_to_set(project, lead):
    measure = MeasureFactory(project=project, direction=Measure.Direction.LOWER)
    MeasureValueFactory(
        measure=measure, period_start=date(2026, 1, 1), period_end=date(2026, 1, 31), value=Decimal("140")
    )
    goal = _goal(
        project, lead, "Fewer detentions", measure=measure, baseline_value=Decimal("200"), target_value=Decimal("150")
    )
    new = services.next_cycle_start(by=lead, review=_complete_review(project, lead, {goal: "partly_met"}))
    carried = SmartGoal.objects.get(project=new)
    assert carried.baseline_value == Decimal("140") and carried.target_value is None


def test_the_next_cycle_needs_a_complete_review(project, lead):
    review = services.review_save(by=lead, project=project, participants="The panel")
    with pytest.raises(ValidationError):
        services.next_cycle_start(by=lead, review=review)
    assert not Project.objects.filter(previous_cycle=project).exists()


@pytest.mark.django_db(transaction=True)
def test_two_leads_starting_the_next_cycle_at_once_make_one(project, lead, member_of):
    second = member_of(project, Role.LEAD)
    review = _complete_review(project, lead, {})
    barrier, outcomes = threading.Barrier(2), []

    def start(user):
        try:
            barrier.wait()
            services.next_cycle_start(by=user, review=review)
            outcomes.append("started")
        except ValidationError:
            outcomes.append("refused")
        except Exception as exc:  # SQLite may refuse a second writer outright
            outcomes.append(type(exc).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=start, args=(user,)) for user in (lead, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("started") == 1
    assert Project.objects.filter(previous_cycle=project).count() == 1


def test_panel_members_give_one_view_each_shown_without_names(client, project, lead, panel, member_of):
    services.review_save(by=lead, project=project, participants="The panel")
    other_panel = member_of(project, Role.PANEL)
    client.force_login(panel)
    response = client.post(_url("review-view", project), {"view": "Zebra crossing by the clinic helped"})
    assert response.status_code == 302
    client.post(_url("review-view", project), {"view": "Buses to the clinic helped"})  # changes, not adds
    client.force_login(other_panel)
    client.post(_url("review-view", project), {"view": "Appointments in Urdu"})
    assert ReviewView.objects.count() == 2
    page = client.get(_url("review", project)).content.decode()
    assert page.index("Appointments in Urdu") < page.index("Buses to the clinic helped")
    assert panel.email not in page and panel.get_full_name() not in page
    client.post(_url("review-view-remove", project))
    assert ReviewView.objects.count() == 1
    # Leads and viewers do not give panel views; viewers cannot write the review.
    client.force_login(lead)
    assert client.post(_url("review-view", project), {"view": "x"}).status_code == 403
    viewer = member_of(project, Role.VIEWER)
    client.force_login(viewer)
    assert client.get(_url("review", project)).status_code == 200
    assert client.post(_url("review-edit", project), {"participants": "x"}).status_code == 403
    assert client.post(_url("review-next-cycle", project)).status_code == 403


def test_the_pages_record_a_review_and_start_cycle_two(client, project, lead, panel):
    goal = _goal(project, lead, "Fewer detentions of Black men")
    client.force_login(lead)
    assert "No review yet" in client.get(_url("review", project)).content.decode()
    response = client.post(
        _url("review-edit", project),
        {"participants": "", "what_works": "Outreach", "recommendations": "Keep it"},
    )
    assert "Say who took part in the review" in response.content.decode()
    assert not Review.objects.exists()
    client.post(
        _url("review-edit", project),
        {
            "participants": "4 panel members",
            "panel_members": [panel.pk],
            "what_works": "Outreach",
            "recommendations": "Keep it",
        },
    )
    response = client.post(_url("review-complete", project))
    assert "Mark every goal" in response.content.decode()
    response = client.post(_url("review-goal", project, goal_id=goal.pk), {"outcome": "not_met", "evidence": ""})
    assert "Enter the evidence" in response.content.decode()
    client.post(_url("review-goal", project, goal_id=goal.pk), {"outcome": "not_met", "evidence": "Rate unchanged"})
    assert client.post(_url("review-complete", project)).status_code == 302
    page = client.get(_url("review-next-cycle", project)).content.decode()
    assert "Fewer detentions of Black men" in page
    response = client.post(_url("review-next-cycle", project))
    new = Project.objects.get(previous_cycle=project)
    assert response.status_code == 302 and response.url == new.get_absolute_url()
    page = client.get(new.get_absolute_url()).content.decode()
    assert "Learning carried over" in page and "Outreach" in page
    # Starting again goes to the cycle already started.
    assert client.post(_url("review-next-cycle", project)).url == new.get_absolute_url()


def test_a_carried_measure_still_knows_the_upload_it_was_defined_on(project, lead):
    """Its upload belongs to the earlier cycle; only deleting it there says it is gone."""
    from deliver.measures import selectors as measure_selectors
    from deliver.measures import sources
    from tests.factories import ExtractFactory

    extract = ExtractFactory(project=project, uploaded_by=lead)
    measure = MeasureFactory(
        project=project,
        definition=sources.identify_definition(extract=extract, dimension="ethnicity", figure="rate", group="Black"),
    )
    new = services.next_cycle_start(by=lead, review=_complete_review(project, lead, {}))
    carried = Measure.objects.get(project=new, name=measure.name)
    assert measure_selectors.defined_on_exists(carried)
    extract.delete()
    assert not measure_selectors.defined_on_exists(carried)
