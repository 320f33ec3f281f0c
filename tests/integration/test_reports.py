"""Progress reports (issue 14, items 1-3): the collect step says when a step has
nothing, uses published (suppressed) figures only, every format opens with its
structure, CSV and Excel cells are formula-safe, the command's errors, and the
build job end to end on the demo project."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from docx import Document as WordDocument
from openpyxl import load_workbook
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject

from amhe.core.models import Job, Project, Role, SmartGoal
from amhe.core.services import job_run
from deliver.models import Risk
from reports import content, render
from reports.models import Report
from tests.factories import (
    AssessmentFactory,
    BreakdownFactory,
    ExtractFactory,
    InterventionFactory,
    MeasureFactory,
    MeasureValueFactory,
    PriorityFactory,
    RiskFactory,
    SmartGoalFactory,
    StrategyFactory,
    SurveyFactory,
    SurveyResponseFactory,
    YouSaidWeDidFactory,
)
from tests.integration.test_exports_safe import runnable

pytestmark = pytest.mark.django_db

HIDDEN_COUNT = 3  # under the NHS rule (1 to 7 suppressed)
BIG_COUNT = 4321  # shown rounded to 5 under the NHS rule, so never as itself
HIDDEN_VALUE = Decimal("4242.5")  # a measure's suppressed value: no number anywhere
HOSTILE = '=HYPERLINK("http://x","HOSTILE")'


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def breakdown_result(small_group: str) -> dict:
    def row(group, code, count, share):
        return {
            "dimension": "ethnicity_high",
            "group": group,
            "group_code": code,
            "kind": "valid",
            "count": count,
            "share": share,
            "share_lower": share / 2,
            "share_upper": min(1, share * 2),
            "suppressed": False,
        }

    total = BIG_COUNT + HIDDEN_COUNT + 10
    return {
        "dimension": "ethnicity_high",
        "label": "Ethnic group (high level)",
        "dimensions": ["ethnicity_high"],
        "reference": None,
        "summary": {},
        "rows": [
            row("White", "WHITE", BIG_COUNT, BIG_COUNT / total),
            row(small_group, "MIXED", HIDDEN_COUNT, HIDDEN_COUNT / total),
            row("Asian", "ASIAN", 10, 10 / total),  # hidden too (secondary), so Mixed cannot be worked out
        ],
    }


@pytest.fixture
def busy(project, member_of):
    """A project with something in most steps, some of its text hostile."""
    lead = member_of(project, Role.LEAD)
    SmartGoalFactory(project=project, owner=lead, statement=HOSTILE)
    extract = ExtractFactory(project=project, uploaded_by=lead, title="Crisis referrals", shape="record")
    result = breakdown_result("Mixed")
    BreakdownFactory(extract=extract, result=result, published=result)  # republished with the rule when read
    survey = SurveyFactory(project=project, created_by=lead, state="published", title="Crisis care survey")
    for _ in range(HIDDEN_COUNT):
        SurveyResponseFactory(survey=survey, state="submitted")
    PriorityFactory(project=project, title=f"{HOSTILE} priority", state="agreed")
    RiskFactory(project=project, owner=lead, title="Interpreters not booked")
    YouSaidWeDidFactory(project=project, created_by=lead, state="published", published_on=date(2026, 5, 1))
    YouSaidWeDidFactory(project=project, created_by=lead, you_said="A draft, not in the report")
    AssessmentFactory(project=project, period="2025/26")
    return project


@pytest.fixture
def charted(busy, member_of):
    """`busy` with a measure over 12 months (an SPC chart), a suppressed month, and a
    strategy whose intervention is titled as a formula."""
    measure = MeasureFactory(project=busy, name="Crisis referrals per 100,000")
    for month in range(1, 13):
        MeasureValueFactory(
            measure=measure,
            period_start=date(2025, month, 1),
            period_end=date(2025, month, 28),
            value=Decimal(100 + (month * 7) % 11),
        )
    MeasureValueFactory(
        measure=measure,
        period_start=date(2026, 1, 1),
        period_end=date(2026, 1, 31),
        value=HIDDEN_VALUE,
        suppressed=True,
    )
    InterventionFactory(strategy=StrategyFactory(project=busy), title=f"{HOSTILE} intervention")
    return busy


def drawn_figures(document: content.Document) -> list[content.Figure]:
    def walk(section):
        yield from section.figures
        for sub in section.subsections:
            yield from walk(sub)

    return [f for s in document.sections for f in walk(s) if f.picture]


def text_of(document: content.Document) -> str:
    return "\n".join(document.all_text())


def test_a_step_with_nothing_yet_says_so_in_one_line(project):
    document = content.collect(project)
    lines = [line for line in document.all_text() if "nothing yet" in line]
    for step in ("1A", "1B", "Research", "Deliver", "3C", "4A", "4A benchmarking", "4A self-assessments", "4B", "4C"):
        assert any(line.startswith(f"{step}: nothing yet") for line in lines), step
    assert "SMART goals: nothing yet" in text_of(document)
    assert [s.heading for s in document.sections] == [
        "Summary",
        "Where the cycle stands",
        "SMART goals",
        "1. Identify",
        "2. Research",
        "3. Deliver",
        "4. Evaluate",
    ]
    assert document.marking == content.MARKING_OFFICIAL


def test_a_step_with_something_no_longer_says_nothing(busy):
    text = text_of(content.collect(busy))
    for step in ("1A", "1B", "Research", "SMART goals", "4B", "4A self-assessments"):
        assert f"{step}: nothing yet" not in text, step
    assert "Crisis care survey" in text and "Interpreters not booked" in text
    assert "The crisis team now calls back within four hours." in text and "2025/26" in text
    assert "A draft, not in the report" not in text


def test_only_published_suppressed_figures_reach_the_report(busy):
    document = content.collect(busy)
    assert document.marking == content.MARKING_SENSITIVE  # record-level upload
    one_a = next(t for t in document.tables() if t.caption == "1A Crisis referrals")
    count = one_a.header.index("Count")
    group = one_a.header.index("Group")
    counts = {row[group]: row[count] for row in one_a.rows}
    assert counts["Mixed"] == "*" and counts["Asian"] == "*"
    assert int(counts["White"]) != BIG_COUNT and int(counts["White"]) % 5 == 0  # rounded
    surveys = next(t for t in document.tables() if t.caption == "1B surveys")
    assert surveys.rows == [["Crisis care survey", "Published", "*"]]
    # In every format, the true counts appear nowhere.
    cells = [str(c) for t in document.tables() for row in t.rows for c in row]
    assert str(BIG_COUNT) not in cells
    for fmt in ("xlsx", "csv"):
        values = cells_of(render.render(document, fmt), fmt)
        assert str(BIG_COUNT) not in values and "4,321" not in values
    assert f"{BIG_COUNT}" not in "".join(docx_texts(render.render(document, "docx")))


def cells_of(data: bytes, fmt: str) -> list[str]:
    if fmt == "xlsx":
        book = load_workbook(io.BytesIO(data))
        return [str(c.value) for s in book.worksheets for row in s.iter_rows() for c in row if c.value is not None]
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [
            cell
            for name in archive.namelist()
            for row in csv.reader(io.StringIO(archive.read(name).decode("utf-8-sig"), newline=""))
            for cell in row
        ]


def docx_texts(data: bytes) -> list[str]:
    word = WordDocument(io.BytesIO(data))
    texts = [p.text for p in word.paragraphs]
    texts += [cell.text for table in word.tables for row in table.rows for cell in row.cells]
    return texts


def pdf_of(data: bytes) -> PdfReader:
    assert data.startswith(b"%PDF-")
    return PdfReader(io.BytesIO(data))


def struct_elements(reader: PdfReader) -> list[DictionaryObject]:
    """Every element of the PDF's structure tree, in document order."""
    found = []

    def walk(node):
        node = node.get_object()
        if isinstance(node, ArrayObject):
            for child in node:
                walk(child)
        elif isinstance(node, DictionaryObject):
            if "/S" in node:
                found.append(node)
            if "/K" in node:
                walk(node["/K"])

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    return found


