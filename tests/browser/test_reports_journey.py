"""Journey (issue 14): a governance lead opens progress reports from the project page,
builds a PDF report (the board pack), watches its progress bar while it waits for a
worker, and once the job has run finds it in the list, opens its page and downloads the
PDF; then schedules a monthly report emailed to themselves and a chosen analyst, and
changes it. Every page passes axe."""

import pytest

from amhe.core import services as core_services
from amhe.core.management.commands.load_demo import DEMO_PASSWORD, WEST_YORKSHIRE
from amhe.core.models import Project
from reports.models import Report, Schedule

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def no_worker(monkeypatch, settings, tmp_path):
    """No worker: the job is not sent to the broker; the test runs it itself."""
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setattr(core_services, "_send", lambda job_id: None)


def test_governance_lead_builds_and_finds_a_progress_report(demo, journey, no_worker):
    page = journey.page
    project = Project.objects.get(name=WEST_YORKSHIRE.project_name)
    journey.log_in("governance@wy-icb.example", DEMO_PASSWORD)
    journey.goto(f"/projects/{project.pk}/")
    page.get_by_role("link", name="progress reports").click()
    page.wait_for_load_state()
    journey.check()
    assert page.get_by_text("No progress report has been built yet.").is_visible()

    page.get_by_label("PDF (accessible, tagged)").check()
    page.get_by_role("button", name="Build a progress report").click()
    page.wait_for_load_state()
    journey.check()
    assert page.get_by_text("Progress of the report being built").is_visible()
    bar = page.get_by_label("Progress of the report being built")
    assert bar.get_attribute("value") == "0"
    assert page.get_by_role("status").get_by_text("Waiting for a worker", exact=False).is_visible()

    report = Report.objects.get(project=project)
    core_services.job_run(job_id=report.job_id)
    page.reload()
    page.wait_for_load_state()
    journey.check()
    link = page.get_by_role("link", name="Download the PDF (accessible, tagged) report", exact=False)
    assert link.count() == 1
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename.endswith(".pdf")

    # The report's own page (where a scheduled email's link goes), with its download.
    page.get_by_role("link", name="PDF (accessible, tagged)", exact=False).first.click()
    page.wait_for_load_state()
    journey.check()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Progress report of")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the report").click()
    assert download.value.path().read_bytes().startswith(b"%PDF")
    page.get_by_role("link", name="All progress reports").click()
    page.wait_for_load_state()
    journey.check()

    # Schedule a monthly report, emailed to the governance lead and the analyst.
    assert page.get_by_text("No monthly progress report is scheduled.").is_visible()
    page.get_by_role("link", name="Schedule a monthly report").click()
    page.wait_for_load_state()
    journey.check()
    assert page.get_by_label("PDF (accessible, tagged)").is_checked()  # the board pack's format
    page.get_by_label("PDF (accessible, tagged)").uncheck()
    page.get_by_label("Day of the month").fill("31")
    page.get_by_role("button", name="Schedule the report").click()  # no format: says what to do
    page.wait_for_load_state()
    journey.check()
    assert page.get_by_text("Choose at least one format", exact=False).first.is_visible()
    assert page.get_by_label("Day of the month").input_value() == "31"  # nothing lost
    page.get_by_label("PDF (accessible, tagged)").check()
    page.get_by_label("Word (.docx)").check()
    page.get_by_label("(Governance lead)", exact=False).check()
    page.get_by_label("(Analyst)", exact=False).check()
    page.get_by_role("button", name="Schedule the report").click()
    page.wait_for_load_state()
    journey.check()
    assert page.get_by_text("Monthly progress report scheduled", exact=False).is_visible()
    assert page.get_by_role("heading", name="Day 31 of each month").is_visible()
    schedule = Schedule.objects.get(project=project)
    assert (schedule.formats, schedule.day) == (["pdf", "docx"], 31)
    assert {m.role for m in schedule.recipients.all()} == {"governance", "analyst"}

    page.get_by_role("link", name="Change the monthly report on day 31").click()
    page.wait_for_load_state()
    journey.check()
    assert page.get_by_label("Day of the month").input_value() == "31"
    page.get_by_label("Day of the month").fill("1")
    page.get_by_role("button", name="Save the schedule").click()
    page.wait_for_load_state()
    journey.check()
    assert page.get_by_role("heading", name="Day 1 of each month").is_visible()
    schedule.refresh_from_db()
    assert schedule.day == 1
