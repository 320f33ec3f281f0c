"""Journey (issue 13): a governance lead opens a goal's SPC chart from Evaluate and
reads its icons and sentence; a commissioner records the cycle's review with a panel
member (who adds their own view) and starts cycle 2, which begins again at Identify
with the goals not met and the learning carried over. Every page passes axe."""

from datetime import date
from decimal import Decimal

import pytest

from amhe.core import services as core_services
from amhe.core.management.commands.load_demo import DEMO_PASSWORD, WEST_YORKSHIRE
from amhe.core.models import Measure, Project, SmartGoal
from evaluate.measures import demo as measures_demo
from evaluate.models import Review, ReviewView

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _click(journey, role, name):
    journey.page.get_by_role(role, name=name).first.click()
    journey.page.wait_for_load_state()
    journey.check()


def _measured_goal(project):
    """The lead's goal on the demo's monthly series (England Talking Therapies recovery), with a target."""
    measure = Measure.objects.get(project=project, name=measures_demo.NAME)
    lead = project.memberships.get(user__email="lead@wy-icb.example").user
    goal = SmartGoal(
        project=project,
        statement="Half of people finishing talking therapies recover, in every ethnic group",
        measure=measure,
        baseline_value=Decimal("48"),
        baseline_date=date(2021, 1, 31),
        target_value=Decimal("55"),
        target_date=date(2027, 3, 31),
        owner=lead,
        achievable="Funded",
        realistic="In line with England",
    )
    return core_services.smart_goal_save(by=lead, goal=goal)


def test_governance_lead_reads_a_goals_chart_and_a_lead_reviews_the_cycle_and_starts_cycle_2(
    demo, journey, browser, live_server
):
    from tests.browser.conftest import AxeChecked

    page = journey.page
    project = Project.objects.get(name=WEST_YORKSHIRE.project_name)
    goal = _measured_goal(project)
    base = f"/projects/{project.pk}/evaluate"

    # A governance lead opens the goal's SPC chart and reads its icons and sentence.
    journey.log_in("governance@wy-icb.example", DEMO_PASSWORD)
    journey.goto(f"{base}/")
    _click(journey, "link", "See every measure as an SPC chart")
    _click(journey, "link", measures_demo.NAME)
    figure = page.locator(f"#spc-measure-{goal.measure_id}")
    figure.locator("[data-chart-plot] svg.main-svg").first.wait_for()
    journey.check()
    labels = [icon.get_attribute("aria-label") for icon in page.locator("svg.amhe-spc-icon").all()]
    assert len(labels) == 2 and all(labels), labels  # variation and assurance: the goal has a target
    assert any(word in labels[1] for word in ("pass", "fail", "hit and miss", "Inconsistent", "inconsistent")), labels
    summary = figure.locator(".amhe-chart__summary").inner_text()
    assert "target" in summary.lower()
    # Governance leads read the review page but do not write it.
    journey.goto(f"{base}/review/")
    assert page.get_by_text("No review yet.").is_visible()
    assert page.get_by_role("button", name="Start the review").count() == 0

    # The commissioner starts the review, naming the panel member who took part.
    lead_context = browser.new_context(base_url=live_server.url)
    panel_context = browser.new_context(base_url=live_server.url)
    try:
        lead = AxeChecked(lead_context.new_page(), live_server.url)
        lead.log_in("lead@wy-icb.example", DEMO_PASSWORD)
        lead.goto(f"{base}/")
        _click(lead, "button", "Start the review")
        _click(lead, "button", "Save the review")  # nothing filled in: the error summary
        assert lead.page.get_by_role("alert").get_by_text("Say who took part in the review").is_visible()
        lead.page.get_by_label("Who took part").fill("5 members of the Leeds lived experience panel and 2 carers")
        lead.page.get_by_label("Desmond Clarke").check()
        lead.page.get_by_label("What works (optional)", exact=True).fill("Evening clinics in Chapeltown reached carers")
        lead.page.get_by_label("Recommendations for commissioning").fill("Commission the outreach team again.")
        _click(lead, "button", "Save the review")
        review = Review.objects.get(project=project)
        assert review.panel_members.count() == 1

        # Each goal marked with its evidence; the measured one shows its icons on the way.
        goals = SmartGoal.objects.filter(project=project).exclude(status="withdrawn")
        for item in goals:
            lead.goto(f"{base}/review/goals/{item.pk}/")
            outcome = "Partly met" if item.pk == goal.pk else "Met"
            if item.pk == goal.pk:
                assert lead.page.locator("svg.amhe-spc-icon").count() == 2
            lead.page.get_by_label(outcome, exact=True).check()
            lead.page.get_by_label("Evidence").fill("The SPC chart and the panel's feedback.")
            _click(lead, "button", "Save")
        assert review.goal_reviews.count() == goals.count()

        # The panel member adds their own view, shown without their name.
        panel = AxeChecked(panel_context.new_page(), live_server.url)
        panel.log_in("panel@wy-icb.example", DEMO_PASSWORD)
        panel.goto(f"{base}/review/")
        _click(panel, "link", "Add your view")
        panel.page.get_by_label("Your view of the review").fill("Buses to the clinic made the difference.")
        _click(panel, "button", "Save your view")
        assert ReviewView.objects.filter(review=review).count() == 1
        assert panel.page.get_by_text("Buses to the clinic made the difference.").is_visible()

        # The commissioner completes the review and starts cycle 2.
        lead.goto(f"{base}/review/")
        assert lead.page.get_by_text("Buses to the clinic made the difference.").is_visible()
        _click(lead, "button", "Complete the review")
        _click(lead, "button", "Complete the review")
        review.refresh_from_db()
        assert review.state == Review.State.COMPLETE
        _click(lead, "button", "Start the next cycle")
        assert lead.page.get_by_text(goal.statement[:40]).first.is_visible()  # it is carried over
        _click(lead, "button", "Start the next cycle")
        new = Project.objects.get(previous_cycle=project)
        assert lead.page.url.endswith(new.get_absolute_url())
        assert lead.page.get_by_text("Learning carried over").is_visible()
        assert lead.page.get_by_text("Evening clinics in Chapeltown reached carers").is_visible()
        assert new.current_step == Project.Step.IDENTIFY and new.cycle_number == project.cycle_number + 1
        assert list(SmartGoal.objects.filter(project=new).values_list("statement", flat=True)) == [goal.statement]
        lead.goto(f"/projects/{new.pk}/evaluate/measures/")
        _click(lead, "link", measures_demo.NAME)  # the series goes on in cycle 2
    finally:
        lead_context.close()
        panel_context.close()
