"""An instrument upload's waiting file moves into Django's storage (amhe/core/files.py).

``file_path`` held an absolute path under MEDIA_ROOT; it now holds a name in the default
storage (``evaluate/scores/<random>.upload``). A path under MEDIA_ROOT becomes its name
relative to MEDIA_ROOT; a path elsewhere whose file is still there is copied into the
storage; anything else is left as it was, and the job says the file was lost.
"""

import os
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.db import migrations, models


def _name(path: str, storage) -> str:
    if not path or not os.path.isabs(path):
        return path
    try:
        relative = Path(path).resolve().relative_to(Path(settings.MEDIA_ROOT).resolve()).as_posix()
    except ValueError:
        relative = None
    if relative is not None and storage.exists(relative):
        return relative
    if os.path.isfile(path):
        with open(path, "rb") as handle:
            return storage.save(f"evaluate/scores/{Path(path).name}", File(handle, name=Path(path).name))
    return relative or path


def paths_to_names(apps, schema_editor):
    InstrumentUpload = apps.get_model("evaluate", "InstrumentUpload")
    storage = InstrumentUpload._meta.get_field("file_path").storage
    for upload in InstrumentUpload.objects.exclude(file_path="").only("pk", "file_path").iterator():
        InstrumentUpload.objects.filter(pk=upload.pk).update(file_path=_name(str(upload.file_path), storage))


def names_to_paths(apps, schema_editor):
    InstrumentUpload = apps.get_model("evaluate", "InstrumentUpload")
    media = Path(settings.MEDIA_ROOT)
    for upload in InstrumentUpload.objects.exclude(file_path="").only("pk", "file_path"):
        name = str(upload.file_path)
        if not os.path.isabs(name):
            InstrumentUpload.objects.filter(pk=upload.pk).update(file_path=str(media / name))


class Migration(migrations.Migration):
    dependencies = [
        ("evaluate", "0009_instrument_uploads"),
    ]

    operations = [
        migrations.AlterField(
            model_name="instrumentupload",
            name="file_path",
            field=models.FileField(blank=True, max_length=300, upload_to=""),
        ),
        migrations.RunPython(paths_to_names, names_to_paths, elidable=False),
    ]
