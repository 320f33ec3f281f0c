"""Starting a project, editing it, adding people and describing focus populations."""

import re

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from amhe.core.models import Membership, Population, Project, Role, SubStepStatus, User
from tests.factories import MembershipFactory, OrganisationFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def commissioner(db):
    user = UserFactory(organisation=OrganisationFactory(name="West Yorkshire ICB"))
    user.user_permissions.add(Permission.objects.get(content_type__app_label="core", codename="add_project"))
    return user


def test_starting_a_project_needs_permission(client):
    client.force_login(UserFactory())
    assert client.get(reverse("core:project-new")).status_code == 403
    assert b"Start a new project" not in client.get(reverse("core:home")).content


def test_commissioner_starts_a_project_and_leads_it(client, commissioner):
    client.force_login(commissioner)
    assert b"Start a new project" in client.get(reverse("core:home")).content
    response = client.post(
        reverse("core:project-new"),
        {
            "name": "Fairer crisis care",
            "area": "Bradford",
            "area_code": "E08000032",
            "description": "",
            "start_date_day": "1",
            "start_date_month": "4",
            "start_date_year": "2026",
        },
    )
    project = Project.objects.get(name="Fairer crisis care")
    assert response.status_code == 302 and response.url == project.get_absolute_url()
    assert project.organisation == commissioner.organisation
    assert project.cycle_number == 1 and project.start_date.isoformat() == "2026-04-01"
    assert Membership.objects.get(project=project).role == Role.LEAD
    assert SubStepStatus.objects.filter(project=project).count() == 11


def test_missing_name_is_explained_and_nothing_is_created(client, commissioner):
    client.force_login(commissioner)
    response = client.post(reverse("core:project-new"), {"name": "", "area": ""})
    assert response.status_code == 200
    assert "Enter a project name" in response.text
    assert "Enter the area the project covers" in response.text
    assert not Project.objects.exists()


def test_next_cycle_follows_a_previous_one(client, commissioner):
    first = ProjectFactory(organisation=commissioner.organisation, name="Cycle one")
    MembershipFactory(project=first, user=commissioner, role=Role.LEAD)
    client.force_login(commissioner)
    client.post(
        reverse("core:project-new"),
        {"name": "Cycle two", "area": "Leeds", "previous_cycle": first.pk},
    )
    second = Project.objects.get(name="Cycle two")
    assert second.previous_cycle == first and second.cycle_number == 2


def test_cannot_follow_a_project_you_are_not_on(client, commissioner):
    own = ProjectFactory(organisation=commissioner.organisation)
    MembershipFactory(project=own, user=commissioner, role=Role.LEAD)
    stranger_project = ProjectFactory(organisation=commissioner.organisation)
    client.force_login(commissioner)
    response = client.post(
        reverse("core:project-new"), {"name": "Sneaky", "area": "Leeds", "previous_cycle": stranger_project.pk}
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.text
    assert not Project.objects.filter(name="Sneaky").exists()


def test_lead_edits_project_details_and_status(client, project, member_of):
    lead = member_of(project, Role.LEAD)
    client.force_login(lead)
    url = reverse("core:project-edit", kwargs={"project_id": project.pk})
    response = client.post(url, {"name": "Renamed", "area": "Wakefield", "status": Project.Status.PAUSED})
    assert response.status_code == 302
    project.refresh_from_db()
    assert (project.name, project.area, project.status) == ("Renamed", "Wakefield", Project.Status.PAUSED)
    assert project.history.count() >= 2  # audit trail of the change


# --- People --------------------------------------------------------------------


def test_lead_invites_a_new_person_who_creates_their_account_from_the_link(
    client, project, member_of, mailoutbox, django_capture_on_commit_callbacks
):
    lead = member_of(project, Role.LEAD)
    client.force_login(lead)
    url = reverse("core:members", kwargs={"project_id": project.pk})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"email": "New.Person@NHS.net", "full_name": "New Person", "role": Role.PANEL})
    assert response.status_code == 302
    # Nobody is on the project, and no account exists, until they accept.
    assert not User.objects.filter(email="new.person@nhs.net").exists()
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["new.person@nhs.net"]
    link = re.search(r"http://testserver(/accounts/invitations/\S+/)", mailoutbox[0].body).group(1)
    client.logout()
    page = client.get(link)
    assert b"Create your account to join" in page.content


def test_adding_a_colleague_from_the_organisation_adds_them_at_once(
    client, project, member_of, mailoutbox, django_capture_on_commit_callbacks
):
    lead = member_of(project, Role.LEAD)
    colleague = UserFactory(organisation=project.organisation)
    client.force_login(lead)
    url = reverse("core:members", kwargs={"project_id": project.pk})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"email": colleague.email.upper(), "full_name": "", "role": Role.ANALYST})
    assert Membership.objects.get(project=project, user=colleague).role == Role.ANALYST
    assert [m.to for m in mailoutbox] == [[colleague.email]]


