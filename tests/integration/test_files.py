"""Kept files through Django's storage API (amhe/core/files.py) on a storage with no local
paths (Django's InMemoryStorage stands in for object storage here; the S3 path itself is
tests/integration/test_object_storage.py): the read job's bounded temporary copy, the
hostile-file checks still refusing, deletion, and identify's 0006 data migration."""

import importlib
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from amhe.core import files
from amhe.core import services as core_services
from amhe.core.models import Role
from identify import services
from identify.models import Extract
from tests.integration.test_identify_upload import _zip_bomb

pytestmark = pytest.mark.django_db

DEMO = Path(__file__).resolve().parents[2] / "identify" / "data" / "demo"
REFERRALS = DEMO / "leeds_crisis_referrals_demo.csv"


@pytest.fixture
def remote(settings, tmp_path, monkeypatch):
    """A default storage without local paths; MEDIA_ROOT and the temporary folder watched."""
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"}}
    settings.MEDIA_ROOT = tmp_path / "media"
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    assert files.local_path("anything") is None
    return scratch


def _upload(project, user, content: bytes, name: str) -> Extract:
    return services.extract_upload(
        by=user, project=project, uploaded_file=SimpleUploadedFile(name, content), title="", kind="service_use"
    )


def _run(extract: Extract) -> Extract:
    core_services.job_run(job_id=extract.job_id)
    extract.refresh_from_db()
    return extract


def test_local_copy_streams_to_a_temporary_file_that_is_deleted_after(remote):
    name = default_storage.save("identify/uploads/x.csv", ContentFile(b"a" * 5000))
    with files.local_copy(name) as path:
        assert path.parent == remote and path.read_bytes() == b"a" * 5000
    assert not path.exists() and not list(remote.iterdir())
    # Cut off one byte past the limit, so a reader refusing files over the limit still does.
    with files.local_copy(name, max_bytes=1000) as path:
        assert path.stat().st_size == 1001
    assert not list(remote.iterdir())


def test_the_read_job_reads_from_the_storage_and_keeps_only_the_table(
    remote, project, member_of, django_capture_on_commit_callbacks
):
    analyst = member_of(project, Role.ANALYST)
    with django_capture_on_commit_callbacks(execute=False):
        extract = _upload(project, analyst, REFERRALS.read_bytes(), REFERRALS.name)
    upload = extract.upload_path.name
    assert default_storage.exists(upload)
    extract = _run(extract)
    assert extract.state == Extract.State.MAPPING, extract.error
    assert not default_storage.exists(upload) and not extract.upload_path
    assert default_storage.exists(extract.table_path.name)
    assert not list(remote.iterdir())  # the temporary copies are gone
    assert not Path(remote.parent / "media").exists()  # nothing written under MEDIA_ROOT

    with django_capture_on_commit_callbacks(execute=True):
        services.extract_delete(by=analyst, extract=extract)
    assert not default_storage.exists(extract.table_path.name)


