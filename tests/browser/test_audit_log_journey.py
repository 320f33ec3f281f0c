"""Journey (the audit log): a governance lead opens the organisation's audit log from
their home page, finds a colleague's failed sign-in and a refused page, filters by
kind (a wrong date first: the message says what to fix and keeps the other filters),
pages through, and downloads the filtered CSV. Every page passes axe with no
violation of any impact."""

from pathlib import Path

import pytest

from amhe.core import audit
from amhe.core.models import Role
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _click(journey, role, name):
    journey.page.get_by_role(role, name=name).first.click()
    journey.page.wait_for_load_state()
    journey.check()


def test_governance_lead_reads_filters_and_downloads_the_audit_log(journey, project, member_of):
    from tests.browser.test_narrow_screens import signed_in

    viewer = member_of(project, Role.VIEWER)
    page = journey.page
    # A failed sign-in and a refused page, made through the app.
    journey.goto("/accounts/login/")
    page.get_by_label("Email address").fill(viewer.email)
    page.get_by_role("textbox", name="Password").fill("not-the-password")
    _click(journey, "button", "Log in")
    journey.log_in(viewer.email, PASSWORD)
    assert page.request.get(f"/projects/{project.pk}/goals/new/").status == 403
    for number in range(60):
        audit.record(action=audit.EXPORT, user=viewer, project=project, detail=f"export {number}")

    signed_in(journey, member_of(project, Role.GOVERNANCE))
    journey.goto("/")
    _click(journey, "link", "Audit log")
    html = page.content()
    assert "Sign-in failed" in html and viewer.full_name in html

    page.get_by_label("Kind of event").select_option(label="Refused: not allowed (403)")
    page.locator("#id_since_day").fill("31")
    page.locator("#id_since_month").fill("2")
    page.locator("#id_since_year").fill("2026")
    _click(journey, "button", "Show entries")
    assert page.locator(".nhsuk-error-summary").is_visible()
    assert "From must be a real date" in page.content()
    assert page.get_by_label("Kind of event").input_value() == "refused_403"  # kept
    page.locator("#id_since_day").fill("")
    page.locator("#id_since_month").fill("")
    page.locator("#id_since_year").fill("")
    _click(journey, "button", "Show entries")
    assert "1 entry matches" in page.content() and "GET core:goal-new" in page.content()

    page.get_by_label("Kind of event").select_option(label="Export")
    _click(journey, "button", "Show entries")
    assert "60 entries match" in page.content()
    _click(journey, "link", "Next")
    assert "export 0" in page.content()

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download these 60 entries (CSV spreadsheet)").click()
    text = Path(download_info.value.path()).read_text(encoding="utf-8-sig")
    assert text.startswith("When (UTC),Kind,") and text.count("\nExport,") == 0 and text.count(",Export,") == 60