def test_adding_someone_twice_is_explained_and_no_name_is_needed(client, project, member_of):
    lead = member_of(project, Role.LEAD)
    client.force_login(lead)
    url = reverse("core:members", kwargs={"project_id": project.pk})
    twice = client.post(url, {"email": lead.email, "full_name": "", "role": Role.VIEWER})
    assert "is already on this project" in twice.text
    nameless = client.post(url, {"email": "nobody@nhs.net", "full_name": "", "role": Role.VIEWER})
    assert nameless.status_code == 302  # they give their own name when they accept
    assert not User.objects.filter(email="nobody@nhs.net").exists()


def test_only_the_lead_can_add_people(client, project, member_of):
    viewer = member_of(project, Role.VIEWER)
    client.force_login(viewer)
    url = reverse("core:members", kwargs={"project_id": project.pk})
    response = client.post(url, {"email": "x@nhs.net", "full_name": "X", "role": Role.LEAD})
    assert response.status_code == 403
    assert b"Add a person" not in client.get(url).content
    assert not User.objects.filter(email="x@nhs.net").exists()


def test_the_last_lead_cannot_be_removed_or_demoted(client, project, member_of):
    lead = member_of(project, Role.LEAD)
    membership = Membership.objects.get(project=project, user=lead)
    client.force_login(lead)
    url = reverse("core:member-edit", kwargs={"project_id": project.pk, "membership_id": membership.pk})
    demote = client.post(url, {"role": Role.VIEWER, "save": ""})
    assert "at least one lead" in demote.text
    remove = client.post(url, {"role": Role.LEAD, "remove": ""})
    assert "at least one lead" in remove.text
    membership.refresh_from_db()
    assert membership.role == Role.LEAD


def test_lead_changes_a_role_and_removes_a_member(client, project, member_of):
    lead = member_of(project, Role.LEAD)
    analyst = member_of(project, Role.ANALYST)
    membership = Membership.objects.get(project=project, user=analyst)
    client.force_login(lead)
    url = reverse("core:member-edit", kwargs={"project_id": project.pk, "membership_id": membership.pk})
    assert client.post(url, {"role": Role.GOVERNANCE, "save": ""}).status_code == 302
    membership.refresh_from_db()
    assert membership.role == Role.GOVERNANCE
    assert client.post(url, {"role": Role.GOVERNANCE, "remove": ""}).status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_a_member_of_another_project_cannot_be_edited_through_this_one(client, project, member_of):
    lead = member_of(project, Role.LEAD)
    elsewhere = MembershipFactory(project=ProjectFactory(organisation=project.organisation), role=Role.VIEWER)
    client.force_login(lead)
    url = reverse("core:member-edit", kwargs={"project_id": project.pk, "membership_id": elsewhere.pk})
    assert client.post(url, {"role": Role.VIEWER, "remove": ""}).status_code == 404
    assert Membership.objects.filter(pk=elsewhere.pk).exists()


# --- Focus populations -----------------------------------------------------------


def test_lead_describes_a_population_with_taxonomy_codes(client, project, member_of):
    lead = member_of(project, Role.LEAD)
    client.force_login(lead)
    url = reverse("core:population-new", kwargs={"project_id": project.pk})
    form = client.get(url).context["form"]
    # The form offers real answers only: never "not stated" or "not known" as a population.
    ethnic_codes = [code for code, _ in form.fields["criteria_nhs_ethnic_category"].choices]
    assert "M" in ethnic_codes and "Z" not in ethnic_codes and "99" not in ethnic_codes
    response = client.post(
        url,
        {
            "name": "Young Black men in Leeds",
            "area": "Leeds",
            "description": "",
            "criteria_nhs_ethnic_category": ["M", "N", "P"],
            "criteria_person_stated_gender": ["1"],
            "criteria_age_band_mh": ["18-24", "25-34"],
        },
    )
    assert response.status_code == 302
    population = Population.objects.get(name="Young Black men in Leeds")
    assert population.organisation == project.organisation
    assert population in project.focus_populations.all()
    assert population.criteria == [
        {"code_list": "nhs_ethnic_category", "codes": ["M", "N", "P"]},
        {"code_list": "person_stated_gender", "codes": ["1"]},
        {"code_list": "age_band_mh", "codes": ["18-24", "25-34"]},
    ]
    page = client.get(reverse("core:project", kwargs={"project_id": project.pk}))
    assert b"Young Black men in Leeds" in page.content


def test_an_unknown_code_is_refused(client, project, member_of):
    lead = member_of(project, Role.LEAD)
    client.force_login(lead)
    url = reverse("core:population-new", kwargs={"project_id": project.pk})
    response = client.post(url, {"name": "Odd", "criteria_nhs_ethnic_category": ["Q"]})
    assert response.status_code == 200
    assert "Select a valid choice" in response.text
    assert not Population.objects.filter(name="Odd").exists()