def squeezed(text: str) -> str:
    """Text without whitespace, as a PDF's lines may break anywhere there was a space."""
    return "".join(text.split())


def test_the_pdf_is_tagged_with_language_title_outline_and_alt_text(charted):
    document = content.collect(charted)
    reader = pdf_of(render.render(document, "pdf"))
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en"
    assert root["/MarkInfo"]["/Marked"] == True  # noqa: E712 (a pypdf BooleanObject)
    assert reader.metadata.title == document.title
    assert b"pdfuaid" in root["/Metadata"].get_object().get_data()  # PDF/UA-1 identification
    elements = struct_elements(reader)
    tags = {e["/S"] for e in elements}
    assert {"/H1", "/H2", "/H3", "/Table", "/TH", "/TD", "/Caption", "/Figure"} <= tags
    # One tagged figure per chart drawn, each with the chart's text alternative.
    drawn = drawn_figures(document)
    assert any("over time" in f.caption for f in drawn)  # the measure's SPC chart
    assert any("by ethnic group" in f.caption for f in drawn)  # 1A's chart of the upload
    alts = [str(e["/Alt"]) for e in elements if e["/S"] == "/Figure"]
    assert alts == [f.alt for f in drawn]
    # A heading outline (bookmarks) with every section.
    outline = []

    def titles(items):
        for item in items:
            titles(item) if isinstance(item, list) else outline.append(item.title)

    titles(reader.outline)
    assert outline[0] == document.title
    assert [s.heading for s in document.sections] == [t for t in outline if t in {s.heading for s in document.sections}]


