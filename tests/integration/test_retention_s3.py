"""The retention purge destroys files in S3-compatible object storage too (the moto
server and bucket of test_object_storage): what is past its period goes from the
bucket, what is not stays, and nothing is ever written to local disk."""

import pytest
from django.core.files.base import ContentFile

from amhe.core import files, retention
from identify.models import Extract
from reports.models import Report
from tests.factories import ExtractFactory, OrganisationFactory, ProjectFactory
from tests.integration.test_object_storage import bucket, s3_server  # noqa: F401 - fixtures
from tests.integration.test_retention import days_ago

pytestmark = pytest.mark.django_db


def test_purge_deletes_expired_files_from_the_bucket_and_keeps_the_rest(bucket):  # noqa: F811
    keys, media = bucket
    project = ProjectFactory(organisation=OrganisationFactory(name="Bucket ICB"))
    old = ExtractFactory(project=project, table_path=files.save_bytes(b"rows", "identify/tables/old.parquet"))
    new = ExtractFactory(project=project, table_path=files.save_bytes(b"rows", "identify/tables/new.parquet"))
    Extract.objects.filter(pk=old.pk).update(created_at=days_ago(181))
    old_report = Report.objects.create(project=project, format="pdf")
    old_report.file.save("old.pdf", ContentFile(b"%PDF old"))
    Report.objects.filter(pk=old_report.pk).update(made_at=days_ago(366))
    new_report = Report.objects.create(project=project, format="pdf")
    new_report.file.save("new.pdf", ContentFile(b"%PDF new"))
    before = keys()
    assert len(before) == 4

    dry = retention.dry_run(organisation=project.organisation)
    assert keys() == before
    assert dry.counts["record_level"] == {str(project.organisation.pk): 1}
    assert dry.counts["reports"] == {str(project.organisation.pk): 1}

    retention.purge(organisation=project.organisation)
    assert keys() == sorted(f"amhe/{name}" for name in (new.table_path.name, new_report.file.name))
    assert not list(media.rglob("*"))
    retention.purge(organisation=project.organisation)  # again: nothing more, no error
    assert len(keys()) == 2
