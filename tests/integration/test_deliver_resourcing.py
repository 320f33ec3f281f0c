"""Deliver 3A resourcing: staff roles, facilities and budget lines of the strategy. The
rules (dates in order, FTE more than 0 and at most 100, amounts never negative, an
intervention of the same strategy), each with a plain message and nothing saved; totals
by financial year (April to March, the boundary between 31 March and 1 April), by
intervention and in all; the pages that show them; and who may write (leads)."""

import datetime
from decimal import Decimal
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from amhe.core.models import Role
from deliver.models import BudgetLine, Facility, StaffRole
from deliver.resourcing import presenters, services, years
from deliver.resourcing.forms import BudgetLineForm
from tests.factories import (
    BudgetLineFactory,
    InterventionFactory,
    ProjectFactory,
    StaffRoleFactory,
    StrategyFactory,
)

pytestmark = pytest.mark.django_db

D = datetime.date


def _url(name, project, **kwargs):
    return reverse(f"deliver:{name}", kwargs={"project_id": project.pk, **kwargs})


def _date(name, day: datetime.date) -> dict:
    return {f"{name}_day": day.day, f"{name}_month": day.month, f"{name}_year": day.year}


@pytest.fixture
def lead(project, member_of):
    return member_of(project, Role.LEAD)


@pytest.fixture
def strategy(project):
    return StrategyFactory(project=project, title="Fairer crisis care")


@pytest.fixture
def intervention(strategy):
    return InterventionFactory(strategy=strategy, title="Evening peer support")


def _role(by, strategy, **overrides):
    fields = {
        "title": "Peer support worker",
        "fte": Decimal("2"),
        "intervention": None,
        "funded_by": "",
        "start_date": D(2026, 4, 1),
        "end_date": D(2027, 3, 31),
        **overrides,
    }
    return services.staff_role_create(by=by, strategy=strategy, **fields)


def _line(by, strategy, **overrides):
    fields = {
        "description": "Peer supporters' pay",
        "category": "staff",
        "intervention": None,
        "financial_year": 2026,
        "amount": Decimal("1000"),
        **overrides,
    }
    return services.budget_line_create(by=by, strategy=strategy, **fields)


# --- Financial years ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "year", "label"),
    [
        (D(2027, 3, 31), 2026, "2026/27"),
        (D(2027, 4, 1), 2027, "2027/28"),
        (D(2026, 4, 1), 2026, "2026/27"),
        (D(2027, 1, 1), 2026, "2026/27"),
        (D(2099, 12, 31), 2099, "2099/00"),
    ],
)
def test_a_day_falls_in_the_financial_year_from_april_to_march(day, year, label):
    assert years.year_of(day) == year
    assert years.label(years.year_of(day)) == label


@settings(deadline=None)  # pure and quick, but the machine may be busy
@given(st.dates(min_value=D(2001, 1, 1), max_value=D(2098, 12, 31)))
def test_every_day_lies_between_its_financial_years_first_and_last_day(day):
    year = years.year_of(day)
    assert years.starts(year) <= day <= years.ends(year)
    assert years.year_of(years.starts(year) - datetime.timedelta(days=1)) == year - 1


def test_a_role_ending_on_31_march_covers_one_financial_year_and_one_ending_on_1_april_two(lead, strategy):
    to_march = _role(lead, strategy, end_date=D(2027, 3, 31))
    to_april = _role(lead, strategy, title="Manager", end_date=D(2027, 4, 1))
    open_ended = _role(lead, strategy, title="Analyst", start_date=D(2027, 3, 31), end_date=None)
    assert presenters.staff_row(to_march).years == "2026/27"
    assert presenters.staff_row(to_april).years == "2026/27 to 2027/28"
    assert presenters.staff_row(open_ended).years == "From 2026/27"
    assert presenters.staff_row(open_ended).dates == "From 31 March 2027, no end date"


