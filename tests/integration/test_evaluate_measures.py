"""Evaluate 4A: the project's measures as SPC charts, rebase dates, screening,
suppressed values and series too short for a chart."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from amhe.core.models import Measure, Role, SmartGoal
from evaluate.measures import services
from evaluate.models import MeasureRebase
from tests.factories import MeasureFactory, MeasureValueFactory, ProjectFactory, SmartGoalFactory

pytestmark = pytest.mark.django_db

# 14 months: steady, then the last 7 above the mean (a shift) and the last one high.
MONTHLY = [50, 51, 49, 50, 52, 48, 50, 51, 53, 54, 53, 55, 54, 56]


def _url(name, project, **kwargs):
    return reverse(f"evaluate:{name}", kwargs={"project_id": project.pk, **kwargs})


def _month(i):
    year, month = 2024 + i // 12, i % 12 + 1
    start = date(year, month, 1)
    end = date(year + (month == 12), month % 12 + 1, 1).fromordinal(
        date(year + (month == 12), month % 12 + 1, 1).toordinal() - 1
    )
    return start, end


def monthly_measure(project, values=MONTHLY, **kwargs):
    measure = MeasureFactory(project=project, unit=Measure.Unit.PERCENT, **kwargs)
    for i, value in enumerate(values):
        start, end = _month(i)
        MeasureValueFactory(
            measure=measure,
            period_start=start,
            period_end=end,
            value=None if value is None else Decimal(str(value)),
            suppressed=value is None,
        )
    return measure


@pytest.fixture
def lead(project, member_of):
    return member_of(project, Role.LEAD)


def test_measure_page_shows_the_chart_table_sentence_and_icons(client, project, lead):
    measure = monthly_measure(project, direction=Measure.Direction.HIGHER, name="Recovery rate")
    client.force_login(lead)
    page = client.get(_url("measure", project, measure_id=measure.pk)).content.decode()
    assert "Recovery rate over time" in page
    # The table has every month, and the sentence says what the last point shows.
    assert page.count('<th class="nhsuk-table__header" scope="row">') == 14
    assert "Feb 2025" in page
    assert "The last point shows special cause variation of improvement" in page
    assert 'role="img" aria-label="Special cause variation of improvement: higher values"' in page
    assert "Higher is better" in page
    assert "No SMART goal with a target points at this measure" in page


def test_target_comes_from_the_goal_on_the_measure_and_gives_the_assurance_icon(client, project, lead):
    measure = monthly_measure(project, direction=Measure.Direction.HIGHER)
    SmartGoalFactory(project=project, measure=measure, target_value=Decimal("90"), owner=lead)
    client.force_login(lead)
    page = client.get(_url("measure", project, measure_id=measure.pk)).content.decode()
    assert "Assurance: the process will consistently fail the target" in page
    assert "The target of 90.0 is beyond the process limits on the bad side" in page
    # The list works out the same icons.
    listing = client.get(_url("measures", project)).content.decode()
    assert "Assurance: the process will consistently fail the target" in listing
    assert "Special cause variation of improvement: higher values" in listing


def test_withdrawn_goal_gives_no_target(client, project, lead):
    measure = monthly_measure(project)
    SmartGoalFactory(project=project, measure=measure, status=SmartGoal.Status.WITHDRAWN)
    client.force_login(lead)
    page = client.get(_url("measure", project, measure_id=measure.pk)).content.decode()
    assert "Assurance:" not in page


def test_closer_to_one_is_neutral_and_says_so(client, project, lead):
    measure = monthly_measure(project, direction=Measure.Direction.CLOSER_TO_ONE)
    SmartGoalFactory(project=project, measure=measure, target_value=Decimal("1"), owner=lead)
    client.force_login(lead)
    page = client.get(_url("measure", project, measure_id=measure.pk)).content.decode()
    assert "Closer to 1 is better" in page
    assert "neither improvement nor concern" in page
    assert "Assurance:" not in page


def test_suppressed_values_are_left_out_with_a_sentence(client, project, lead):
    values = [*MONTHLY[:5], None, *MONTHLY[5:10], None, *MONTHLY[10:]]
    measure = monthly_measure(project, values=values)
    client.force_login(lead)
    page = client.get(_url("measure", project, measure_id=measure.pk)).content.decode()
    assert "2 values are suppressed or missing and are left out of the chart." in page
    assert page.count('<th class="nhsuk-table__header" scope="row">') == 14


def test_fewer_than_two_values_needs_more_points(client, project, lead):
    one = monthly_measure(project, values=[50, None], name="Short")
    client.force_login(lead)
    page = client.get(_url("measure", project, measure_id=one.pk)).content.decode()
    assert "needs at least two values to draw a chart; it has 1 that can be plotted" in page
    assert "1 value is suppressed or missing" in page
    listing = client.get(_url("measures", project)).content.decode()
    assert "Needs at least two values for a chart." in listing


def test_list_and_step_page_show_each_measure_with_its_icons(client, project, lead):
    monthly_measure(project, direction=Measure.Direction.HIGHER, name="Recovery rate")
    monthly_measure(project, values=[50, 50, 50], name="Flat")
    client.force_login(lead)
    for url in (_url("measures", project), _url("overview", project)):
        page = client.get(url).content.decode()
        assert "Recovery rate" in page and "56.0 (Feb 2025)" in page
        assert "Special cause variation of improvement: higher values" in page
        assert "Common cause variation: no sign of change" in page


def test_screening_switch_changes_the_limits(client, project, lead):
    # One big jump: screening leaves it out, so the limits are narrower with it on.
    measure = monthly_measure(project, values=[10, 11, 10, 11, 10, 40, 11, 10, 11, 10, 11, 10, 11])
    client.force_login(lead)
    on = client.get(_url("measure", project, measure_id=measure.pk)).content.decode()
    off = client.get(_url("measure", project, measure_id=measure.pk) + "?screening=off").content.decode()
    assert 'id="screening-on" name="screening" type="radio" value="on" checked' in on
    assert 'value="off" checked' in off
    assert on != off
    # The first table row's upper process limit (5th cell) is narrower with screening.
    from evaluate.measures import presenters, selectors

    screened = presenters.measure_chart(measure, selectors.values(measure), [], None, screen=True)
    unscreened = presenters.measure_chart(measure, selectors.values(measure), [], None, screen=False)
    assert screened.spc.result.points[0].upl < unscreened.spc.result.points[0].upl
    assert f"{screened.spc.result.points[0].upl:.1f}" in on
    assert f"{unscreened.spc.result.points[0].upl:.1f}" in off


def test_lead_adds_and_removes_a_rebase(client, project, lead):
    measure = monthly_measure(project)
    client.force_login(lead)
    response = client.post(
        _url("rebase-new", project, measure_id=measure.pk),
        {"date_day": "1", "date_month": "7", "date_year": "2024", "reason": "New crisis service"},
    )
    assert response.status_code == 302
    rebase = MeasureRebase.objects.get(measure=measure)
    assert rebase.date == date(2024, 7, 1) and rebase.created_by == lead
    page = client.get(_url("measure", project, measure_id=measure.pk)).content.decode()
    assert "The limits start again from Jul 2024." in page
    assert "New crisis service" in page
    response = client.post(_url("rebase-delete", project, measure_id=measure.pk, rebase_id=rebase.pk))
    assert response.status_code == 302
    assert not MeasureRebase.objects.exists()


def test_rebase_needs_two_points_each_side_and_a_reason(project, lead):
    measure = monthly_measure(project)
    with pytest.raises(ValidationError, match="at least two plotted points"):
        services.rebase_add(by=lead, measure=measure, on=date(2024, 2, 1), reason="Too early")
    with pytest.raises(ValidationError, match="at least two plotted points"):
        services.rebase_add(by=lead, measure=measure, on=date(2025, 2, 1), reason="Too late")
    with pytest.raises(ValidationError, match="at least two plotted points"):
        services.rebase_add(by=lead, measure=measure, on=date(2026, 1, 1), reason="After the series")
    with pytest.raises(ValidationError):
        services.rebase_add(by=lead, measure=measure, on=date(2024, 6, 1), reason="  ")
    services.rebase_add(by=lead, measure=measure, on=date(2024, 6, 1), reason="Change")
    with pytest.raises(ValidationError, match="already"):
        services.rebase_add(by=lead, measure=measure, on=date(2024, 6, 1), reason="Again")
    with pytest.raises(ValidationError, match="at least two plotted points"):
        services.rebase_add(by=lead, measure=measure, on=date(2024, 7, 1), reason="One point after the last")


def test_rebase_form_shows_the_services_error(client, project, lead):
    measure = monthly_measure(project)
    client.force_login(lead)
    response = client.post(
        _url("rebase-new", project, measure_id=measure.pk),
        {"date_day": "1", "date_month": "1", "date_year": "2030", "reason": "Later"},
    )
    assert response.status_code == 200
    assert "at least two plotted points" in response.content.decode()
    assert not MeasureRebase.objects.exists()


@pytest.mark.parametrize("role", [Role.ANALYST])
def test_analysts_may_rebase(project, member_of, role):
    measure = monthly_measure(project)
    services.rebase_add(by=member_of(project, role), measure=measure, on=date(2024, 6, 1), reason="Change")
    assert MeasureRebase.objects.count() == 1


@pytest.mark.parametrize("role", [Role.PANEL, Role.GOVERNANCE, Role.VIEWER])
def test_other_roles_may_not_rebase(client, project, member_of, role):
    measure = monthly_measure(project)
    user = member_of(project, role)
    with pytest.raises(PermissionDenied):
        services.rebase_add(by=user, measure=measure, on=date(2024, 6, 1), reason="Change")
    client.force_login(user)
    assert client.get(_url("rebase-new", project, measure_id=measure.pk)).status_code == 403
    page = client.get(_url("measure", project, measure_id=measure.pk)).content.decode()
    assert "Start the limits again from a date" not in page


def test_another_projects_measure_and_rebase_are_404(client, project, lead):
    other = ProjectFactory(organisation=project.organisation)
    measure = monthly_measure(other)
    rebase = MeasureRebase.objects.create(measure=measure, date=date(2024, 6, 1), reason="x")
    client.force_login(lead)
    assert client.get(_url("measure", project, measure_id=measure.pk)).status_code == 404
    url = _url("rebase-delete", project, measure_id=measure.pk, rebase_id=rebase.pk)
    assert client.post(url).status_code == 404
    assert MeasureRebase.objects.filter(pk=rebase.pk).exists()
    # A rebase of another measure of the same project is 404 under this one.
    own = monthly_measure(project)
    assert client.get(_url("rebase-delete", project, measure_id=own.pk, rebase_id=rebase.pk)).status_code == 404


def test_rebase_left_stranded_by_changed_data_is_skipped_and_said(client, project, lead):
    measure = monthly_measure(project)
    MeasureRebase.objects.create(measure=measure, date=date(2025, 2, 1), reason="Was fine once")
    client.force_login(lead)
    page = client.get(_url("measure", project, measure_id=measure.pk)).content.decode()
    assert "1 of the dates below is not used" in page
    assert "The limits start again" not in page


def test_demo_series_loads_through_the_service(project, lead, member_of):
    from evaluate.measures import demo

    analyst = member_of(project, Role.ANALYST)
    demo.load(project=project, users={Role.LEAD: lead, Role.ANALYST: analyst}, stdout=_Out())
    measure = Measure.objects.get(project=project, name=demo.NAME)
    assert measure.values.count() == 63
    assert measure.direction == Measure.Direction.HIGHER
    assert "England" in measure.name and "Open Government Licence" in measure.source
    first = measure.values.order_by("period_start").first()
    assert (first.period_start, first.value) == (date(2021, 1, 1), Decimal("51.8"))
    demo.load(project=project, users={Role.LEAD: lead, Role.ANALYST: analyst}, stdout=_Out())
    assert measure.values.count() == 63


class _Out:
    def write(self, text):
        pass


def test_a_rebase_date_puts_4a_in_progress(project, lead):
    from amhe.core.progress import substeps_with_work

    measure = monthly_measure(project)
    assert "4A" not in substeps_with_work(project)
    services.rebase_add(by=lead, measure=measure, on=date(2024, 6, 1), reason="Change")
    assert "4A" in substeps_with_work(project)
