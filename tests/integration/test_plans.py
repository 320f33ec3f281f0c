"""Research 2B: driver diagrams and theories of change, through the services
(the graph's rules) and the pages (building, viewing, the text version, the
SVG download)."""

import re
import xml.etree.ElementTree as ET

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from amhe.core.models import Role, SmartGoal
from research.models import Diagram, DiagramNode
from research.plans import presenters, selectors, services
from tests.factories import DiagramFactory, DiagramNodeFactory, SmartGoalFactory


def _parse(svg):
    """Our own SVG, parsed to check it is well-formed XML (no untrusted input)."""
    return ET.fromstring(svg)  # noqa: S314


pytestmark = pytest.mark.django_db
K = DiagramNode.Kind


@pytest.fixture
def lead(project, member_of):
    return member_of(project, Role.LEAD)


@pytest.fixture
def driver(project, lead):
    """A driver diagram: aim; primaries P1, P2; secondary S1 serving both, S2 serving P1; idea C1 on S2."""
    d = services.diagram_create(by=lead, project=project, kind="driver", title="Fewer detentions")
    add = lambda kind, text, *parents: services.node_create(  # noqa: E731
        by=lead, diagram=d, kind=kind, text=text, parents=parents
    )
    aim = add(K.AIM, "Reduce detentions of Black men in Leeds")
    p1 = add(K.PRIMARY, "Earlier help in a crisis", aim)
    p2 = add(K.PRIMARY, "Trust in services", aim)
    s1 = add(K.SECONDARY, "Community crisis cafe open evenings", p1, p2)
    s2 = add(K.SECONDARY, "Street triage", p1)
    c1 = add(K.CHANGE_IDEA, "Peer supporters with police", s2)
    return d, {"aim": aim, "p1": p1, "p2": p2, "s1": s1, "s2": s2, "c1": c1}


def _message(exc, field="parents"):
    return " ".join(exc.value.message_dict[field])


# --- The graph's rules --------------------------------------------------------------------


def test_a_box_may_serve_several_parents(driver):
    d, n = driver
    assert set(n["s1"].parents.all()) == {n["p1"], n["p2"]}
    assert set(n["p1"].children.all()) == {n["s1"], n["s2"]}


def test_a_parent_of_the_wrong_level_is_refused_with_a_clear_message(driver, lead):
    d, n = driver
    with pytest.raises(ValidationError) as exc:
        services.node_create(by=lead, diagram=d, kind=K.CHANGE_IDEA, text="Idea", parents=[n["p1"]])
    assert _message(exc) == (
        "A change idea can serve only secondary drivers: 'Earlier help in a crisis' is a primary driver. Untick it."
    )
    assert not DiagramNode.objects.filter(text="Idea").exists()


def test_a_box_must_serve_something_of_the_level_above(driver, lead):
    d, n = driver
    with pytest.raises(ValidationError) as exc:
        services.node_create(by=lead, diagram=d, kind=K.SECONDARY, text="Orphan", parents=[])
    assert _message(exc) == "Choose at least one primary driver this secondary driver serves."


def test_a_box_cannot_be_added_before_its_level_above(project, lead):
    d = services.diagram_create(by=lead, project=project, kind="driver", title="Empty")
    with pytest.raises(ValidationError) as exc:
        services.node_create(by=lead, diagram=d, kind=K.PRIMARY, text="Driver", parents=[])
    assert _message(exc) == "Add an aim first: a primary driver must serve at least one."


def test_one_aim_only(driver, lead):
    d, n = driver
    with pytest.raises(ValidationError) as exc:
        services.node_create(by=lead, diagram=d, kind=K.AIM, text="Another aim")
    assert _message(exc, "kind") == "This diagram already has its aim. Change that one instead of adding another."


def test_a_loop_is_refused_with_a_clear_message(driver, lead):
    d, n = driver
    # S1 serves P1: P1 cannot also serve S1.
    with pytest.raises(ValidationError) as exc:
        services.node_update(by=lead, node=n["p1"], text="Earlier help in a crisis", parents=[n["s1"]])
    assert _message(exc) == (
        "'Community crisis cafe open evenings' already serves this primary driver, so it cannot also be served "
        "by it: that would make a loop. Untick it."
    )
    assert list(n["p1"].parents.all()) == [n["aim"]]


def test_a_box_cannot_serve_itself(driver, lead):
    d, n = driver
    with pytest.raises(ValidationError) as exc:
        services.node_update(by=lead, node=n["s1"], text="x", parents=[n["s1"]])
    assert _message(exc) == "A secondary driver cannot serve itself. Untick it."