@pytest.mark.parametrize(("today", "year"), [(D(2027, 3, 31), 2026), (D(2027, 4, 1), 2027)])
def test_a_new_budget_line_starts_in_todays_financial_year(strategy, today, year):
    with mock.patch("deliver.resourcing.forms.timezone.localdate", return_value=today):
        form = BudgetLineForm(strategy=strategy)
    assert form.initial["financial_year"] == year
    offered = [value for value, _ in form.fields["financial_year"].choices]
    assert offered[0] == year - 3 and offered[-1] == year + 6


def test_totals_by_financial_year_keep_31_march_and_1_april_apart(lead, strategy, intervention):
    """Lines entered for the years of two days a day apart land in two financial years."""
    _line(lead, strategy, financial_year=years.year_of(D(2027, 3, 31)), amount=Decimal("1500.50"))
    _line(lead, strategy, financial_year=years.year_of(D(2027, 4, 1)), amount=Decimal("250"), intervention=intervention)
    _line(lead, strategy, financial_year=2026, amount=Decimal("0"), category="other")
    totals = presenters.totals(BudgetLine.objects.filter(strategy=strategy).select_related("intervention"))
    assert [(row.label, row.amount, row.lines) for row in totals.by_year] == [
        ("2026/27", "£1,500.50", 2),
        ("2027/28", "£250.00", 1),
    ]
    assert [(row.label, row.amount) for row in totals.by_intervention] == [
        ("Evening peer support", "£250.00"),
        (presenters.WHOLE_STRATEGY, "£1,500.50"),
    ]
    assert [(row.label, row.amount) for row in totals.by_category] == [("Staff", "£1,750.50"), ("Other", "£0.00")]
    assert totals.total == "£1,750.50"


class TestTotalsAddUp(HypothesisTestCase):
    @settings(max_examples=25, deadline=None)
    @given(
        st.lists(
            st.tuples(
                st.integers(min_value=2024, max_value=2030),
                st.booleans(),
                st.sampled_from(["staff", "facilities", "training", "other"]),
                st.decimals(min_value=0, max_value=10**6, places=2),
            ),
            max_size=8,
        )
    )
    def test_each_breakdown_adds_up_to_the_total(self, lines):
        strategy = StrategyFactory()
        intervention = InterventionFactory(strategy=strategy)
        for year, linked, category, amount in lines:
            BudgetLineFactory(
                strategy=strategy,
                financial_year=year,
                intervention=intervention if linked else None,
                category=category,
                amount=amount,
            )
        totals = presenters.totals(BudgetLine.objects.filter(strategy=strategy).select_related("intervention"))
        expected = sum((amount for *_, amount in lines), Decimal(0))
        assert totals.total == presenters.money(expected)

        def added(rows):
            return sum((Decimal(row.amount.lstrip("£").replace(",", "")) for row in rows), Decimal(0))

        for rows in (totals.by_year, totals.by_intervention, totals.by_category):
            assert added(rows) == expected
            assert sum(row.lines for row in rows) == len(lines)
        assert [row.label for row in totals.by_year] == [years.label(y) for y in sorted({y for y, *_ in lines})]


# --- Bad input: a plain message, nothing saved ------------------------------------------


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"fte": Decimal("0")}, "fte", "The FTE must be more than 0"),
        ({"fte": Decimal("-0.5")}, "fte", "The FTE must be more than 0"),
        ({"fte": Decimal("100.01")}, "fte", "The FTE must be at most 100"),
        ({"fte": Decimal("0.125")}, "fte", "at most 2 decimal places"),
        ({"end_date": D(2026, 4, 1)}, "end_date", "The end date must be after the start date."),
        ({"end_date": D(2026, 3, 31)}, "end_date", "The end date must be after the start date."),
        ({"title": "  "}, "title", "Enter the role."),
    ],
)
def test_a_staff_role_with_bad_input_is_refused_and_not_saved(lead, strategy, fields, field, message):
    with pytest.raises(ValidationError) as caught:
        _role(lead, strategy, **fields)
    assert any(message in text for text in caught.value.message_dict[field])
    assert not StaffRole.objects.exists()


