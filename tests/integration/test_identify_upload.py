"""Identify 1A through the web: upload, read, map, process, quality report,
dashboard and exports, with bad inputs and suppression. Jobs run through the
same service the worker calls (services.job_run); tests/integration/test_jobs.py
covers the worker itself."""

import json
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from amhe.core import services as core_services
from amhe.core.models import Role
from identify import engine, presenters
from identify.models import Breakdown, Extract, QualityReport, SavedMapping
from tests.factories import ExtractFactory


def stored_text(path) -> str:
    """Everything a stored table holds, as text: the file's bytes (its buffers are
    compressed) and, decompressed, every value, the index, the column names and ``attrs``."""
    table = engine.load_table(path)
    values = [str(v) for column in table.columns for v in table[column].tolist()]
    values += [str(v) for v in table.index] + [str(c) for c in table.columns] + [json.dumps(table.attrs)]
    return Path(path).read_bytes().decode("latin-1") + "\n".join(values)


pytestmark = pytest.mark.django_db

DEMO = Path(__file__).resolve().parents[2] / "identify" / "data" / "demo"
REFERRALS = DEMO / "leeds_crisis_referrals_demo.csv"
POPULATION = DEMO / "leeds_population_by_ethnicity_census2011.csv"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def analyst(project, member_of):
    return member_of(project, Role.ANALYST)


def upload(client, project, content: bytes, name: str, kind="service_use", title=""):
    url = reverse("identify:extract-new", kwargs={"project_id": project.pk})
    return client.post(url, {"file": SimpleUploadedFile(name, content), "kind": kind, "title": title})


def run_job(extract: Extract) -> Extract:
    extract.refresh_from_db()
    core_services.job_run(job_id=extract.job_id)
    extract.refresh_from_db()
    return extract


def confirm(client, extract: Extract, population: Extract | None = None, **overrides) -> None:
    page = client.get(extract.get_absolute_url())
    form = page.context["form"]
    data = {name: (field.initial or "") for name, field in form.fields.items() if name.startswith("column_")}
    data["confidence"] = "0.95"
    if population is not None:
        data["population"] = str(population.pk)
    data.update(overrides)
    response = client.post(extract.get_absolute_url(), data)
    assert response.status_code == 302, response.context["form"].errors if response.context else response


def uploaded(client, project, path: Path, kind="service_use") -> Extract:
    assert upload(client, project, path.read_bytes(), path.name, kind=kind).status_code == 302
    extract = Extract.objects.filter(project=project).order_by("-created_at").first()
    with_capture = run_job(extract)
    return with_capture


@pytest.fixture
def ready(client, project, analyst, django_capture_on_commit_callbacks):
    """The demo referrals, processed against the Leeds population."""
    client.force_login(analyst)
    with django_capture_on_commit_callbacks(execute=False):
        population = uploaded(client, project, POPULATION, kind="population")
        confirm(client, population)
        run_job(population)
        referrals = uploaded(client, project, REFERRALS)
        confirm(client, referrals, population=population)
        run_job(referrals)
    assert population.state == Extract.State.READY, population.error
    assert referrals.state == Extract.State.READY, referrals.error
    return referrals


def test_upload_reads_maps_and_processes_the_demo_extract(client, project, analyst, ready):
    extract = ready
    assert extract.row_count == 4727
    assert extract.suggested_mapping["EthnicCategory"] == "ethnicity"
    assert extract.suggested_mapping["LSOA2011"] == "lsoa"
    assert not extract.upload_path and Path(extract.table_path.path).exists()
    assert QualityReport.objects.filter(extract=extract).exists()
    dimensions = set(Breakdown.objects.filter(extract=extract).values_list("dimension", flat=True))
    assert {"ethnicity", "ethnicity_high", "sex", "age_band", "imd_decile", "ethnicity_high×sex"} <= dimensions

    high = Breakdown.objects.get(extract=extract, dimension="ethnicity_high").result
    rows = {row["group"]: row for row in high["rows"]}
    black, white = rows["Black or Black British"], rows["White"]
    assert white["reference"] is True
    assert black["rate"] > 2.5 * white["rate"]  # the synthetic data follow the national MHA pattern
    assert black["rate_ratio_lower"] > 1
    assert rows["Not stated"]["rate"] is None and rows["Not stated"]["count"] > 0


def test_quality_report_and_dashboard_pages(client, project, analyst, ready):
    quality = client.get(reverse("identify:quality", kwargs={"project_id": project.pk, "extract_id": ready.pk}))
    assert quality.status_code == 200
    assert b"Invalid values" in quality.content and b"X9" in quality.content
    dashboard = client.get(_dashboard(project, ready, "ethnicity-high"))
    assert dashboard.status_code == 200
    assert b"Rate per 100,000 people by ethnic group" in dashboard.content
    assert b'data-module="amhe-chart"' in dashboard.content


