"""Organisation settings on the core: the suppression rule every step reads
(amhe.core.selectors.suppression_rule_for) and where an administrator sets it."""

import pytest
from django.urls import reverse

from amhe import stats
from amhe.core.models import Organisation, Project
from amhe.core.selectors import suppression_rule_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def fresh(project):
    return Project.objects.get(pk=project.pk)


def test_the_rule_is_the_organisations_and_nhs_by_default(project):
    assert suppression_rule_for(project) is stats.RULES["nhs"]
    Organisation.objects.filter(pk=project.organisation_id).update(suppression_rule="nhs_lt10")
    assert suppression_rule_for(fresh(project)) is stats.RULES["nhs_lt10"]


def test_an_unknown_rule_falls_back_to_the_nhs_rule(project):
    Organisation.objects.filter(pk=project.organisation_id).update(suppression_rule="withdrawn-rule")
    assert suppression_rule_for(fresh(project)) is stats.RULES["nhs"]


RETENTION_FIELDS = [
    "retain_record_level_days",
    "retain_abandoned_responses_days",
    "retain_reports_days",
    "retain_history_days",
    "retain_audit_days",
]


def test_an_administrator_sets_the_rule_on_the_organisation_but_never_none(client, project):
    admin_user = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    organisation = project.organisation
    page = client.get(reverse("admin:core_organisation_change", args=[organisation.pk])).content.decode()
    assert 'name="suppression_rule"' in page
    assert 'value="nhs_lt10"' in page
    assert 'value="none"' not in page

    data = {"name": organisation.name, "kind": organisation.kind, "ods_code": "", "suppression_rule": "nhs_lt10"}
    # The form's other fields (retention periods) as the page shows them.
    data |= {field: getattr(organisation, field) for field in RETENTION_FIELDS}
    response = client.post(reverse("admin:core_organisation_change", args=[organisation.pk]), data)
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.suppression_rule == "nhs_lt10"

    data["suppression_rule"] = "none"
    response = client.post(reverse("admin:core_organisation_change", args=[organisation.pk]), data)
    assert response.status_code == 200  # the form comes back with an error
    organisation.refresh_from_db()
    assert organisation.suppression_rule == "nhs_lt10"