def test_a_box_of_another_diagram_is_refused(driver, lead, project):
    d, n = driver
    other = DiagramFactory(project=project)
    other_aim = DiagramNodeFactory(diagram=other, kind=K.AIM)
    with pytest.raises(ValidationError) as exc:
        services.node_create(by=lead, diagram=d, kind=K.PRIMARY, text="x", parents=[other_aim])
    assert _message(exc) == "Choose only boxes of this diagram."


def test_a_kind_the_diagram_does_not_hold_is_refused(driver, lead):
    d, n = driver
    with pytest.raises(ValidationError) as exc:
        services.node_create(by=lead, diagram=d, kind=K.ACTIVITY, text="x", parents=[n["s1"]])
    assert "holds only these kinds of box: aim, primary driver, secondary driver, change idea" in _message(exc, "kind")


def test_theory_of_change_assumptions_and_indicators_belong_to_any_level(project, lead):
    d = services.diagram_create(by=lead, project=project, kind="change", title="Crisis cafe")
    long_term = services.node_create(by=lead, diagram=d, kind=K.LONG_TERM, text="Fewer detentions")
    mid = services.node_create(by=lead, diagram=d, kind=K.INTERMEDIATE, text="Earlier help", parents=[long_term])
    early = services.node_create(by=lead, diagram=d, kind=K.EARLY, text="People know the cafe", parents=[mid])
    act = services.node_create(by=lead, diagram=d, kind=K.ACTIVITY, text="Leaflets in Urdu", parents=[early])
    assumption = services.node_create(
        by=lead, diagram=d, kind=K.ASSUMPTION, text="People will come", parents=[act, long_term]
    )
    assert set(assumption.parents.all()) == {act, long_term}
    with pytest.raises(ValidationError) as exc:
        services.node_create(by=lead, diagram=d, kind=K.INDICATOR, text="Visits", parents=[assumption])
    assert _message(exc) == (
        "An indicator can belong to only long-term outcome, intermediate outcomes, early outcomes, activities: "
        "'People will come' is an assumption. Untick it."
    )
    with pytest.raises(ValidationError) as exc:
        services.node_create(by=lead, diagram=d, kind=K.EARLY, text="x", parents=[long_term])
    assert "can serve only intermediate outcomes" in _message(exc)


def test_the_aim_can_be_an_agreed_smart_goal(project, lead):
    goal = SmartGoalFactory(project=project, status=SmartGoal.Status.AGREED)
    d = services.diagram_create(by=lead, project=project, kind="driver", title="Goal")
    aim = services.node_create(by=lead, diagram=d, kind=K.AIM, text="", goal=goal)
    assert aim.label == goal.statement
    draft = SmartGoalFactory(project=project)
    with pytest.raises(ValidationError) as exc:
        services.node_update(by=lead, node=aim, text="", goal=draft)
    assert _message(exc, "goal") == "Choose an agreed SMART goal, or write the aim in words."
    with pytest.raises(ValidationError) as exc:
        services.node_create(by=lead, diagram=d, kind=K.PRIMARY, text="x", parents=[aim], goal=goal)
    assert _message(exc, "goal") == "Only the aim can be a SMART goal."


def test_removing_a_box_leaves_its_only_children_unlinked(driver, lead):
    d, n = driver
    assert selectors.children_left_unlinked(n["p1"]) == [n["s2"]]  # S1 also serves P2
    services.node_delete(by=lead, node=n["p1"])
    assert list(n["s1"].parents.all()) == [n["p2"]]
    assert list(n["s2"].parents.all()) == []


# --- Text alternative and picture ---------------------------------------------------------


def test_text_alternative_lists_each_box_once_in_full(driver):
    d, n = driver
    picture = presenters.picture(d, selectors.diagram_nodes(d))
    (aim,) = picture.tree
    assert aim.kind == "Aim" and aim.text == "Reduce detentions of Black men in Leeds"
    p1, p2 = aim.children
    assert [c.text for c in p1.children] == ["Community crisis cafe open evenings", "Street triage"]
    s1 = p1.children[0]
    assert s1.also_serves == ("Primary driver: Trust in services",)
    assert [(c.text, c.reference) for c in p2.children] == [("Community crisis cafe open evenings", True)]
    assert p1.children[1].children[0].text == "Peer supporters with police"
    assert picture.unlinked == []


def test_picture_marks_unlinked_boxes_in_words(driver, lead):
    d, n = driver
    services.node_delete(by=lead, node=n["p1"])
    picture = presenters.picture(d, selectors.diagram_nodes(d))
    assert [i.text for i in picture.unlinked] == ["Street triage"]
    assert "(Not linked yet)" in picture.svg