def test_everyone_but_the_uploader_sees_suppressed_figures(client, project, analyst, member_of, ready):
    url = reverse("identify:dashboard", kwargs={"project_id": project.pk, "extract_id": ready.pk})
    export = reverse("identify:export", kwargs={"project_id": project.pk, "extract_id": ready.pk})
    raw = client.get(url + "?raw=1")
    assert raw.context["raw"] is True and b"Not for publication" in raw.content
    raw_csv = client.get(export + "?raw=1").content.decode("utf-8-sig")
    assert raw_csv.lstrip('"').startswith("NOT FOR PUBLICATION")

    other_analyst = member_of(project, Role.ANALYST)
    client.force_login(other_analyst)
    assert client.get(url + "?raw=1").context["raw"] is False
    assert client.get(export + "?raw=1").status_code == 403
    published = client.get(export).content.decode("utf-8-sig")
    assert "NOT FOR PUBLICATION" not in published
    table = pd.read_csv(pd.io.common.StringIO(published), dtype=str)
    counts = table["count"].dropna()
    shown = counts[counts != "*"].astype(int)
    assert (shown % 5 == 0).all()  # rounded to the nearest 5
    assert not shown.between(1, 7).any()
    assert (table.loc[table["count"] == "*", "rate"].isna()).all()  # nothing derived from a hidden count


def test_published_rates_and_shares_give_back_only_the_rounded_counts(client, project, member_of, ready):
    """ADR 0008: rate x population / 100,000 and share x total give back the published
    (rounded) count, never the true one; also for results stored before ADR 0008."""
    export = reverse("identify:export", kwargs={"project_id": project.pk, "extract_id": ready.pk})
    dashboard = reverse(
        "identify:dashboard-section",
        kwargs={"project_id": project.pk, "extract_id": ready.pk, "characteristic": "ethnicity-high"},
    )
    client.force_login(member_of(project, Role.VIEWER))

    def check():
        table = pd.read_csv(pd.io.common.StringIO(client.get(export).content.decode("utf-8-sig")), dtype=str)
        one_way = table[table["dimension"] == "ethnicity_high"]
        shown = one_way[(one_way["count"] != "*") & one_way["rate"].notna()]
        assert len(shown) >= 3
        for _, row in shown.iterrows():
            count = int(row["count"])
            assert float(row["rate"]) * float(row["population"]) / 100_000 == pytest.approx(count)
        total = sum(int(c) for c in one_way["count"] if c != "*")
        for _, row in one_way[one_way["count"] != "*"].iterrows():
            # Every share is of the same published total (4,727 rounded to 4,725).
            assert float(row["share"]) * 4725 == pytest.approx(int(row["count"]))
        return total

    check()
    page = client.get(dashboard).content.decode()
    assert "worked out from the rounded counts shown" in page  # under each published table

    # A result stored before ADR 0008 (shares and rates of the true counts, no method):
    # read, it is published again from its stored counts.
    for item in Breakdown.objects.filter(extract=ready):
        old = dict(item.result)
        old["rows"] = [
            {**row, "count": None if row["count"] < 8 else 5 * round(row["count"] / 5)} for row in item.result["rows"]
        ]
        Breakdown.objects.filter(pk=item.pk).update(published=old)
    check()
    assert "worked out from the rounded counts shown" in client.get(dashboard).content.decode()
    overview = reverse("identify:dashboard", kwargs={"project_id": project.pk, "extract_id": ready.pk})
    assert client.get(overview).status_code == 200


def test_saved_mapping_is_offered_for_the_next_upload(client, project, analyst, ready):
    assert SavedMapping.objects.filter(organisation=project.organisation, kind="service_use").exists()
    second = uploaded(client, project, REFERRALS)
    assert second.state == Extract.State.MAPPING
    assert second.job.result["mapping_from_saved"] is True


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"EthnicCategory,Gender\n", "header.csv", "no rows"),
        (b"\x00\x01\x02PK\x03\x04binary" * 50, "binary.csv", "contains binary data"),
        (b"EthnicCategory,Gender\nA,1\nB,2,extra\n", "ragged.csv", "row 3"),
    ],
)
def test_bad_files_fail_with_a_message_and_lose_nothing(
    client, project, analyst, ready, content, name, message, django_capture_on_commit_callbacks
):
    before = {b.pk: b.result for b in Breakdown.objects.filter(extract=ready)}
    with django_capture_on_commit_callbacks(execute=False):
        assert upload(client, project, content, name).status_code == 302
    extract = run_job(Extract.objects.order_by("-created_at").first())
    assert extract.state == Extract.State.FAILED
    assert message.lower() in extract.error.lower(), extract.error
    page = client.get(extract.get_absolute_url())
    assert b"There is a problem with this data" in page.content
    assert {b.pk: b.result for b in Breakdown.objects.filter(extract=ready)} == before
    assert ready.__class__.objects.get(pk=ready.pk).state == Extract.State.READY


