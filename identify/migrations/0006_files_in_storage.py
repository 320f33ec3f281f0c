"""Extracts' files move into Django's storage (amhe/core/files.py).

``upload_path`` and ``table_path`` held absolute paths on the web or worker machine;
they now hold names in the default storage (``identify/uploads/<id>.csv``,
``identify/tables/<id>.parquet``). A path under MEDIA_ROOT becomes its name relative to
MEDIA_ROOT (the file stays where it is on local storage). A path elsewhere (MEDIA_ROOT
has moved, or the storage is now object storage) is copied into the storage if the file
is still there, and left as it was otherwise: the job then says the file is gone and asks
for the upload again.
"""

import os
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.db import migrations, models


def _name(path: str, kind: str, storage) -> str:
    if not path or not os.path.isabs(path):
        return path  # blank, or already a storage name
    media = Path(settings.MEDIA_ROOT).resolve()
    try:
        relative = Path(path).resolve().relative_to(media).as_posix()
    except ValueError:
        relative = None
    if relative is not None and storage.exists(relative):
        return relative
    if os.path.isfile(path):
        name = f"identify/{kind}/{Path(path).name}"
        with open(path, "rb") as handle:
            return storage.save(name, File(handle, name=Path(path).name))
    return relative or path


def paths_to_names(apps, schema_editor):
    Extract = apps.get_model("identify", "Extract")
    storage = Extract._meta.get_field("table_path").storage
    extracts = Extract.objects.exclude(upload_path="", table_path="").only("pk", "upload_path", "table_path")
    for extract in extracts.iterator():
        upload = _name(str(extract.upload_path or ""), "uploads", storage)
        table = _name(str(extract.table_path or ""), "tables", storage)
        Extract.objects.filter(pk=extract.pk).update(upload_path=upload, table_path=table)


def names_to_paths(apps, schema_editor):
    Extract = apps.get_model("identify", "Extract")
    media = Path(settings.MEDIA_ROOT)
    for extract in Extract.objects.exclude(upload_path="", table_path="").only("pk", "upload_path", "table_path"):
        upload, table = str(extract.upload_path or ""), str(extract.table_path or "")
        Extract.objects.filter(pk=extract.pk).update(
            upload_path=str(media / upload) if upload and not os.path.isabs(upload) else upload,
            table_path=str(media / table) if table and not os.path.isabs(table) else table,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("identify", "0005_surveys_moved_out"),
    ]

    operations = [
        migrations.AlterField(
            model_name="extract",
            name="table_path",
            field=models.FileField(blank=True, max_length=500, upload_to=""),
        ),
        migrations.AlterField(
            model_name="extract",
            name="upload_path",
            field=models.FileField(blank=True, max_length=500, upload_to=""),
        ),
        migrations.AddField(
            model_name="extract",
            name="pseudonymised_columns",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.RunPython(paths_to_names, names_to_paths, elidable=False),
    ]
