"""Journey: an analyst uploads the demo extract, watches the progress bar, maps
the columns, and sees the data quality report and the breakdown dashboard; a
viewer sees the same dashboard with suppressed figures only. Every page, error
and in-progress states included, passes axe (no violation of any impact)."""

import time
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import Error as PlaywrightError

from amhe.core import services as core_services
from amhe.core.management.commands.load_demo import DEMO_PASSWORD, WEST_YORKSHIRE
from amhe.core.models import Project, User
from identify.models import Breakdown, Extract
from tests.worker import WorkerProcess

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEMO = Path(__file__).resolve().parents[2] / "identify" / "data" / "demo"
REFERRALS = DEMO / "leeds_crisis_referrals_demo.csv"
POPULATION = DEMO / "leeds_population_by_ethnicity_census2011.csv"
ANALYST = "analyst@wy-icb.example"
VIEWER = "viewer@wy-icb.example"


@pytest.fixture(autouse=True)
def media(settings, tmp_path, monkeypatch):
    """Uploads and tables in a temporary folder, for the live server and the worker alike."""
    media = tmp_path / "media"
    settings.MEDIA_ROOT = media
    monkeypatch.setenv("MEDIA_ROOT", str(media))  # the worker process reads it from its environment
    return media


@pytest.fixture
def jobs_run_here(monkeypatch):
    """No worker: jobs are not sent to the broker (so none are left queued); a test runs them itself."""
    monkeypatch.setattr(core_services, "_send", lambda job_id: None)


def _poll(condition, timeout: float, what: str, interval: float = 0.1):
    """Wait for condition() from Python (the page's CSP forbids string functions in wait_for_function)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if condition():
                return
        except PlaywrightError:
            pass  # the page is navigating or reloading
        time.sleep(interval)
    pytest.fail(f"Timed out after {timeout} s waiting for {what}")


def _queued_then_done(journey, worker_holder, done) -> None:
    """With no worker running the job waits: the page shows its progress bar, queued at
    0%, and says the page updates itself. Then a worker starts, and the page, polling the
    job's status, reloads itself to show the result (`done`)."""
    page = journey.page
    bar = page.locator("progress#job-progress")
    assert int(bar.get_attribute("value")) == 0
    assert page.get_by_text("Queued", exact=True).is_visible()
    assert page.get_by_text("This page updates itself while the job runs").is_visible()
    journey.check()  # the in-progress state
    worker_holder[0] = WorkerProcess().start()
    _wait_for_result(journey, done)
    assert bar.count() == 0


def _wait_for_result(journey, done, timeout: float = 60) -> None:
    """Wait until the page has reloaded itself to show the job's result (`done`, a locator), then axe-check."""
    _poll(lambda: done.count() > 0, timeout, f"the page to show the result ({done})")
    journey.page.wait_for_load_state()
    journey.check()


def _upload(journey, path: Path, kind_label: str) -> Extract:
    page = journey.page
    # The native input (NHS.UK frontend's script hides it behind its own "Choose file" button).
    page.locator("input[type=file][name=file]").set_input_files(path)
    page.get_by_label(kind_label).check()
    page.get_by_role("button", name="Upload", exact=True).click()
    page.wait_for_url("**/identify/data/*/")
    assert page.get_by_role("heading", level=1).inner_text() == path.stem
    return Extract.objects.get(pk=page.url.rstrip("/").rsplit("/", 1)[-1])


def _wait_for_charts(journey) -> int:
    """Wait until every chart on the page is drawn (static/js/charts.mjs marks it), then axe-check."""
    page = journey.page
    charts = page.locator("figure.amhe-chart")
    total = charts.count()
    assert total > 0
    _poll(lambda: page.locator("figure.amhe-chart--drawn").count() == total, 30, f"{total} charts to be drawn")
    journey.check()
    return total