def test_an_empty_file_is_refused_at_once(client, project, analyst):
    client.force_login(analyst)
    response = upload(client, project, b"", "empty.csv")
    assert response.status_code == 200
    assert "The submitted file is empty" in response.text
    assert not Extract.objects.exists()


def test_oversized_upload_is_refused_before_it_is_read(client, project, analyst, settings):
    settings.AMHE_UPLOAD_MAX_BYTES = 1024
    client.force_login(analyst)
    response = upload(client, project, b"EthnicCategory\n" + b"A\n" * 5000, "big.csv")
    assert response.status_code == 413
    assert "larger than" in response.text
    assert not Extract.objects.exists()


def test_identifier_columns_are_dropped_or_pseudonymised_and_never_stored(
    client, project, analyst, django_capture_on_commit_callbacks, settings
):
    client.force_login(analyst)
    content = (
        b"NHS Number,Forename,Client ID,EthnicCategory,Gender\n"
        b"9434765919,Ann,rio-0001,A,2\n943 476 5870,Bob,rio-0002,M,1\n943-476-5919,Ann,rio-0001,A,2\n"
    )
    with django_capture_on_commit_callbacks(execute=False):
        upload(client, project, content, "with-ids.csv")
    extract = run_job(Extract.objects.get())
    assert extract.state == Extract.State.MAPPING
    assert extract.table_path.name.endswith(engine.TABLE_SUFFIX)
    table = engine.load_table(extract.table_path.path)
    # The NHS number is replaced by its keyed pseudonym; the record ID (recognised by its
    # name) is pseudonymised in place; the name is gone.
    assert list(table.columns) == ["NHS number (pseudonym)", "Client ID", "EthnicCategory", "Gender"]
    assert extract.pseudonymised_columns == ["NHS number (pseudonym)", "Client ID"]
    assert extract.suggested_mapping["NHS number (pseudonym)"] == "record_id"
    key = settings.AMHE_PSEUDONYM_KEY
    nhs = table["NHS number (pseudonym)"].tolist()
    assert nhs == [engine.pseudonym("9434765919", key), engine.pseudonym("9434765870", key), nhs[0]]
    assert nhs[0] != nhs[1] and len(nhs[0]) == 32
    assert table["Client ID"].tolist() == [engine.pseudonym(v, key) for v in ("rio-0001", "rio-0002", "rio-0001")]
    stored = stored_text(extract.table_path.path)
    for raw in ("9434765919", "943 476 5870", "943-476-5919", "9434765870", "rio-0001", "RIO-0001", "rio-0002"):
        assert raw not in stored
    assert not list((Path(extract.table_path.path).parent.parent / "uploads").glob("*"))
    page = client.get(extract.get_absolute_url())
    assert b"Columns removed" in page.content


def test_viewer_cannot_upload(client, project, member_of):
    client.force_login(member_of(project, Role.VIEWER))
    assert upload(client, project, REFERRALS.read_bytes(), REFERRALS.name).status_code == 403
    assert not Extract.objects.exists()


def test_outcome_flags_and_scores_are_broken_down_and_charted(client, project, analyst):
    client.force_login(analyst)
    lines = ["EthnicCategory,Recovered,Score"]
    lines += ["A,Y,20"] * 30 + ["A,N,10"] * 20 + ["M,Y,8"] * 10 + ["M,N,4"] * 30
    extract = uploaded(client, project, _write(project, "outcomes.csv", "\n".join(lines)), kind="outcomes")
    assert extract.suggested_mapping == {"EthnicCategory": "ethnicity", "Recovered": "outcome", "Score": "score"}
    confirm(client, extract)
    extract = run_job(extract)
    assert extract.state == Extract.State.READY, extract.error
    rows = {row["group"]: row for row in Breakdown.objects.get(extract=extract, dimension="ethnicity").result["rows"]}
    assert rows["White - British"]["outcome"] == pytest.approx(0.6)
    assert rows["Black or Black British - Caribbean"]["outcome"] == pytest.approx(0.25)
    assert rows["Black or Black British - Caribbean"]["score_mean"] == pytest.approx(5.0)
    page = client.get(_dashboard(project, extract, "ethnicity"))
    assert b"Proportion with the outcome by ethnic group" in page.content
    assert b"Mean score by ethnic group" in page.content


def _write(project, name: str, text: str) -> Path:
    from django.conf import settings

    path = Path(settings.MEDIA_ROOT) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text + "\n")
    return path