def test_the_pdf_text_matches_the_database_with_published_figures_only(charted):
    document = content.collect(charted)
    reader = pdf_of(render.render(document, "pdf"))
    first = squeezed(reader.pages[0].extract_text())
    for words in (document.data_period, "Small-numbersuppression", document.suppression, "OFFICIAL-SENSITIVE"):
        assert squeezed(words) in first, words
    text = squeezed("\n".join(page.extract_text() for page in reader.pages))
    assert squeezed(charted.name) in text
    for goal in SmartGoal.objects.filter(project=charted):
        assert squeezed(goal.statement) in text
    assert squeezed(f"{HOSTILE} intervention") in text  # shown as written: a document runs no formula
    assert not [page for page in reader.pages if "/Annots" in page]  # and makes no link of it
    one_a = next(t for t in document.tables() if t.caption == "1A Crisis referrals")
    white = next(row for row in one_a.rows if "White" in row)
    assert squeezed(" ".join(str(c) for c in white)) in text  # the published row, rounded
    # 1A's chart draws the published groups only: the two hidden groups are not in the picture.
    (one_a_chart,) = [f for f in drawn_figures(document) if f.caption.startswith("Share of records by ethnic group")]
    assert "White" in one_a_chart.svg and "Mixed" not in one_a_chart.svg and "Asian" not in one_a_chart.svg
    for hidden in (str(BIG_COUNT), f"{BIG_COUNT:,}", str(HIDDEN_VALUE)):
        assert hidden not in text, hidden
        assert not [f for f in drawn_figures(document) if hidden in f.svg], hidden


def test_the_word_document_has_real_headings_and_tables(busy):
    document = content.collect(busy)
    word = WordDocument(io.BytesIO(render.render(document, "docx")))
    headings = [(p.style.name, p.text) for p in word.paragraphs if p.style.name.startswith("Heading")]
    assert ("Heading 1", document.title) in headings
    assert ("Heading 2", "Where the cycle stands") in headings
    assert ("Heading 3", "1A: key figures from the data") in headings
    assert len(word.tables) == 1 + len(document.tables())  # the cover, then every table
    goals = next(t for t in word.tables if t.rows[0].cells[0].text == "Goal")
    assert goals.rows[1].cells[0].text == HOSTILE  # a document, not a spreadsheet: shown as written
    risks = next(t for t in word.tables if t.rows[0].cells[0].text == "Risk")
    assert [[c.text for c in row.cells][:2] for row in risks.rows[1:]] == [
        [r.title, str(r.likelihood * r.impact)] for r in Risk.objects.filter(project=busy).order_by("pk")
    ]


