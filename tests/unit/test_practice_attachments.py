"""Attachments of case studies (2A) are checked by content, never by name."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from research.practice import attachments, interventions
from tests.factories import docx_bytes, pdf_bytes


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def test_a_real_small_pdf_is_accepted():
    checked = attachments.check(upload("Evaluation 2025.pdf", pdf_bytes()))
    assert (checked.kind, checked.filename) == ("pdf", "Evaluation 2025.pdf")
    assert checked.size == len(pdf_bytes())


def test_a_word_document_is_accepted_whatever_it_is_called():
    checked = attachments.check(upload("leaflet.bin", docx_bytes()))
    assert (checked.kind, checked.filename) == ("docx", "leaflet.docx")


def test_a_program_renamed_as_pdf_is_refused_with_a_clear_message():
    program = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200 + b"This program cannot be run"
    with pytest.raises(ValidationError) as raised:
        attachments.check(upload("report.pdf", program))
    assert raised.value.messages == [
        "'report.pdf' is not a PDF or a Word document, whatever its name says. Attach a PDF or a Word document (.docx)"
    ]


@pytest.mark.parametrize(
    ("content", "message_start"),
    [
        (b"", "The selected file is empty"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "Old Word documents (.doc) cannot be attached"),
        (b"<html><script>alert(1)</script></html>", "'x.pdf' is not a PDF or a Word document"),
        (b"PK\x03\x04 not really a zip", "The file is damaged or is not a Word document"),
    ],
)
def test_other_content_is_refused(content, message_start):
    with pytest.raises(ValidationError) as raised:
        attachments.check(upload("x.pdf", content))
    assert raised.value.messages[0].startswith(message_start)


def _zip(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_a_zip_that_is_not_a_word_document_is_refused():
    with pytest.raises(ValidationError, match="zip archive, not a Word document"):
        attachments.check(upload("notes.docx", _zip({"notes.txt": b"hello"})))


def test_a_macro_enabled_document_is_refused():
    with pytest.raises(ValidationError, match="Documents with macros cannot be attached"):
        attachments.check(upload("m.docx", docx_bytes(extra={"word/vbaProject.bin": b"\x00" * 10})))


def test_a_zip_bomb_is_refused_from_its_declared_sizes_without_unpacking():
    # 101 MB of zeros compresses to about 100 KB: small to upload, huge to unpack.
    bomb = docx_bytes(extra={"word/media/image1.png": b"\x00" * (101 * 1024 * 1024)})
    assert len(bomb) < attachments.MAX_BYTES
    with pytest.raises(ValidationError, match="would unpack to more than 100 MB"):
        attachments.check(upload("big.docx", bomb))


def test_an_entry_compressed_beyond_any_real_document_is_refused():
    # 5 MB of zeros: under the unpacked limit, but compressed about 1,000 to 1.
    dense = docx_bytes(extra={"word/media/image1.png": b"\x00" * (5 * 1024 * 1024)})
    with pytest.raises(ValidationError, match="compressed in a way no Word document is"):
        attachments.check(upload("dense.docx", dense))


def test_too_large_is_refused():
    big = upload("big.pdf", b"%PDF-1.4\n" + b"0" * attachments.MAX_BYTES)
    with pytest.raises(ValidationError, match="larger than 10 MB"):
        attachments.check(big)


@pytest.mark.parametrize(
    ("name", "kind", "expected"),
    [
        ("report.pdf", "pdf", "report.pdf"),
        ('../../etc/evil"name<>.pdf', "pdf", "evil-name.pdf"),
        ("C:\\Users\\me\\Évaluation finale.docx", "docx", "Evaluation finale.docx"),
        (".htaccess", "pdf", "htaccess.pdf"),
        ("setup.exe", "pdf", "setup.pdf"),
        ("", "pdf", "attachment.pdf"),
        ("\u202eexe.pdf", "pdf", "exe.pdf"),  # right-to-left override dropped
        ("a" * 300 + ".pdf", "pdf", "a" * 100 + ".pdf"),
    ],
)
def test_safe_filename(name, kind, expected):
    assert attachments.safe_filename(name, kind) == expected


def test_intervention_types_are_unique_and_cite_the_domain_sources():
    codes = [item.code for item in interventions.INTERVENTION_TYPES]
    assert len(codes) == len(set(codes))
    for item in interventions.INTERVENTION_TYPES:
        if item.code != "other":
            assert "AMHE resource" in item.source or "National" in item.source.title(), item
    assert interventions.label("outreach") == "Outreach, including with community groups"