def test_an_unexpected_error_fails_the_extract_not_just_the_job(client, project, analyst, monkeypatch):
    client.force_login(analyst)
    extract = uploaded(client, project, REFERRALS)
    confirm(client, extract)

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr("identify.jobs.engine.quality_report", broken)
    extract = run_job(extract)
    assert extract.state == Extract.State.FAILED
    assert "Something went wrong" in extract.error
    assert extract.job.state == "failed"
    assert not Breakdown.objects.filter(extract=extract).exists()


def test_a_mapping_that_cannot_work_is_explained_before_anything_runs(client, project, analyst):
    client.force_login(analyst)
    extract = uploaded(client, project, REFERRALS)
    page = client.get(extract.get_absolute_url())
    names = {column: name for name, column in page.context["form"].column_fields}
    data = {name: page.context["form"].fields[name].initial or "" for name in names.values()}
    data[names["Gender"]] = "ethnicity"  # two columns both said to hold ethnicity
    data["confidence"] = "0.95"
    response = client.post(extract.get_absolute_url(), data)
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    extract.refresh_from_db()
    assert extract.state == Extract.State.MAPPING and not extract.mapping


# --- The breakdown dashboard: what stands out first, one page per characteristic --------


class _Landmarks(HTMLParser):
    """Each landmark's role and accessible name (aria-label, or the text of aria-labelledby)."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
    IMPLICIT = {"nav": "navigation", "main": "main", "aside": "complementary", "form": "form"}

    def __init__(self):
        super().__init__()
        self.stack: list[str | None] = []  # the id of each open element (None if it has none)
        self.text: dict[str, str] = {}
        self.found: list[tuple[str, dict]] = []  # (role, attributes)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        role = attrs.get("role") or self.IMPLICIT.get(tag)
        if tag == "section" and (attrs.get("aria-label") or attrs.get("aria-labelledby")):
            role = role or "region"
        if role in ("region", "navigation", "complementary", "form", "search", "main"):
            self.found.append((role, attrs))
        if tag not in self.VOID:
            self.stack.append(attrs.get("id"))
            if attrs.get("id"):
                self.text[attrs["id"]] = ""

    def handle_endtag(self, tag):
        if tag not in self.VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        for element_id in self.stack:
            if element_id:
                self.text[element_id] += data

    def names(self) -> list[tuple[str, str]]:
        def name(attrs):
            if attrs.get("aria-label"):
                return attrs["aria-label"]
            ids = (attrs.get("aria-labelledby") or "").split()
            return " ".join(" ".join(self.text.get(i, "").split()) for i in ids)

        return [(role, name(attrs)) for role, attrs in self.found]


def landmark_names(html: str) -> list[tuple[str, str]]:
    parser = _Landmarks()
    parser.feed(html)
    return parser.names()


def _dashboard(project, extract, slug: str | None = None) -> str:
    kwargs = {"project_id": project.pk, "extract_id": extract.pk}
    if slug is None:
        return reverse("identify:dashboard", kwargs=kwargs)
    return reverse("identify:dashboard-section", kwargs={**kwargs, "characteristic": slug})


def test_no_two_charts_of_an_extract_share_a_title(ready):
    """Ethnic group and ethnic group (high level) once both made "Rate per 100,000 people by
    ethnic group": two table regions with one name (axe: landmark-unique)."""
    from identify import presenters

    for raw in (False, True):
        sections = [presenters.dashboard_section(ready, c.slug, raw=raw) for c in presenters.characteristics(ready)]
        titles = [chart.title for section in sections for chart in section.charts]
        captions = [chart.table["caption"] for section in sections for chart in section.charts]
        assert len(titles) == len(set(titles)), sorted(t for t in titles if titles.count(t) > 1)
        assert len(captions) == len(set(captions))