def test_the_word_document_has_each_chart_with_its_alt_text_sentence_and_table(charted):
    document = content.collect(charted)
    word = WordDocument(io.BytesIO(render.render(document, "docx")))
    drawn = drawn_figures(document)
    pictures = word.inline_shapes
    assert len(pictures) == len(drawn) > 0
    assert [p._inline.docPr.get("descr") for p in pictures] == [f.alt for f in drawn]
    assert len(word.tables) == 1 + len(document.tables())
    # The formula-like titles are text: no field (HYPERLINK or any other) and no link in the file.
    body = word.element.xml
    assert f"{HOSTILE} intervention".replace('"', "&quot;") in body or f"{HOSTILE} intervention" in body
    assert "w:instrText" not in body and "w:fldSimple" not in body and "w:hyperlink" not in body
    paragraphs = [p.text for p in word.paragraphs]
    for figure in drawn:
        assert f"Figure: {figure.caption}" in paragraphs and figure.summary in paragraphs
        grid = next(t for t in word.tables if [c.text for c in t.rows[0].cells] == figure.table.header)
        assert [[c.text for c in row.cells] for row in grid.rows[1:]] == [
            [str(v) for v in row] for row in figure.table.rows
        ]


def test_the_workbook_has_a_sheet_per_table_frozen_headers_and_numbers(busy):
    document = content.collect(busy)
    book = load_workbook(io.BytesIO(render.render(document, "xlsx")))
    assert book.sheetnames[0] == "About"
    assert len(book.sheetnames) == 1 + len(document.tables())
    risks = book["3C risk register"]
    assert risks.freeze_panes == "A2"
    assert [c.value for c in risks[1]] == ["Risk", "Score", "Band", "Next review"]
    assert risks["B2"].value == 6 and risks["B2"].data_type == "n"
    assert all(sheet.freeze_panes == "A2" for sheet in book.worksheets[1:])


def test_a_charts_table_holds_numbers_in_the_workbook(charted):
    document = content.collect(charted)
    book = load_workbook(io.BytesIO(render.render(document, "xlsx")))
    (spc,) = [f for f in drawn_figures(document) if f.caption == "Crisis referrals per 100,000 over time"]
    sheet = book.worksheets[1 + document.tables().index(spc.table)]
    assert [c.value for c in sheet[1]] == spc.table.header
    values = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    expected = [float(v.value) for v in charted.measures.get().values.filter(suppressed=False).order_by("period_end")]
    assert values == expected and all(isinstance(v, int | float) for v in values)
    assert float(HIDDEN_VALUE) not in values


def test_no_spreadsheet_cell_can_run_as_a_formula(busy):
    document = content.collect(busy)
    for fmt in ("xlsx", "csv"):
        data = render.render(document, fmt)
        values = cells_of(data, fmt)
        assert any("HOSTILE" in v for v in values), fmt  # the hostile text reached the file
        assert [v for v in values if runnable(v) or v.startswith("=")] == [], fmt
    book = load_workbook(io.BytesIO(render.render(document, "xlsx")))
    assert not [c for s in book.worksheets for row in s.iter_rows() for c in row if c.data_type == "f"]


def test_the_csv_zip_holds_one_file_per_table(busy):
    document = content.collect(busy)
    with zipfile.ZipFile(io.BytesIO(render.render(document, "csv"))) as archive:
        names = archive.namelist()
    assert names[0] == "about.csv"
    assert len(names) == 1 + len(document.tables())


# --- the command -----------------------------------------------------------------


