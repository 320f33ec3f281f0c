"""Journey: an analyst opens Evaluate 4A, finds the demo's England Talking Therapies
recovery series, reads its SPC chart's sentence and table, sets a date the limits
start again from (after a date too late to use), switches moving-range screening off
and removes the date again. Every page passes axe with no violation of any impact."""

import re

import pytest

from amhe.core.management.commands.load_demo import DEMO_PASSWORD, WEST_YORKSHIRE
from amhe.core.models import Measure, Project
from amhe.stats import spc
from evaluate.measures import demo as measures_demo
from evaluate.models import MeasureRebase

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _click(journey, role, name):
    journey.page.get_by_role(role, name=name).first.click()
    journey.page.wait_for_load_state()
    journey.check()


def test_analyst_reads_an_spc_chart_rebases_it_and_switches_screening(demo, journey):
    page = journey.page
    project = Project.objects.get(name=WEST_YORKSHIRE.project_name)
    measure = Measure.objects.get(project=project, name=measures_demo.NAME)
    journey.log_in("analyst@wy-icb.example", DEMO_PASSWORD)
    journey.goto(f"/projects/{project.pk}/evaluate/")
    assert page.get_by_role("link", name=measures_demo.NAME).first.is_visible()

    _click(journey, "link", "See every measure as an SPC chart")
    _click(journey, "link", measures_demo.NAME)
    assert page.get_by_role("heading", name=measures_demo.NAME, level=1).is_visible()

    # The chart is drawn, and its table has every month with its limits and variation.
    figure = page.locator(f"#spc-measure-{measure.pk}")
    figure.locator("[data-chart-plot] svg.main-svg").first.wait_for()
    journey.check()
    table = figure.get_by_role("table")
    assert table.locator("tbody tr").count() == 63
    assert table.locator("tbody tr").first.locator("th").inner_text() == "Jan 2021"
    assert table.locator("thead th").all_inner_texts() == [
        "Period",
        "Per cent",
        "Mean",
        "Lower process limit",
        "Upper process limit",
        "Variation",
    ]
    summary = figure.locator(".amhe-chart__summary").inner_text()
    assert re.match(r"(The last point shows|Only common cause variation)", summary)
    assert "Trial limits" not in summary
    # The icons are images with words, and the words are also beside them.
    icon = page.locator("svg.amhe-spc-icon").first
    label = icon.get_attribute("aria-label")
    words = page.locator(".amhe-spc-icons__item > span").first
    assert label and words.is_visible() and words.inner_text() == label
    assert page.get_by_text("Higher is better, so points above the mean are improvement").is_visible()

    # A date too late to use, then one the chart can start again from.
    _click(journey, "button", "Start the limits again from a date")
    page.get_by_label("Day").fill("1")
    page.get_by_label("Month").fill("3")
    page.get_by_label("Year").fill("2026")
    page.get_by_label("Why the process changed then").fill("Made-up change for this test")
    _click(journey, "button", "Save the date")
    assert page.get_by_role("alert").get_by_text("at least two plotted points").first.is_visible()
    page.get_by_label("Year").fill("2023")
    page.get_by_label("Month").fill("4")
    _click(journey, "button", "Save the date")
    assert MeasureRebase.objects.filter(measure=measure).count() == 1
    summary = figure.locator(".amhe-chart__summary").inner_text()
    assert "The limits start again from Apr 2023." in summary
    assert "Screening left out 2 unusually large jumps" in summary
    assert page.get_by_text("Made-up change for this test").is_visible()
    first_after = table.locator("tbody tr").nth(27)  # Apr 2023 is the 28th month
    assert first_after.locator("th").inner_text() == "Apr 2023"
    mean_before = table.locator("tbody tr").first.locator("td").nth(1).inner_text()
    assert first_after.locator("td").nth(1).inner_text() != mean_before

    # Screening off: the page says so and keeps working.
    upper_on = table.locator("tbody tr").first.locator("td").nth(3).inner_text()
    page.get_by_label("Off").check()
    _click(journey, "button", "Update the chart")
    assert "screening=off" in page.url
    assert page.get_by_label("Off").is_checked()
    upper_off = page.locator(f"#spc-measure-{measure.pk} tbody tr").first.locator("td").nth(3).inner_text()
    # The jump into April 2021 is screened out of the first segment's limits; without screening they widen.
    values = [float(value) for _, _, value in measures_demo.rows()]
    expected = [
        spc.xmr(values, options=spc.Options(screen=screen), rebase_at=[27]).segments[0].upl for screen in (True, False)
    ]
    assert (upper_on, upper_off) == tuple(f"{upl:.1f}" for upl in expected)
    assert expected[0] < expected[1]
    summary = page.locator(".amhe-chart__summary").inner_text()
    assert "Screening left out" not in summary

    # Remove the date again.
    _click(journey, "link", "Remove the restart from 1 April 2023")
    _click(journey, "button", "Remove it")
    assert not MeasureRebase.objects.filter(measure=measure).exists()
    assert "The limits start again" not in page.locator(".amhe-chart__summary").inner_text()

    assert all(not violations for violations in journey.reports.values()), journey.reports