def test_dashboard_leads_with_what_stands_out_and_has_a_page_per_characteristic(client, project, analyst, ready):
    overview = client.get(_dashboard(project, ready))
    assert overview.status_code == 200
    html = overview.content.decode()
    assert 'data-module="amhe-chart"' not in html  # no charts on the first page: it leads with the differences
    differences = overview.context["overview"].differences
    assert differences and all(d.direction in ("higher", "lower") for d in differences)
    # Largest first, by the smallest difference each interval allows; none whose interval includes 1.
    assert [d.at_least for d in differences] == sorted((d.at_least for d in differences), reverse=True)
    assert all(d.at_least > 1 for d in differences)
    black = next(
        d for d in differences if d.group == "Black or Black British" and d.characteristic.dimension == "ethnicity_high"
    )
    assert black.direction == "higher" and black.reference == "White"
    assert (
        "The rate for Black or Black British people was" in black.sentence and "confidence interval" in black.sentence
    )
    assert "What stands out" in html and black.interval in html
    assert "Higher than White</td>" in html
    assert "<p>The largest: the rate for " in html
    assert "Too few records to compare groups" not in html
    assert (
        "region",
        "The largest differences in rates between groups, with 95% confidence intervals",
    ) in landmark_names(html)

    pages = overview.context["overview"].characteristics
    assert {p.dimension for p in pages} == set(
        Breakdown.objects.filter(extract=ready).values_list("dimension", flat=True)
    )
    total_chart_pages = 0
    for page in pages:
        url = _dashboard(project, ready, page.slug)
        assert url in html, page.slug  # every characteristic is one link away
        response = client.get(url)
        assert response.status_code == 200, page.slug
        body = response.content.decode()
        charts = response.context["section"].charts
        assert charts, page.slug
        # Every chart keeps its table and its sentence.
        assert body.count('data-module="amhe-chart"') == len(charts)
        assert body.count("<table") == len(charts)
        assert all(chart.summary and chart.summary in body.replace("&#x27;", "'") for chart in charts)
        assert f'aria-current="page"><span class="nhsuk-contents-list__current">{page.title}</span>' in body
        names = landmark_names(body)
        assert len(names) == len(set(names)), (page.slug, sorted(n for n in names if names.count(n) > 1))
        total_chart_pages += 1
    assert total_chart_pages == len(pages)
    high = client.get(_dashboard(project, ready, "ethnicity-high")).content.decode()
    assert "Rate per 100,000 people by ethnic group (high level)" in high
    assert 'rel="next"' in high and 'rel="prev"' in high


def test_dashboard_pages_keep_the_uploaders_raw_view(client, project, analyst, ready):
    overview = client.get(_dashboard(project, ready) + "?raw=1").content.decode()
    assert "Not for publication" in overview
    assert _dashboard(project, ready, "sex") + "?raw=1" in overview
    page = client.get(_dashboard(project, ready, "sex") + "?raw=1")
    assert page.context["raw"] is True and "Not for publication" in page.content.decode()
    assert client.get(_dashboard(project, ready, "no-such-thing")).status_code == 404


def test_an_upload_too_small_to_compare_says_so_at_the_top(client, project, analyst):
    client.force_login(analyst)
    lines = ["EthnicCategory,Gender"] + ["A,1"] * 6 + ["M,2"] * 3 + ["N,1"] * 2
    extract = uploaded(client, project, _write(project, "tiny.csv", "\n".join(lines)))
    confirm(client, extract)
    extract = run_job(extract)
    assert extract.state == Extract.State.READY, extract.error
    html = client.get(_dashboard(project, extract)).content.decode()
    warning = html.index("Too few records to compare groups")
    assert warning < html.index("What stands out")
    assert "no characteristic has 2 groups that can be shown" in html


def test_an_upload_with_no_breakdowns_does_not_claim_too_few_records(client, project, analyst):
    population = ExtractFactory(project=project, uploaded_by=analyst, kind="population", state="ready")
    client.force_login(analyst)
    html = client.get(_dashboard(project, population)).content.decode()
    assert "There are no breakdowns of this upload" in html
    assert "Too few records" not in html and "What stands out" not in html


def test_a_request_far_over_the_size_limit_gets_the_size_message_not_an_error(client, project, analyst, settings):
    """Refused from its Content-Length, before the body is read, with the form's size message."""
    settings.AMHE_UPLOAD_MAX_BYTES = 1024 * 1024
    client = Client(enforce_csrf_checks=True)  # the token is in the body that is never read
    client.force_login(analyst)
    response = upload(client, project, b"EthnicCategory\n" + b"A\n" * 700_000, "big.csv", title="Referrals")
    assert response.status_code == 413
    assert "The file is larger than 1 MB. Split it into smaller files" in response.text
    assert list(response.context["form"].errors) == ["file"]
    assert not Extract.objects.exists()
    assert not (settings.MEDIA_ROOT / "identify" / "uploads").exists()


