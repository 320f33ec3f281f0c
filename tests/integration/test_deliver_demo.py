"""`load_demo` gives the Leeds project a strategy from its agreed priorities, a
risk register with one risk past its review date and a decision log, made
through the services, once however often it runs."""

from unittest import mock

import pytest
from django.core.management import call_command

from amhe.core.management.commands.load_demo import WEST_YORKSHIRE
from amhe.core.models import Project
from deliver.decisions import services as decision_services
from deliver.risks import presenters, selectors
from deliver.risks import services as risk_services
from deliver.strategy import services as strategy_services
from research.priorities import selectors as priority_selectors

pytestmark = pytest.mark.django_db


def test_demo_has_a_strategy_a_risk_register_and_a_decision_log(settings):
    settings.DEBUG = True
    with (
        mock.patch.object(
            strategy_services, "strategy_start_from_priorities", wraps=strategy_services.strategy_start_from_priorities
        ) as start,
        mock.patch.object(risk_services, "risk_create", wraps=risk_services.risk_create) as risk_create,
        mock.patch.object(decision_services, "decision_create", wraps=decision_services.decision_create) as decide,
    ):
        call_command("load_demo", verbosity=0)
        call_command("load_demo", verbosity=0)  # idempotent
    assert (start.call_count, risk_create.call_count, decide.call_count) == (1, 2, 2)
    project = Project.objects.get(name=WEST_YORKSHIRE.project_name)

    strategy = project.strategy
    agreed = list(priority_selectors.agreed_priorities(project))
    assert agreed
    from_priorities = strategy.interventions.filter(priorities__in=agreed).distinct()
    assert from_priorities.count() == len(agreed)
    for intervention in from_priorities:
        assert intervention.kind and intervention.owner is not None
        assert intervention.goals.exists() and intervention.nodes.exists()
    assert strategy.interventions.count() == len(agreed) + 1
    assert strategy.comments.count() == 1

    rows = [presenters.risk_row(risk) for risk in selectors.risks(project)]
    assert len(rows) == 2
    assert [row.risk.title for row in rows if row.overdue] == [
        "Interpreters not booked for out-of-hours assessments (illustrative)"
    ]
    assert all(row.risk.owner.email.startswith("governance@") for row in rows)
    decisions = list(project.decisions.all())
    assert len(decisions) == 2
    linked = {str(d.linked) for d in decisions}
    assert "Interpreters not booked for out-of-hours assessments (illustrative)" in linked
    assert any(d.intervention in from_priorities for d in decisions)


def test_demo_measure_is_worked_out_from_the_demo_upload(settings, tmp_path):
    """The Leeds demo defines two measures on its crisis referrals upload through the services
    (a rate and a rate ratio); their values come from the upload's published breakdown by the
    same job, and two goals take their baselines from them: one agreed, one in draft, both
    worked towards by the strategy's interventions. Loading again changes nothing."""
    from amhe.core.models import SmartGoal
    from deliver.measures import demo as measures_demo
    from deliver.measures import sources
    from deliver.models import GoalBaseline
    from identify.demo import REFERRALS_TITLE

    settings.DEBUG = True
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("load_demo", verbosity=0)
    call_command("load_demo", verbosity=0)
    project = Project.objects.get(name=WEST_YORKSHIRE.project_name)
    measure = project.measures.get(name=measures_demo.NAME)
    ratio = project.measures.get(name=measures_demo.RATIO_NAME)
    for item in (measure, ratio):
        assert item.definition["source"] == sources.IDENTIFY_BREAKDOWN
    value = measure.values.get()
    assert value.origin.extract.title == REFERRALS_TITLE
    assert value.numerator == 460 and value.value is not None and not value.suppressed
    ratio_value = ratio.values.get()
    assert ratio_value.origin.extract.title == REFERRALS_TITLE and ratio_value.value > 1

    goal = SmartGoal.objects.get(project=project, measure=measure)
    assert goal.status == SmartGoal.Status.AGREED and not goal.missing_smart_parts()
    assert (goal.baseline_value, goal.baseline_date) == (value.value, value.period_end)
    assert goal.target_value < goal.baseline_value
    draft = SmartGoal.objects.get(project=project, measure=ratio)
    assert draft.status == SmartGoal.Status.DRAFT
    assert (draft.baseline_value, draft.baseline_date) == (ratio_value.value, ratio_value.period_end)
    assert 1 < draft.target_value < draft.baseline_value
    # Both baselines follow their period's value.
    assert GoalBaseline.objects.filter(goal__in=[goal, draft], state="current").count() == 2
    # The strategy works towards both.
    strategy_goals = SmartGoal.objects.filter(interventions__strategy=project.strategy).distinct()
    assert {goal, draft} <= set(strategy_goals)
    assert set(strategy_goals.filter(measure__definition__source=sources.IDENTIFY_BREAKDOWN)) == {goal, draft}


