"""Deliver 3A: equality impact assessments. Submission is refused while a negative or
unknown impact has no mitigation (naming each, nothing half-saved); a governance lead
signs off, never their own submission; panel members and viewers never can (403);
a change after sign-off makes a new version and every version stays readable."""

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from amhe.core import taxonomy
from amhe.core.models import Membership, Role
from deliver.eia import selectors, services
from deliver.models import EiaImpact, EiaVersion
from tests.factories import ExtractFactory, InterventionFactory, ProjectFactory, StrategyFactory, SurveyFactory

pytestmark = pytest.mark.django_db


def all_neutral(**changes) -> dict:
    impacts = {key: {"impact": "neutral", "evidence": "No difference expected."} for key in taxonomy.CHARACTERISTICS}
    for key, values in changes.items():
        impacts[key] = {**impacts[key], **values}
    return impacts


@pytest.fixture
def setting(project, member_of):
    lead = member_of(project, Role.LEAD)
    governance = member_of(project, Role.GOVERNANCE)
    strategy = StrategyFactory(project=project, title="Fairer crisis care")
    eia = services.eia_create(by=lead, project=project, strategy=strategy)
    return project, lead, governance, strategy, eia


def url(name, eia, **kwargs):
    return reverse(f"deliver:{name}", kwargs={"project_id": eia.project_id, "eia_id": eia.pk, **kwargs})


def test_a_new_eia_lists_every_characteristic_of_the_taxonomy(setting):
    *_, eia = setting
    version = eia.versions.get()
    assert (version.number, version.state) == (1, "draft")
    assert list(version.impacts.values_list("characteristic", flat=True)) == list(taxonomy.CHARACTERISTICS)
    assert len(taxonomy.CHARACTERISTICS) >= 12  # nine protected, deprivation, carers, inclusion health


def test_one_eia_for_the_strategy_and_one_per_intervention(setting, project):
    _, lead, _, strategy, _ = setting
    with pytest.raises(ValidationError, match="already has"):
        services.eia_create(by=lead, project=project, strategy=strategy)
    intervention = InterventionFactory(strategy=strategy)
    assert services.eia_create(by=lead, project=project, intervention=intervention).intervention == intervention
    other = InterventionFactory(strategy=StrategyFactory(project=ProjectFactory()))
    with pytest.raises(ValidationError, match="this project"):
        services.eia_create(by=lead, project=project, intervention=other)


def test_submission_refused_naming_each_characteristic_without_mitigation_and_nothing_saved(setting):
    _, lead, *_, eia = setting
    impacts = all_neutral(race={"impact": "negative"}, carer={"impact": "unknown"}, age={"impact": "positive"})
    with pytest.raises(ValidationError) as refused:
        services.eia_save(by=lead, eia=eia, impacts=impacts, summary="Crisis cafés", submit=True)
    message = " ".join(refused.value.messages)
    assert "Race" in message and "Carers" in message and "Age" not in message
    version = eia.versions.get()
    assert version.state == "draft" and version.summary == ""
    assert not version.impacts.exclude(impact="").exists()  # nothing half-saved

    # An action alone is enough for one, a mitigation for the other.
    impacts["race"]["action"] = "Co-design the café locations with Black-led community groups"
    impacts["carer"]["mitigation"] = "Ask carers' groups in the first month"
    version = services.eia_save(by=lead, eia=eia, impacts=impacts, summary="Crisis cafés", submit=True)
    assert (version.number, version.state, version.submitted_by) == (1, "submitted", lead)


def test_every_characteristic_needs_an_impact_before_submission(setting):
    _, lead, *_, eia = setting
    impacts = all_neutral()
    del impacts["sexual_orientation"]
    services.eia_save(by=lead, eia=eia, impacts=impacts)
    with pytest.raises(ValidationError, match="Sexual orientation"):
        services.eia_submit(by=lead, eia=eia)
    assert eia.versions.get().state == "draft"


def test_evidence_links_only_the_projects_processed_uploads_and_surveys(setting, project):
    _, lead, *_, eia = setting
    ready = ExtractFactory(project=project, uploaded_by=lead, state="ready")
    survey = SurveyFactory(project=project, created_by=lead, state="published")
    services.eia_save(by=lead, eia=eia, impacts={"race": {"extracts": [ready], "surveys": [survey]}})
    impact = EiaImpact.objects.get(version__eia=eia, characteristic="race")
    assert list(impact.extracts.all()) == [ready] and list(impact.surveys.all()) == [survey]
    other = ExtractFactory(state="ready")
    with pytest.raises(ValidationError, match="this project"):
        services.eia_save(by=lead, eia=eia, impacts={"race": {"extracts": [other]}})


def test_governance_lead_signs_off_but_never_their_own_submission(setting, project):
    _, lead, governance, _, eia = setting
    services.eia_save(by=lead, eia=eia, impacts=all_neutral(), submit=True)
    # The lead who submitted becomes a governance lead: still not theirs to sign off.
    Membership.objects.filter(project=project, user=lead).update(role=Role.GOVERNANCE)
    with pytest.raises(PermissionDenied, match="someone else"):
        services.eia_sign_off(by=lead, eia=eia)
    assert eia.versions.get().state == "submitted"
    version = services.eia_sign_off(by=governance, eia=eia)
    assert (version.state, version.decided_by) == ("signed_off", governance)
    with pytest.raises(ValidationError, match="not waiting"):
        services.eia_sign_off(by=governance, eia=eia)


