"""Deliver 3C: the risk register (5 x 5 NHS matrix, bad input refused whole,
risks past review and above target said in words) and the decision log."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from amhe.core.models import Role
from deliver.decisions import services as decision_services
from deliver.models import Decision, Risk
from deliver.risks import presenters, selectors
from deliver.risks import services as risk_services
from tests.factories import DecisionFactory, InterventionFactory, ProjectFactory, RiskFactory, StrategyFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def _url(name, project, **kwargs):
    return reverse(f"deliver:{name}", kwargs={"project_id": project.pk, **kwargs})


@pytest.fixture
def lead(project, member_of):
    return member_of(project, Role.LEAD)


@pytest.fixture
def governance(project, member_of):
    return member_of(project, Role.GOVERNANCE)


def _risk(owner, **overrides):
    return {
        "title": "Too few peer supporters for evening cover",
        "likelihood": 4,
        "impact": 3,
        "target_likelihood": 2,
        "target_impact": 3,
        "owner": owner,
        "review_date": TODAY() + datetime.timedelta(days=60),
        **overrides,
    }


def _risk_post(owner, **overrides):
    review = TODAY() + datetime.timedelta(days=60)
    data = {
        "title": "Too few peer supporters",
        "likelihood": "4",
        "impact": "3",
        "target_likelihood": "2",
        "target_impact": "3",
        "owner": str(owner.pk),
        "review_date_day": str(review.day),
        "review_date_month": str(review.month),
        "review_date_year": str(review.year),
    }
    data.update(overrides)
    return data


# --- Risk services ------------------------------------------------------------------


def test_a_risk_is_scored_and_banded(project, lead, governance):
    risk = risk_services.risk_create(by=lead, project=project, **_risk(governance))
    assert (risk.score, risk.band.label, risk.target_score, risk.target_band.label) == (12, "High", 6, "Moderate")
    assert risk.created_by == lead and risk.owner == governance


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"likelihood": 6}, "likelihood", "Likelihood must be from 1 to 5."),
        ({"impact": 0}, "impact", "Impact must be from 1 to 5."),
        ({"target_likelihood": "2"}, "target_likelihood", "Target likelihood must be a whole number from 1 to 5."),
        ({"target_likelihood": 5, "target_impact": 5}, "target_impact", "cannot be higher than the current score"),
        ({"review_date": datetime.date(2020, 1, 1)}, "review_date", "today or in the future"),
        ({"review_date": None}, "review_date", "Enter the next review date"),
        (
            {"last_reviewed": datetime.date(2026, 3, 1), "review_date": datetime.date(2026, 2, 1)},
            "review_date",
            "must be after the date it was last reviewed",
        ),
        ({"last_reviewed": TODAY() + datetime.timedelta(days=1)}, "last_reviewed", "today or in the past"),
        ({"title": "   "}, "title", "Enter the risk"),
        ({"owner": None}, "owner", "Choose who owns the risk"),
    ],
)
def test_bad_risks_get_a_plain_message_and_nothing_is_saved(project, lead, governance, overrides, field, message):
    with pytest.raises(ValidationError) as caught:
        risk_services.risk_create(by=lead, project=project, **{**_risk(governance), **overrides})
    assert message in " ".join(caught.value.message_dict[field])
    assert not Risk.objects.exists()


def test_owner_must_be_a_lead_or_governance_lead_of_the_project(project, lead, member_of):
    for owner in (member_of(project, Role.PANEL), member_of(ProjectFactory(), Role.GOVERNANCE)):
        with pytest.raises(ValidationError, match="governance lead or lead of this project"):
            risk_services.risk_create(by=lead, project=project, **_risk(owner))
    assert not Risk.objects.exists()


def test_a_past_review_date_may_stay_but_a_new_one_must_not_be_past(project, lead, governance):
    risk = RiskFactory(project=project, owner=governance, review_date=TODAY() - datetime.timedelta(days=3))
    risk_services.risk_update(by=lead, risk=risk, controls="Rota agreed with Touchstone")
    with pytest.raises(ValidationError, match="today or in the future"):
        risk_services.risk_update(by=lead, risk=risk, review_date=TODAY() - datetime.timedelta(days=1))
    risk.refresh_from_db()
    assert risk.review_date == TODAY() - datetime.timedelta(days=3)
    assert risk.controls == "Rota agreed with Touchstone"


def test_a_register_brought_in_with_a_review_already_overdue_gives_the_last_review(project, lead, governance):
    overdue = _risk(
        governance,
        last_reviewed=TODAY() - datetime.timedelta(days=120),
        review_date=TODAY() - datetime.timedelta(days=30),
    )
    risk = risk_services.risk_create(by=lead, project=project, **overdue)
    assert presenters.risk_row(risk).overdue


def test_the_database_refuses_a_next_review_before_the_last(project):
    with pytest.raises(IntegrityError), transaction.atomic():
        RiskFactory(project=project, last_reviewed=TODAY(), review_date=TODAY() - datetime.timedelta(days=1))


def test_the_database_refuses_ratings_outside_1_to_5(project):
    with pytest.raises(IntegrityError), transaction.atomic():
        RiskFactory(project=project, likelihood=7)


def test_register_is_highest_score_first_and_flags_overdue_and_above_target_in_words(project, governance):
    overdue = RiskFactory(
        project=project,
        owner=governance,
        title="Overdue",
        likelihood=5,
        impact=4,
        review_date=TODAY() - datetime.timedelta(days=1),
    )
    on_target = RiskFactory(project=project, owner=governance, title="On target", likelihood=1, impact=2)
    assert [r.title for r in selectors.risks(project)] == ["Overdue", "On target"]
    row = presenters.risk_row(overdue)
    assert row.overdue and row.above_target
    assert row.flags[0].startswith("Past its review date (")
    assert row.flags[1] == "Above target (score 20, target 2)"
    assert (row.band.label, row.rating) == ("Extreme", "5 x 4 = 20")
    assert presenters.risk_row(on_target).flags == []


# --- Risk pages ----------------------------------------------------------------------


def test_governance_lead_adds_a_risk_and_the_list_says_what_needs_attention(client, project, governance):
    client.force_login(governance)
    response = client.post(_url("risk-new", project), _risk_post(governance))
    assert response.status_code == 302
    RiskFactory(
        project=project,
        owner=governance,
        title="Interpreters not booked",
        review_date=TODAY() - datetime.timedelta(days=10),
    )
    page = client.get(_url("risks", project)).content.decode()
    assert "4 x 3 = 12" in page and "High" in page
    assert "Past its review date" in page
    assert "Above target (score 12, target 6)" in page
    assert "1 risk past its review date." in page
    assert "2 risks above target." in page
    overview = client.get(_url("overview", project)).content.decode()
    assert "Interpreters not booked" in overview and "Past their review date" in overview


def test_risk_form_refuses_bad_input_with_messages_and_saves_nothing(client, project, governance):
    client.force_login(governance)
    response = client.post(
        _url("risk-new", project),
        _risk_post(governance, likelihood="9", review_date_day="31", review_date_month="2", target_impact=""),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Likelihood must be from 1 to 5" in page
    assert "Next review must be a real date" in page
    assert "Select the target impact" in page
    response = client.post(_url("risk-new", project), _risk_post(governance, target_likelihood="5", target_impact="5"))
    assert "cannot be higher than the current score" in response.content.decode()
    assert not Risk.objects.exists()


@pytest.mark.parametrize("role", [Role.PANEL, Role.VIEWER, Role.ANALYST])
def test_only_leads_and_governance_leads_keep_the_register_and_the_log(client, project, governance, member_of, role):
    risk = RiskFactory(project=project, owner=governance, title="Kept")
    decision = DecisionFactory(project=project, decision="Kept")
    client.force_login(member_of(project, role))
    assert client.get(_url("risks", project)).status_code == 200
    assert client.get(_url("risk", project, risk_id=risk.pk)).status_code == 200
    assert client.get(_url("decisions", project)).status_code == 200
    posts = [
        (_url("risk-new", project), _risk_post(governance)),
        (_url("risk-edit", project, risk_id=risk.pk), _risk_post(governance, title="Changed")),
        (_url("risk-delete", project, risk_id=risk.pk), {}),
        (_url("decision-new", project), {"decision": "New", "made_by": "Board"}),
        (_url("decision-edit", project, decision_id=decision.pk), {"decision": "Changed", "made_by": "Board"}),
        (_url("decision-delete", project, decision_id=decision.pk), {}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 403, url
    assert list(Risk.objects.values_list("title", flat=True)) == ["Kept"]
    assert list(Decision.objects.values_list("decision", flat=True)) == ["Kept"]


def test_a_risk_of_another_project_is_not_found(client, project, lead):
    other = RiskFactory(project=ProjectFactory(organisation=project.organisation))
    client.force_login(lead)
    for name in ("risk", "risk-edit", "risk-delete"):
        assert client.get(_url(name, project, risk_id=other.pk)).status_code == 404


# --- Decisions ----------------------------------------------------------------------


def test_a_decision_links_one_item_of_the_project_at_most(project, lead, governance):
    intervention = InterventionFactory(strategy=StrategyFactory(project=project))
    risk = RiskFactory(project=project, owner=governance)
    decision = decision_services.decision_create(
        by=governance,
        project=project,
        decided_on=TODAY(),
        decision=" Fund the café ",
        made_by="Board",
        intervention=intervention,
    )
    assert decision.decision == "Fund the café" and decision.linked == intervention
    with pytest.raises(ValidationError, match="one item at most"):
        decision_services.decision_update(by=lead, decision=decision, risk=risk)
    elsewhere = RiskFactory(project=ProjectFactory(organisation=project.organisation))
    with pytest.raises(ValidationError, match="risk of this project"):
        decision_services.decision_create(
            by=lead, project=project, decided_on=TODAY(), decision="X", made_by="Board", risk=elsewhere
        )
    with pytest.raises(ValidationError, match="today or in the past"):
        decision_services.decision_create(
            by=lead, project=project, decided_on=TODAY() + datetime.timedelta(days=1), decision="X", made_by="Board"
        )
    with pytest.raises(ValidationError, match="group or meeting"):
        decision_services.decision_create(by=lead, project=project, decided_on=TODAY(), decision="X", made_by=" ")
    assert Decision.objects.count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        DecisionFactory(project=project, intervention=intervention, risk=risk)


def test_governance_lead_records_a_decision_about_a_risk_on_the_page(client, project, governance):
    risk = RiskFactory(project=project, owner=governance, title="Café funding ends")
    client.force_login(governance)
    day = TODAY()
    data = {
        "decided_on_day": str(day.day),
        "decided_on_month": str(day.month),
        "decided_on_year": str(day.year),
        "decision": "Extend café funding to March",
        "made_by": "Equality board, December",
        "rationale": "Use is rising among Black men",
        "linked": f"risk-{risk.pk}",
    }
    assert client.post(_url("decision-new", project), data).status_code == 302
    page = client.get(_url("decisions", project)).content.decode()
    assert "Extend café funding to March" in page and "Café funding ends" in page
    future = day + datetime.timedelta(days=3)
    response = client.post(
        _url("decision-new", project),
        {
            **data,
            "decided_on_day": str(future.day),
            "decided_on_month": str(future.month),
            "decided_on_year": str(future.year),
        },
    )
    assert "The date of the decision must be today or in the past" in response.content.decode()
    assert Decision.objects.count() == 1


def test_3c_follows_the_work(project, governance):
    from tests.integration.test_progress_follows_work import states

    assert states(project)["3C"] == "not_started"
    DecisionFactory(project=project)
    assert states(project)["3C"] == "in_progress"
    Decision.objects.all().delete()
    RiskFactory(project=project, owner=governance)
    assert states(project)["3C"] == "in_progress"
