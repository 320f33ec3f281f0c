"""Journey: a lead starts the strategy (3A) from two agreed priorities,
completes one intervention and sees the evidence behind it, adds a risk to
the register and records a decision (3C); a panel member comments on the
strategy in their own browser. Every page, error states included, passes axe."""

import datetime

import pytest
from django.utils import timezone

from amhe.core.models import Role
from deliver.models import Decision, Risk, StrategyComment
from tests.factories import PriorityFactory, ReferenceFactory, SmartGoalFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _click(journey, role, name):
    journey.page.get_by_role(role, name=name).first.click()
    journey.page.wait_for_load_state()
    journey.check()


def _date(page, name, day: datetime.date):
    page.locator(f"input[name={name}_day]").fill(str(day.day))
    page.locator(f"input[name={name}_month]").fill(str(day.month))
    page.locator(f"input[name={name}_year]").fill(str(day.year))


def test_lead_starts_a_strategy_from_two_priorities_adds_a_risk_and_a_panel_member_comments(
    journey, browser, live_server, project, member_of
):
    from tests.browser.conftest import AxeChecked
    from tests.browser.test_narrow_screens import signed_in

    lead = member_of(project, Role.LEAD)
    governance = member_of(project, Role.GOVERNANCE)
    governance.full_name = "Gita Governance"
    governance.save()
    panel = member_of(project, Role.PANEL)
    evidence = ReferenceFactory(project=project, title="Peer support in crisis: a review")
    evening = PriorityFactory(project=project, title="Evening peer support", state="agreed", characteristics=["race"])
    evening.references.add(evidence)
    PriorityFactory(project=project, title="Interpreters at every assessment", state="agreed")
    SmartGoalFactory(project=project, statement="Halve the gap in detention rates", owner=lead)
    page = journey.page
    base = f"/projects/{project.pk}/deliver"

    signed_in(journey, lead)
    journey.goto(f"{base}/")
    _click(journey, "button", "Start the strategy from the agreed priorities")
    page.get_by_label("Title").fill("")
    _click(journey, "button", "Add interventions")  # the error summary
    assert page.get_by_role("alert").get_by_text("Select at least one agreed priority").is_visible()
    page.get_by_label("Title").fill("Fairer crisis care in Leeds")
    page.get_by_label("Evening peer support").check()
    page.get_by_label("Interpreters at every assessment").check()
    _click(journey, "button", "Add interventions")
    assert page.get_by_role("heading", name="Fairer crisis care in Leeds").is_visible()
    assert page.get_by_text("Not chosen yet").first.is_visible()

    _click(journey, "link", "Evening peer support")
    assert page.get_by_role("link", name="Peer support in crisis: a review").is_visible()
    _click(journey, "button", "Change intervention")
    page.get_by_label("Choice of delivery: outreach, home-based care, street clinics or phone").check()
    page.get_by_label("Owner (optional)").select_option(label="Gita Governance")
    page.get_by_label("Halve the gap in detention rates (draft)").check()
    _click(journey, "button", "Save intervention")
    assert page.get_by_text("Choice of delivery").first.is_visible()
    strategy = project.strategy
    intervention = strategy.interventions.get(title="Evening peer support")
    assert intervention.kind == "choice_of_delivery" and intervention.owner == governance
    journey.goto(f"{base}/strategy/edit/")
    journey.goto(f"{base}/strategy/interventions/new/")
    journey.goto(f"{base}/strategy/interventions/{intervention.pk}/delete/")

    # A risk, after a first try with gaps.
    journey.goto(f"{base}/risks/")
    _click(journey, "button", "Add a risk")
    _click(journey, "button", "Add risk")  # the error summary
    assert page.get_by_role("alert").get_by_text("Select how likely it is").is_visible()
    page.get_by_label("Risk", exact=True).fill("Too few peer supporters for evening cover")
    page.locator("input[name=likelihood][value='4']").check()
    page.locator("input[name=impact][value='3']").check()
    page.locator("input[name=target_likelihood][value='2']").check()
    page.locator("input[name=target_impact][value='3']").check()
    page.get_by_label("Owner", exact=True).select_option(label="Gita Governance")
    _date(page, "review_date", timezone.localdate() + datetime.timedelta(days=60))
    _click(journey, "button", "Add risk")
    risk = Risk.objects.get(project=project)
    assert (risk.score, risk.band.label) == (12, "High")
    assert page.get_by_text("Above target (score 12, target 6)").is_visible()
    _click(journey, "link", "Back to the risk register")
    journey.goto(f"{base}/risks/{risk.pk}/edit/")
    journey.goto(f"{base}/risks/{risk.pk}/delete/")

    # A decision about it.
    journey.goto(f"{base}/decisions/")
    _click(journey, "button", "Record a decision")
    _date(page, "decided_on", timezone.localdate())
    page.get_by_label("Decision", exact=True).fill("Recruit through faith groups")
    page.get_by_label("Made by").fill("Equality board")
    page.get_by_label("What it is about (optional)").select_option(label=risk.title)
    _click(journey, "button", "Record decision")
    decision = Decision.objects.get(project=project)
    assert decision.risk == risk
    journey.goto(f"{base}/decisions/{decision.pk}/edit/")
    journey.goto(f"{base}/")

    # A panel member comments, in their own browser.
    context = browser.new_context(base_url=live_server.url)
    try:
        other = AxeChecked(context.new_page(), live_server.url)
        signed_in(other, panel)
        other.goto(f"{base}/strategy/")
        _click(other, "button", "Comment on the strategy")
        _click(other, "button", "Save comment")  # the error summary
        assert other.page.get_by_role("alert").get_by_text("Enter your comment").is_visible()
        other.page.get_by_label("Your comment").fill("Ask people who used crisis services where the café goes")
        _click(other, "button", "Save comment")
        assert other.page.get_by_text("Ask people who used crisis services where the café goes").is_visible()
        assert StrategyComment.objects.get(strategy=strategy).member == panel
        other.goto(f"{base}/risks/")
        other.goto(f"{base}/decisions/")
        other.goto(f"{base}/strategy/interventions/{intervention.pk}/")
    finally:
        context.close()


