"""A collected progress report (reports.content.Document) as a file: an accessible,
tagged PDF (WeasyPrint, PDF/UA-1), a Word document with real headings and tables
(python-docx), an Excel workbook with one sheet per table (openpyxl) or a zip of
one CSV per table. Every CSV and Excel cell goes through amhe.analysis.csv_safe."""

from __future__ import annotations

import csv
import io
import logging
import zipfile

from django.template.loader import render_to_string
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from amhe.analysis.csv_safe import csv_safe
from reports.content import Document, Section, Table

# WeasyPrint logs every layout step at INFO; only its warnings matter here.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "application/zip",
}


def to_pdf(document: Document) -> bytes:
    from weasyprint import HTML  # imported here: it loads pango, which only this needs

    html = render_to_string("reports/report_pdf.html", {"document": document})
    return HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")


def _text(value) -> str:
    """Text a Word document can hold (XML 1.0: no control characters but tab and line breaks)."""
    return ILLEGAL_CHARACTERS_RE.sub("", "" if value is None else str(value))


def to_docx(document: Document) -> bytes:
    from docx import Document as WordDocument

    word = WordDocument()
    word.core_properties.title = _text(document.title)
    word.core_properties.language = "en-GB"
    word.add_heading(_text(document.title), level=1)
    word.add_paragraph(document.marking).runs[0].bold = True
    cover = word.add_table(rows=0, cols=2)
    cover.style = "Table Grid"
    for label, value in document.cover_lines:
        cells = cover.add_row().cells
        cells[0].text, cells[1].text = label, _text(value)
    for section in document.sections:
        _docx_section(word, section, level=2)
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


def _docx_section(word, section: Section, *, level: int) -> None:
    from docx.shared import Cm

    word.add_heading(_text(section.heading), level=level)
    for text in section.paragraphs:
        word.add_paragraph(_text(text))
    for table in section.tables:
        _docx_table(word, table)
    for figure in section.figures:
        png = figure.png()
        if png:
            word.add_paragraph(_text(f"Figure: {figure.caption}"), style="Caption")
            picture = word.add_paragraph().add_run().add_picture(io.BytesIO(png), width=Cm(16))
            _alt_text(picture, figure.alt)
        word.add_paragraph(_text(figure.summary))
        for note in figure.notes:
            word.add_paragraph(_text(note))
        _docx_table(word, figure.table)
    for sub in section.subsections:
        _docx_section(word, sub, level=min(level + 1, 3))


def _alt_text(picture, alt: str) -> None:
    """The picture's text alternative (Word's "Alt Text": the descr of its wp:docPr)."""
    picture._inline.docPr.set("descr", _text(alt))
    picture._inline.docPr.set("title", _text(alt.split(". ")[0]))


def _docx_table(word, table: Table) -> None:
    word.add_paragraph(_text(table.caption), style="Caption")
    grid = word.add_table(rows=1, cols=len(table.header))
    grid.style = "Table Grid"
    for cell, text in zip(grid.rows[0].cells, table.header, strict=True):
        cell.text = _text(text)
        cell.paragraphs[0].runs[0].bold = True
    for row in table.rows:
        for cell, value in zip(grid.add_row().cells, row, strict=True):
            cell.text = _text(value)


def _xlsx_value(value):
    if isinstance(value, str):
        return csv_safe(ILLEGAL_CHARACTERS_RE.sub("", value))  # remove first, then check (csv_safe)
    return value


def _unique_names(tables: list[Table], limit: int) -> list[str]:
    names, seen = [], set()
    for number, table in enumerate(tables, start=1):
        name = table.sheet_name[:limit]
        if name.lower() in seen:
            suffix = f" {number}"
            name = name[: limit - len(suffix)] + suffix
        seen.add(name.lower())
        names.append(name)
    return names


def to_xlsx(document: Document) -> bytes:
    workbook = Workbook()
    about = workbook.active
    about.title = "About"
    about.append([_xlsx_value(document.title)])
    for label, value in document.cover_lines:
        about.append([label, _xlsx_value(value)])
    tables = document.tables()
    for table, name in zip(tables, _unique_names(tables, 31), strict=True):
        sheet = workbook.create_sheet(name)
        sheet.append([_xlsx_value(h) for h in table.header])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in table.rows:
            sheet.append([_xlsx_value(v) for v in row])
        sheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _csv_bytes(header: list[str], rows: list[list]) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow([csv_safe(h) for h in header])
    for row in rows:
        writer.writerow(["" if v is None else csv_safe(v) for v in row])
    return ("\ufeff" + text.getvalue()).encode("utf-8")


def to_csv_zip(document: Document) -> bytes:
    out = io.BytesIO()
    tables = document.tables()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("about.csv", _csv_bytes(["Item", "Value"], [["Title", document.title], *document.cover_lines]))
        for number, (table, name) in enumerate(zip(tables, _unique_names(tables, 60), strict=True), start=1):
            slug = "".join(c if c.isalnum() else "-" for c in name.lower()).strip("-")
            archive.writestr(f"{number:02d}-{slug}.csv", _csv_bytes(table.header, table.rows))
    return out.getvalue()


RENDERERS = {"pdf": to_pdf, "docx": to_docx, "xlsx": to_xlsx, "csv": to_csv_zip}


def render(document: Document, fmt: str) -> bytes:
    try:
        renderer = RENDERERS[fmt]
    except KeyError:
        raise ValueError(f"Unknown format {fmt!r}: choose one of {', '.join(RENDERERS)}") from None
    return renderer(document)