def test_analyst_uploads_maps_and_sees_quality_and_dashboard(demo, journey, transactional_db):
    project = Project.objects.get(name=WEST_YORKSHIRE.project_name)
    workers = [WorkerProcess().start()]  # replaced when the test restarts the worker
    try:
        page = journey.page
        journey.log_in(ANALYST, DEMO_PASSWORD)
        journey.goto(project.get_absolute_url())
        page.get_by_role("link", name="1. Identify", exact=True).first.click()
        page.wait_for_load_state()
        journey.check()
        page.get_by_role("button", name="Upload data").click()
        page.wait_for_load_state()
        journey.check()

        extracts_before = Extract.objects.count()
        # Uploading nothing shows the NHS error summary, linked to the fields.
        page.get_by_role("button", name="Upload", exact=True).click()
        page.wait_for_load_state()
        journey.check()
        summary = page.get_by_role("alert")
        assert summary.get_by_text("There is a problem").is_visible()
        assert summary.get_by_role("link", name="Choose a CSV or Excel file to upload").is_visible()
        assert summary.get_by_role("link", name="Choose what kind of data this is").is_visible()
        assert Extract.objects.count() == extracts_before

        # The population denominators: read, columns confirmed, processed.
        mapping_heading = page.get_by_role("heading", name="Check what each column holds")
        results_link = page.get_by_role("link", name="Data quality report")
        population = _upload(journey, POPULATION, "Population denominators")
        _wait_for_result(journey, mapping_heading)
        assert page.get_by_label("Column 'Ethnicity'").input_value() == "ethnicity"
        assert page.get_by_label("Column 'Population'").input_value() == "population"
        page.get_by_role("button", name="Confirm and check the data").click()
        page.wait_for_load_state()
        _wait_for_result(journey, results_link)
        population.refresh_from_db()
        assert population.state == Extract.State.READY, population.error

        # The service-use extract: its progress bar shows while it waits for a worker, and the
        # page moves on by itself once the worker has read it.
        workers[0].stop()
        page.goto(journey.base_url + reverse("identify:extract-new", kwargs={"project_id": project.pk}))
        journey.check()
        referrals = _upload(journey, REFERRALS, "Service use (referrals, contacts, admissions, detentions)")
        assert page.get_by_role("heading", name="Reading the file").is_visible()
        _queued_then_done(journey, workers, mapping_heading)
        assert page.get_by_text("4,727", exact=True).is_visible()  # rows read, in the summary list

        # The suggested mapping is on the form.
        ethnicity = page.get_by_label("Column 'EthnicCategory'")
        assert ethnicity.input_value() == "ethnicity"
        assert ethnicity.evaluate("s => s.selectedOptions[0].textContent") == "Ethnicity (NHS ethnic category)"
        assert page.get_by_label("Column 'LSOA2011'").input_value() == "lsoa"
        assert page.get_by_label("Column 'Gender'").input_value() == "sex"
        assert page.get_by_label("Column 'Person_ID'").input_value() == "record_id"
        assert page.get_by_label("95% (usual)").is_checked()

        # Choose the population file, then finish by keyboard alone: Tab to the button, press Enter.
        denominators = page.get_by_label("Population denominators")
        denominators.select_option(label=population.title)
        denominators.focus()
        presses = 0
        while page.evaluate("document.activeElement.textContent.trim()") != "Confirm and check the data":
            assert presses < 2, "Tab did not go from the population select, past the confidence level, to the button"
            page.keyboard.press("Tab")
            presses += 1
        workers[0].stop()
        with page.expect_navigation():
            page.keyboard.press("Enter")
        page.wait_for_load_state()
        assert page.get_by_text("Columns confirmed. The data is being checked and broken down.").is_visible()
        assert page.get_by_role("heading", name="Checking quality and breaking down").is_visible()
        _queued_then_done(journey, workers, results_link)
        referrals.refresh_from_db()
        assert referrals.state == Extract.State.READY, referrals.error
        assert referrals.population_id == population.pk
        assert referrals.mapping["EthnicCategory"] == "ethnicity"

        # The data quality report.
        page.get_by_role("link", name="Data quality report").click()
        page.wait_for_load_state()
        journey.check()
        assert page.get_by_role("heading", level=1).inner_text() == f"Data quality: {referrals.title}"
        findings = page.locator("h2:has-text('What we found') + ul li").all_inner_texts()
        assert any("Ethnicity" in finding for finding in findings), findings
        invalid = page.get_by_role("table", name="Invalid values in Ethnicity")
        assert invalid.get_by_role("cell", name="X9", exact=True).count() == 1

        # The breakdown dashboard leads with what stands out: the largest differences whose
        # intervals rule out chance, as a table, each linked to its characteristic's page.
        page.go_back()
        page.wait_for_load_state()
        journey.check()
        page.get_by_role("link", name="Breakdown dashboard").click()
        page.wait_for_load_state()
        journey.check()
        assert page.get_by_role("heading", level=2, name="What stands out").is_visible()
        standout = page.get_by_role("table", name="The largest differences in rates between groups")
        assert standout.get_by_role("rowheader", name="Black or Black British").count() >= 1
        assert page.locator("figure.amhe-chart").count() == 0  # no charts on the first page
        assert "Small numbers are suppressed" in page.locator(".nhsuk-inset-text").inner_text()

        # Then one page per characteristic, reached from the contents list by keyboard alone.
        pages = page.get_by_role("navigation", name="Breakdown pages")
        link = pages.get_by_role("link", name="Ethnic group (high level)", exact=True)
        link.focus()
        with page.expect_navigation():
            page.keyboard.press("Enter")
        page.wait_for_load_state()
        charts = _wait_for_charts(journey)
        assert page.get_by_role("heading", level=1).inner_text() == "Ethnic group (high level)"
        assert pages.locator("[aria-current=page]").inner_text() == "Ethnic group (high level)"
        assert page.locator("[data-chart-plot] svg.main-svg").count() >= charts
        assert page.locator("figure.amhe-chart table.nhsuk-table").count() == charts
        assert "Small numbers are suppressed" in page.locator(".nhsuk-inset-text").inner_text()
        summaries = page.locator(".amhe-chart__summary").all_inner_texts()
        assert any("Black or Black British" in summary for summary in summaries), summaries
        assert page.get_by_role("rowheader", name="Black or Black British").count() >= 1
        assert page.get_by_text("Not for publication").count() == 0
        page.get_by_role("navigation", name="Previous and next characteristic").get_by_role("link").last.click()
        page.wait_for_load_state()
        _wait_for_charts(journey)
        assert page.get_by_role("heading", level=1).inner_text() == "Sex (stated gender)"

        # Small numbers in the intersections are suppressed, "*" read out as "Suppressed".
        pages.get_by_role("link", name="Ethnic group (high level) by sex (stated gender)").click()
        page.wait_for_load_state()
        _wait_for_charts(journey)
        suppressed_cells = page.get_by_role("cell").get_by_text("Suppressed", exact=True)
        assert suppressed_cells.count() > 0

        # The uploader alone can see the unsuppressed figures, with a warning.
        page.get_by_role("link", name="Show unsuppressed figures (only you can see these)").click()
        page.wait_for_url("**/dashboard/ethnicity-high-by-sex/?raw=1")
        _wait_for_charts(journey)
        warning = page.locator(".nhsuk-warning-callout")
        assert warning.get_by_text("Not for publication").is_visible()
        assert page.get_by_role("link", name="Download unsuppressed (not for publication)").is_visible()
        assert page.locator(".nhsuk-inset-text").count() == 0
        assert suppressed_cells.count() == 0
        # Moving to another characteristic keeps the unsuppressed view.
        page.get_by_role("navigation", name="Breakdown pages").get_by_role("link", name="What stands out").click()
        page.wait_for_url("**/dashboard/?raw=1")
        journey.check()
        assert warning.get_by_text("Not for publication").is_visible()
    finally:
        workers[0].stop()


