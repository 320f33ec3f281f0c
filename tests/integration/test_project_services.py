"""Project services: creating projects, progress through the cycle, populations,
and the demo data command."""

from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from amhe.core import cycle, services
from amhe.core.models import (
    Measure,
    MeasureValue,
    Membership,
    Organisation,
    Population,
    Project,
    Role,
    SmartGoal,
    SubStepStatus,
    User,
)
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

ALL_CODES = ["1A", "1B", "2A", "2B", "2C", "3A", "3B", "3C", "4A", "4B", "4C"]
DONE = SubStepStatus.State.DONE


@pytest.fixture
def organisation(db):
    return OrganisationFactory(name="West Yorkshire ICB")


@pytest.fixture
def creator(organisation):
    return UserFactory(organisation=organisation)


@pytest.fixture
def new_project(creator, organisation):
    return services.project_create(by=creator, organisation=organisation, name="Fairer detentions", area="Leeds")


# --- project_create -----------------------------------------------------------


def test_cycle_has_the_eleven_amhe_substeps():
    # The AMHE resource has 2 + 3 + 3 + 3 sub-steps: 1A-1B, 2A-2C, 3A-3C, 4A-4C.
    assert cycle.SUBSTEP_CODES == tuple(ALL_CODES)


def test_project_create_makes_every_substep_and_a_lead(new_project, creator):
    codes = list(new_project.substep_statuses.order_by("code").values_list("code", flat=True))
    assert codes == ALL_CODES
    assert set(new_project.substep_statuses.values_list("state", flat=True)) == {SubStepStatus.State.NOT_STARTED}
    assert list(new_project.memberships.values_list("user", "role")) == [(creator.pk, Role.LEAD)]
    assert new_project.current_step == 1
    assert new_project.cycle_number == 1


def test_next_cycle_counts_on(new_project, creator, organisation):
    second = services.project_create(
        by=creator, organisation=organisation, name="Fairer detentions", area="Leeds", previous_cycle=new_project
    )
    assert second.cycle_number == 2
    assert second.previous_cycle == new_project


def test_previous_cycle_must_be_same_organisation(new_project, creator):
    other_org = OrganisationFactory(name="Greater Manchester ICB")
    with pytest.raises(ValidationError) as exc:
        services.project_create(by=creator, organisation=other_org, name="X", area="Y", previous_cycle=new_project)
    assert "previous_cycle" in exc.value.message_dict
    assert Project.objects.count() == 1


# --- substep_update and the current step -----------------------------------------


def _set(project, by, codes, state=DONE):
    for code in codes:
        services.substep_update(by=by, project=project, code=code, state=state)
    project.refresh_from_db()


def test_current_step_moves_when_step_one_is_done(new_project, creator):
    _set(new_project, creator, ["1A"])
    assert new_project.current_step == 1
    _set(new_project, creator, ["1B"])
    assert new_project.current_step == 2


def test_current_step_is_the_first_step_not_done(new_project, creator):
    # Steps 1 and 3 done, step 2 not: the project is on step 2.
    _set(new_project, creator, ["1A", "1B", "3A", "3B", "3C"])
    assert new_project.current_step == 2
    _set(new_project, creator, ["2A", "2B", "2C"])
    assert new_project.current_step == 4


def test_all_done_is_step_four(new_project, creator):
    _set(new_project, creator, cycle.SUBSTEP_CODES)
    assert new_project.current_step == 4
    assert set(new_project.substep_statuses.values_list("state", flat=True)) == {DONE}


def test_reopening_a_substep_moves_the_current_step_back(new_project, creator):
    _set(new_project, creator, ["1A", "1B", "2A"])
    assert new_project.current_step == 2
    _set(new_project, creator, ["1B"], state=SubStepStatus.State.IN_PROGRESS)
    assert new_project.current_step == 1


def test_in_progress_does_not_count_as_done(new_project, creator):
    _set(new_project, creator, ["1A", "1B"], state=SubStepStatus.State.IN_PROGRESS)
    assert new_project.current_step == 1


def test_substep_update_records_note_and_who(new_project, creator):
    status = services.substep_update(by=creator, project=new_project, code="2B", state=DONE, note="Theory of change")
    status.refresh_from_db()
    assert (status.state, status.note, status.updated_by) == (DONE, "Theory of change", creator)
    assert new_project.substep_statuses.filter(code="2B").count() == 1


@pytest.mark.parametrize("code", ["5A", "1D", "", "1a"])
def test_unknown_substep_code_is_rejected(new_project, creator, code):
    with pytest.raises(ValidationError) as exc:
        services.substep_update(by=creator, project=new_project, code=code, state=DONE)
    assert "code" in exc.value.message_dict
    assert new_project.substep_statuses.count() == len(ALL_CODES)
    assert not new_project.substep_statuses.filter(state=DONE).exists()


def test_unknown_state_is_rejected(new_project, creator):
    with pytest.raises(ValidationError) as exc:
        services.substep_update(by=creator, project=new_project, code="1A", state="finished")
    assert "state" in exc.value.message_dict
    assert new_project.substep_statuses.get(code="1A").state == SubStepStatus.State.NOT_STARTED


# --- Population criteria -----------------------------------------------------------


def test_population_with_valid_criteria_saves(organisation, creator):
    criteria = [
        {"code_list": "nhs_ethnic_category", "codes": ["M", "N", "P"]},
        {"code_list": "person_stated_gender", "codes": ["1"]},
    ]
    population = services.population_create(by=creator, organisation=organisation, name="Black men", criteria=criteria)
    assert Population.objects.get(pk=population.pk).criteria == criteria
    shown = population.criteria_display()
    assert len(shown) == 2 and len(shown[0][1]) == 3