def test_an_over_sized_file_in_the_storage_is_still_refused(
    remote, project, member_of, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        extract = _upload(project, member_of(project, Role.ANALYST), REFERRALS.read_bytes(), REFERRALS.name)
    settings.AMHE_UPLOAD_MAX_BYTES = 4096  # the limit went down after the upload was accepted
    copied = []
    real_local_copy = files.local_copy

    @contextmanager
    def watching(name, **kwargs):
        with real_local_copy(name, **kwargs) as path:
            copied.append(path.stat().st_size)
            yield path

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(files, "local_copy", watching)
        extract = _run(extract)
    assert extract.state == Extract.State.FAILED
    assert "which is larger than the 4 KB limit" in extract.error
    assert copied == [4097]  # no more than one byte past the limit crossed from the storage
    assert not default_storage.exists(f"identify/uploads/{extract.pk}.csv")
    assert not list(remote.iterdir())


def test_a_zip_bomb_in_the_storage_is_refused_without_unpacking(
    remote, project, member_of, monkeypatch, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        extract = _upload(project, member_of(project, Role.ANALYST), _zip_bomb(), "bomb.xlsx")

    def no_parsing(*args, **kwargs):
        raise AssertionError("the workbook was opened")

    monkeypatch.setattr("openpyxl.load_workbook", no_parsing)
    extract = _run(extract)
    assert extract.state == Extract.State.FAILED
    assert "would unpack to 200 MB" in extract.error
    assert not default_storage.exists(extract.upload_path.name)
    assert not list(remote.iterdir())


def test_the_data_migration_turns_paths_into_storage_names(settings, tmp_path, project, member_of):
    migration = importlib.import_module("identify.migrations.0006_files_in_storage")
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}
    inside = tmp_path / "media" / "identify" / "tables" / "a.parquet"
    inside.parent.mkdir(parents=True)
    inside.write_bytes(b"table a")
    elsewhere = tmp_path / "old-media" / "identify" / "uploads" / "b.csv"
    elsewhere.parent.mkdir(parents=True)
    elsewhere.write_bytes(b"upload b")
    analyst = member_of(project, Role.ANALYST)

    def made(**paths):
        extract = Extract.objects.create(project=project, uploaded_by=analyst, title="t", kind="service_use")
        Extract.objects.filter(pk=extract.pk).update(**paths)
        return extract

    under_media = made(table_path=str(inside))
    moved = made(upload_path=str(elsewhere))
    gone = made(table_path=str(tmp_path / "nowhere" / "c.parquet"))
    blank = made()

    from django.apps import apps

    migration.paths_to_names(apps, None)
    for extract in (under_media, moved, gone, blank):
        extract.refresh_from_db()
    assert under_media.table_path.name == "identify/tables/a.parquet"
    with default_storage.open(under_media.table_path.name) as handle:
        assert handle.read() == b"table a"
    assert moved.upload_path.name == "identify/uploads/b.csv"  # copied into the storage
    with default_storage.open("identify/uploads/b.csv") as handle:
        assert handle.read() == b"upload b"
    assert gone.table_path.name == str(tmp_path / "nowhere" / "c.parquet")  # left: the job says it is gone
    assert not blank.table_path and not blank.upload_path

    migration.names_to_paths(apps, None)
    under_media.refresh_from_db()
    assert under_media.table_path.name == str(Path(settings.MEDIA_ROOT) / "identify" / "tables" / "a.parquet")


def test_the_admin_shows_stored_file_names_without_links_to_the_files(admin_client, project, member_of):
    extract = Extract.objects.create(
        project=project, uploaded_by=member_of(project, Role.ANALYST), title="t", kind="service_use"
    )
    Extract.objects.filter(pk=extract.pk).update(table_path=f"identify/tables/{extract.pk}.parquet")
    page = admin_client.get(f"/admin/identify/extract/{extract.pk}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f"identify/tables/{extract.pk}.parquet" in html
    assert f'href="/identify/tables/{extract.pk}.parquet' not in html and '.parquet"' not in html


def test_an_instrument_upload_waits_in_the_storage_and_is_deleted_once_read(remote, project, member_of):
    from evaluate.instruments import services as instrument_services
    from evaluate.models import InstrumentUpload
    from tests.integration.test_instrument_uploads import HEADER, csv_bytes, phq9_rows

    analyst = member_of(project, Role.ANALYST)
    upload = instrument_services.scores_upload_queue(
        by=analyst, project=project, key="phq-9", title="", grouping="month", data=csv_bytes(HEADER, phq9_rows())
    )
    name = upload.file_path.name
    assert name.startswith("evaluate/scores/") and default_storage.exists(name)
    assert instrument_services.scores_upload_process(upload_id=upload.pk) == {"periods": 1, "scores": 58}
    assert not default_storage.exists(name) and InstrumentUpload.objects.get(pk=upload.pk).file_path == ""
    assert not Path(remote.parent / "media").exists()
