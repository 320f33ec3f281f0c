"""Journey (retention): a governance lead opens the organisation settings from the home
page, reads the dry run, enters a bad period (told what to do, nothing saved), then a
good one, and sees the dry run follow it. Every page passes axe with no violation of
any impact."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from amhe.core.models import Role
from reports.models import Report

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _click(journey, role, name):
    journey.page.get_by_role(role, name=name).first.click()
    journey.page.wait_for_load_state()
    journey.check()


def test_governance_lead_changes_how_long_reports_are_kept(journey, project, member_of, settings, tmp_path):
    from tests.browser.test_narrow_screens import signed_in

    settings.MEDIA_ROOT = tmp_path / "media"
    report = Report.objects.create(project=project, format="pdf")
    report.file.save("report.pdf", ContentFile(b"%PDF"))
    Report.objects.filter(pk=report.pk).update(made_at=timezone.now() - datetime.timedelta(days=2))
    governance = member_of(project, Role.GOVERNANCE)
    page = journey.page
    signed_in(journey, governance)

    journey.goto("/")
    _click(journey, "link", "Organisation settings")
    assert page.get_by_role("heading", name="Organisation settings").is_visible()
    assert page.get_by_text("Nothing would go.").is_visible()

    field = page.get_by_label("Generated reports and exports (days after they were made)")
    field.fill("0")
    _click(journey, "button", "Save retention settings")
    assert page.get_by_text("Enter at least 1 day").first.is_visible()

    field = page.get_by_label("Generated reports and exports (days after they were made)")
    assert field.input_value() == "0"  # what was typed is kept to correct
    # The report is two days old: kept for a day, the dry run says it would go, and
    # saving the setting destroys nothing by itself.
    field.fill("1")
    _click(journey, "button", "Save retention settings")
    assert page.get_by_text("Retention settings saved.").is_visible()
    assert page.get_by_text("1 item would go.").is_visible()
    project.organisation.refresh_from_db()
    assert project.organisation.retain_reports_days == 1
    assert Report.objects.filter(pk=report.pk).exists()
