"""4A frameworks editable by an organisation's admin in the app: a user of the
organisation with the "Can change framework" permission writes a framework of the
organisation's own, copies a shipped one (which stays read-only) and changes the
copy; rated items cannot be removed; project roles alone may not; other
organisations' frameworks are 404."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from amhe.core.models import Role
from evaluate.frameworks import editing, selectors, services
from evaluate.models import Framework, FrameworkItem, ItemRating
from tests.factories import national_framework

pytestmark = pytest.mark.django_db

LEVELS = "0 | Not yet | Nothing in place\n1 | Partly | Some evidence\n2 | Fully | Evidence for every group"
STRUCTURE = (
    "# A | Access\nA1 | People can get to the service\nA2 | Waiting is fair | Review waits by group\n"
    "# B | Staff\nB1 | Staff are trained"
)


def admin_of(project, member_of, role=Role.LEAD):
    user = member_of(project, role)
    user.organisation = project.organisation
    user.save()
    user.user_permissions.add(Permission.objects.get(codename="change_framework", content_type__app_label="evaluate"))
    return type(user).objects.get(pk=user.pk)  # the permission cache starts empty


def fields(**changes):
    data = {
        "name": "Our access framework",
        "short_name": "Access",
        "description": "",
        "source": "Written by us",
        "section_label": "Area",
        "item_label": "Standard",
        "evidence_by_characteristic": False,
        "low_rating": 0,
        "low_action": "Agree an improvement plan",
        "levels": LEVELS,
        "bands": "0 | Starting\n5 | Established",
        "structure": STRUCTURE,
    }
    return data | changes


def test_an_organisations_admin_writes_its_own_framework(project, member_of):
    admin = admin_of(project, member_of)
    framework = services.framework_save(by=admin, organisation=project.organisation, **fields())
    assert framework.organisation == project.organisation and framework.bands[1] == {"from": 5, "label": "Established"}
    assert [(level.value, level.label) for level in framework.levels.all()] == [
        (0, "Not yet"),
        (1, "Partly"),
        (2, "Fully"),
    ]
    items = {item.code: item for item in selectors.items(framework)}
    assert list(items) == ["A1", "A2", "B1"]
    assert items["A2"].low_action == "Review waits by group" and items["B1"].low_action == "Agree an improvement plan"
    assert framework in selectors.frameworks(project)


@pytest.mark.parametrize(
    ("change", "box", "expected"),
    [
        ({"levels": "0 | Not yet\nthree | Bad"}, "levels", "Line 2"),
        ({"levels": "0 | Only one"}, "levels", "from 2 to"),
        ({"low_rating": 5}, "levels", "must be one of the levels"),
        ({"structure": "A1 | No section first"}, "structure", "Line 1: start with a section"),
        ({"structure": "# A | Access\nA1 | One\nA1 | Again"}, "structure", "Line 3: section A already has an item A1"),
        ({"bands": "2 | Starting"}, "bands", "first band must start at 0"),
        ({"bands": "0 | Starting\n9 | Beyond"}, "bands", "highest possible total (6)"),
    ],
)
def test_bad_text_names_the_box_and_line_and_saves_nothing(project, member_of, change, box, expected):
    admin = admin_of(project, member_of)
    with pytest.raises(editing.TextProblems) as problem:
        services.framework_save(by=admin, organisation=project.organisation, **fields(**change))
    assert any(expected in message for message in problem.value.problems[box])
    assert not Framework.objects.filter(organisation=project.organisation).exists()


def test_a_project_role_alone_may_not_and_shipped_frameworks_stay_read_only(project, member_of):
    lead = member_of(project, Role.LEAD)
    with pytest.raises(PermissionDenied):
        services.framework_save(by=lead, organisation=project.organisation, **fields())
    admin = admin_of(project, member_of)
    eds = national_framework("eds-2022")
    with pytest.raises(ValidationError, match="National frameworks cannot be changed"):
        services.framework_save(by=admin, organisation=project.organisation, framework=eds, **fields())
    assert Framework.objects.get(pk=eds.pk).name.startswith("Equality Delivery System 2022")


def test_a_copy_of_eds_2022_is_changed_and_rated_items_are_kept(project, member_of):
    admin = admin_of(project, member_of)
    eds = national_framework("eds-2022")
    copy = services.framework_copy(by=admin, organisation=project.organisation, framework=eds)
    assert [i.code for i in selectors.items(copy)] == [i.code for i in selectors.items(eds)]
    assert copy.bands == eds.bands and copy.levels.count() == 4
    assessment = services.assessment_create(
        by=admin, project=project, framework=copy, period="2025/26", assessed_on=datetime.date(2026, 2, 1)
    )
    rating = assessment.ratings.get(item__code="1A")
    services.rating_record(by=admin, rating=rating, value=2, evidence="Access by ethnicity")
    text = editing.as_text(copy, levels=list(copy.levels.all()), sections=selectors.structure(copy))
    without_1a = "\n".join(line for line in text["structure"].splitlines() if not line.startswith("1A "))
    base = fields(name=copy.name, low_rating=copy.low_rating, levels=text["levels"], bands=text["bands"])
    with pytest.raises(ValidationError, match="1A have been rated"):
        services.framework_save(
            by=admin,
            organisation=project.organisation,
            framework=copy,
            **(base | {"structure": without_1a, "bands": ""}),
        )
    # Rewording 1A and adding 1E: the assessment in progress gets a rating for 1E, and keeps 1A's.
    changed = text["structure"].replace("# 2 |", "1E | People can say how services should change\n# 2 |")
    changed = changed.replace("1A | ", "1A | Reworded: ", 1)
    services.framework_save(
        by=admin, organisation=project.organisation, framework=copy, **(base | {"structure": changed})
    )
    assert FrameworkItem.objects.get(section__framework=copy, code="1A").title.startswith("Reworded")
    assert ItemRating.objects.get(pk=rating.pk).rating == 2
    assert assessment.ratings.filter(item__code="1E").exists()
    assert not FrameworkItem.objects.filter(section__framework=eds, title__startswith="Reworded").exists()


def test_the_pages_for_the_admin_and_for_others(client, project, member_of, other_org_user):
    admin = admin_of(project, member_of, Role.VIEWER)  # the permission, not the project role, lets them
    eds = national_framework("eds-2022")
    client.force_login(admin)
    listing = client.get(reverse("evaluate:frameworks", kwargs={"project_id": project.pk}))
    assert "Write a framework of your organisation" in listing.content.decode()
    new_url = reverse("evaluate:framework-new", kwargs={"project_id": project.pk})
    bad = client.post(new_url, fields(structure="A1 | no section"))
    assert bad.status_code == 400 and "Line 1: start with a section" in bad.content.decode()
    made = client.post(new_url, fields())
    own = Framework.objects.get(organisation=project.organisation)
    assert made.status_code == 302
    edit = reverse("evaluate:framework-edit", kwargs={"project_id": project.pk, "framework_id": own.pk})
    page = client.get(edit)
    assert page.status_code == 200 and "A2 | Waiting is fair | Review waits by group" in page.content.decode()
    # The shipped framework has no edit page; it can be copied.
    shipped_edit = reverse("evaluate:framework-edit", kwargs={"project_id": project.pk, "framework_id": eds.pk})
    assert client.get(shipped_edit).status_code == 404
    copy_url = reverse("evaluate:framework-copy", kwargs={"project_id": project.pk, "framework_id": eds.pk})
    assert client.post(copy_url).status_code == 302
    assert Framework.objects.filter(organisation=project.organisation).count() == 2
    # A lead of the project without the permission: 403. Another organisation: 404 for our framework.
    client.force_login(member_of(project, Role.LEAD))
    assert client.get(edit).status_code == 403 and client.get(new_url).status_code == 403
    other_project = other_org_user.memberships.get().project
    other_org_user.organisation = other_project.organisation
    other_org_user.save()
    other_org_user.user_permissions.add(
        Permission.objects.get(codename="change_framework", content_type__app_label="evaluate")
    )
    client.force_login(other_org_user)
    theirs = reverse("evaluate:framework-edit", kwargs={"project_id": other_project.pk, "framework_id": own.pk})
    assert client.get(theirs).status_code == 404 and client.post(theirs, fields(name="Taken")).status_code == 404
    copy_theirs = reverse("evaluate:framework-copy", kwargs={"project_id": other_project.pk, "framework_id": own.pk})
    assert client.post(copy_theirs).status_code == 404
    assert not Framework.objects.filter(organisation=other_project.organisation).exists()
