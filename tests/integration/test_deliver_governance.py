"""Deliver 3C governance structure: groups, who reports to whom (same project, never in a
circle), chairs and members from the project, meetings to come and past, the page that shows
the structure as an indented list, who may keep it (leads and governance leads), and 3C
in progress once a group exists."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from amhe.core.models import Role
from deliver.governance import presenters, selectors, services
from deliver.models import GovernanceGroup, GovernanceMeeting
from tests.factories import GovernanceGroupFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def _url(name, project, **kwargs):
    return reverse(f"deliver:{name}", kwargs={"project_id": project.pk, **kwargs})


@pytest.fixture
def lead(project, member_of):
    return member_of(project, Role.LEAD)


def _group(by, project, name, **fields):
    return services.group_create(by=by, project=project, name=name, **fields)


def test_a_group_reports_to_another_and_has_a_chair_members_and_outsiders(project, lead, member_of):
    chair = member_of(project, Role.GOVERNANCE)
    committee = _group(lead, project, "ICB quality committee")
    board = _group(
        lead,
        project,
        "Programme board",
        purpose="Oversees the strategy",
        terms_of_reference="Meets monthly",
        reports_to=committee,
        chair=chair,
        members=[lead, chair],
        external_members="Dr A Patel, medical director\n\n  J Okafor, lay member  ",
    )
    board.refresh_from_db()
    assert board.reports_to == committee and board.chair == chair
    assert set(board.members.all()) == {lead, chair}
    assert board.external_member_lines == ["Dr A Patel, medical director", "J Okafor, lay member"]
    assert list(selectors.reporting_groups(committee)) == [board]


def test_a_circle_of_reporting_is_refused_and_nothing_changes(project, lead):
    top = _group(lead, project, "Committee")
    middle = _group(lead, project, "Board", reports_to=top)
    bottom = _group(lead, project, "Working group", reports_to=middle)
    with pytest.raises(ValidationError) as caught:
        services.group_update(by=lead, group=top, reports_to=bottom)
    assert caught.value.message_dict["reports_to"] == [
        "'Working group' already reports to this group (directly or through other groups), "
        "so this group cannot report to it. Choose another group, or none."
    ]
    with pytest.raises(ValidationError) as caught:
        services.group_update(by=lead, group=top, reports_to=top)
    assert caught.value.message_dict["reports_to"] == ["A group cannot report to itself."]
    top.refresh_from_db()
    assert top.reports_to is None
    # Moving a group sideways is fine.
    services.group_update(by=lead, group=bottom, reports_to=top)
    assert GovernanceGroup.objects.get(pk=bottom.pk).reports_to == top


def test_a_group_of_another_project_a_chair_or_member_off_the_project_is_refused(project, lead):
    elsewhere = GovernanceGroupFactory(project=ProjectFactory())
    stranger = UserFactory()
    for fields, field in (
        ({"reports_to": elsewhere}, "reports_to"),
        ({"chair": stranger}, "chair"),
        ({"members": [lead, stranger]}, "members"),
    ):
        with pytest.raises(ValidationError) as caught:
            _group(lead, project, "Board", **fields)
        assert field in caught.value.message_dict
    assert not GovernanceGroup.objects.filter(project=project).exists()


def test_two_groups_of_one_project_cannot_share_a_name(project, lead):
    _group(lead, project, "Programme board")
    with pytest.raises(ValidationError) as caught:
        _group(lead, project, "programme BOARD")
    assert "already has a group of this name" in caught.value.message_dict["name"][0]
    _group(lead, ProjectFactory(), "Programme board")  # another project may


def test_the_structure_is_a_tree_of_who_reports_to_whom(project, lead):
    top = _group(lead, project, "Committee")
    board = _group(lead, project, "Board", reports_to=top)
    working = _group(lead, project, "Working group", reports_to=board)
    alone = _group(lead, project, "Audit group")
    roots = presenters.tree(selectors.groups(project))
    assert [node.group for node in roots] == [alone, top]
    assert [node.group for node in roots[1].children] == [board]
    assert [node.group for node in roots[1].children[0].children] == [working]


def test_a_circle_written_around_the_services_still_shows_every_group(project):
    a = GovernanceGroupFactory(project=project, name="A")
    b = GovernanceGroupFactory(project=project, name="B", reports_to=a)
    GovernanceGroup.objects.filter(pk=a.pk).update(reports_to=b)
    roots = presenters.tree(selectors.groups(project))
    shown = [node.group.pk for node in roots] + [child.group.pk for node in roots for child in node.children]
    assert sorted(shown) == sorted([a.pk, b.pk])


def test_the_page_shows_the_structure_as_nested_lists_and_meetings_split_at_today(client, project, lead, member_of):
    top = _group(lead, project, "ICB quality committee")
    board = _group(lead, project, "Programme board", reports_to=top)
    today = timezone.localdate()
    services.meeting_create(by=lead, group=board, date=today, notes="Agree the strategy")
    services.meeting_create(by=lead, group=board, date=today - DAY, notes="Draft strategy")
    services.meeting_create(by=lead, group=top, date=today + 30 * DAY)
    client.force_login(member_of(project, Role.PANEL))
    page = client.get(_url("governance", project)).content.decode()
    # The board's link sits in a list inside the committee's list item.
    committee_item = re.search(r"<li><a [^>]*>ICB quality committee</a>(.*?)</li>\s*</ul>", page, re.S)
    assert committee_item and "<ul" in committee_item.group(1) and "Programme board" in committee_item.group(1)
    upcoming, past = page.split("<h2>Upcoming meetings</h2>")[1].split("<h2>Past meetings</h2>")
    assert "Agree the strategy" in upcoming and presenters.day(today + 30 * DAY) in upcoming
    assert "Draft strategy" in past and "Draft strategy" not in upcoming
    assert _url("governance-group-new", project) not in page


@pytest.mark.parametrize("role", [Role.LEAD, Role.GOVERNANCE])
def test_leads_and_governance_leads_keep_the_structure(client, project, member_of, role):
    user = member_of(project, role)
    client.force_login(user)
    response = client.post(
        _url("governance-group-new", project), {"name": "Programme board", "chair": user.pk, "members": [user.pk]}
    )
    assert response.status_code == 302
    group = GovernanceGroup.objects.get()
    response = client.post(
        _url("governance-meeting-new", project, group_id=group.pk),
        {"date_day": 12, "date_month": 1, "date_year": 2027, "notes": "First meeting"},
    )
    assert response.status_code == 302
    assert GovernanceMeeting.objects.get().date == datetime.date(2027, 1, 12)
    page = client.get(_url("governance-group", project, group_id=group.pk)).content.decode()
    assert "Tuesday 12 January 2027" in page or "12 January 2027" in page


@pytest.mark.parametrize("role", [Role.ANALYST, Role.PANEL, Role.VIEWER])
def test_others_on_the_project_read_but_cannot_keep_it(client, project, member_of, lead, role):
    group = _group(lead, project, "Programme board")
    client.force_login(member_of(project, role))
    assert client.get(_url("governance-group", project, group_id=group.pk)).status_code == 200
    assert client.post(_url("governance-group-new", project), {"name": "Shadow board"}).status_code == 403
    assert client.post(_url("governance-group-delete", project, group_id=group.pk)).status_code == 403
    assert list(GovernanceGroup.objects.values_list("name", flat=True)) == ["Programme board"]


def test_the_form_shows_a_circle_as_a_plain_message(client, project, lead):
    top = _group(lead, project, "Committee")
    board = _group(lead, project, "Board", reports_to=top)
    client.force_login(lead)
    response = client.post(
        _url("governance-group-edit", project, group_id=top.pk), {"name": "Committee", "reports_to": board.pk}
    )
    assert response.status_code == 200
    assert "already reports to this group" in response.content.decode()
    top.refresh_from_db()
    assert top.reports_to is None


def test_deleting_a_group_takes_its_meetings_and_frees_the_groups_reporting_to_it(project, lead):
    top = _group(lead, project, "Committee")
    board = _group(lead, project, "Board", reports_to=top)
    services.meeting_create(by=lead, group=top, date=timezone.localdate())
    services.group_delete(by=lead, group=top)
    board.refresh_from_db()
    assert board.reports_to is None
    assert not GovernanceMeeting.objects.exists()


def test_a_meeting_needs_a_date(project, lead):
    group = _group(lead, project, "Board")
    with pytest.raises(ValidationError) as caught:
        services.meeting_create(by=lead, group=group, date=None)
    assert caught.value.message_dict["date"] == ["Enter the date of the meeting."]
    assert not GovernanceMeeting.objects.exists()


def test_3c_is_in_progress_once_a_governance_group_exists(project, lead):
    from amhe.core import presenters as core_presenters
    from amhe.core.models import SubStepStatus

    def state_3c():
        steps = core_presenters.cycle_view(project, can_edit=False)
        return next(sub.state for step in steps for sub in step.substeps if sub.code == "3C")

    assert state_3c() == SubStepStatus.State.NOT_STARTED
    _group(lead, project, "Programme board")
    assert state_3c() == SubStepStatus.State.IN_PROGRESS