def test_upload_page_passes_axe(jobs_run_here, demo, journey):
    """The upload page and its error state. (NHS.UK frontend 10.6.1's file-upload script
    replaced the input with a button whose visible text failed WCAG 2.5.3, so the
    template pack keeps the native, labelled file input.)"""
    project = Project.objects.get(name=WEST_YORKSHIRE.project_name)
    journey.log_in(ANALYST, DEMO_PASSWORD)
    page = journey.page
    page.goto(journey.base_url + reverse("identify:extract-new", kwargs={"project_id": project.pk}))
    try:
        journey.check()
    finally:
        page.get_by_role("button", name="Upload", exact=True).click()  # the error state too
        page.wait_for_load_state()
        journey.check()


def test_analyst_deletes_an_upload_after_confirming(jobs_run_here, demo, journey):
    """From the upload's page to its confirmation page (which says what goes with it) and back to
    the list without it, by keyboard alone; every page passes axe."""
    from identify.demo import POPULATION_TITLE

    project = Project.objects.get(name=WEST_YORKSHIRE.project_name)
    population = Extract.objects.get(project=project, title=POPULATION_TITLE)
    journey.log_in(ANALYST, DEMO_PASSWORD)
    page = journey.page
    page.goto(journey.base_url + population.get_absolute_url())
    journey.check()
    page.get_by_role("link", name="Delete this upload").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_role("heading", name=f"Delete '{POPULATION_TITLE}'").is_visible()
    assert page.get_by_text("Other work uses this data").is_visible()  # the referrals use it for rates
    journey.check()
    page.get_by_role("button", name="Delete upload").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert page.get_by_text(f"'{POPULATION_TITLE}' and everything worked out from it have been deleted.").is_visible()
    journey.check()
    assert not Extract.objects.filter(pk=population.pk).exists()


