"""4A PREMs and PROMs uploaded: an analyst uploads item answers or totals per person
with a date and equality answers; the file is checked with messages naming the row
and column, scored, summarised per period with the survey engine's suppression (the
same figures a survey gives for the same people), stored without any row, and the
periods feed the instrument's measure series."""

import csv
import io
from pathlib import Path

import openpyxl
import pytest
from django.urls import reverse

from amhe.core.models import Job, MeasureValue, Role
from deliver.measures import services as measure_services
from evaluate.instruments import services, uploading
from evaluate.models import InstrumentUpload, InstrumentUploadPeriod
from tests.integration.test_instruments import MEAN, answered, lead, stored, survey  # noqa: F401

pytestmark = pytest.mark.django_db

LABELS = ["Not at all", "Several days", "More than half the days", "Nearly every day"]


def phq9_rows(month="2025-04"):
    """The respondents of test_instruments.answered, as rows of a file (answers as wording)."""
    plan = [(22, "WHITE", [1] * 9), (20, "Asian, Asian British or Asian Welsh", [2] * 9), (3, "black", [3] * 9)]
    plan += [(12, "MIXED", [2] * 5 + [1] * 3 + [0])]
    plan += [(1, "WHITE", [3] * 8 + [None]), (1, "WHITE", [3] * 7 + [None, None])]
    rows = []
    for n, group, answers in plan:
        for i in range(n):
            items = ["" if a is None else LABELS[a] for a in answers]
            rows.append([f"{month}-{i % 28 + 1:02d}", *items, group])
    return rows


HEADER = ["Date", *[f"item_{i}" for i in range(1, 10)], "Ethnic group"]


def csv_bytes(header, rows) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows([header, *rows])
    return out.getvalue().encode()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Files waiting for the job are kept in a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def analyst(project, member_of):
    return member_of(project, Role.ANALYST)


def test_uploaded_answers_give_the_same_published_figures_as_the_survey(answered, analyst):  # noqa: F811
    project = answered.survey.project
    upload = services.scores_upload(
        by=analyst,
        project=project,
        key="phq-9",
        title="PHQ-9 from the clinic",
        grouping="month",
        data=csv_bytes(HEADER, phq9_rows()),
    )
    period = InstrumentUploadPeriod.objects.get(upload=upload)
    assert (period.period_start.isoformat(), period.period_end.isoformat()) == ("2025-04-01", "2025-04-30")
    from_survey = stored(answered)
    figures = period.figures
    assert figures["overall"]["value"] == pytest.approx(MEAN)
    assert figures["overall"] == pytest.approx(from_survey["overall"])
    assert figures["options"] == from_survey["options"]  # bands, with the same rounding and hidden counts
    by_file = {r["label"]: r for r in figures["by"]["ethnicity_high"]["rows"]}
    by_survey = {r["label"]: r for r in from_survey["by"]["ethnicity_high"]["rows"]}
    black = next(label for label in by_file if label.startswith("Black"))
    assert by_file[black]["cells"][0]["suppressed"] and by_file[black]["answered"] == "*"
    for label, row in by_survey.items():
        if row["answered"] not in (None, 0, "0"):
            assert by_file[label]["cells"] == row["cells"] and by_file[label]["answered"] == row["answered"]
    assert upload.rows == 59 and upload.scored == 58


def test_totals_by_quarter_from_an_excel_file_feed_the_measure_series(project, analyst, member_of):
    lead_user = member_of(project, Role.LEAD)
    measure = services.measure_from_instrument(by=lead_user, project=project, key="gad-7")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["date", "score", "Sex", "Patient name"])
    import datetime

    for i in range(30):  # January to March 2025: 30 people scoring 6 (15 female, 15 male)
        sheet.append([datetime.date(2025, 1 + i % 3, 5), 6, "F" if i % 2 else "Male", f"Person {i}"])
    for _ in range(3):  # April: 3 people, too few to show a mean
        sheet.append([datetime.date(2025, 4, 2), 20, "F", "Someone"])
    buffer = io.BytesIO()
    book.save(buffer)
    upload = services.scores_upload(
        by=analyst,
        project=project,
        key="gad-7",
        title="",
        grouping="quarter",
        data=buffer.getvalue(),
    )
    assert upload.notes == ["Columns that identify people were removed and not stored: Patient name."]
    periods = list(InstrumentUploadPeriod.objects.filter(upload=upload))
    assert [(p.period_start.isoformat(), p.period_end.isoformat()) for p in periods] == [
        ("2025-01-01", "2025-03-31"),
        ("2025-04-01", "2025-06-30"),
    ]
    assert "Person" not in str(periods[0].figures) and "Someone" not in str(periods[1].figures)
    sexes = {r["label"] for r in periods[0].figures["by"]["sex"]["rows"]}
    assert any(label.startswith("Female") for label in sexes)
    measure_services.values_from_series(measure_id=measure.pk)
    values = list(MeasureValue.objects.filter(measure=measure).order_by("period_start"))
    assert [float(v.value) if v.value is not None else None for v in values] == [6.0, None]
    assert values[1].suppressed and "too few people" in values[1].note
    # Uploading the same quarter again replaces its figures (the later upload wins).
    again = services.scores_upload(
        by=analyst,
        project=project,
        key="gad-7",
        title="Corrected",
        grouping="quarter",
        data=csv_bytes(["date", "score"], [["2025-02-01", 9]] * 12),
    )
    assert InstrumentUploadPeriod.objects.filter(project=project, key="gad-7").count() == 2
    first = InstrumentUploadPeriod.objects.get(project=project, key="gad-7", period_start="2025-01-01")
    assert first.upload_id == again.pk and first.figures["overall"]["value"] == pytest.approx(9.0)
    measure_services.values_from_series(measure_id=measure.pk)
    assert float(MeasureValue.objects.get(measure=measure, period_start="2025-01-01").value) == pytest.approx(9.0)


