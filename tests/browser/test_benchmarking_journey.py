"""Journey: an analyst opens Evaluate 4A, reads the demo's benchmark of Leeds's ICB
against England and peer ICBs (funnel plot, table, sentence), uploads a file of
comparators with a mistake in it, sees the message, uploads it right, and adds a peer
area from the published data; on a phone the page is no wider than the screen. Every page
passes axe with no violation of any impact."""

import pytest

from amhe.core.management.commands.load_demo import DEMO_PASSWORD, WEST_YORKSHIRE
from amhe.core.models import Project
from evaluate.benchmarking import demo as benchmarking_demo
from evaluate.models import Benchmark

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _click(journey, role, name):
    with journey.page.expect_navigation():
        journey.page.get_by_role(role, name=name, exact=True).first.click()
    journey.page.wait_for_load_state()
    journey.check()


def test_analyst_reads_a_funnel_plot_and_adds_comparators(demo, journey, tmp_path):
    page = journey.page
    project = Project.objects.get(name=WEST_YORKSHIRE.project_name)
    benchmark = Benchmark.objects.get(project=project, title=benchmarking_demo.TITLE)
    journey.log_in("analyst@wy-icb.example", DEMO_PASSWORD)
    journey.goto(f"/projects/{project.pk}/evaluate/")
    _click(journey, "link", "Compare the project's figures with England and peer areas")
    _click(journey, "link", benchmarking_demo.TITLE)
    assert page.get_by_role("heading", name=benchmarking_demo.TITLE, level=1).is_visible()

    figure = page.locator(f"#benchmark-{benchmark.pk}")
    figure.locator("[data-chart-plot] svg.main-svg").first.wait_for()
    journey.check()
    summary = figure.locator(".amhe-chart__summary").inner_text()
    # West Yorkshire: 170 of 380 = 44.7% against England's 50.5% (2024-25).
    assert summary.startswith("NHS West Yorkshire ICB (Leeds's ICB) is worse than England at 95%: 44.7%")
    assert "Of 5 comparators:" in summary
    rows = figure.get_by_role("table").locator("tbody tr")
    assert rows.count() == 6
    assert rows.first.locator("th").inner_text() == "NHS West Yorkshire ICB (Leeds's ICB) (this project)"

    # A file with a mistake: nothing is saved and the row is named.
    bad = tmp_path / "peers.csv"
    bad.write_text("name,numerator,denominator\nBradford district,30,20\n", encoding="utf-8")
    _click(journey, "link", "Upload comparators from a CSV file")
    page.get_by_label("Upload a CSV file").set_input_files(str(bad))
    _click(journey, "button", "Upload")
    assert page.get_by_role("alert").get_by_text("Row 2 numerator is larger than the denominator").first.is_visible()
    assert benchmark.comparators.count() == 5

    good = tmp_path / "good.csv"
    good.write_text("name,numerator,denominator,period\nBradford district,90,200,2024-25\n", encoding="utf-8")
    page.get_by_label("Upload a CSV file").set_input_files(str(good))
    _click(journey, "button", "Upload")
    assert page.get_by_text("1 comparator saved from the file.").is_visible()
    assert rows.count() == 7

    _click(journey, "link", "Add peer areas from the published data")
    page.get_by_label("NHS Birmingham and Solihull ICB").check()
    _click(journey, "button", "Add areas")
    assert page.get_by_text("1 area added from the published data.").is_visible()
    assert benchmark.comparators.count() == 7

    # On a phone the page is no wider than the screen: the table scrolls in its own region.
    page.set_viewport_size({"width": 390, "height": 844})
    journey.goto(f"/projects/{project.pk}/evaluate/benchmarking/{benchmark.pk}/")
    figure.locator("[data-chart-plot] svg.main-svg").first.wait_for()
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], widths
    journey.check()
