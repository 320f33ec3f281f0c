"""Every kept file in S3-compatible object storage, with nothing on local disk.

An S3-compatible server (moto in server mode, on a free local port) and a real Celery
worker are started by the test; web (this process) and worker both use
``AMHE_STORAGE=s3`` and share nothing on disk but an empty MEDIA_ROOT. The upload ->
read job -> mapping -> process job -> dashboard -> CSV export path runs, then a
progress report is built and downloaded, and the bucket holds the stored table and the
report while nothing at all was written under MEDIA_ROOT.
"""

import io
import tempfile
import time
import uuid
from pathlib import Path

import boto3
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from moto.server import ThreadedMotoServer

from amhe.core import files
from amhe.core.models import Role
from identify import engine, presenters
from identify.models import Extract
from reports.models import Report
from tests.worker import WorkerProcess

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

DEMO = Path(__file__).resolve().parents[2] / "identify" / "data" / "demo"
REFERRALS = DEMO / "leeds_crisis_referrals_demo.csv"
KEYS = {"AMHE_S3_ACCESS_KEY_ID": "testing", "AMHE_S3_SECRET_ACCESS_KEY": "testing"}


@pytest.fixture
def s3_server():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def bucket(s3_server, settings, monkeypatch, tmp_path):
    """A bucket on the server, and the app (this process and the worker) storing in it."""
    name = f"amhe-test-{uuid.uuid4().hex[:8]}"
    client = boto3.client(
        "s3",
        endpoint_url=s3_server,
        region_name="eu-west-2",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    env = {
        "AMHE_STORAGE": "s3",
        "AMHE_S3_BUCKET": name,
        "AMHE_S3_ENDPOINT_URL": s3_server,
        "AMHE_S3_REGION": "eu-west-2",
        "AMHE_S3_PREFIX": "amhe",
        **KEYS,
    }
    media = tmp_path / "media"
    media.mkdir()
    for key, value in {**env, "MEDIA_ROOT": str(media)}.items():
        monkeypatch.setenv(key, value)  # the worker process reads its settings from its environment
    settings.MEDIA_ROOT = media
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": name,
                "endpoint_url": s3_server,
                "region_name": "eu-west-2",
                "access_key": "testing",
                "secret_key": "testing",
                "location": "amhe",
                "addressing_style": "path",
                "default_acl": None,
                "file_overwrite": True,
            },
        },
    }

    # The command docker compose runs before the app starts makes the bucket, once.
    out = io.StringIO()
    call_command("storage_bucket", wait=5, stdout=out)
    call_command("storage_bucket", wait=5, stdout=out)
    assert out.getvalue().splitlines() == [f"Bucket '{name}' created.", f"Bucket '{name}' is already there."]

    def keys() -> list[str]:
        listed = client.list_objects_v2(Bucket=name)
        return sorted(item["Key"] for item in listed.get("Contents", []))

    return keys, media


@pytest.fixture
def worker(transactional_db, bucket):
    process = WorkerProcess().start()
    yield process
    process.stop()


def wait_until(condition, what, timeout=120.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"Timed out waiting for {what}")


def test_upload_job_dashboard_export_and_report_keep_every_file_in_the_bucket(
    bucket, worker, client, project, member_of
):
    keys, media = bucket
    client.force_login(member_of(project, Role.ANALYST))

    response = client.post(
        reverse("identify:extract-new", kwargs={"project_id": project.pk}),
        {"file": SimpleUploadedFile(REFERRALS.name, REFERRALS.read_bytes()), "kind": "service_use", "title": ""},
    )
    assert response.status_code == 302
    extract = Extract.objects.get()
    assert extract.upload_path.name == f"identify/uploads/{extract.pk}.csv"

    def read():
        extract.refresh_from_db()
        return extract.state != Extract.State.READING

    wait_until(read, "the read job")
    assert extract.state == Extract.State.MAPPING, (extract.error, worker.output())
    table_key = f"amhe/identify/tables/{extract.pk}{engine.TABLE_SUFFIX}"
    # The worker read the upload from the bucket, stored the table there and deleted the upload.
    assert keys() == [table_key]
    assert files.local_path(extract.table_path.name) is None

    assert presenters.column_samples(extract)["EthnicCategory"]  # read from the table in the bucket
    page = client.get(extract.get_absolute_url())
    form = page.context["form"]
    data = {name: (field.initial or "") for name, field in form.fields.items() if name.startswith("column_")}
    data["confidence"] = "0.95"
    assert client.post(extract.get_absolute_url(), data).status_code == 302

    def processed():
        extract.refresh_from_db()
        return extract.state in (Extract.State.READY, Extract.State.FAILED)

    wait_until(processed, "the processing job")
    assert extract.state == Extract.State.READY, (extract.error, worker.output())
    assert extract.row_count == 4727

    kwargs = {"project_id": project.pk, "extract_id": extract.pk}
    dashboard = client.get(reverse("identify:dashboard", kwargs=kwargs))
    assert dashboard.status_code == 200
    export = client.get(reverse("identify:export", kwargs=kwargs))
    assert export.status_code == 200
    rows = b"".join(export.streaming_content if export.streaming else [export.content]).decode("utf-8-sig")
    assert "White" in rows and len(rows.splitlines()) > 10

    reports_url = reverse("reports:list", kwargs={"project_id": project.pk})
    assert client.post(reports_url, {"format": "csv"}).status_code == 302
    report = Report.objects.get()
    wait_until(lambda: Report.objects.get(pk=report.pk).file, "the report job")
    report.refresh_from_db()
    report_key = f"amhe/{report.file.name}"
    assert report_key in keys()
    download = client.get(reverse("reports:download", kwargs={"project_id": project.pk, "report_id": report.pk}))
    assert download.status_code == 200
    body = b"".join(download.streaming_content) if download.streaming else download.content
    assert body.startswith(b"PK")  # the CSV report is a zip of tables

    # Deleting the upload removes its table from the bucket.
    delete = reverse("identify:extract-delete", kwargs=kwargs)
    assert client.post(delete).status_code == 302
    assert table_key not in keys()
    assert keys() == [report_key]

    assert not list(media.rglob("*")), "something was written under MEDIA_ROOT"


def test_a_worker_copy_from_the_bucket_is_streamed_and_cut_off_past_the_limit(bucket, tmp_path, monkeypatch):
    keys, media = bucket
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    name = files.save_bytes(b"0123456789" * 500, "identify/uploads/big.csv")
    assert keys() == ["amhe/identify/uploads/big.csv"]
    with files.local_copy(name, max_bytes=1000) as path:
        assert path.parent == scratch and path.read_bytes() == (b"0123456789" * 101)[:1001]
    with files.local_copy(name) as path:
        assert path.stat().st_size == 5000
    assert not list(scratch.iterdir()) and not list(media.rglob("*"))
    files.delete([name])
    assert keys() == []
