"""Journey (2B): a lead builds a driver diagram whose aim is the project's agreed
SMART goal, with a secondary driver serving two primary drivers, meets a
refusal that says what to do, and downloads the SVG; a panel member reads the
diagram and its text version. Every page passes axe."""

import pytest

from amhe.core.management.commands.load_demo import DEMO_PASSWORD, WEST_YORKSHIRE
from amhe.core.models import Project
from research.models import Diagram

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _click(journey, role, name):
    journey.page.get_by_role(role, name=name).first.click()
    journey.page.wait_for_load_state()
    journey.check()


def _add_box(journey, kind, text, parents=()):
    page = journey.page
    _click(journey, "button", "Add a box")
    page.get_by_label(kind, exact=True).check()
    _click(journey, "button", "Continue")
    if text:
        page.get_by_label("What it says").fill(text)
    for parent in parents:
        page.get_by_label(parent).check()
    _click(journey, "button", f"Add {kind.lower()}")


def test_lead_builds_a_driver_diagram_and_panel_member_reads_it(demo, journey, browser, live_server):
    page = journey.page
    project = Project.objects.get(name=WEST_YORKSHIRE.project_name)
    journey.log_in("lead@wy-icb.example", DEMO_PASSWORD)
    journey.goto(f"/projects/{project.pk}/research/")
    _click(journey, "button", "Start a diagram")
    page.get_by_label("Title").fill("Fewer detentions in Leeds")
    page.get_by_label("Driver diagram").check()
    _click(journey, "button", "Start diagram")
    diagram = Diagram.objects.get(project=project, title="Fewer detentions in Leeds")

    # The aim is the agreed SMART goal.
    _click(journey, "link", "add the aim")
    page.get_by_label("Use an agreed SMART goal (optional)").select_option(index=1)
    _click(journey, "button", "Add aim")
    aim = diagram.nodes.get(kind="aim")
    assert aim.goal is not None

    _add_box(journey, "Primary driver", "Earlier help in a crisis", ["Aim: Reduce detentions"])
    _add_box(journey, "Primary driver", "Trust in services", ["Aim: Reduce detentions"])
    # Nothing ticked: refused, with the message in the error summary, the text kept.
    _add_box(journey, "Secondary driver", "Community crisis café open in the evening")
    summary = page.get_by_role("alert")
    assert summary.get_by_text("Choose at least one primary driver this secondary driver serves.").is_visible()
    assert page.get_by_label("What it says").input_value() == "Community crisis café open in the evening"
    page.get_by_label("Primary driver: Earlier help in a crisis").check()
    page.get_by_label("Primary driver: Trust in services").check()
    _click(journey, "button", "Add secondary driver")
    secondary = diagram.nodes.get(kind="secondary")
    assert secondary.parents.count() == 2

    # The picture and its text version.
    svg = page.locator(f"svg#diagram-{diagram.pk}")
    assert "Community crisis café" in svg.text_content()
    assert page.get_by_text("Also serves: Primary driver: Trust in services.").is_visible()

    # The wide picture scrolls inside its region; the page itself is never wider than the screen.
    for viewport in ({"width": 390, "height": 844}, {"width": 1280, "height": 900}):
        page.set_viewport_size(viewport)
        # The NHS.UK header folds its navigation into "More" on resize, a moment later.
        page.wait_for_function("() => document.documentElement.scrollWidth <= window.innerWidth", timeout=10_000)
    region = page.get_by_role("region", name="Diagram")
    assert region.evaluate("el => el.scrollWidth > el.clientWidth")
    journey.check()

    with page.expect_download() as download:
        page.get_by_role("button", name="Download as SVG").click()
    assert download.value.suggested_filename == "fewer-detentions-in-leeds.svg"

    # A panel member reads it; nothing to change.
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    from tests.browser.conftest import AxeChecked

    panel = AxeChecked(context.new_page(), live_server.url)
    panel.log_in("panel@wy-icb.example", DEMO_PASSWORD)
    panel.goto(f"/projects/{project.pk}/research/plans/{diagram.pk}/")
    assert panel.page.get_by_role("heading", name="Text version").is_visible()
    assert panel.page.get_by_role("button", name="Add a box").count() == 0
    context.close()


def test_theory_of_change_pages_pass_axe(demo, journey):
    from research.plans import services

    project = Project.objects.get(name=WEST_YORKSHIRE.project_name)
    lead = project.memberships.get(role="lead").user
    d = services.diagram_create(by=lead, project=project, kind="change", title="Crisis café")
    top = services.node_create(by=lead, diagram=d, kind="long_term", text="Fewer detentions")
    mid = services.node_create(by=lead, diagram=d, kind="intermediate", text="Help sooner", parents=[top])
    services.node_create(by=lead, diagram=d, kind="assumption", text="People will come", parents=[mid, top])
    journey.log_in("lead@wy-icb.example", DEMO_PASSWORD)
    journey.goto(f"/projects/{project.pk}/research/plans/{d.pk}/")
    page = journey.page
    assert page.locator(f"svg#diagram-{d.pk} marker").count() == 1
    assert page.get_by_text("A1 Assumption: People will come").first.is_visible()
    journey.goto(f"/projects/{project.pk}/research/plans/{d.pk}/boxes/new/?kind=indicator")
    assert page.get_by_text("Which boxes does it belong to?").is_visible()
    assert page.get_by_label("Intermediate outcome: Help sooner").is_visible()
    journey.goto(f"/projects/{project.pk}/research/plans/{d.pk}/boxes/new/?kind=early")
    journey.goto(f"/projects/{project.pk}/research/plans/{d.pk}/delete/")
    journey.goto(f"/projects/{project.pk}/research/plans/")