def test_a_role_of_a_hundred_fte_is_allowed(lead, strategy):
    assert _role(lead, strategy, fte=Decimal("100")).fte == Decimal("100")


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"amount": Decimal("-0.01")}, "amount", "The amount cannot be negative."),
        ({"amount": Decimal("10.005")}, "amount", "at most 2 decimal places"),
        ({"financial_year": 1999}, "financial_year", "Choose a financial year from 2000/01 to 2098/99."),
        ({"category": "snacks"}, "category", "Choose the category"),
        ({"description": ""}, "description", "Enter what the money is for."),
    ],
)
def test_a_budget_line_with_bad_input_is_refused_and_not_saved(lead, strategy, fields, field, message):
    with pytest.raises(ValidationError) as caught:
        _line(lead, strategy, **fields)
    assert any(message in text for text in caught.value.message_dict[field])
    assert not BudgetLine.objects.exists()


def test_a_change_that_breaks_a_rule_leaves_the_record_as_it_was(lead, strategy):
    line = _line(lead, strategy, amount=Decimal("500"))
    with pytest.raises(ValidationError):
        services.budget_line_update(by=lead, line=line, amount=Decimal("-1"))
    line.refresh_from_db()
    assert line.amount == Decimal("500")


def test_an_intervention_of_another_project_is_refused_for_every_kind(lead, strategy):
    elsewhere = InterventionFactory(strategy=StrategyFactory(project=ProjectFactory()))
    message = "Choose an intervention of this project's strategy."
    for make in (
        lambda: _role(lead, strategy, intervention=elsewhere),
        lambda: _line(lead, strategy, intervention=elsewhere),
        lambda: services.facility_create(by=lead, strategy=strategy, name="Hub", intervention=elsewhere),
    ):
        with pytest.raises(ValidationError) as caught:
            make()
        assert caught.value.message_dict["intervention"] == [message]
    assert not (StaffRole.objects.exists() or BudgetLine.objects.exists() or Facility.objects.exists())


def test_the_database_refuses_a_negative_amount_or_fte_written_around_the_services(strategy):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        BudgetLineFactory(strategy=strategy, amount=Decimal("-1"))
    with pytest.raises(IntegrityError), transaction.atomic():
        StaffRoleFactory(strategy=strategy, fte=Decimal("0"))
    with pytest.raises(IntegrityError), transaction.atomic():
        StaffRoleFactory(strategy=strategy, start_date=D(2027, 4, 1), end_date=D(2027, 3, 31))


# --- Pages ---------------------------------------------------------------------------------


def test_a_lead_adds_a_budget_line_after_a_negative_amount_is_refused(client, lead, project, strategy, intervention):
    client.force_login(lead)
    data = {
        "description": "Room hire",
        "category": "facilities",
        "intervention": intervention.pk,
        "financial_year": 2026,
        "amount": "-250",
    }
    response = client.post(_url("budget-line-new", project), data)
    assert response.status_code == 200
    assert "The amount cannot be negative." in response.content.decode()
    assert not BudgetLine.objects.exists()
    response = client.post(_url("budget-line-new", project), {**data, "amount": "7800"})
    assert response.status_code == 302
    line = BudgetLine.objects.get()
    assert (line.intervention, line.financial_year, line.amount) == (intervention, 2026, Decimal("7800"))


