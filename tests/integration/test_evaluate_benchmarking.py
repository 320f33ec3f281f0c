"""Evaluate 4A benchmarking: benchmarks against England with comparators entered,
uploaded or from the bundled public data; the funnel plot page, its table and
sentence; suppression; hostile CSV files; roles; the demo."""

from datetime import date
from decimal import Decimal
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from amhe.core.management.commands.load_demo import WEST_YORKSHIRE
from amhe.core.models import Project, Role
from evaluate.benchmarking import importing, references, services
from evaluate.models import Benchmark, Comparator
from tests.factories import (
    BenchmarkFactory,
    ComparatorFactory,
    MeasureFactory,
    MeasureValueFactory,
    ProjectFactory,
)

pytestmark = pytest.mark.django_db

REFERENCE = "tt-recovery-2024-25-black-or-black-british"


def _url(name, project, **kwargs):
    return reverse(f"evaluate:{name}", kwargs={"project_id": project.pk, **kwargs})


@pytest.fixture
def lead(project, member_of):
    return member_of(project, Role.LEAD)


@pytest.fixture
def analyst(project, member_of):
    return member_of(project, Role.ANALYST)


def _csv(text: str) -> bytes:
    return text.encode("utf-8")


# --- bundled references -------------------------------------------------------


def test_bundled_england_figure_is_the_published_one():
    # NHS Talking Therapies Annual Report 2024-25: England recovery 50.5% (all people),
    # 50.5% (Black or Black British); worked out from the published counts.
    assert round(references.get("tt-recovery-2024-25-all-people").england_value, 1) == Decimal("50.5")
    black = references.get(REFERENCE)
    assert (black.england_numerator, black.england_denominator) == (13264, 26287)
    assert round(black.england_value, 1) == Decimal("50.5")
    # MHA Annual Figures 2023-24: 239.0 detentions per 100,000 Black or Black British people.
    assert references.get("mha-detentions-2023-24-black-or-black-british").england_value == Decimal("239.0")
    assert all(p.numerator <= p.denominator for r in references.references().values() for p in r.peers)


# --- services -----------------------------------------------------------------


def test_saving_with_a_reference_takes_england_from_it(project, analyst):
    benchmark = services.benchmark_save(
        by=analyst,
        project=project,
        title="Recovery, Black people",
        kind="rate",  # the reference overrides what was given
        polarity="higher",
        reference=REFERENCE,
        england_value=Decimal("1"),
        own_name="Leeds",
        own_numerator=170,
        own_denominator=380,
    )
    assert benchmark.kind == "proportion"
    assert benchmark.period == "2024-25"
    assert round(benchmark.england_value, 2) == Decimal("50.46")
    assert benchmark.england_source.startswith("NHS England, NHS Talking Therapies")
    added = services.comparators_from_reference(by=analyst, benchmark=benchmark, codes=["QF7", "QOP"])
    assert added == 2
    assert set(benchmark.comparators.values_list("name", "origin")) == {
        ("NHS South Yorkshire ICB", "bundled"),
        ("NHS Greater Manchester ICB", "bundled"),
    }


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"own_numerator": 400, "own_denominator": 380}, "own_numerator"),
        ({"own_numerator": 10, "own_denominator": None}, "own_numerator"),
        ({"own_numerator": 0, "own_denominator": 0}, "own_numerator"),
        ({"england_value": Decimal("101")}, "england_value"),
        ({"england_value": None}, "england_value"),
        ({"reference": "no-such-reference"}, "reference"),
    ],
)
def test_bad_benchmarks_are_refused_and_nothing_saved(project, analyst, changes, field):
    arguments = {
        "title": "Recovery",
        "kind": "proportion",
        "polarity": "higher",
        "england_value": Decimal("50.5"),
        "own_name": "Leeds",
        "own_numerator": 170,
        "own_denominator": 380,
        **changes,
    }
    with pytest.raises(ValidationError) as caught:
        services.benchmark_save(by=analyst, project=project, **arguments)
    assert field in caught.value.message_dict
    assert not Benchmark.objects.exists()


@pytest.mark.parametrize("role", [Role.PANEL, Role.GOVERNANCE, Role.VIEWER])
def test_only_leads_and_analysts_write(project, member_of, role):
    user = member_of(project, role)
    benchmark = BenchmarkFactory(project=project)
    with pytest.raises(PermissionDenied):
        services.comparator_add(by=user, benchmark=benchmark, name="X", numerator=1, denominator=2)
    with pytest.raises(PermissionDenied):
        services.benchmark_delete(by=user, benchmark=benchmark)


