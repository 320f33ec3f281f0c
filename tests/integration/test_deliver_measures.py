"""Deliver 3A: measures defined on Identify's uploads. Values come from the real
upload and processing path (the same services and jobs the worker runs), from the
published (suppressed) figures only; a new upload of the series adds a value, the
same upload processed again updates its value; goals take their baseline from a
chosen period; wrong-side targets, wrong-order dates and deleted uploads get
plain messages and nothing half-saved."""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse

from amhe import stats
from amhe.core import services as core_services
from amhe.core.models import Job, Measure, MeasureValue, Role, SmartGoal
from deliver.measures import services, sources
from deliver.models import MeasureValueOrigin
from identify import services as identify_services
from identify.models import Extract
from tests.factories import SmartGoalFactory
from tests.integration.test_identify_upload import POPULATION, REFERRALS, confirm, run_job, uploaded

pytestmark = pytest.mark.django_db

# The demo referrals, as the published ethnicity_high breakdown shows them (NHS rule).
BLACK_COUNT, BLACK_POPULATION = 460, 25893
WHITE_COUNT, WHITE_POPULATION = 3255, 639487
FIRST_PERIOD = (date(2024, 4, 1), date(2025, 4, 1))


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def analyst(project, member_of):
    return member_of(project, Role.ANALYST)


@pytest.fixture
def lead(project, member_of):
    return member_of(project, Role.LEAD)


def process(client, project, path: Path, population=None, capture=None) -> Extract:
    """Upload and process a file as an analyst does; `capture` runs what is queued on commit
    (Identify's signal, and so Deliver's job) when given."""
    extract = uploaded(client, project, path)
    confirm(client, extract, population=population)
    if capture is None:
        return run_job(extract)
    with capture(execute=True):
        return run_job(extract)


@pytest.fixture
def population(client, project, analyst, django_capture_on_commit_callbacks):
    client.force_login(analyst)
    with django_capture_on_commit_callbacks(execute=False):
        population = uploaded(client, project, POPULATION, kind="population")
        confirm(client, population)
        run_job(population)
    assert population.state == Extract.State.READY, population.error
    return population