def test_theory_of_change_is_drawn_from_activities_to_outcome_with_notes(project, lead):
    d = services.diagram_create(by=lead, project=project, kind="change", title="Crisis cafe")
    top = services.node_create(by=lead, diagram=d, kind=K.LONG_TERM, text="Fewer detentions")
    services.node_create(by=lead, diagram=d, kind=K.INDICATOR, text="Detentions per 100,000", parents=[top])
    svg = presenters.picture(d, selectors.diagram_nodes(d)).svg
    root = _parse(svg)
    headings = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text") if t.get("font-weight") == "bold"]
    assert headings == [
        "Activities",
        "Early outcomes",
        "Intermediate outcomes",
        "Long-term outcome",
        "Assumptions and indicators",
    ]
    assert "I1 Indicator: Detentions per 100,000" in svg
    assert ">See I1<" in svg


# --- Pages ----------------------------------------------------------------------------------


def _url(name, project, **kw):
    return reverse(f"research:{name}", kwargs={"project_id": project.pk, **kw})


def test_lead_builds_a_diagram_through_the_pages(client, project, lead):
    client.force_login(lead)
    response = client.post(_url("diagram-new", project), {"title": "Fewer detentions", "kind": "driver"})
    d = Diagram.objects.get(project=project)
    assert response.url == _url("diagram", project, diagram_id=d.pk)
    new = _url("node-new", project, diagram_id=d.pk)
    assert client.post(f"{new}?kind=aim", {"text": "Reduce detentions"}).status_code == 302
    aim = d.nodes.get(kind=K.AIM)
    page = client.get(f"{new}?kind=primary").content.decode()
    assert "Which aim does it serve?" in page
    assert client.post(f"{new}?kind=primary", {"text": "Earlier help", "parents": [aim.pk]}).status_code == 302
    primary = d.nodes.get(kind=K.PRIMARY)
    assert list(primary.parents.all()) == [aim]
    # Change it, then remove it.
    edit = _url("node-edit", project, diagram_id=d.pk, node_id=primary.pk)
    assert client.post(edit, {"text": "Help sooner", "parents": [aim.pk]}).status_code == 302
    primary.refresh_from_db()
    assert primary.text == "Help sooner"
    assert client.post(_url("node-delete", project, diagram_id=d.pk, node_id=primary.pk)).status_code == 302
    assert not d.nodes.filter(kind=K.PRIMARY).exists()


def test_a_refused_box_shows_the_message_and_keeps_what_was_typed(client, project, lead, driver):
    d, n = driver
    client.force_login(lead)
    url = _url("node-new", project, diagram_id=d.pk) + "?kind=secondary"
    response = client.post(url, {"text": "Something I typed", "parents": []})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Choose at least one primary driver this secondary driver serves." in page
    assert "Something I typed" in page
    assert "nhsuk-error-summary" in page


def test_node_page_without_a_kind_asks_which(client, project, lead, driver):
    d, n = driver
    client.force_login(lead)
    page = client.get(_url("node-new", project, diagram_id=d.pk)).content.decode()
    assert "What do you want to add?" in page
    page = client.get(_url("node-new", project, diagram_id=d.pk) + "?kind=nonsense").content.decode()
    assert "What do you want to add?" in page
    assert "Select a valid choice" in page


def test_box_of_another_diagram_is_404_under_this_diagram(client, project, lead, driver):
    d, n = driver
    other = DiagramFactory(project=project)
    client.force_login(lead)
    url = _url("node-edit", project, diagram_id=other.pk, node_id=n["p1"].pk)
    assert client.get(url).status_code == 404
    assert client.post(url, {"text": "moved"}).status_code == 404
    n["p1"].refresh_from_db()
    assert n["p1"].text == "Earlier help in a crisis"


def test_detail_shows_the_svg_inline_and_the_text_version(client, project, member_of, driver):
    d, n = driver
    client.force_login(member_of(project, Role.PANEL))
    page = client.get(_url("diagram", project, diagram_id=d.pk)).content.decode()
    assert re.search(r'<svg [^>]*role="img"', page)
    assert "Also serves: Primary driver: Trust in services." in page
    assert "(given in full above)" in page
    # panel members view but do not change
    assert "Add a box" not in page and "Change the boxes" not in page
    assert " style=" not in page[page.index("<svg") : page.index("</svg>")]


def test_hostile_box_text_is_escaped_in_page_and_file(client, project, lead, driver):
    d, n = driver
    services.node_update(by=lead, node=n["c1"], text="<script>alert(1)</script> ]]>", parents=[n["s2"]])
    client.force_login(lead)
    page = client.get(_url("diagram", project, diagram_id=d.pk)).content.decode()
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; ]]&gt;" in page
    svg = client.get(_url("diagram-svg", project, diagram_id=d.pk)).content.decode()
    assert "<script" not in svg
    _parse(svg.encode())