def test_upload_saves_every_row(project, analyst):
    benchmark = BenchmarkFactory(project=project)
    saved = services.comparators_upload(
        by=analyst,
        benchmark=benchmark,
        data=_csv(
            '\ufeffName,Numerator,Denominator,Period\nBradford,120,300,2024-25\n"Kirklees, North","1,200",2500,\n'
        ),
    )
    assert saved == 2
    assert set(benchmark.comparators.values_list("name", "numerator", "denominator", "period", "origin")) == {
        ("Bradford", 120, 300, "2024-25", "uploaded"),
        ("Kirklees, North", 1200, 2500, "", "uploaded"),
    }
    # The same name and period again replaces the figure.
    services.comparators_upload(
        by=analyst, benchmark=benchmark, data=_csv("name,numerator,denominator,period\nBradford,130,300,2024-25\n")
    )
    assert benchmark.comparators.get(name="Bradford").numerator == 130


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("name,count,denominator\nA,1,2\n", "no numerator column"),
        ("name,numerator,denominator\nA,ten,20\n", "Row 2 numerator 'ten' is not a whole number"),
        ("name,numerator,denominator\nA,1.5,20\n", "Row 2 numerator '1.5' is not a whole number"),
        ("name,numerator,denominator\nA,-3,20\n", "Row 2 numerator '-3' is not a whole number of 0 or more"),
        ("name,numerator,denominator\nA,3,\n", "Row 2 denominator '' is not a whole number"),
        ("name,numerator,denominator\nA,3,0\n", "Row 2 denominator is 0"),
        ("name,numerator,denominator\nA,30,20\n", "Row 2 numerator is larger than the denominator"),
        ("name,numerator,denominator\n,3,20\n", "Row 2 has no name"),
        ("name,numerator,denominator\nA,3,20\na,4,20\n", "Row 3 repeats a"),
        ("name,numerator,denominator\n", "The file has no comparators"),
        ("", "The file is empty"),
        ("name,numerator,denominator\nA,1,2\n" + "B,1,2\n" * 3, "Row 4 repeats B"),
    ],
)
def test_hostile_uploads_get_a_clear_message_and_save_nothing(project, analyst, data, message):
    benchmark = BenchmarkFactory(project=project)
    ComparatorFactory(benchmark=benchmark, name="Kept", numerator=5, denominator=10)
    with pytest.raises(ValidationError) as caught:
        services.comparators_upload(by=analyst, benchmark=benchmark, data=_csv(data))
    assert any(message in text for text in caught.value.message_dict["file"]), caught.value.message_dict
    assert list(benchmark.comparators.values_list("name", flat=True)) == ["Kept"]


def test_a_file_with_a_good_row_and_a_bad_row_saves_neither(project, analyst):
    benchmark = BenchmarkFactory(project=project)
    with pytest.raises(ValidationError):
        services.comparators_upload(
            by=analyst, benchmark=benchmark, data=_csv("name,numerator,denominator\nA,1,2\nB,x,2\n")
        )
    assert not benchmark.comparators.exists()


def test_a_rate_may_have_more_events_than_a_proportion_could(project, analyst):
    benchmark = BenchmarkFactory(project=project, kind="rate", england_value=Decimal("239.0"))
    assert (
        services.comparators_upload(by=analyst, benchmark=benchmark, data=_csv("name,numerator,denominator\nA,5,2\n"))
        == 1
    )