@pytest.fixture
def referrals(client, project, analyst, population, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        extract = process(client, project, REFERRALS, population=population)
    assert extract.state == Extract.State.READY, extract.error
    return extract


def a_year_later(tmp_path, *, keep_black_every: int = 2) -> Path:
    """The demo referrals one year on, with fewer referrals of Black people (same columns)."""
    lines = REFERRALS.read_text().splitlines()
    out, black = [lines[0]], 0
    for line in lines[1:]:
        cells = line.split(",")
        if cells[1] in ("M", "N", "P"):
            black += 1
            if black % keep_black_every:
                continue
        year, rest = cells[-1][:4], cells[-1][4:]
        cells[-1] = f"{int(year) + 1}{rest}"
        out.append(",".join(cells))
    path = tmp_path / "referrals_next_year.csv"
    path.write_text("\n".join(out) + "\n")
    return path


def define(client, project, extract, **data) -> Measure:
    url = reverse("deliver:measure-define", kwargs={"project_id": project.pk, "extract_id": extract.pk})
    body = {
        "name": "Crisis referrals per 100,000, Black or Black British",
        "figure": "rate",
        "group": "ethnicity_high|BLACK",
        "direction": "lower",
        **data,
    }
    response = client.post(url, body)
    assert response.status_code == 302, response.context["form"].errors
    return Measure.objects.get(project=project, name=body["name"])


def run_queued(kind: str) -> None:
    for job in Job.objects.filter(kind=kind, state=Job.State.QUEUED):
        core_services.job_run(job_id=job.pk)


def test_values_come_from_the_published_figures_and_a_new_upload_adds_one(
    client, project, analyst, lead, referrals, population, tmp_path, django_capture_on_commit_callbacks
):
    measure = define(client, project, referrals)
    assert measure.definition["source"] == sources.IDENTIFY_BREAKDOWN
    assert measure.definition["extract_id"] == str(referrals.pk)
    assert measure.unit == Measure.Unit.RATE_100K
    assert not measure.values.exists()  # worked out in the background
    run_queued(services.VALUES_FROM_SERIES)

    value = measure.values.get()
    expected = stats.rate(BLACK_COUNT, BLACK_POPULATION, 0.95, per=100_000)
    assert (value.period_start, value.period_end) == FIRST_PERIOD
    assert value.numerator == BLACK_COUNT and value.denominator == BLACK_POPULATION
    assert value.value == Decimal(str(round(expected.value, 4)))
    assert value.lower < value.value < value.upper
    assert not value.suppressed
    assert value.origin.extract == referrals

    # A goal takes its baseline from the chosen period.
    goal = SmartGoalFactory(project=project, owner=lead, baseline_value=None, baseline_date=None, target_value=None)
    client.force_login(lead)
    url = reverse("deliver:goal-measure", kwargs={"project_id": project.pk, "goal_id": goal.pk})
    response = client.post(
        url,
        {
            "measure": measure.pk,
            "baseline": value.pk,
            "target_value": "1400",
            "target_date_day": "31",
            "target_date_month": "3",
            "target_date_year": "2028",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    goal.refresh_from_db()
    assert goal.measure == measure
    assert goal.baseline_value == value.value and goal.baseline_date == FIRST_PERIOD[1]

    # Next year's upload, with the same columns, adds its value when it is processed.
    client.force_login(analyst)
    later = process(
        client, project, a_year_later(tmp_path), population=population, capture=django_capture_on_commit_callbacks
    )
    assert later.state == Extract.State.READY, later.error
    assert Job.objects.filter(kind=services.VALUES_FROM_UPLOAD, params={"extract_id": str(later.pk)}).exists()
    run_queued(services.VALUES_FROM_UPLOAD)
    values = list(measure.values.order_by("period_end"))
    assert [v.period_start for v in values] == [date(2024, 4, 1), date(2025, 4, 1)]
    assert values[1].numerator < BLACK_COUNT and values[1].origin.extract == later

    # Processing the same upload again updates its value, never adds another.
    confirm(client, later, population=population)
    with django_capture_on_commit_callbacks(execute=True):
        run_job(later)
    run_queued(services.VALUES_FROM_UPLOAD)
    assert measure.values.count() == 2
    assert MeasureValueOrigin.objects.filter(measure=measure).count() == 2
    # ... and so does working out the whole series again.
    services.values_from_series(measure_id=measure.pk)
    assert measure.values.count() == 2

    # The goal shows the latest value against its target, on the measure page and the step page.
    for page in ("deliver:measure", "deliver:overview"):
        kwargs = {"project_id": project.pk} | ({"measure_id": measure.pk} if page == "deliver:measure" else {})
        html = client.get(reverse(page, kwargs=kwargs)).content.decode()
        latest = f"{values[1].value:,.1f} per 100,000"
        assert latest in html, page
        assert "1,400.0 per 100,000 by 31 Mar 2028" in html, page
        assert "Target met" in html or "Better than the baseline" in html, page


def test_a_rate_ratio_compares_the_published_counts(client, project, analyst, referrals):
    measure = define(
        client,
        project,
        referrals,
        name="Rate ratio, Black or Black British to White",
        figure="rate_ratio",
        comparison="ethnicity_high|WHITE",
        direction="closer_to_one",
    )
    assert measure.unit == Measure.Unit.RATIO
    services.values_from_series(measure_id=measure.pk)
    value = measure.values.get()
    expected = stats.rate_ratio(BLACK_COUNT, BLACK_POPULATION, WHITE_COUNT, WHITE_POPULATION, 0.95)
    assert value.value == Decimal(str(round(expected.value, 4)))
    assert value.lower == Decimal(str(round(expected.lower, 4)))
    assert "White: 3,255" in value.note


def test_a_hidden_count_gives_no_value(client, project, analyst, population, tmp_path):
    header = REFERRALS.read_text().splitlines()[0]
    rows = [f"P{i:05d},A,1,30,E01011362,2026-0{1 + i % 9}-10" for i in range(200)]
    rows += [f"Q{i:05d},N,1,30,E01011362,2026-05-10" for i in range(5)]  # 5 Black Caribbean: 1 to 7, hidden
    path = tmp_path / "small.csv"
    path.write_text("\n".join([header, *rows]) + "\n")
    small = process(client, project, path, population=population)
    assert small.state == Extract.State.READY, small.error
    measure = define(client, project, small, name="Share of referrals, Black or Black British", figure="share")
    services.values_from_series(measure_id=measure.pk)
    value = measure.values.get()
    assert value.suppressed and value.value is None and value.numerator is None
    assert value.lower is None and value.upper is None
    html = client.get(reverse("deliver:measure", kwargs={"project_id": project.pk, "measure_id": measure.pk}))
    assert "Hidden (small numbers)" in html.content.decode()
    # A hidden value cannot be a goal's baseline.
    with pytest.raises(Exception, match="no value"):
        services.goal_link_measure(
            by=analyst,
            goal=SmartGoalFactory(project=project),
            measure=measure,
            baseline=value,
            target_value=Decimal("1"),
            target_date=date(2028, 3, 31),
        )


def test_a_target_on_the_wrong_side_is_refused_and_nothing_is_saved(client, project, lead, referrals):
    measure = define(client, project, referrals)
    services.values_from_series(measure_id=measure.pk)
    value = measure.values.get()
    goal = SmartGoalFactory(project=project, owner=lead, status=SmartGoal.Status.DRAFT)
    before = (goal.measure_id, goal.baseline_value, goal.target_value, goal.target_date)
    client.force_login(lead)
    url = reverse("deliver:goal-measure", kwargs={"project_id": project.pk, "goal_id": goal.pk})
    post = {"measure": measure.pk, "baseline": value.pk, "target_date_day": "31", "target_date_month": "3"}
    # Lower is better: a target above the baseline is refused.
    response = client.post(url, {**post, "target_value": "5000", "target_date_year": "2028"})
    assert response.status_code == 200
    assert "Lower is better for this measure, so the target cannot be above the baseline" in response.content.decode()
    # A target date before the baseline period's end is refused too.
    response = client.post(url, {**post, "target_value": "1000", "target_date_year": "2023"})
    assert "The target date must be after the baseline date" in response.content.decode()
    goal.refresh_from_db()
    assert (goal.measure_id, goal.baseline_value, goal.target_value, goal.target_date) == before
    # The core goal form applies the same rule to a goal with a measure.
    goal.measure, goal.baseline_value, goal.target_value = measure, Decimal("100"), Decimal("120")
    with pytest.raises(Exception, match="cannot be above the baseline"):
        core_services.smart_goal_save(by=lead, goal=goal)


def test_a_measure_whose_upload_was_deleted_says_so(client, project, analyst, lead, referrals):
    measure = define(client, project, referrals)
    services.values_from_series(measure_id=measure.pk)
    identify_services.extract_delete(by=lead, extract=referrals)
    value = MeasureValue.objects.get(measure=measure)  # kept
    assert value.origin.extract is None and value.origin.extract_title == referrals.title
    html = client.get(reverse("deliver:measure", kwargs={"project_id": project.pk, "measure_id": measure.pk}))
    assert html.status_code == 200
    text = html.content.decode()
    assert "The upload this measure was defined on has been deleted" in text
    assert "since deleted" in text
    # Working the values out again finds no uploads, keeps what there was, and does not fail.
    refresh = reverse("deliver:measure-refresh", kwargs={"project_id": project.pk, "measure_id": measure.pk})
    assert client.post(refresh).status_code == 302
    run_queued(services.VALUES_FROM_SERIES)
    assert Job.objects.filter(kind=services.VALUES_FROM_SERIES, state=Job.State.SUCCEEDED).exists()
    assert measure.values.count() == 1


def test_bad_definitions_get_plain_messages_and_save_nothing(client, project, analyst, referrals, lead):
    url = reverse("deliver:measure-define", kwargs={"project_id": project.pk, "extract_id": referrals.pk})
    base = {"name": "Ratio", "figure": "rate_ratio", "group": "ethnicity_high|BLACK", "direction": "closer_to_one"}
    response = client.post(url, base)
    assert "Choose the group to compare with." in response.content.decode()
    response = client.post(url, {**base, "comparison": "ethnicity_high|BLACK"})
    assert "Choose a different group to compare with." in response.content.decode()
    response = client.post(url, {**base, "comparison": "sex|1"})
    assert "Choose a comparison group from the same characteristic as the group." in response.content.decode()
    assert not Measure.objects.filter(project=project).exists()
    # A measure whose values are entered by hand cannot be worked out from uploads.
    hand = Measure.objects.create(project=project, name="By hand", unit="count", direction="lower", source="Typed")
    client.force_login(lead)
    refresh = reverse("deliver:measure-refresh", kwargs={"project_id": project.pk, "measure_id": hand.pk})
    assert "entered by hand" in client.post(refresh).content.decode()
    assert not Job.objects.filter(kind=services.VALUES_FROM_SERIES).exists()


def test_an_upload_processed_with_no_measures_queues_nothing(client, project, analyst, referrals):
    services.upload_processed(extract_id=str(referrals.pk))
    assert not Job.objects.filter(kind=services.VALUES_FROM_UPLOAD).exists()


def test_a_later_step_adds_a_source_without_changing_the_model(project, monkeypatch):
    """A source registered under a new `source` key (here a made-up survey score) gets its
    values through the same services, with the definition's other keys its own."""
    from types import SimpleNamespace

    monkeypatch.setattr(sources, "_SOURCES", dict(sources._SOURCES))
    inputs = [SimpleNamespace(title="Survey spring 2026", score="7.2"), SimpleNamespace(title="Autumn", score="7.9")]

    def score(measure, item):
        month = 4 if item.title.startswith("Survey") else 10
        return sources.Figure(date(2026, month, 1), date(2026, month, 30), Decimal(item.score))

    sources.register(
        sources.Source("test.survey_score", "Survey score", lambda m: inputs, score, lambda m: "Mean score")
    )
    measure = Measure.objects.create(
        project=project,
        name="Experience score",
        unit=Measure.Unit.SCORE,
        direction=Measure.Direction.HIGHER,
        source="Survey",
        definition={"source": "test.survey_score", "survey_id": "anything"},
    )
    assert services.values_from_series(measure_id=measure.pk) == {"values": 2, "problems": []}
    assert [v.value for v in measure.values.order_by("period_end")] == [Decimal("7.2"), Decimal("7.9")]


def test_the_upload_deletion_page_warns_about_the_measure(client, project, analyst, lead, referrals):
    measure = define(client, project, referrals)
    client.force_login(lead)
    url = reverse("identify:extract-delete", kwargs={"project_id": project.pk, "extract_id": referrals.pk})
    assert measure.name in client.get(url).content.decode()


def test_evaluate_links_a_measure_from_uploads_to_how_it_is_worked_out(client, project, analyst, referrals):
    measure = define(client, project, referrals, name="Referrals per 100,000, Black or Black British")
    page = client.get(reverse("evaluate:measure", args=[project.pk, measure.pk])).content.decode()
    assert f'href="{reverse("deliver:measure", args=[project.pk, measure.pk])}"' in page


def same_period(tmp_path, name: str, *, keep_black_every: int) -> Path:
    """The demo referrals again, for the same period, keeping one Black referral in
    `keep_black_every` (a corrected upload of the same year)."""
    lines = REFERRALS.read_text().splitlines()
    out, black = [lines[0]], 0
    for line in lines[1:]:
        code = line.split(",")[1]
        if code in ("M", "N", "P") or code.lower().startswith("black"):
            black += 1
            if black % keep_black_every:
                continue
        out.append(line)
    path = tmp_path / name
    path.write_text("\n".join(out) + "\n")
    return path


def doubled_population(client, project, tmp_path, capture) -> Extract:
    lines = POPULATION.read_text().splitlines()
    rows = [lines[0]] + [f"{name},{int(count) * 2}" for name, count in (line.rsplit(",", 1) for line in lines[1:])]
    path = tmp_path / "population_doubled.csv"
    path.write_text("\n".join(rows) + "\n")
    with capture(execute=False):
        extract = uploaded(client, project, path, kind="population")
        confirm(client, extract)
        run_job(extract)
    assert extract.state == Extract.State.READY, extract.error
    return extract


def test_a_goal_baseline_follows_its_period_when_the_data_change(
    client, project, analyst, lead, referrals, population, tmp_path, django_capture_on_commit_callbacks
):
    """The baseline comes from the chosen period's value and follows it: when the upload is
    processed again, or a later upload of the same period replaces its value, the goal's
    baseline is the new value (the goal stays agreed, and its row says the baseline changed
    with the data); when the value becomes hidden, the baseline is cleared and the goal goes
    back to draft, saying why, never keeping the stale number."""
    capture = django_capture_on_commit_callbacks
    measure = define(client, project, referrals)
    services.values_from_series(measure_id=measure.pk)
    first = measure.values.get()
    goal = SmartGoalFactory(project=project, owner=lead)
    goal = services.goal_link_measure(
        by=lead, goal=goal, measure=measure, baseline=first, target_value=Decimal("1"), target_date=date(2028, 3, 31)
    )
    goal = core_services.smart_goal_agree(by=lead, goal=goal)
    assert goal.baseline_value == first.value

    def goal_row():
        html = client.get(reverse("deliver:measures", kwargs={"project_id": project.pk})).content.decode()
        return html

    # Processed again, against a population twice the size: the rate, and so the baseline, halves.
    client.force_login(analyst)
    doubled = doubled_population(client, project, tmp_path, capture)
    confirm(client, referrals, population=doubled)
    with capture(execute=True):
        run_job(referrals)
    run_queued(services.VALUES_FROM_UPLOAD)
    halved = measure.values.get()
    assert abs(halved.value * 2 - first.value) < Decimal("0.2")
    goal.refresh_from_db()
    assert (goal.baseline_value, goal.baseline_date, goal.status) == (halved.value, FIRST_PERIOD[1], "agreed")

    # A later upload of the same period (half the Black referrals) replaces the period's value.
    corrected = process(
        client, project, same_period(tmp_path, "corrected.csv", keep_black_every=2), population, capture
    )
    assert corrected.state == Extract.State.READY, corrected.error
    run_queued(services.VALUES_FROM_UPLOAD)
    replaced = measure.values.get()
    assert replaced.origin.extract == corrected and replaced.value < first.value
    goal.refresh_from_db()
    assert (goal.baseline_value, goal.status) == (replaced.value, "agreed")
    client.force_login(lead)
    assert "changed with the data" in goal_row()
    assert goal.history.count() >= 3  # linked, agreed, followed twice: each change kept

    # Another upload of the period with so few Black referrals that the count is hidden.
    client.force_login(analyst)
    tiny = process(client, project, same_period(tmp_path, "tiny.csv", keep_black_every=100), population, capture)
    assert tiny.state == Extract.State.READY, tiny.error
    run_queued(services.VALUES_FROM_UPLOAD)
    hidden = measure.values.get()
    assert hidden.suppressed and hidden.value is None and hidden.origin.extract == tiny
    goal.refresh_from_db()
    assert goal.baseline_value is None and goal.status == SmartGoal.Status.DRAFT
    assert goal.data_baseline.state == "hidden"
    client.force_login(lead)
    assert "the baseline period&#x27;s value is now hidden" in goal_row()
