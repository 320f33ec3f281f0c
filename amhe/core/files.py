"""Every file the app keeps goes through Django's storage API (``STORAGES["default"]``).

By default that is the local filesystem under ``MEDIA_ROOT``; with ``AMHE_STORAGE=s3``
it is an S3-compatible object store (django-storages), so the web processes and the
workers can run on different machines and share nothing on local disk.

* :func:`save_file`, :func:`save_local` and :func:`save_bytes` store a file under a name of ours.
* :func:`local_copy` gives a job a path it can read with tools that want a real file
  (the extract reader, pyarrow): on local storage the stored file itself, otherwise a
  temporary copy streamed in chunks (memory stays bounded), cut off just past
  ``max_bytes`` and deleted afterwards.
* :func:`delete` is the one way a kept file is destroyed (uploads, tables, reports,
  attachments; retention uses it too); :func:`delete_on_commit` after the rows that
  named the files are gone.
"""

import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, Storage, default_storage
from django.db import transaction

#: Bytes read or written at a time when copying between storage and a local file.
CHUNK_BYTES = 1024 * 1024


def _storage(storage: Storage | None) -> Storage:
    return storage if storage is not None else default_storage


def local_path(name: str, *, storage: Storage | None = None) -> Path | None:
    """The stored file's own path when the storage is a local filesystem, else None
    (object storage, or any other storage whose files are not plain local files)."""
    storage = _storage(storage)
    if isinstance(storage, FileSystemStorage):
        return Path(storage.path(name))
    return None


def exists(name: str, *, storage: Storage | None = None) -> bool:
    return bool(name) and _storage(storage).exists(name)


def save_local(path: str | os.PathLike, name: str, *, storage: Storage | None = None) -> str:
    """Store the local file at ``path`` as ``name`` (replacing a file of that name, so a
    job run twice keeps one copy) and return the name it was stored under. The file is
    streamed, never read into memory whole."""
    storage = _storage(storage)
    delete([name], storage=storage)
    with open(path, "rb") as handle:
        return storage.save(name, File(handle, name=os.path.basename(name)))


def save_bytes(data: bytes, name: str, *, storage: Storage | None = None) -> str:
    """Store small ``data`` as ``name`` (replacing a file of that name); return the stored name."""
    storage = _storage(storage)
    delete([name], storage=storage)
    return storage.save(name, ContentFile(data, name=os.path.basename(name)))


def save_file(content: File, name: str, *, storage: Storage | None = None) -> str:
    """Store an open file (such as an upload, which Django has already streamed to a
    temporary file if it is large) as ``name``, replacing a file of that name; the
    storage streams it. Returns the stored name."""
    storage = _storage(storage)
    delete([name], storage=storage)
    content.seek(0)
    return storage.save(name, content)


@contextmanager
def scratch_file(*, suffix: str = "") -> Iterator[Path]:
    """A temporary local file (outside MEDIA_ROOT), deleted on leaving the block."""
    handle, path = tempfile.mkstemp(prefix="amhe-", suffix=suffix)
    os.close(handle)
    try:
        yield Path(path)
    finally:
        with suppress(FileNotFoundError):
            os.unlink(path)


@contextmanager
def local_copy(name: str, *, max_bytes: int | None = None, storage: Storage | None = None) -> Iterator[Path]:
    """A local path holding the stored file ``name``, for the length of the block.

    On local storage it is the stored file itself. Otherwise the file is streamed from
    the storage in chunks into a temporary file that is deleted afterwards; with
    ``max_bytes`` at most ``max_bytes + 1`` bytes are copied, so a reader that refuses
    files over ``max_bytes`` still sees that the file is too big, without the whole of
    an over-sized file crossing the network or filling the disk.
    """
    storage = _storage(storage)
    own = local_path(name, storage=storage)
    if own is not None:
        yield own
        return
    with scratch_file(suffix=Path(name).suffix) as path:
        limit = None if max_bytes is None else max_bytes + 1
        with storage.open(name, "rb") as source, open(path, "wb") as out:
            obj = getattr(source, "obj", None)
            if obj is not None:
                # django-storages' S3 file would first download the whole object into a
                # buffer of its own; the object's body is streamed instead, and with a
                # limit only its first bytes are asked for.
                body = obj.get(**({"Range": f"bytes=0-{limit - 1}"} if limit is not None else {}))["Body"]
                try:
                    for chunk in body.iter_chunks(CHUNK_BYTES):
                        out.write(chunk)
                finally:
                    body.close()
            elif limit is None:
                shutil.copyfileobj(source, out, CHUNK_BYTES)
            else:
                while limit > 0:
                    chunk = source.read(min(CHUNK_BYTES, limit))
                    if not chunk:
                        break
                    out.write(chunk)
                    limit -= len(chunk)
        yield path


def delete(names: Iterable[str], *, storage: Storage | None = None) -> None:
    """Destroy kept files by name; names that are blank or already gone are skipped.

    The one place a kept file is deleted, so every deletion (a user's, a job's clean-up,
    retention's purge) goes through the storage API whatever the storage is."""
    storage = _storage(storage)
    for name in names:
        if name:
            storage.delete(name)


def delete_on_commit(names: Iterable[str], *, storage: Storage | None = None) -> None:
    """Delete the files once the current transaction commits (at once outside one)."""
    names = [name for name in names if name]
    if names:
        transaction.on_commit(lambda: delete(names, storage=storage))