def test_huge_and_non_utf8_files_are_refused(project, analyst):
    benchmark = BenchmarkFactory(project=project)
    huge = b"name,numerator,denominator\n" + b"A,1,2\n" * (importing.MAX_BYTES // 6 + 10)
    with pytest.raises(ValidationError) as caught:
        services.comparators_upload(by=analyst, benchmark=benchmark, data=huge)
    assert "smaller than" in caught.value.message_dict["file"][0]
    many = "name,numerator,denominator\n" + "".join(f"A{i},1,2\n" for i in range(importing.MAX_ROWS + 1))
    with pytest.raises(ValidationError) as caught:
        services.comparators_upload(by=analyst, benchmark=benchmark, data=_csv(many))
    assert "more than" in caught.value.message_dict["file"][0]
    with pytest.raises(ValidationError) as caught:
        services.comparators_upload(
            by=analyst, benchmark=benchmark, data="name,numerator,denominator\nÉ,1,2\n".encode("latin-1")
        )
    assert "UTF-8" in caught.value.message_dict["file"][0]
    assert not benchmark.comparators.exists()


# --- pages --------------------------------------------------------------------


def test_page_shows_the_funnel_table_and_a_sentence(client, project, member_of):
    viewer = member_of(project, Role.VIEWER)
    benchmark = BenchmarkFactory(project=project, own_name="Leeds", own_numerator=170, own_denominator=380)
    ComparatorFactory(benchmark=benchmark, name="Greater Manchester", numerator=450, denominator=940)
    client.force_login(viewer)
    response = client.get(_url("benchmark", project, benchmark_id=benchmark.pk))
    assert response.status_code == 200
    page = response.content.decode()
    # 170/380 = 44.7%, Wilson 95% 39.8% to 49.8%: below England's 50.5%, and higher is better.
    assert "Leeds is worse than England at 95%: 44.7% (95% confidence interval 39.8% to 49.8%) against 50.5%." in page
    assert "Greater Manchester" in page and "47.9%" in page
    assert "Of 1 comparator: 1 similar compared with England at 95%." in page
    assert 'data-module="amhe-chart"' in page
    assert "Enter a comparator" not in page  # a viewer only reads


def test_suppressed_figures_are_not_shown(client, project, lead):
    benchmark = BenchmarkFactory(project=project, own_name="Leeds", own_numerator=5, own_denominator=40)
    ComparatorFactory(benchmark=benchmark, name="Tiny area", numerator=3, denominator=12)
    ComparatorFactory(benchmark=benchmark, name="Big area", numerator=1003, denominator=2001)
    client.force_login(lead)
    page = client.get(_url("benchmark", project, benchmark_id=benchmark.pk)).content.decode()
    assert "Leeds&#x27;s figure is not shown: built from a count too small to show safely." in page
    assert "2 figures are not shown" in page
    assert "Tiny area (2024-25)" not in page.split("<h2>Comparators</h2>")[0]
    # Big area from the counts as shown under the NHS rule (1005 of 2000 = 50.3%), not 1003/2001 (50.1%).
    assert "1,005" in page and "2,000" in page and "50.2%" in page
    assert "1,003" not in page and "50.1%" not in page


def test_own_figure_from_a_measure_latest_value(client, project, lead):
    measure = MeasureFactory(project=project)
    MeasureValueFactory(
        measure=measure,
        period_start=date(2023, 4, 1),
        period_end=date(2024, 3, 31),
        value=Decimal("40"),
        numerator=40,
        denominator=100,
    )
    MeasureValueFactory(
        measure=measure,
        period_start=date(2024, 4, 1),
        period_end=date(2025, 3, 31),
        value=Decimal("70"),
        numerator=700,
        denominator=1000,
    )
    benchmark = BenchmarkFactory(project=project, measure=measure, own_numerator=None, own_denominator=None)
    client.force_login(lead)
    page = client.get(_url("benchmark", project, benchmark_id=benchmark.pk)).content.decode()
    assert "Leeds is better than England at 95%: 70.0%" in page


def test_form_creates_and_upload_page_reports_problems(client, project, analyst):
    client.force_login(analyst)
    response = client.post(
        _url("benchmark-new", project),
        {
            "title": "Recovery, Black people",
            "reference": REFERENCE,
            "polarity": "higher",
            "own_name": "Leeds",
            "own_numerator": "170",
            "own_denominator": "380",
        },
    )
    benchmark = Benchmark.objects.get(project=project)
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "50.5% (13,264 of 26,287). Source: NHS England, NHS Talking Therapies Annual Reports 2024-25" in page
    upload = SimpleUploadedFile("peers.csv", b"name,numerator,denominator\nA,30,20\n", content_type="text/csv")
    response = client.post(_url("comparator-upload", project, benchmark_id=benchmark.pk), {"file": upload})
    assert response.status_code == 200
    assert "Row 2 numerator is larger than the denominator" in response.content.decode()
    assert not Comparator.objects.exists()
    response = client.post(_url("comparator-peers", project, benchmark_id=benchmark.pk), {"codes": ["QF7"]})
    assert response.status_code == 302
    assert benchmark.comparators.get().name == "NHS South Yorkshire ICB"


def test_form_needs_england_or_a_reference(client, project, analyst):
    client.force_login(analyst)
    response = client.post(
        _url("benchmark-new", project), {"title": "Recovery", "polarity": "higher", "own_name": "Leeds"}
    )
    page = response.content.decode()
    assert "Enter England&#x27;s figure, or choose one from the bundled public data" in page
    assert "Select the kind of figure" in page
    assert not Benchmark.objects.exists()


def test_other_projects_benchmark_is_404(client, project, lead):
    other = BenchmarkFactory(project=ProjectFactory(organisation=project.organisation))
    client.force_login(lead)
    assert client.get(_url("benchmark", project, benchmark_id=other.pk)).status_code == 404


# --- demo ---------------------------------------------------------------------


def test_demo_has_a_benchmark_against_england_made_through_the_services(settings):
    settings.DEBUG = True
    with mock.patch.object(services, "benchmark_save", wraps=services.benchmark_save) as save:
        call_command("load_demo", verbosity=0)
        call_command("load_demo", verbosity=0)  # once, however often it runs
    assert save.call_count >= 2
    project = Project.objects.get(name=WEST_YORKSHIRE.project_name)
    benchmark = Benchmark.objects.get(project=project)
    assert benchmark.reference == REFERENCE
    assert benchmark.comparators.count() == 5
    assert benchmark.own_name.startswith("NHS West Yorkshire ICB")