@pytest.mark.parametrize(
    ("header", "rows", "expected"),
    [
        (["when", "score"], [["x", "1"]], "no 'date' column"),
        (["date", "item_1", "item_2"], [["2025-01-01", "0", "1"]], "no column item_3"),
        (["date", "score"], [["2025-01-01", "3"], ["31/02/2025", "4"]], "Row 3, column 'date': this is not a date"),
        (["date", "score"], [["2025-01-01", "22"]], "Row 2, column 'score': the score must be from 0 to 21"),
        (["date", "score"], [["2025-01-01", "2.5"]], "Row 2, column 'score': the score must be a whole number"),
        (
            ["date", *[f"item_{i}" for i in range(1, 8)]],
            [["2025-01-01", "0", "1", "2", "3", "Often", "0", "0"]],
            "Row 2, column 'item_5': this is not one of the answers ('Not at all' (0)",
        ),
        (["date", "score", "sex"], [["2025-01-01", "3", "unknown"]], "Row 2, column 'sex': this is not one of"),
        (["date", "score"], [], "no rows of data"),
    ],
)
def test_a_bad_file_is_refused_with_the_row_and_column_and_nothing_is_stored(project, analyst, header, rows, expected):
    with pytest.raises(uploading.UploadProblem) as problem:
        services.scores_upload(
            by=analyst,
            project=project,
            key="gad-7",
            title="",
            grouping="month",
            data=csv_bytes(header, rows),
        )
    assert expected in " ".join(problem.value.messages)
    assert not InstrumentUpload.objects.exists() and not InstrumentUploadPeriod.objects.exists()


def test_unsafe_files_are_refused_by_identifys_reader(project, analyst):
    for data, expected in [
        (b"date,score\x00\n", "binary"),
        (b"PK\x03\x04not really a workbook", "Excel"),
        (b"", "empty"),
    ]:
        with pytest.raises(uploading.UploadProblem) as problem:
            services.scores_upload(by=analyst, project=project, key="gad-7", title="", grouping="month", data=data)
        assert expected.lower() in " ".join(problem.value.messages).lower()


def test_the_pages_upload_for_analysts_only_and_show_published_figures(client, project, analyst, member_of):
    url = reverse("evaluate:instrument-upload", kwargs={"project_id": project.pk, "instrument": "phq-9"})
    panel = member_of(project, Role.PANEL)
    client.force_login(panel)
    assert client.get(url).status_code in (403, 404)
    client.force_login(analyst)
    assert client.get(url).status_code == 200
    assert client.post(url, {"grouping": "month"}).status_code == 400  # no file: the form says so
    # A bad file: queued as a job, which fails it with the problems named; nothing else is stored.
    bad = client.post(
        url, {"grouping": "month", "file": _file(csv_bytes(["date", "score"], [["2025-01-01", "99"]]), "a.csv")}
    )
    failed = InstrumentUpload.objects.get()
    kept = Path(failed.file_path.path)
    assert failed.state == "processing" and kept.exists()
    job = Job.objects.get(kind=services.SCORES_JOB)
    assert job.params == {"upload_id": failed.pk}  # no file name or anything from the file
    waiting = client.get(bad["Location"]).content.decode()
    assert "being read and scored" in waiting and str(job.pk) in waiting
    services.scores_upload_process(upload_id=failed.pk)  # the worker's run of the job
    failed.refresh_from_db()
    assert failed.state == "failed" and not kept.exists()
    page = client.get(bad["Location"]).content.decode()
    assert "Row 2, column &#x27;score&#x27;: the score must be from 0 to 27" in page
    assert not InstrumentUploadPeriod.objects.exists()
    good = client.post(url, {"grouping": "month", "title": "Clinic", "file": _file(csv_bytes(HEADER, phq9_rows()))})
    upload = InstrumentUpload.objects.exclude(pk=failed.pk).get()
    assert good.status_code == 302 and good["Location"].endswith(f"/uploads/{upload.pk}/")
    path = Path(upload.file_path.path)
    assert services.scores_upload_process(upload_id=upload.pk) == {"periods": 1, "scores": 58}
    assert services.scores_upload_process(upload_id=upload.pk) == {"already": "done or deleted"}  # idempotent
    assert not path.exists() and InstrumentUpload.objects.get(pk=upload.pk).file_path == ""
    client.force_login(panel)  # anyone in the project sees the published figures
    page = client.get(good["Location"] + "?by=ethnicity_high")
    text = page.content.decode()
    assert page.status_code == 200 and "18.0" in text and "27.0" not in text and "13.0" not in text
    detail = client.get(reverse("evaluate:instrument", kwargs={"project_id": project.pk, "instrument": "phq-9"}))
    assert "Clinic" in detail.content.decode() and "Upload PHQ-9 scores" not in detail.content.decode()


def _file(data: bytes, name="phq9.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="text/csv")