def test_a_lead_adds_a_staff_role_after_dates_in_the_wrong_order_are_refused(client, lead, project, strategy):
    client.force_login(lead)
    data = {"title": "Peer support worker", "fte": "4", "intervention": "", **_date("start_date", D(2026, 4, 1))}
    response = client.post(_url("staff-role-new", project), {**data, **_date("end_date", D(2026, 1, 1))})
    assert "The end date must be after the start date." in response.content.decode()
    assert not StaffRole.objects.exists()
    response = client.post(_url("staff-role-new", project), {**data, "fte": "0"})
    assert "The FTE must be more than 0" in response.content.decode()
    response = client.post(_url("staff-role-new", project), data)
    assert response.status_code == 302
    assert StaffRole.objects.get().end_date is None


def test_the_form_refuses_an_intervention_of_another_strategy(client, lead, project, strategy):
    elsewhere = InterventionFactory(strategy=StrategyFactory(project=ProjectFactory()))
    client.force_login(lead)
    response = client.post(_url("facility-new", project), {"name": "Hub", "intervention": elsewhere.pk})
    assert response.status_code == 200
    assert not Facility.objects.exists()


def test_the_resourcing_page_shows_totals_by_year_and_intervention_as_tables(
    client, project, member_of, lead, strategy, intervention
):
    _line(lead, strategy, financial_year=2026, amount=Decimal("96000"), intervention=intervention)
    _line(lead, strategy, financial_year=2027, amount=Decimal("128000.5"))
    _role(lead, strategy, fte=Decimal("0.5"), intervention=intervention)
    services.facility_create(by=lead, strategy=strategy, name="Evening hub room", location="Chapeltown")
    viewer = member_of(project, Role.VIEWER)
    client.force_login(viewer)
    page = client.get(_url("resourcing", project)).content.decode()
    assert "The budget is £224,000.50 in 2 lines." in page
    assert "Budget by financial year (April to March)" in page and "2027/28" in page
    assert "£96,000.00" in page and "£128,000.50" in page
    assert "Evening hub room" in page and "0.5 FTE in all" in page
    assert _url("budget-line-new", project) not in page  # viewers read, leads write
    client.force_login(lead)
    assert _url("budget-line-new", project) in client.get(_url("resourcing", project)).content.decode()


def test_an_interventions_page_shows_what_it_has_and_links_to_resourcing(client, lead, project, strategy, intervention):
    other = InterventionFactory(strategy=strategy, title="Training")
    _line(lead, strategy, amount=Decimal("5000"), intervention=intervention)
    _line(lead, strategy, amount=Decimal("777"), intervention=other)
    _role(lead, strategy, title="Peer lead", intervention=intervention)
    client.force_login(lead)
    page = client.get(_url("intervention", project, intervention_id=intervention.pk)).content.decode()
    assert "a budget of £5,000.00" in page and "Peer lead" in page
    assert "£777.00" not in page
    assert _url("resourcing", project) in page
    overview = client.get(_url("overview", project)).content.decode()
    assert _url("resourcing", project) in overview and "Budget £5,777.00 in 2 lines" in overview


def test_without_a_strategy_the_page_says_so_and_nothing_can_be_added(client, lead, project):
    client.force_login(lead)
    assert "The project has no strategy yet" in client.get(_url("resourcing", project)).content.decode()
    assert client.get(_url("budget-line-new", project)).status_code == 404


@pytest.mark.parametrize("role", [Role.ANALYST, Role.PANEL, Role.GOVERNANCE, Role.VIEWER])
def test_only_leads_write_resourcing(client, project, member_of, strategy, role):
    client.force_login(member_of(project, role))
    response = client.post(
        _url("budget-line-new", project),
        {"description": "x", "category": "other", "financial_year": 2026, "amount": "1"},
    )
    assert response.status_code == 403
    assert not BudgetLine.objects.exists()


def test_deleting_an_intervention_keeps_its_resources_for_the_strategy_as_a_whole(lead, strategy, intervention):
    from deliver.strategy import services as strategy_services

    line = _line(lead, strategy, intervention=intervention)
    strategy_services.intervention_delete(by=lead, intervention=intervention)
    line.refresh_from_db()
    assert line.intervention is None