def test_svg_download_is_an_attachment(client, project, member_of, driver):
    d, n = driver
    client.force_login(member_of(project, Role.VIEWER))
    response = client.get(_url("diagram-svg", project, diagram_id=d.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="fewer-detentions.svg"'
    body = response.content.decode()
    assert body.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<svg ')
    root = _parse(response.content)
    assert root.find("{http://www.w3.org/2000/svg}title").text == "Driver diagram: Fewer detentions"


def test_step_page_lists_the_diagrams(client, project, member_of, driver):
    d, n = driver
    client.force_login(member_of(project, Role.VIEWER))
    page = client.get(reverse("research:overview", kwargs={"project_id": project.pk})).content.decode()
    assert "Fewer detentions</a> (driver diagram, 6 boxes)" in page
    assert "Start a diagram" not in page


def test_breadcrumbs_lead_back_through_research(client, project, lead, driver):
    d, n = driver
    client.force_login(lead)
    page = client.get(_url("diagram", project, diagram_id=d.pk)).content.decode()
    crumbs = re.findall(r'class="nhsuk-breadcrumb__link" href="[^"]*">([^<]*)<', page)
    assert crumbs[-2:] == ["2. Research", "Diagrams"]


def test_demo_diagram_has_the_agreed_goal_as_its_aim_and_loads_once(project, lead):
    import io

    from research.plans import demo

    goal = SmartGoalFactory(project=project, status=SmartGoal.Status.AGREED)
    for _ in range(2):
        demo.load(project=project, users={Role.LEAD: lead}, stdout=io.StringIO())
    (d,) = selectors.diagrams(project)
    assert (d.title, d.node_count) == (demo.TITLE, 12)
    assert d.nodes.get(kind=K.AIM).goal == goal
    peers = d.nodes.get(text__startswith="Peer supporters")
    assert {p.text for p in peers.parents.all()} == {demo.PRIMARY["know"], demo.PRIMARY["trust"]}


def test_adding_a_box_before_its_level_above_says_what_to_add_first(client, project, lead):
    d = services.diagram_create(by=lead, project=project, kind="driver", title="Empty")
    client.force_login(lead)
    url = _url("node-new", project, diagram_id=d.pk) + "?kind=primary"
    assert "This diagram has no aim yet for it to serve. Add that first" in client.get(url).content.decode()
    page = client.post(url, {"text": "Earlier help"}).content.decode()
    assert "Add an aim first: a primary driver must serve at least one." in page
    assert not d.nodes.exists()


def test_an_assumption_on_two_boxes_says_what_else_it_belongs_to(project, lead):
    d = services.diagram_create(by=lead, project=project, kind="change", title="Crisis cafe")
    top = services.node_create(by=lead, diagram=d, kind=K.LONG_TERM, text="Fewer detentions")
    mid = services.node_create(by=lead, diagram=d, kind=K.INTERMEDIATE, text="Help sooner", parents=[top])
    services.node_create(by=lead, diagram=d, kind=K.ASSUMPTION, text="People will come", parents=[mid, top])
    (root,) = presenters.picture(d, selectors.diagram_nodes(d)).tree
    # Depth first: the assumption is met in full under the intermediate outcome (listed first),
    # and again, as a reference, under the long-term outcome.
    assert [(c.kind, c.reference) for c in root.children] == [("Intermediate outcome", False), ("Assumption", True)]
    (assumption,) = root.children[0].children
    assert (assumption.reference, assumption.also) == (False, "Also belongs to")
    assert assumption.also_serves == ("Long-term outcome: Fewer detentions",)


def test_text_and_parents_are_not_marked_optional_except_for_an_aim_that_can_be_a_goal(client, project, lead, driver):
    d, n = driver
    client.force_login(lead)
    page = client.get(_url("node-new", project, diagram_id=d.pk) + "?kind=secondary").content.decode()
    assert "Which primary drivers does it serve?" in page
    assert "(optional)" not in page
    page = client.post(_url("node-new", project, diagram_id=d.pk) + "?kind=secondary", {}).content.decode()
    assert "Enter what the secondary driver says." in page
    assert "Choose at least one primary driver this secondary driver serves." in page
    aim_page = client.get(_url("node-edit", project, diagram_id=d.pk, node_id=n["aim"].pk)).content.decode()
    assert "Use an agreed SMART goal (optional)" in aim_page


def test_2b_is_in_progress_once_a_diagram_exists(project, lead):
    from amhe.core import presenters as core_presenters
    from amhe.core.models import SubStepStatus

    def state_2b():
        steps = core_presenters.cycle_view(project, can_edit=False)
        return next(sub.state for step in steps for sub in step.substeps if sub.code == "2B")

    assert state_2b() == SubStepStatus.State.NOT_STARTED
    services.diagram_create(by=lead, project=project, kind="change", title="Crisis cafe")
    assert state_2b() == SubStepStatus.State.IN_PROGRESS