def test_demo_strategy_has_an_eia_awaiting_sign_off(settings, tmp_path):
    """The Leeds strategy's equality impact assessment is written and submitted by the
    demo lead through the services, so a governance lead has it to sign off; its evidence
    cites the demo's uploads. Loading again makes no second one."""
    from deliver.eia import services as eia_services
    from deliver.models import EqualityImpactAssessment

    settings.DEBUG = True
    settings.MEDIA_ROOT = tmp_path / "media"
    with mock.patch.object(eia_services, "eia_save", wraps=eia_services.eia_save) as save:
        call_command("load_demo", verbosity=0)
        call_command("load_demo", verbosity=0)
    assert save.call_count == 1
    project = Project.objects.get(name=WEST_YORKSHIRE.project_name)
    eia = EqualityImpactAssessment.objects.get(project=project)
    assert eia.strategy == project.strategy
    version = eia.versions.get()
    assert version.state == "submitted" and version.submitted_by.email.startswith("lead@")
    assert not eia_services.problems(version)
    assert version.impacts.get(characteristic="race").extracts.exists()


def test_demo_has_resourcing_over_two_financial_years_and_a_governance_structure(settings, tmp_path):
    """The Leeds strategy's staff roles, facility and budget lines (this financial year and the
    next) and its governance structure (a programme board reporting to the ICB quality
    committee, with meetings past and to come) are made through the services, once however
    often the demo loads."""
    from django.utils import timezone

    from deliver.governance import presenters as governance_presenters
    from deliver.governance import selectors as governance_selectors
    from deliver.governance import services as governance_services
    from deliver.resourcing import presenters as resourcing_presenters
    from deliver.resourcing import selectors as resourcing_selectors
    from deliver.resourcing import services as resourcing_services
    from deliver.resourcing import years

    settings.DEBUG = True
    settings.MEDIA_ROOT = tmp_path / "media"
    with (
        mock.patch.object(
            resourcing_services, "budget_line_create", wraps=resourcing_services.budget_line_create
        ) as add_line,
        mock.patch.object(
            resourcing_services, "staff_role_create", wraps=resourcing_services.staff_role_create
        ) as add_role,
        mock.patch.object(governance_services, "group_create", wraps=governance_services.group_create) as add_group,
        mock.patch.object(
            governance_services, "meeting_create", wraps=governance_services.meeting_create
        ) as add_meeting,
    ):
        call_command("load_demo", verbosity=0)
        call_command("load_demo", verbosity=0)
    project = Project.objects.get(name=WEST_YORKSHIRE.project_name)
    strategy = project.strategy
    lines = list(resourcing_selectors.budget_lines(strategy))
    assert add_line.call_count == len(lines) >= 2
    assert add_role.call_count == resourcing_selectors.staff_roles(strategy).count() == 2
    assert resourcing_selectors.facilities(strategy).count() == 1
    this_year = years.year_of(timezone.localdate())
    totals = resourcing_presenters.totals(lines)
    assert [row.label for row in totals.by_year] == [years.label(this_year), years.label(this_year + 1)]

    assert add_group.call_count == governance_selectors.group_choices(project).count() >= 2
    board = project.governance_groups.get(name__startswith="Mental health equality programme board")
    assert board.reports_to.name.startswith("ICB quality committee")
    assert board.chair.email.startswith("governance@")
    tree = governance_presenters.tree(governance_selectors.groups(project))
    assert [node.group for node in tree] == [board.reports_to]
    assert add_meeting.call_count == governance_selectors.meetings(project).count()
    assert governance_selectors.upcoming_meetings(project) and governance_selectors.past_meetings(project)
