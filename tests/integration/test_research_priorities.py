"""Research 2C: priorities on the impact/effort matrix, agreeing them, and the
panel's views (one per member, changeable, anonymous, counts suppressed)."""

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from amhe import stats
from amhe.core.models import Role
from research.models import Priority, PriorityView
from research.priorities import presenters, selectors, services
from tests.factories import (
    InitiativeFactory,
    PriorityFactory,
    PriorityViewFactory,
    ProjectFactory,
    ReferenceFactory,
)

pytestmark = pytest.mark.django_db


def _url(name, project, **kwargs):
    return reverse(f"research:{name}", kwargs={"project_id": project.pk, **kwargs})


@pytest.fixture
def lead(project, member_of):
    return member_of(project, Role.LEAD)


# --- The matrix ---------------------------------------------------------------------


def test_matrix_places_each_priority_in_its_cell():
    a = Priority(title="A", impact="high", effort="low")
    b = Priority(title="B", impact="high", effort="low")
    c = Priority(title="C", impact="low", effort="high")
    d = Priority(title="D", impact="medium", effort="medium")
    matrix = presenters.matrix([a, b, c, d])
    assert matrix.columns == ["Low effort", "Medium effort", "High effort"]
    assert [row.impact for row in matrix.rows] == ["High impact", "Medium impact", "Low impact"]
    assert [[[p.title for p in cell] for cell in row.cells] for row in matrix.rows] == [
        [["A", "B"], [], []],
        [[], ["D"], []],
        [[], [], ["C"]],
    ]
    assert not matrix.empty
    assert presenters.matrix([]).empty


def test_priority_page_shows_the_matrix_as_a_table(client, project, lead):
    PriorityFactory(project=project, title="Quick win", impact="high", effort="low")
    PriorityFactory(project=project, title="Big job", impact="high", effort="high")
    client.force_login(lead)
    page = client.get(_url("priorities", project)).content.decode()
    assert "Priorities by impact (rows, high to low) and effort (columns, low to high)" in page
    rows = re.findall(
        r'<th scope="row" class="nhsuk-table__header">(High|Medium|Low) impact</th>(.*?)</tr>', page, re.S
    )
    assert [impact for impact, _cells in rows] == ["High", "Medium", "Low"]
    high_cells = re.findall(r"<td[^>]*>(.*?)</td>", rows[0][1], re.S)
    assert ["Quick win" in c for c in high_cells] == [True, False, False]
    assert ["Big job" in c for c in high_cells] == [False, False, True]


# --- The agreed list ---------------------------------------------------------------------


def test_agreed_priorities_are_the_agreed_ones_soonest_first(project):
    later = PriorityFactory(project=project, title="Later", horizon="long", state="agreed")
    now = PriorityFactory(project=project, title="Now", horizon="immediate", state="agreed")
    low = PriorityFactory(
        project=project, title="Now but low impact", horizon="immediate", impact="low", state="agreed"
    )
    PriorityFactory(project=project, title="Proposed", horizon="immediate")
    PriorityFactory(project=ProjectFactory(organisation=project.organisation), state="agreed")
    assert list(selectors.agreed_priorities(project)) == [now, low, later]


def test_only_the_lead_agrees_and_a_change_by_an_analyst_sends_it_back(client, project, lead, member_of):
    priority = PriorityFactory(project=project, title="Peer support")
    client.force_login(lead)
    response = client.post(_url("priority-agree", project, priority_id=priority.pk), {"state": "agreed"})
    assert response.status_code == 302
    priority.refresh_from_db()
    assert priority.state == "agreed"
    assert "Peer support" in client.get(_url("overview", project)).content.decode()

    client.force_login(member_of(project, Role.ANALYST))
    form = {"title": "Peer support groups", "source": "other", "impact": "high", "effort": "low", "horizon": "short"}
    assert client.post(_url("priority-edit", project, priority_id=priority.pk), form).status_code == 302
    priority.refresh_from_db()
    assert (priority.title, priority.state) == ("Peer support groups", "proposed")


def test_references_of_another_project_cannot_be_linked(project, lead):
    other = ReferenceFactory(project=ProjectFactory(organisation=project.organisation))
    with pytest.raises(ValidationError):
        services.priority_create(
            by=lead, project=project, title="T", impact="low", effort="low", horizon="short", references=[other]
        )
    own = ReferenceFactory(project=project)
    priority = services.priority_create(
        by=lead, project=project, title="T", impact="low", effort="low", horizon="short", references=[own]
    )
    assert list(own.priorities.all()) == [priority]


# --- Panel views ------------------------------------------------------------------------


def test_one_view_per_member_which_they_can_change(client, project, member_of):
    priority = PriorityFactory(project=project)
    panel = member_of(project, Role.PANEL)
    client.force_login(panel)
    url = _url("priority-give-view", project, priority_id=priority.pk)
    assert client.post(url, {"vote": "support", "comment": "Yes please"}).status_code == 302
    assert client.post(url, {"vote": "oppose", "comment": "Changed my mind"}).status_code == 302
    assert list(PriorityView.objects.values_list("member", "vote", "comment")) == [
        (panel.pk, "oppose", "Changed my mind")
    ]
    response = client.post(url, {"vote": "maybe"})
    assert "Select whether you support this priority" in response.content.decode()
    assert PriorityView.objects.get().vote == "oppose"
    with pytest.raises(IntegrityError), transaction.atomic():
        PriorityView.objects.create(priority=priority, member=panel, vote="support")