def test_viewer_sees_suppressed_figures_only(jobs_run_here, demo, journey, client):
    """The same processed extract, made through the Django test client with the jobs
    run in this process; a viewer opens its dashboard in the browser."""
    project = Project.objects.get(name=WEST_YORKSHIRE.project_name)
    client.force_login(User.objects.get(email=ANALYST))

    def upload_and_confirm(path: Path, kind: str, population: Extract | None = None) -> Extract:
        url = reverse("identify:extract-new", kwargs={"project_id": project.pk})
        with path.open("rb") as file:
            response = client.post(url, {"file": file, "kind": kind})
        assert response.status_code == 302
        extract = Extract.objects.get(pk=response.url.rstrip("/").rsplit("/", 1)[-1])
        core_services.job_run(job_id=extract.job_id)
        form = client.get(extract.get_absolute_url()).context["form"]
        data = {name: field.initial or "" for name, field in form.fields.items() if name.startswith("column_")}
        data["confidence"] = "0.95"
        if population is not None:
            data["population"] = str(population.pk)
        assert client.post(extract.get_absolute_url(), data).status_code == 302
        extract.refresh_from_db()
        core_services.job_run(job_id=extract.job_id)
        extract.refresh_from_db()
        assert extract.state == Extract.State.READY, extract.error
        return extract

    population = upload_and_confirm(POPULATION, "population")
    referrals = upload_and_confirm(REFERRALS, "service_use", population=population)
    hidden = {
        item.dimension
        for item in Breakdown.objects.filter(extract=referrals)
        if any(row.get("suppressed") for row in item.published["rows"])
    }
    assert hidden, "nothing is suppressed in the demo breakdowns, so this test shows nothing"

    page = journey.page
    journey.log_in(VIEWER, DEMO_PASSWORD)
    dashboard = reverse("identify:dashboard", kwargs={"project_id": project.pk, "extract_id": referrals.pk})
    journey.goto(dashboard)
    assert "Small numbers are suppressed" in page.locator(".nhsuk-inset-text").inner_text()
    assert page.get_by_role("link", name="Show unsuppressed figures (only you can see these)").count() == 0
    pages = page.get_by_role("navigation", name="Breakdown pages")
    pages.get_by_role("link", name="Ethnic group (high level) by sex (stated gender)").click()
    page.wait_for_load_state()
    _wait_for_charts(journey)
    assert "Small numbers are suppressed" in page.locator(".nhsuk-inset-text").inner_text()
    assert page.get_by_role("link", name="Show unsuppressed figures (only you can see these)").count() == 0
    suppressed_cells = page.get_by_role("cell").get_by_text("Suppressed", exact=True)  # "*", read out
    assert suppressed_cells.count() > 0
    assert page.get_by_text("Not for publication").count() == 0

    # Asking for the raw figures by URL still shows the suppressed ones.
    journey.goto(page.url.split("?")[0].removeprefix(journey.base_url) + "?raw=1")
    _wait_for_charts(journey)
    assert page.get_by_text("Not for publication").count() == 0
    assert page.get_by_role("link", name="Download unsuppressed (not for publication)").count() == 0
    assert suppressed_cells.count() > 0