def test_the_demo_deliver_pages_pass_axe_and_fit_a_phone(demo, journey):
    """The Leeds demo's strategy, risk register (one risk past review) and decision log,
    read by the demo lead at desktop width and then on a phone."""
    from amhe.core.management.commands.load_demo import DEMO_PASSWORD, WEST_YORKSHIRE
    from amhe.core.models import Project
    from tests.browser.test_narrow_screens import PHONE, assert_no_horizontal_overflow

    project = Project.objects.get(name=WEST_YORKSHIRE.project_name)
    intervention = project.strategy.interventions.first()
    risk = project.risks.get(title__startswith="Interpreters")
    base = f"/projects/{project.pk}/deliver"
    pages = ("/", "/strategy/", f"/strategy/interventions/{intervention.pk}/", "/risks/", f"/risks/{risk.pk}/")
    journey.log_in("lead@wy-icb.example", DEMO_PASSWORD)
    journey.goto(f"{base}/")
    assert journey.page.get_by_text("Past their review date:").is_visible()
    journey.goto(f"{base}/risks/")
    assert journey.page.get_by_text("Past its review date (").first.is_visible()
    journey.goto(f"{base}/decisions/")
    journey.page.set_viewport_size(PHONE)
    for path in (*pages, "/decisions/", "/risks/new/", "/strategy/start/"):
        journey.goto(base + path)
        assert_no_horizontal_overflow(journey.page)


def test_demo_measures_pass_axe_and_fit_a_phone(demo, journey, browser, live_server):
    """The Leeds demo's measure from its upload: the analyst reads it and defines another (with
    the error state first); the lead measures a goal from it and is told plainly when the
    target is on the wrong side of the baseline. Every page passes axe, and fits a phone."""
    from amhe.core.management.commands.load_demo import DEMO_PASSWORD, WEST_YORKSHIRE
    from amhe.core.models import Project, SmartGoal
    from deliver.measures import demo as measures_demo
    from tests.browser.conftest import AxeChecked
    from tests.browser.test_narrow_screens import PHONE, assert_no_horizontal_overflow

    project = Project.objects.get(name=WEST_YORKSHIRE.project_name)
    measure = project.measures.get(name=measures_demo.NAME)
    extract_id = measure.definition["extract_id"]
    base = f"/projects/{project.pk}/deliver"
    journey.log_in("analyst@wy-icb.example", DEMO_PASSWORD)
    journey.goto(f"{base}/")
    assert journey.page.get_by_text("Measures and goals").is_visible()
    journey.goto(f"{base}/measures/{measure.pk}/")
    assert journey.page.get_by_role("table", name="Values of this measure by period, oldest first").is_visible()
    journey.goto(f"{base}/measures/new/")
    _click(journey, "link", "Crisis referrals 2024-25 (synthetic demo data)")
    _click(journey, "button", "Define measure")
    assert journey.page.get_by_text("There is a problem").is_visible()
    journey.page.get_by_label("Name").fill("Share of crisis referrals, Black or Black British")
    journey.page.get_by_label("Share of all records (per cent)").check()
    journey.page.get_by_label("Group", exact=True).select_option(label="Black or Black British")
    journey.page.get_by_label("Higher is better").check()
    _click(journey, "button", "Define measure")
    assert journey.page.get_by_role("heading", name="Share of crisis referrals, Black or Black British").is_visible()
    journey.goto(f"{base}/measures/{measure.pk}/values/")

    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    try:
        lead = AxeChecked(context.new_page(), live_server.url)
        lead.log_in("lead@wy-icb.example", DEMO_PASSWORD)
        goal = SmartGoal.objects.get(project=project, measure=measure)
        lead.goto(f"{base}/goals/{goal.pk}/measure/")
        lead.page.get_by_label("Target value").fill("99999")
        lead.page.get_by_role("button", name="Save").click()
        lead.page.wait_for_load_state()
        lead.check()
        assert lead.page.get_by_text("so the target cannot be above the baseline").first.is_visible()
        lead.goto(f"{base}/measures/")
        lead.page.set_viewport_size(PHONE)
        for path in ("/measures/", f"/measures/{measure.pk}/", f"/goals/{goal.pk}/measure/"):
            lead.goto(base + path)
            assert_no_horizontal_overflow(lead.page)
    finally:
        context.close()
    journey.page.set_viewport_size(PHONE)
    for path in ("/measures/new/", f"/measures/new/{extract_id}/", f"/measures/{measure.pk}/values/"):
        journey.goto(base + path)
        assert_no_horizontal_overflow(journey.page)