def test_only_panel_members_give_views(project, lead):
    priority = PriorityFactory(project=project)
    with pytest.raises(PermissionDenied):
        services.priority_view_give(by=lead, priority=priority, vote="support")
    assert not PriorityView.objects.exists()


def test_views_are_shown_without_names_to_members_and_lead(client, project, lead, member_of):
    project.organisation.suppression_rule = "none"
    project.organisation.save()
    priority = PriorityFactory(project=project, title="Peer support")
    first, second = member_of(project, Role.PANEL), member_of(project, Role.PANEL)
    PriorityViewFactory(priority=priority, member=first, vote="support", comment="Zebra crossings matter")
    PriorityViewFactory(priority=priority, member=second, vote="neutral", comment="apples first")
    for viewer, other in ((first, second), (second, first), (lead, first), (lead, second)):
        client.force_login(viewer)
        for name in ("priority", "priorities"):
            kwargs = {"priority_id": priority.pk} if name == "priority" else {}
            page = client.get(_url(name, project, **kwargs)).content.decode()
            assert other.full_name not in page
            assert other.email not in page
    page = client.get(_url("priority", project, priority_id=priority.pk)).content.decode()
    # Comments in alphabetical order, whoever wrote them and whenever.
    assert page.index("apples first") < page.index("Zebra crossings matter")
    assert "Views given: 2" in page


def test_vote_counts_follow_the_suppression_rule(project):
    nhs = stats.RULES["nhs"]
    one = presenters.panel_views(["support"], nhs)
    assert (one.total, [c.shown for c in one.counts]) == ("*", ["*", "0", "0"])
    # 8 support and 1 neutral: neutral (1) is hidden; the total (9, shown as 10) would give it
    # away, so the smallest other non-zero count (support) is hidden too.
    nine = presenters.panel_views(["support"] * 8 + ["neutral"], nhs)
    assert (nine.total, [c.shown for c in nine.counts]) == ("10", ["*", "*", "0"])
    many = presenters.panel_views(["support"] * 12 + ["oppose"] * 9, nhs)
    assert (many.total, [c.shown for c in many.counts]) == ("20", ["10", "0", "10"])
    exact = presenters.panel_views(["support", "oppose", "oppose"], stats.RULES["none"])
    assert (exact.total, [c.shown for c in exact.counts]) == ("3", ["1", "0", "2"])


def test_panel_page_uses_the_organisations_rule(client, project, lead, member_of):
    priority = PriorityFactory(project=project)
    PriorityViewFactory(priority=priority, member=member_of(project, Role.PANEL), vote="support")
    client.force_login(lead)
    page = client.get(_url("priority", project, priority_id=priority.pk)).content.decode()
    assert "Views given: *" in page
    assert "numbers of views from 1 to 7 are not shown" in page


def test_demo_has_evidence_initiatives_and_a_priority_list(settings):
    from django.core.management import call_command

    from amhe.core.management.commands.load_demo import WEST_YORKSHIRE
    from amhe.core.models import Project

    settings.DEBUG = True
    call_command("load_demo", verbosity=0)
    call_command("load_demo", verbosity=0)  # idempotent
    project = Project.objects.get(name=WEST_YORKSHIRE.project_name)
    assert sorted(project.references.values_list("doi", flat=True)) == [
        "10.1016/S2215-0366(19)30027-6",
        "10.1186/s12916-018-1201-9",
        "10.1371/journal.pmed.1004139",
    ]
    assert all("(illustrative)" in name for name in project.initiatives.values_list("name", flat=True))
    assert project.priorities.count() == 3
    agreed = list(selectors.agreed_priorities(project))
    assert [p.title for p in agreed] == ["Peer support for Black people in crisis in the evenings (illustrative)"]
    assert agreed[0].views.get().member.email == "panel@wy-icb.example"
    # Each priority links where it came from, made through the same services as people use.
    origins = {
        p.title.split(" ")[0]: (p.theme and p.theme.name, p.case_study and p.case_study.title)
        for p in project.priorities.all()
    }
    assert origins == {
        "Peer": ("Community alternatives", None),
        "Offer": ("Language and interpreting", None),
        "Co-design": (None, "Community mental health navigators in faith and community centres"),
    }


def test_2a_and_2c_follow_the_work(project):
    from tests.integration.test_progress_follows_work import states

    assert (states(project)["2A"], states(project)["2C"]) == ("not_started", "not_started")
    InitiativeFactory(project=project)
    assert (states(project)["2A"], states(project)["2C"]) == ("in_progress", "not_started")
    PriorityFactory(project=project)
    assert states(project)["2C"] == "in_progress"
