"""Journey (3A resourcing, 3C governance structure): a lead adds a budget line (after a
negative amount is refused) and a staff role, and sees the totals by financial year as a
table on the resourcing page and on the intervention's page; then adds a programme board
reporting to a committee (after a circle is refused) and a meeting, and sees the structure
as an indented list. Every page passes axe with no violation of any impact, and both
pages fit a phone."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from amhe.core.models import Role
from deliver.models import BudgetLine, GovernanceGroup, GovernanceMeeting, StaffRole
from deliver.resourcing import years
from tests.factories import GovernanceGroupFactory, InterventionFactory, StrategyFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DAY = datetime.timedelta(days=1)


def _click(journey, role, name):
    journey.page.get_by_role(role, name=name).first.click()
    journey.page.wait_for_load_state()
    journey.check()


def _date(page, name, day: datetime.date):
    page.locator(f"input[name={name}_day]").fill(str(day.day))
    page.locator(f"input[name={name}_month]").fill(str(day.month))
    page.locator(f"input[name={name}_year]").fill(str(day.year))


def test_lead_resources_the_strategy_and_sets_out_its_governance(journey, project, member_of):
    from tests.browser.test_narrow_screens import PHONE, assert_no_horizontal_overflow, signed_in

    lead = member_of(project, Role.LEAD)
    lead.full_name = "Lee Lead"
    lead.save()
    intervention = InterventionFactory(
        strategy=StrategyFactory(project=project, title="Fairer crisis care"), title="Evening peer support"
    )
    today = timezone.localdate()
    this_year = years.year_of(today)
    page = journey.page
    base = f"/projects/{project.pk}/deliver"

    signed_in(journey, lead)
    journey.goto(f"{base}/")
    _click(journey, "link", "Resourcing: staff time, facilities and budget")

    # A budget line: a negative amount is refused, then saved.
    _click(journey, "button", "Add a budget line")
    page.get_by_label("What the money is for").fill("Peer supporters' pay")
    page.get_by_label("Staff", exact=True).check()
    page.get_by_label("Intervention (optional)").select_option(label="Evening peer support")
    page.get_by_label("Financial year").select_option(value=str(this_year + 1))
    page.get_by_label("Amount in pounds").fill("-500")
    _click(journey, "button", "Add budget line")
    assert page.get_by_role("alert").get_by_text("The amount cannot be negative.", exact=False).is_visible()
    assert not BudgetLine.objects.exists()
    page.get_by_label("Amount in pounds").fill("128000")
    _click(journey, "button", "Add budget line")
    assert BudgetLine.objects.get().financial_year == this_year + 1

    # A staff role for the strategy as a whole.
    _click(journey, "button", "Add a staff role")
    page.get_by_label("Role", exact=True).fill("Equality programme manager")
    page.get_by_label("FTE (full-time equivalent)").fill("0.6")
    _date(page, "start_date", years.starts(this_year))
    _click(journey, "button", "Add staff role")
    assert StaffRole.objects.get().fte == Decimal("0.6")

    by_year = page.get_by_role("table", name="Budget by financial year (April to March)")
    assert by_year.get_by_role("row", name=f"{years.label(this_year + 1)} 1 £128,000.00").is_visible()
    assert page.get_by_role("table", name="Staff roles, soonest start first").get_by_text("0.6").is_visible()

    journey.goto(f"{base}/strategy/interventions/{intervention.pk}/")
    assert page.get_by_text("a budget of £128,000.00").is_visible()
    line = BudgetLine.objects.get()
    journey.goto(f"{base}/resourcing/budget/{line.pk}/edit/")
    journey.goto(f"{base}/resourcing/budget/{line.pk}/delete/")

    # Governance: a board reporting to a committee; the committee cannot then report to the board.
    committee = GovernanceGroupFactory(project=project, name="ICB quality committee")
    journey.goto(f"{base}/")
    _click(journey, "link", "The governance structure: groups, who reports to whom, and meetings")
    _click(journey, "button", "Add a group")
    page.get_by_label("Name", exact=True).fill("Programme board")
    page.get_by_label("Reports to (optional)").select_option(label="ICB quality committee")
    page.get_by_label("Chair (optional)").select_option(label="Lee Lead")
    page.get_by_label("Lee Lead").check()
    page.get_by_label("Members from outside the project (optional)").fill("Dr A Patel, ICB medical director")
    _click(journey, "button", "Add group")
    board = GovernanceGroup.objects.get(name="Programme board")
    assert board.reports_to == committee and list(board.members.all()) == [lead]

    _click(journey, "button", "Add a meeting")
    _date(page, "date", today + 14 * DAY)
    page.get_by_label("Notes (optional)").fill("Agree the budget")
    _click(journey, "button", "Add meeting")
    assert GovernanceMeeting.objects.get().group == board
    assert page.get_by_role("cell", name="Agree the budget").is_visible()

    journey.goto(f"{base}/governance/groups/{committee.pk}/edit/")
    page.get_by_label("Reports to (optional)").select_option(label="Programme board")
    _click(journey, "button", "Save group")
    assert page.get_by_role("alert").get_by_text("already reports to this group", exact=False).is_visible()

    journey.goto(f"{base}/governance/")
    committee_item = page.get_by_role("listitem").filter(has=page.get_by_role("link", name="ICB quality committee"))
    assert committee_item.get_by_role("list").get_by_role("link", name="Programme board").is_visible()
    assert (
        page.get_by_role("table", name="Meetings from today, soonest first").get_by_text("Programme board").is_visible()
    )
    journey.goto(f"{base}/governance/groups/{board.pk}/delete/")
    journey.goto(f"{base}/governance/meetings/{GovernanceMeeting.objects.get().pk}/edit/")

    # Both pages fit a phone (their tables scroll inside labelled regions).
    page.set_viewport_size(PHONE)
    for path in (f"{base}/resourcing/", f"{base}/governance/"):
        journey.goto(path)
        assert_no_horizontal_overflow(page)
