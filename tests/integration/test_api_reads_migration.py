"""api 0002_reads_to_audit: the log of API reads moves into the audit log. The test
migrates back to before the move, writes ApiRead rows with the model as it was,
migrates forward and finds each read as an ``api_read`` entry."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from amhe.core.models import AuditEvent

pytestmark = pytest.mark.django_db(transaction=True)


def _migrate(targets):
    MigrationExecutor(connection).migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


def test_every_api_read_becomes_an_audit_entry():
    apps = _migrate([("api", "0001_initial"), ("core", "0009_retention")])
    org = apps.get_model("core", "Organisation").objects.create(name="Before the move", kind="icb")
    user = apps.get_model("core", "User").objects.create(
        email="reader@example.org", full_name="Reader", organisation=org
    )
    project = apps.get_model("core", "Project").objects.create(organisation=org, name="Old project", area="Leeds")
    token = apps.get_model("api", "ApiToken").objects.create(
        project=project,
        user=user,
        name="Power BI",
        prefix="amhe_abcdef",
        token_hash="0" * 64,
        expires_at=timezone.now() + datetime.timedelta(days=30),
    )
    at = timezone.now() - datetime.timedelta(days=2)
    ApiRead = apps.get_model("api", "ApiRead")
    ApiRead.objects.create(token=token, path=f"/api/v1/projects/{project.pk}/goals/", status=200, at=at)
    ApiRead.objects.create(token=token, path="/api/v1/projects/999/goals/", status=404, at=at)

    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    reads = list(AuditEvent.objects.filter(action=AuditEvent.Action.API_READ).order_by("outcome"))
    assert [(r.detail, r.outcome) for r in reads] == [
        (f"/api/v1/projects/{project.pk}/goals/", "200"),
        ("/api/v1/projects/999/goals/", "404"),
    ]
    for read in reads:
        assert (read.user_id, read.token_id, read.token_prefix, read.project_id, read.organisation_id, read.at) == (
            user.pk,
            token.pk,
            "amhe_abcdef",
            project.pk,
            org.pk,
            at,
        )
    assert "api_apiread" not in connection.introspection.table_names()
