"""Journey (issue 14): a governance lead opens progress reports from the project page,
builds a PDF report, sees its progress bar while it waits for a worker, and once the
job has run finds it in the list with a download link. Every page passes axe."""

import pytest

from amhe.core import services as core_services
from amhe.core.management.commands.load_demo import DEMO_PASSWORD, WEST_YORKSHIRE
from amhe.core.models import Project
from reports.models import Report

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
