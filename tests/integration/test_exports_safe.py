"""Every CSV and Excel file the app produces is safe to open in a spreadsheet,
whatever the values in it start with (formula injection, issue 9 item 3).

The downloads are found by walking every project URL (as in test_access), so
one added later is checked without anyone remembering to add it here. The
project's data is full of hostile values: formulae behind control characters,
spaces, tabs, line breaks, invisible characters and full-width signs. Each
CSV is parsed and each workbook opened with openpyxl: no cell may be a formula
(the app writes none) or text a spreadsheet would run as one.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from amhe.analysis.downloads import CSV_TYPE, XLSX_TYPE
from amhe.core.models import Role
from amhe.surveys.models import Answer, Theme
from reports.services import report_build
from tests.factories import (
    AnswerFactory,
    BreakdownFactory,
    CommunityAssetFactory,
    CommunityInputLinkFactory,
    ExtractFactory,
    InvitationFactory,
    PopulationFactory,
    QualityReportFactory,
    QuestionFactory,
    SurveyFactory,
    SurveyResponseFactory,
    work_out_figures,
)
from tests.integration.test_access import project_scoped_routes, url_for, world_of

pytestmark = pytest.mark.django_db

# Each carries HOSTILE so the test can see it reached the file.
HOSTILE = (
    "=HOSTILE(1)+1",
    "\x01=HOSTILE(2)",  # a control character Excel files cannot hold, then a formula
    "\x1b\x08=HOSTILE(3)",
    " \t=HOSTILE(4)",
    "\r\n=HOSTILE(5)",
    "\n@HOSTILE(6)",
    "\u200b=HOSTILE(7)",  # zero-width space
    "\ufeff+HOSTILE(8)",  # byte order mark
    "\xa0-HOSTILE(9)",  # no-break space
    "\uff1dHOSTILE(10)",  # full-width =
    "\uff0bHOSTILE(11)",  # full-width +
    "-2+3+cmd|' /C calc'!A0 HOSTILE(12)",
    "@SUM(1) HOSTILE(13)",
    "\tHOSTILE(14)",
    "\rHOSTILE(15)",
)

# What a spreadsheet (Excel, LibreOffice Calc, Google Sheets) may run as a formula:
# text whose first visible character is one of these, or that starts with tab or CR.
FORMULA_STARTS = set("=+-@\uff1d\uff0b\uff0d\uff20")
SKIPPED = {"Cc", "Cf", "Zs", "Zl", "Zp"}
PLAIN_NUMBER = re.compile(r"[+-]?(?:\d[\d,]*(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)


def runnable(text: str) -> bool:
    """Could a spreadsheet read this text as a formula?"""
    if text[:1] in ("\t", "\r"):
        return True
    visible = next((c for c in text if not (c.isspace() or unicodedata.category(c) in SKIPPED)), "")
    return visible in FORMULA_STARTS and not PLAIN_NUMBER.fullmatch(text.strip(" "))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("=1", True),
        ("\x01=1", True),
        ("\u200b@A1", True),
        ("\uff1d1", True),
        ("\tabc", True),
        ("-1.5", False),
        ("'=1", False),
        ("White - British", False),
        ("", False),
    ],
)
def test_the_formula_check_itself(text, expected):
    assert runnable(text) is expected


def csv_cells(content: bytes) -> list[str]:
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))
    assert rows, "empty CSV"
    return [cell for row in rows for cell in row]


def csv_formula_cells(content: bytes) -> list[str]:
    return [cell for cell in csv_cells(content) if runnable(cell)]


def xlsx_formula_cells(content: bytes) -> list[tuple[str, str, object]]:
    workbook = load_workbook(io.BytesIO(content))  # not data_only: formulae come back as formulae
    formulae = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                text = cell.value if isinstance(cell.value, str) else ""
                if cell.data_type == "f" or text.startswith("=") or runnable(text):
                    formulae.append((sheet.title, cell.coordinate, cell.value))
    return formulae


def xlsx_cells(content: bytes) -> list[str]:
    workbook = load_workbook(io.BytesIO(content))
    return [str(c.value) for s in workbook.worksheets for row in s.iter_rows() for c in row if c.value is not None]


def hostile_rows(dimension="ethnicity_high"):
    return [
        {
            "dimension": dimension,
            "group": text,
            "group_code": text,
            "kind": "valid",
            "count": 10 + i,
            "share": 0.05,
            "share_lower": 0.01,
            "share_upper": 0.1,
            "suppressed": False,
        }
        for i, text in enumerate(HOSTILE)
    ]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def world(project, member_of):
    """A project with every kind of object, its text full of hostile values; the
    data uploaded by `analyst` (so the unsuppressed export is theirs)."""
    lead = member_of(project, Role.LEAD)
    analyst = member_of(project, Role.ANALYST)
    population = PopulationFactory(organisation=project.organisation)
    project.focus_populations.add(population)
    extract = ExtractFactory(project=project, uploaded_by=analyst, title=HOSTILE[1])
    QualityReportFactory(extract=extract)
    result = {
        "dimension": "ethnicity_high",
        "label": HOSTILE[0],
        "dimensions": ["ethnicity_high"],
        "reference": None,
        "summary": {},
        "rows": hostile_rows(),
    }
    BreakdownFactory(extract=extract, result=result, published={**result, "rows": hostile_rows()[:5]})

    survey = SurveyFactory(project=project, created_by=lead, state="published", title=HOSTILE[2], languages=["pl"])
    options = [{"value": f"o{i}", "label": text} for i, text in enumerate(HOSTILE)]
    question = QuestionFactory(survey=survey, position=1, text=HOSTILE[3], options=options)
    text_question = QuestionFactory(survey=survey, position=2, kind="long_text", text=HOSTILE[4], options=[])
    themes = [Theme.objects.create(project=project, name=text) for text in HOSTILE]
    for n in range(30):
        response = SurveyResponseFactory(survey=survey, state="submitted")
        AnswerFactory(response=response, question=question, value=f"o{n % len(HOSTILE)}")
        answer = AnswerFactory(response=response, question=text_question, value=HOSTILE[n % len(HOSTILE)])
        answer.themes.add(themes[n % len(themes)])
    for text in HOSTILE:
        InvitationFactory(survey=survey, batch=text)
    work_out_figures(survey)  # the results downloads read the stored figures
    for i, text in enumerate(HOSTILE):
        CommunityAssetFactory(
            organisation=project.organisation,
            name=text,
            description=text,
            populations_served=text,
            languages=text,
            accessibility=text,
            area=text,
            contact_name=text,
            phone=text[:40],
            referral_route=text,
            postcode=f"LS{i} 1AA",
        )
    CommunityInputLinkFactory(project=project)
    w = world_of(
        project,
        lead,
        population=population,
        extract=extract,
        survey=survey,
        question=question,
        text_question=text_question,
        asset=project.organisation.community_assets.first(),
        theme=themes[0],
    )
    w.analyst = analyst
    # The progress report, built as an Excel workbook from this hostile project.
    w.report.format = "xlsx"
    w.report.save()
    report_build(report_id=w.report.pk)
    assert Answer.objects.filter(question=text_question).count() == 30
    return w


# The downloads the walk must find (so it cannot pass by finding none).
EXPECTED_DOWNLOADS = {
    "identify:export",
    "identify:export?raw=1",
    "surveys:survey-results-csv",
    "surveys:survey-results-xlsx",
    "surveys:survey-responses-csv",
    "surveys:survey-responses-xlsx",
    "surveys:survey-invitations-csv",
    "identify:assets-csv",
    "identify:assets-import-template",
    "research:references-import-template",
    "reports:download",
}
# Files whose content comes from the app, not from the data.
NO_DATA = {"identify:assets-import-template", "research:references-import-template"}
# Documents people attached (2A case studies: PDF or .docx, checked by content when
# uploaded) are given back as they came: not files the app writes, so not checked here.
UPLOADED_DOCUMENTS = {"research:practice-attachment", "research-shared:attachment"}


def is_download(response) -> bool:
    return (
        response.status_code == 200
        and "attachment" in response.get("Content-Disposition", "")
        and not response["Content-Type"].startswith("image/")  # the QR code
    )


def downloads(client, world) -> dict:
    """{name: response} for every file any project URL serves the lead or the
    uploading analyst, with ?raw=1 too where that gives a different file."""
    found = {}
    for user in (world.lead, world.analyst):
        client.force_login(user)
        for route in project_scoped_routes():
            if route.name in UPLOADED_DOCUMENTS:
                continue
            url = url_for(route, world.values())
            response = client.get(url)
            if not is_download(response):
                continue
            found.setdefault(route.name, response)
            raw = client.get(url + "?raw=1")
            if is_download(raw) and raw.content != response.content:
                found.setdefault(route.name + "?raw=1", raw)
    return found


def test_no_download_holds_a_formula_whatever_the_values_start_with(client, world):
    found = downloads(client, world)
    assert EXPECTED_DOWNLOADS <= set(found), EXPECTED_DOWNLOADS - set(found)
    problems = {}
    for name, response in found.items():
        kind = response["Content-Type"]
        assert kind in (CSV_TYPE, XLSX_TYPE), (name, kind)
        if kind == XLSX_TYPE:
            formulae, cells = xlsx_formula_cells(response.content), xlsx_cells(response.content)
        else:
            formulae, cells = csv_formula_cells(response.content), csv_cells(response.content)
        if formulae:
            problems[name] = formulae
        if name not in NO_DATA:
            # The hostile values reached the file (defused), so the check above meant something.
            assert any("HOSTILE" in cell for cell in cells), f"{name}: no hostile value in the file"
    assert not problems, problems


def test_the_breakdown_command_writes_no_formula(tmp_path):
    """`manage.py breakdown --format csv` (group names come from the code lists,
    so the hostile values count as invalid; the output is still checked)."""
    path = tmp_path / "extract.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["EthnicCategory", "Sex"])
        # (the reader refuses control characters in a CSV as binary data)
        printable = [t for t in HOSTILE if not any(unicodedata.category(c) == "Cc" for c in t)]
        for i, text in enumerate(printable):
            writer.writerow([text, "Male" if i % 2 else text])
    out = io.StringIO()
    call_command("breakdown", str(path), "--by", "ethnicity", "--by", "sex", "--format", "csv", stdout=out)
    content = out.getvalue().encode()
    assert len(csv_cells(content)) > 20
    assert csv_formula_cells(content) == []