def _zip_bomb() -> bytes:
    """A workbook of a few hundred KB whose one sheet unzips to 200 MB."""
    import io
    import zipfile

    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["EthnicCategory"])
    small = io.BytesIO()
    book.save(small)
    out = io.BytesIO()
    with zipfile.ZipFile(small) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                target.writestr(info, source.read(info))
                continue
            with target.open(info.filename, "w", force_zip64=True) as stream:
                stream.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
                stream.write(b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>')
                for _ in range(200):
                    stream.write(b"A" * 1024 * 1024)
                stream.write(b"</t></is></c></row></sheetData></worksheet>")
    return out.getvalue()


def test_a_zip_bomb_fails_for_good_with_a_message_and_leaves_nothing(
    client, project, analyst, django_capture_on_commit_callbacks, monkeypatch, settings
):
    client.force_login(analyst)
    with django_capture_on_commit_callbacks(execute=False):
        assert upload(client, project, _zip_bomb(), "bomb.xlsx").status_code == 302
    extract = Extract.objects.get()
    upload_path = Path(extract.upload_path.path)
    assert upload_path.exists()

    def no_parsing(*args, **kwargs):
        raise AssertionError("the workbook was opened")

    monkeypatch.setattr("openpyxl.load_workbook", no_parsing)
    extract = run_job(extract)
    assert extract.state == Extract.State.FAILED
    assert "would unpack to 200 MB" in extract.error and "CSV UTF-8" in extract.error
    assert extract.job.state == "failed" and extract.job.attempts == 1
    assert not upload_path.exists() and not extract.table_path
    assert not list((Path(settings.MEDIA_ROOT) / "identify").rglob("*.*"))
    # Running the job again (a second message for it) does nothing: it is never retried.
    core_services.job_run(job_id=extract.job_id)
    extract.job.refresh_from_db()
    assert extract.job.attempts == 1 and extract.job.state == "failed"
    page = client.get(extract.get_absolute_url())
    assert b"There is a problem with this data" in page.content


def test_a_file_whose_reading_stopped_part_way_is_not_read_again(
    client, project, analyst, django_capture_on_commit_callbacks, settings
):
    """If the worker died reading it (a file that exhausts memory, say), the job is not retried on the same file."""
    from datetime import timedelta

    from django.utils import timezone

    from amhe.core.models import Job

    client.force_login(analyst)
    with django_capture_on_commit_callbacks(execute=False):
        upload(client, project, REFERRALS.read_bytes(), REFERRALS.name)
    extract = Extract.objects.get()
    long_ago = timezone.now() - timedelta(hours=1)
    Job.objects.filter(pk=extract.job_id).update(state=Job.State.RUNNING, attempts=1, heartbeat_at=long_ago)
    extract = run_job(extract)
    assert extract.state == Extract.State.FAILED
    assert "Reading this file stopped part-way. We have not tried again" in extract.error
    assert extract.job.state == "failed"
    assert not Path(extract.upload_path.path).exists()
    assert not list((Path(settings.MEDIA_ROOT) / "identify").rglob("*.*"))


def test_an_extract_deleted_while_it_is_read_leaves_no_table(
    client, project, analyst, django_capture_on_commit_callbacks, monkeypatch, settings
):
    from identify import engine as identify_engine

    client.force_login(analyst)
    with django_capture_on_commit_callbacks(execute=False):
        upload(client, project, REFERRALS.read_bytes(), REFERRALS.name)
    extract = Extract.objects.get()
    job_id = extract.job_id
    real_read = identify_engine.read_extract

    def read_then_deleted(*args, **kwargs):
        result = real_read(*args, **kwargs)
        Extract.objects.filter(pk=extract.pk).delete()
        return result

    monkeypatch.setattr("identify.jobs.engine.read_extract", read_then_deleted)
    core_services.job_run(job_id=job_id)
    assert not Extract.objects.exists()
    assert not list((Path(settings.MEDIA_ROOT) / "identify").rglob("*.*"))


def test_the_mapping_page_shows_a_few_values_of_each_column_to_those_who_map_it(
    client, project, analyst, member_of, django_capture_on_commit_callbacks
):
    client.force_login(analyst)
    lines = ["EthnicCategory,Gender,Team,Notes"]
    lines += ["A,Man,Crisis,"] * 5 + ["M,Woman,Home treatment,"] * 3 + ["N,Man,Crisis,"] + ["Z,Woman,Liaison,"]
    with django_capture_on_commit_callbacks(execute=False):
        upload(client, project, ("\n".join(lines) + "\n").encode(), "teams.csv")
    extract = run_job(Extract.objects.get())
    page = client.get(extract.get_absolute_url())
    rows = {row.column: row for row in page.context["form"].column_rows}
    assert rows["EthnicCategory"].samples == ["A", "M", "N"]  # the most common first, at most three
    assert rows["Gender"].samples == ["Man", "Woman"]
    assert rows["Notes"].samples == []
    html = page.content.decode()
    assert "Examples from the file" in html and "Home treatment" in html
    assert "no-store" in page["Cache-Control"] and "private" in page["Cache-Control"]
    # Columns we recognised come first; the others wait, collapsed, until someone chooses for them.
    assert [row.column for row in page.context["form"].recognised_rows] == ["EthnicCategory", "Gender"]
    assert [row.column for row in page.context["form"].other_rows] == ["Team", "Notes"]
    assert "Other columns (2): not used unless you choose what they hold" in html
    # Confirming with the new layout still works.
    confirm(client, extract)
    extract.refresh_from_db()
    assert extract.mapping == {"EthnicCategory": "ethnicity", "Gender": "sex"}
    # Someone who cannot map the columns never sees their values.
    client.force_login(member_of(project, Role.VIEWER))
    page = client.get(extract.get_absolute_url())
    assert page.status_code == 200
    assert "Home treatment" not in page.content.decode() and "Examples from the file" not in page.content.decode()


def test_a_file_with_thousands_of_columns_is_refused_with_what_to_do(
    client, project, analyst, django_capture_on_commit_callbacks, settings
):
    client.force_login(analyst)
    header = ",".join(["EthnicCategory"] + [f"Measure {i}" for i in range(1999)])
    with django_capture_on_commit_callbacks(execute=False):
        upload(client, project, (header + "\n" + ",".join(["A"] * 2000) + "\n").encode(), "wide.csv")
    extract = run_job(Extract.objects.get())
    assert extract.state == Extract.State.FAILED
    assert "The file has 2,000 columns (row 1), more than the 100 we can take. Keep only the columns" in extract.error
    assert not list((Path(settings.MEDIA_ROOT) / "identify").rglob("*.*"))


def delete_url(extract: Extract) -> str:
    return reverse("identify:extract-delete", kwargs={"project_id": extract.project_id, "extract_id": extract.pk})


def test_the_uploader_deletes_an_upload_after_seeing_what_goes_with_it(
    client, project, analyst, ready, django_capture_on_commit_callbacks
):
    from amhe.core.models import MeasureValue
    from tests.factories import MeasureFactory, MeasureValueFactory, SmartGoalFactory

    population = ready.population
    measure = MeasureFactory(project=project, name="Crisis referrals per 100,000, Black", definition={})
    measure.definition = {"extract_id": str(population.pk)}
    measure.save()
    MeasureValueFactory(measure=measure)
    SmartGoalFactory(project=project, measure=measure, statement="Halve the gap in crisis referrals by 2028")
    MeasureFactory(project=project, name="Unrelated measure", definition={"extract_id": "something else"})
    table = Path(population.table_path.path)
    assert table.exists()

    page = client.get(population.get_absolute_url())
    assert delete_url(population) in page.content.decode()
    page = client.get(delete_url(population))
    assert page.status_code == 200
    html = page.content.decode()
    assert f"<h1>Delete '{population.title}'</h1>" in html
    assert page.context["deletion"].goes == [
        "the upload's record and its column choices",
        f"the stored data read from the file ({population.row_count:,} rows; the original file was not kept)",
        "its data quality report",
    ]
    last = client.get(delete_url(ready)).context["deletion"].goes[-1]
    assert f"its {ready.breakdowns.count()} breakdowns, so its dashboard and the breakdowns CSV" in last
    assert "1 measure is built on this upload" in html and "Crisis referrals per 100,000, Black" in html
    assert "Halve the gap in crisis referrals by 2028" in html
    assert "Unrelated measure" not in html
    assert f"1 other upload uses this file for population denominators: {ready.title}" in html

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(delete_url(population))
    assert response.status_code == 302
    assert response.url == reverse("identify:overview", kwargs={"project_id": project.pk})
    assert not Extract.objects.filter(pk=population.pk).exists()
    assert not QualityReport.objects.filter(extract_id=population.pk).exists()
    assert not Breakdown.objects.filter(extract_id=population.pk).exists()
    assert not table.exists()
    # What was built on it stays, with its figures; the referrals keep their results.
    assert MeasureValue.objects.filter(measure=measure).count() == 1
    ready.refresh_from_db()
    assert ready.state == Extract.State.READY and ready.population is None and ready.breakdowns.exists()
    overview = client.get(response.url)
    assert "have been deleted" in overview.content.decode()
    assert population.title not in overview.content.decode().split("have been deleted")[1]


def test_a_failed_upload_can_be_deleted_by_a_lead_but_not_by_another_analyst_or_a_viewer(
    client, project, analyst, member_of, django_capture_on_commit_callbacks, settings
):
    client.force_login(analyst)
    with django_capture_on_commit_callbacks(execute=False):
        upload(client, project, b"EthnicCategory,Gender\n", "header-only.csv")
    extract = run_job(Extract.objects.get())
    assert extract.state == Extract.State.FAILED

    for role in (Role.ANALYST, Role.VIEWER, Role.PANEL, Role.GOVERNANCE):
        client.force_login(member_of(project, role))
        assert client.get(delete_url(extract)).status_code == 403, role
        assert client.post(delete_url(extract)).status_code == 403, role
        assert delete_url(extract) not in client.get(extract.get_absolute_url()).content.decode()
    assert Extract.objects.filter(pk=extract.pk).exists()

    client.force_login(member_of(project, Role.LEAD))
    page = client.get(delete_url(extract))
    assert page.status_code == 200 and "Other work uses this data" not in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(delete_url(extract)).status_code == 302
    assert not Extract.objects.exists()
    assert not list((Path(settings.MEDIA_ROOT) / "identify").rglob("*.*"))


def test_an_upload_deleted_before_it_is_read_leaves_no_file_and_its_job_stops(
    client, project, analyst, django_capture_on_commit_callbacks, settings
):
    client.force_login(analyst)
    with django_capture_on_commit_callbacks(execute=False):
        upload(client, project, REFERRALS.read_bytes(), REFERRALS.name)
    extract = Extract.objects.get()
    waiting = Path(extract.upload_path.path)
    assert waiting.exists()
    assert "the uploaded file, which is still waiting to be read" in client.get(delete_url(extract)).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(delete_url(extract))
    assert not waiting.exists()
    core_services.job_run(job_id=extract.job_id)
    extract.job.refresh_from_db()
    assert extract.job.state == "succeeded" and extract.job.result == {"already": "deleted"}
    assert not list((Path(settings.MEDIA_ROOT) / "identify").rglob("*.*"))


def test_a_column_mapped_as_record_id_later_is_stored_as_pseudonyms(
    client, project, analyst, django_capture_on_commit_callbacks, settings
):
    client.force_login(analyst)
    content = b"Ident,EthnicCategory,Gender\nq-17,A,2\nq-18,M,1\nq-17,A,2\n"
    with django_capture_on_commit_callbacks(execute=False):
        upload(client, project, content, "ids.csv")
        extract = run_job(Extract.objects.get())
        assert extract.state == Extract.State.MAPPING
        assert "Ident" not in extract.suggested_mapping and extract.pseudonymised_columns == []
        assert engine.load_table(extract.table_path.path)["Ident"].tolist() == ["q-17", "q-18", "q-17"]
        page = client.get(extract.get_absolute_url())
        ident = next(name for name, column in page.context["form"].column_fields if column == "Ident")
        confirm(client, extract, **{ident: "record_id"})
        extract = run_job(extract)
    assert extract.state == Extract.State.READY, extract.error
    assert extract.pseudonymised_columns == ["Ident"]
    key = settings.AMHE_PSEUDONYM_KEY
    stored = engine.load_table(extract.table_path.path)
    assert stored["Ident"].tolist() == [engine.pseudonym(v, key) for v in ("q-17", "q-18", "q-17")]
    assert "q-17" not in stored_text(extract.table_path.path)
    # The duplicates check still finds the repeated person, by pseudonym.
    duplicates = extract.quality.report["duplicates"]
    assert duplicates["by"] == "record_id" and duplicates["rows"] == 1 and duplicates["examples"] == [[2, 4]]


def test_a_table_stored_as_parquet_before_still_opens_and_is_replaced_when_ids_are_pseudonymised(
    client, project, analyst, django_capture_on_commit_callbacks, settings
):
    """Tables were stored as Parquet before the stored table became an Arrow IPC file:
    such an upload's mapping page and processing still work, and when it has to store
    the table again (a record ID mapped later) the Parquet file is replaced."""
    client.force_login(analyst)
    content = b"Ident,EthnicCategory,Gender\nq-17,A,2\nq-18,M,1\nq-17,A,2\n"
    with django_capture_on_commit_callbacks(execute=False):
        upload(client, project, content, "ids.csv")
        extract = run_job(Extract.objects.get())
        arrow = Path(extract.table_path.path)
        parquet = arrow.with_suffix(".parquet")
        engine.load_table(arrow).to_parquet(parquet)  # as the read job stored it before
        arrow.unlink()
        Extract.objects.filter(pk=extract.pk).update(table_path=str(parquet.relative_to(settings.MEDIA_ROOT)))
        extract.refresh_from_db()
        assert presenters.column_samples(extract)["Ident"] == ["q-17", "q-18"]
        page = client.get(extract.get_absolute_url())
        ident = next(name for name, column in page.context["form"].column_fields if column == "Ident")
        confirm(client, extract, **{ident: "record_id"})
        extract = run_job(extract)
    assert extract.state == Extract.State.READY, extract.error
    assert extract.table_path.name.endswith(engine.TABLE_SUFFIX) and not parquet.exists()
    key = settings.AMHE_PSEUDONYM_KEY
    stored = engine.load_table(extract.table_path.path)
    assert stored["Ident"].tolist() == [engine.pseudonym(v, key) for v in ("q-17", "q-18", "q-17")]
    assert extract.quality.report["duplicates"]["examples"] == [[2, 4]]