def test_the_command_writes_the_report(busy, tmp_path):
    path = tmp_path / "board.xlsx"
    out = io.StringIO()
    call_command("progress_report", str(busy.pk), "--format", "xlsx", "--output", str(path), stdout=out)
    assert "Wrote the XLSX progress report" in out.getvalue()
    assert "About" in load_workbook(path).sheetnames


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["999999", "--format", "pdf"], "There is no project 999999"),
        (["{project}", "--format", "odt"], "Unknown format 'odt'"),
        (["{project}", "--format", "pdf", "--as", "nobody@example.org"], "is not on project"),
        (["{project}", "--format", "pdf", "--as", "{outsider}"], "is not on project"),
        (["{project}", "--format", "pdf", "--as", "{viewer}"], "may not build reports"),
    ],
)
def test_the_command_refuses_clearly(project, member_of, tmp_path, args, message):
    other = Project.objects.create(organisation=project.organisation, name="Another", area="Leeds")
    names = {
        "project": str(project.pk),
        "outsider": member_of(other, Role.LEAD).email,
        "viewer": member_of(project, Role.VIEWER).email,
    }
    path = tmp_path / "out.pdf"
    with pytest.raises(CommandError, match=message):
        call_command("progress_report", *[a.format(**names) for a in args], "--output", str(path))
    assert not path.exists()


def test_the_command_as_a_governance_lead_names_them(busy, member_of, tmp_path):
    governance = member_of(busy, Role.GOVERNANCE)
    path = tmp_path / "board.csv.zip"
    call_command(
        "progress_report", str(busy.pk), "--format", "csv", "--output", str(path), "--as", governance.email.upper()
    )
    with zipfile.ZipFile(path) as archive:
        about = archive.read("about.csv").decode("utf-8-sig")
    assert governance.full_name in about


# --- the web pages and the job, on the demo project ----------------------------------


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    call_command("load_demo", verbosity=0)
    settings.DEBUG = False
    return Project.objects.get(name="Fairer use of the Mental Health Act in Leeds")


def test_a_governance_lead_builds_and_downloads_the_demo_report(client, demo, member_of):
    governance = demo.memberships.filter(role=Role.GOVERNANCE).first().user
    client.force_login(governance)
    url = f"/projects/{demo.pk}/reports/"
    page = client.get(url)
    assert page.status_code == 200 and b"Build a progress report" in page.content

    response = client.post(url, {"format": "pdf"})
    assert response.status_code == 302
    report = Report.objects.get(project=demo)
    assert report.made_by == governance and report.job.state == Job.State.QUEUED
    assert b"Progress of the report being built" in client.get(url).content  # the progress bar

    job_run(job_id=report.job.pk)
    report.refresh_from_db()
    assert report.job.state == Job.State.SUCCEEDED, report.job.error
    assert report.job.progress == 100
    job_run(job_id=report.job.pk)  # a finished job is not run again

    listing = client.get(url).content.decode()
    download = f"/projects/{demo.pk}/reports/{report.pk}/download/"
    assert download in listing and "PDF (accessible, tagged)" in listing
    response = client.get(download)
    body = response.content
    assert response.status_code == 200 and body.startswith(b"%PDF-")
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Type"] == "application/pdf"
    assert "/StructTreeRoot" in pdf_of(body).trailer["/Root"]

    # Another project's member, and a viewer of this one, get nothing.
    other = Project.objects.exclude(organisation=demo.organisation).first()
    outsider = other.memberships.filter(role=Role.LEAD).first().user
    client.force_login(outsider)
    assert client.get(download).status_code == 404
    assert client.get(url).status_code == 404
    client.force_login(member_of(demo, Role.VIEWER))
    assert client.get(download).status_code == 403


def test_the_form_refuses_an_unknown_format(client, project, member_of):
    client.force_login(member_of(project, Role.LEAD))
    response = client.post(f"/projects/{project.pk}/reports/", {"format": "odt"})
    assert response.status_code == 200 and not Report.objects.exists()
    assert "Select a valid choice" in response.content.decode()
