"""What may be attached to a case study (2A): PDF or Word (.docx) documents,
checked by their content, never by their name.

* A PDF starts with ``%PDF-``.
* A .docx is a zip archive holding ``word/document.xml``. It is never
  unpacked here: its directory is read, and an archive whose entries declare
  more than MAX_UNPACKED bytes (or more than MAX_ENTRIES entries, or a
  compression ratio no real document has) is refused as a possible zip bomb,
  so nothing that opens it later can be flooded. Macro-enabled documents are
  refused too.

`check(upload)` returns the kind and a safe file name, or raises
ValidationError with a message that says what to do.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from django.core.exceptions import ValidationError

MAX_BYTES = 10 * 1024 * 1024
MAX_UNPACKED = 100 * 1024 * 1024
MAX_ENTRIES = 2000
MAX_RATIO = 200  # uncompressed / compressed, for any entry over 1 MB unpacked

PDF = "pdf"
DOCX = "docx"
CONTENT_TYPES = {
    PDF: "application/pdf",
    DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
WHAT_TO_ATTACH = "Attach a PDF or a Word document (.docx)"


@dataclass(frozen=True)
class Checked:
    kind: str
    filename: str
    size: int


def safe_filename(name: str, kind: str, fallback: str = "attachment") -> str:
    """The name a download is offered as: letters, digits, spaces, dots, hyphens and
    underscores only (accents dropped), no path, no leading dot, at most 100 characters,
    and the extension of what the content is."""
    stem = PurePath((name or "").replace("\\", "/")).name
    stem = stem.rsplit(".", 1)[0] if "." in stem.lstrip(".") else stem
    stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode("ascii")
    stem = re.sub(r"[^A-Za-z0-9 ._-]+", "-", stem)
    stem = re.sub(r"[-\s]{2,}", "-", stem).strip(" .-_")[:100].strip(" .-_")
    return f"{stem or fallback}.{kind}"


def _shown_name(name: str) -> str:
    """The uploaded file's own name, for a message (templates escape it)."""
    shown = PurePath((name or "").replace("\\", "/")).name
    return shown if len(shown) <= 80 else shown[:77] + "..."


def _docx_problem(upload) -> str | None:
    """Why this zip archive is not an attachable Word document, or None."""
    try:
        with zipfile.ZipFile(upload) as archive:
            entries = archive.infolist()
            if len(entries) > MAX_ENTRIES:
                return "The document holds too many parts to be a Word document. Save it again as .docx or PDF"
            unpacked = sum(entry.file_size for entry in entries)
            if unpacked > MAX_UNPACKED:
                return (
                    "The document would unpack to more than "
                    f"{MAX_UNPACKED // (1024 * 1024)} MB, far more than a Word document. Save it again as .docx or PDF"
                )
            for entry in entries:
                if entry.file_size > 1024 * 1024 and entry.file_size > MAX_RATIO * max(entry.compress_size, 1):
                    return "The document is compressed in a way no Word document is. Save it again as .docx or PDF"
            names = {entry.filename for entry in entries}
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return "The file is damaged or is not a Word document. " + WHAT_TO_ATTACH
    if "word/document.xml" not in names or "[Content_Types].xml" not in names:
        return "The file is a zip archive, not a Word document. " + WHAT_TO_ATTACH
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        return "Documents with macros cannot be attached. Save it as a Word document (.docx) without macros, or as PDF"
    return None


def check(upload) -> Checked:
    """The kind and safe name of an uploaded file, or ValidationError saying what to do."""
    size = upload.size
    if not size:
        raise ValidationError("The selected file is empty. " + WHAT_TO_ATTACH)
    if size > MAX_BYTES:
        raise ValidationError(
            f"The selected file is larger than {MAX_BYTES // (1024 * 1024)} MB. Make it smaller (for example save "
            "it as PDF with smaller pictures), or link to it from the case study instead"
        )
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        kind = PDF
    elif head.startswith(b"PK\x03\x04"):
        problem = _docx_problem(upload)
        upload.seek(0)
        if problem:
            raise ValidationError(problem)
        kind = DOCX
    elif head.startswith(b"\xd0\xcf\x11\xe0"):
        raise ValidationError(
            "Old Word documents (.doc) cannot be attached. Open it in Word, save it as .docx or PDF, and attach that"
        )
    else:
        raise ValidationError(
            f"'{_shown_name(upload.name)}' is not a PDF or a Word document, whatever its name says. " + WHAT_TO_ATTACH
        )
    return Checked(kind=kind, filename=safe_filename(upload.name, kind), size=size)