@pytest.mark.parametrize(
    ("criteria", "message"),
    [
        ([{"code_list": "no_such_list", "codes": ["A"]}], "Unknown code list 'no_such_list'"),
        ([{"code_list": "nhs_ethnic_category", "codes": ["M", "Q"]}], "has no code Q"),
        ([{"code_list": "nhs_ethnic_category"}], 'needs a "code_list" and a list of "codes"'),
        ({"code_list": "nhs_ethnic_category", "codes": ["M"]}, "must be a list"),
    ],
)
def test_population_with_bad_criteria_is_rejected(organisation, creator, criteria, message):
    with pytest.raises(ValidationError) as exc:
        services.population_create(by=creator, organisation=organisation, name="Bad", criteria=criteria)
    errors = exc.value.message_dict["criteria"]
    assert any(message in error for error in errors), errors
    assert not Population.objects.exists()


# --- load_demo ------------------------------------------------------------------------

DEMO_ORGS = {"West Yorkshire ICB (demo)": "wy-icb.example", "Greater Manchester ICB (demo)": "gm-icb.example"}


def _counts():
    return {
        model.__name__: model.objects.count()
        for model in (User, Organisation, Project, Membership, Population, Measure, MeasureValue, SmartGoal)
    } | {"substeps_done": SubStepStatus.objects.filter(state=DONE).count()}


def _load_demo():
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    _load_demo()


def test_load_demo_is_idempotent(settings):
    settings.DEBUG = True
    _load_demo()
    first = _counts()
    values_first = sorted(MeasureValue.objects.values_list("measure__name", "value"))
    _load_demo()
    assert _counts() == first
    assert sorted(MeasureValue.objects.values_list("measure__name", "value")) == values_first
    assert first["Project"] == 2
    assert first["Organisation"] == 2
    assert first["Membership"] == 10


def test_load_demo_makes_a_user_per_role_per_organisation(demo):
    for org_name, domain in DEMO_ORGS.items():
        org = Organisation.objects.get(name=org_name)
        projects = Project.objects.filter(organisation=org)
        assert projects.count() == 1
        project = projects.get()
        roles = dict(project.memberships.values_list("role", "user__email"))
        assert set(roles) == set(Role.values)
        for role, email in roles.items():
            assert email == f"{role}@{domain}"
            assert User.objects.get(email=email).organisation == org
        assert project.substep_statuses.count() == len(cycle.SUBSTEP_CODES)
        assert project.current_step == 1  # 1A done, 1B in progress
    assert User.objects.get(email="admin@amhe.example").is_superuser


def test_demo_users_can_log_in_with_the_documented_password(client, demo):
    from amhe.core.management.commands.load_demo import DEMO_PASSWORD

    response = client.post(reverse("login"), {"username": "Lead@WY-ICB.example", "password": DEMO_PASSWORD})
    assert response.status_code == 302


def test_demo_agreed_goal_has_every_smart_part(demo):
    for org_name in DEMO_ORGS:
        project = Project.objects.get(organisation__name=org_name)
        # One agreed goal in both; Leeds also has one measured from its demo upload (Deliver).
        agreed_goals = list(project.smart_goals.filter(status=SmartGoal.Status.AGREED))
        assert len(agreed_goals) == (2 if project.area == "Leeds" else 1)
        for agreed in agreed_goals:
            assert agreed.missing_smart_parts() == {}
            assert agreed.statement.strip()
            assert agreed.measure is not None and agreed.measure.project == project
            assert agreed.baseline_value is not None and agreed.target_value is not None
            assert agreed.target_value < agreed.baseline_value  # lower is better
            assert agreed.target_date > agreed.baseline_date
            assert agreed.owner.memberships.get(project=project).role == Role.LEAD
            assert agreed.achievable.strip() and agreed.realistic.strip()
            agreed.full_clean()
        # A draft ratio goal in both; Leeds also has a draft goal measured from its demo upload (Deliver).
        drafts = project.smart_goals.filter(status=SmartGoal.Status.DRAFT)
        assert drafts.count() == (2 if project.area == "Leeds" else 1)


def test_demo_organisations_cannot_see_each_other(client, demo):
    leeds = Project.objects.get(organisation__name="West Yorkshire ICB (demo)")
    manchester = Project.objects.get(organisation__name="Greater Manchester ICB (demo)")
    for role in Role.values:
        client.force_login(User.objects.get(email=f"{role}@gm-icb.example"))
        assert client.get(reverse("core:project", kwargs={"project_id": leeds.pk})).status_code == 404
        assert client.get(reverse("core:project", kwargs={"project_id": manchester.pk})).status_code == 200
        client.force_login(User.objects.get(email=f"{role}@wy-icb.example"))
        assert client.get(reverse("core:project", kwargs={"project_id": manchester.pk})).status_code == 404
        assert client.get(reverse("core:project", kwargs={"project_id": leeds.pk})).status_code == 200


def test_load_demo_refuses_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        _load_demo()
    assert not User.objects.exists()
    assert not Project.objects.exists()


def test_load_demo_runs_without_debug_only_when_allowed(settings):
    settings.DEBUG = False
    call_command("load_demo", "--allow-production", stdout=StringIO())
    assert Project.objects.count() == 2
