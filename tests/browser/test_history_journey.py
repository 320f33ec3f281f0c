"""Journey (audit history): a governance lead changes a risk's likelihood, reads the
risk's history in words, then the project's change history, filtered to risks and
to decisions. Every page passes axe with no violation of any impact."""

import datetime

import pytest

from amhe.core import history
from amhe.core.models import Role
from deliver.risks import services as risk_services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _click(journey, role, name):
    journey.page.get_by_role(role, name=name).first.click()
    journey.page.wait_for_load_state()
    journey.check()


def test_governance_lead_reads_a_risks_history_and_the_projects(journey, project, member_of):
    from tests.browser.test_narrow_screens import signed_in

    lead = member_of(project, Role.LEAD)
    lead.full_name = "Sam Lead"
    lead.save()
    governance = member_of(project, Role.GOVERNANCE)
    governance.full_name = "Asha Patel"
    governance.save()
    with history.recorded_as(lead):
        risk = risk_services.risk_create(
            by=lead,
            project=project,
            title="Too few peer supporters",
            likelihood=3,
            impact=3,
            target_likelihood=1,
            target_impact=2,
            owner=governance,
            review_date=datetime.date(2027, 4, 1),
        )
    page = journey.page
    signed_in(journey, governance)

    journey.goto(f"/projects/{project.pk}/deliver/risks/{risk.pk}/")
    _click(journey, "button", "Change risk")
    page.locator("input[name=likelihood][value='4']").check()
    _click(journey, "button", "Save risk")

    _click(journey, "link", "History of this risk")
    assert page.get_by_role("heading", name="History of the risk: Too few peer supporters").is_visible()
    assert page.get_by_text("Asha Patel changed the risk “Too few peer supporters”:").is_visible()
    assert page.get_by_text("the likelihood from 3 to 4", exact=True).is_visible()
    assert page.get_by_text("Sam Lead added the risk “Too few peer supporters”:").is_visible()

    journey.goto(f"/projects/{project.pk}/deliver/")
    _click(journey, "link", "Change history")
    assert page.get_by_role("heading", name="Change history", exact=True).is_visible()
    assert page.get_by_text("the likelihood from 3 to 4", exact=True).is_visible()
    page.get_by_label("Show changes to").select_option(label="Risks")
    _click(journey, "button", "Show")
    assert page.get_by_text("2 changes.").is_visible()
    page.get_by_label("Show changes to").select_option(label="Decisions")
    _click(journey, "button", "Show")
    assert page.get_by_text("No changes recorded to these yet.").is_visible()