def test_self_sign_off_through_the_page_is_refused(client, setting, project):
    _, lead, governance, _, eia = setting
    services.eia_save(by=lead, eia=eia, impacts=all_neutral(), submit=True)
    Membership.objects.filter(project=project, user=lead).update(role=Role.GOVERNANCE)
    client.force_login(lead)
    response = client.post(url("eia-decide", eia), {"decision": "sign_off"})
    assert response.status_code == 200 and b"another governance lead" in response.content
    assert eia.versions.get().state == "submitted"


@pytest.mark.parametrize("role", [Role.PANEL, Role.VIEWER, Role.LEAD, Role.ANALYST])
def test_only_governance_leads_can_sign_off(client, setting, project, member_of, role):
    _, lead, _, _, eia = setting
    services.eia_save(by=lead, eia=eia, impacts=all_neutral(), submit=True)
    user = member_of(project, role)
    client.force_login(user)
    assert client.get(url("eia-decide", eia)).status_code == 403
    assert client.post(url("eia-decide", eia), {"decision": "sign_off"}).status_code == 403
    with pytest.raises(PermissionDenied):
        services.eia_sign_off(by=user, eia=eia)
    assert eia.versions.get().state == "submitted"


def test_returned_with_comments_then_resubmitted(client, setting):
    _, lead, governance, _, eia = setting
    services.eia_save(by=lead, eia=eia, impacts=all_neutral(), submit=True)
    with pytest.raises(ValidationError, match="what needs to change"):
        services.eia_return(by=governance, eia=eia, comment="  ")
    version = services.eia_return(by=governance, eia=eia, comment="Say more about deprivation.")
    assert (version.state, version.decision_comment) == ("returned", "Say more about deprivation.")
    client.force_login(lead)
    assert "Say more about deprivation." in client.get(url("eia-edit", eia)).content.decode()
    version = services.eia_save(by=lead, eia=eia, impacts=all_neutral(deprivation={"evidence": "IMD quintile 1"}))
    assert (version.number, version.state) == (1, "draft")
    assert services.eia_submit(by=lead, eia=eia).state == "submitted"


def test_no_change_while_waiting_for_sign_off(setting):
    _, lead, _, _, eia = setting
    services.eia_save(by=lead, eia=eia, impacts=all_neutral(), submit=True)
    with pytest.raises(ValidationError, match="waiting for sign-off"):
        services.eia_save(by=lead, eia=eia, impacts=all_neutral(age={"impact": "positive"}))


def test_a_change_after_sign_off_makes_a_new_version_and_every_version_stays_readable(
    client, setting, project, member_of
):
    _, lead, governance, strategy, eia = setting
    services.eia_save(by=lead, eia=eia, impacts=all_neutral(), summary="First", submit=True)
    services.eia_sign_off(by=governance, eia=eia)
    version = services.eia_save(
        by=lead, eia=eia, impacts=all_neutral(race={"impact": "positive", "evidence": "Fewer detentions"})
    )
    assert (version.number, version.state, version.summary) == (2, "draft", "First")
    first = EiaVersion.objects.get(eia=eia, number=1)
    assert first.state == "signed_off"
    assert first.impacts.get(characteristic="race").impact == "neutral"  # as it was signed off
    assert version.impacts.get(characteristic="race").impact == "positive"
    assert selectors.status_for(strategy) == "EIA: signed off (version 1); version 2 draft"

    services.eia_submit(by=lead, eia=eia)
    services.eia_sign_off(by=governance, eia=eia)
    assert selectors.status_for(strategy) == "EIA: signed off (version 2)"

    client.force_login(member_of(project, Role.VIEWER))
    listing = client.get(url("eia-versions", eia)).content.decode()
    assert "Version 1" in listing and "Version 2" in listing
    for number, impact in ((1, "Neutral"), (2, "Positive")):
        page = client.get(url("eia-version", eia, version=number)).content.decode()
        assert f"version {number}" in page
        race = page[page.index('id="impact-race"') :][:600]
        assert impact in race
    assert client.get(url("eia-version", eia, version=3)).status_code == 404
    strategy_page = client.get(reverse("deliver:strategy", kwargs={"project_id": project.pk})).content.decode()
    assert "EIA: signed off (version 2)" in strategy_page


def test_edit_page_saves_and_submits_through_the_form(client, setting):
    _, lead, _, _, eia = setting
    client.force_login(lead)
    data = {f"{key}-impact": "neutral" for key in taxonomy.CHARACTERISTICS}
    data.update({"race-impact": "negative", "summary": "Crisis cafés", "submit": ""})
    response = client.post(url("eia-edit", eia), data)
    assert response.status_code == 200
    assert "None yet for: Race" in response.content.decode()
    assert eia.versions.get().state == "draft" and eia.versions.get().summary == ""
    data["race-mitigation"] = "Outreach with Black-led groups"
    response = client.post(url("eia-edit", eia), data)
    assert response.status_code == 302
    assert eia.versions.get().state == "submitted"


def test_intervention_page_starts_its_eia_with_it_chosen(client, setting, project):
    _, lead, _, strategy, _ = setting
    intervention = InterventionFactory(strategy=strategy, title="Evening café")
    client.force_login(lead)
    page = client.get(reverse("deliver:intervention", args=[project.pk, intervention.pk])).content.decode()
    start = reverse("deliver:eia-new", args=[project.pk]) + f"?intervention={intervention.pk}"
    assert start in page
    form = client.get(start).content.decode()
    chosen = re.search(r'<input[^>]*value="(\w+)"[^>]*checked', form)
    assert chosen and chosen.group(1) == str(intervention.pk)
    response = client.post(reverse("deliver:eia-new", args=[project.pk]), {"subject": str(intervention.pk)})
    assert response.status_code == 302
    assert selectors.status_for(intervention) == "EIA: draft (version 1)"
