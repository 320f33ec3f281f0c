"""Test-only URLconf: one page showing every kind of Identify chart, an SPC chart and a funnel plot, for the
browser test of plotly.js under the strict Content Security Policy.

Use with ``@pytest.mark.urls("tests.browser.chart_urls")``.
"""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.template import engines
from django.urls import include, path

from amhe.analysis import charts, funnel_charts, spc_charts
from amhe.stats import spc

PAGE = """{% extends "base.html" %}
{% block title %}Charts{% endblock %}
{% block content %}
<h1 class="nhsuk-heading-l">Charts</h1>
{% for chart in chart_list %}{% include "_components/chart.html" with chart=chart heading_level=2 %}{% endfor %}
{% endblock %}"""


def _row(group, code, count, population, rate, ratio=None, *, reference=False, suppressed=False, **extra):
    def ci(value, spread):
        return (None, None) if value is None else (value * (1 - spread), value * (1 + spread))

    rate_lower, rate_upper = ci(rate, 0.05)
    ratio_lower, ratio_upper = ci(ratio, 0.08) if not reference else (None, None)
    return {
        "dimension": "ethnicity_high",
        "group": group,
        "group_code": code,
        "groups": {"ethnicity_high": group},
        "count": count,
        "population": population,
        "share": None if count is None else count / 12700,
        "share_lower": None,
        "share_upper": None,
        "rate": rate,
        "rate_lower": rate_lower,
        "rate_upper": rate_upper,
        "rate_ratio": ratio,
        "rate_ratio_lower": ratio_lower,
        "rate_ratio_upper": ratio_upper,
        "reference": reference,
        "population_share": population / 9_000_000,
        "relative_inequity": None,
        "suppressed": suppressed,
        **extra,
    }


ETHNICITY_ROWS = [
    _row("White", "WHITE", 9000, 7_000_000, 128.6, 1.0, reference=True),
    _row("Black or Black British", "BLACK", 2300, 962_000, 239.1, 1.86),
    _row("Asian or Asian British", "ASIAN", 900, 700_000, 128.0, 0.995),
    _row("Mixed", "MIXED", 500, 258_000, 193.8, 1.51),
    _row("Other ethnic group", "OTHER", None, 80_000, None, None, suppressed=True),
]


def _cell(ethnicity, sex, count, rate, *, suppressed=False):
    return {
        "dimension": "ethnicity_high×sex",
        "group": f"{ethnicity}, {sex}",
        "group_code": f"{ethnicity[:5].upper()}-{sex[0]}",
        "groups": {"ethnicity_high": ethnicity, "sex": sex},
        "count": count,
        "rate": rate,
        "rate_lower": None if rate is None else rate * 0.9,
        "rate_upper": None if rate is None else rate * 1.1,
        "suppressed": suppressed,
        "reference": False,
    }


INTERSECTION_ROWS = [
    _cell("White", "Female", 4100, 116.0),
    _cell("White", "Male", 4900, 141.5),
    _cell("Black or Black British", "Female", 900, 190.2),
    _cell("Black or Black British", "Male", 1400, 288.0),
    _cell("Mixed", "Female", None, None, suppressed=True),
    _cell("Mixed", "Male", 260, 201.0),
]

QUALITY_REPORT = {
    "fields": {
        "ethnicity": {
            "label": "Ethnicity",
            "rows": 12700,
            "completeness": 0.93,
            "validity": 0.98,
            "not_stated": 0.05,
            "not_known": 0.02,
            "other": 0.06,
            "invalid": 0.01,
        },
        "sex": {"label": "Sex", "rows": 12700, "completeness": 0.995, "validity": 1.0, "not_known": 0.004},
        "sexual_orientation": {
            "label": "Sexual orientation",
            "rows": 12700,
            "completeness": 0.41,
            "not_stated": 0.12,
            "not_known": 0.08,
        },
    }
}


SPC_MONTHS = [
    f"{month} {year}"
    for year in (2024, 2025)
    for month in ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
]
SPC_VALUES = [47, 49, 48, 50, 47, 49, 48, 46, 49, 48, 50, 47, 51, 52, 50, 53, 52, 54, 53, 55, 56, 57, 58, 60]


def _timeline():
    """Deliver 3B's timeline, from unsaved milestones and actions (one overdue, one done)."""
    import datetime

    from deliver.models import DeliveryAction, Milestone
    from deliver.tracking import presenters

    today = datetime.date(2027, 3, 15)
    added = datetime.datetime(2027, 1, 10, 12, tzinfo=datetime.UTC)
    milestone = Milestone(pk=1, title="Evening service open", due_date=datetime.date(2027, 5, 1))
    actions = [
        DeliveryAction(pk=pk, title=title, due_date=due, status=status, rag=rag, created_at=added)
        for pk, title, due, status, rag in (
            (1, "Agree the evening venue", datetime.date(2027, 3, 3), "in_progress", "red"),
            (2, "Commission training", datetime.date(2027, 2, 20), "done", "green"),
            (3, "Recruit eight peer supporters", datetime.date(2027, 4, 20), "not_started", "amber"),
            (4, "Book interpreters by default", datetime.date(2027, 4, 1), "blocked", "red"),
        )
    ]
    return presenters.timeline_chart([milestone], actions, today=today, chart_id="timeline-test")


def chart_list():
    return [
        charts.rates_chart(ETHNICITY_ROWS, 0.95),
        charts.rate_ratio_forest(ETHNICITY_ROWS, "White", 0.95),
        charts.share_vs_population(ETHNICITY_ROWS),
        charts.intersection_heatmap(INTERSECTION_ROWS, "ethnicity_high", "sex"),
        charts.quality_completeness(QUALITY_REPORT),
        spc_charts.xmr_chart(
            SPC_MONTHS,
            SPC_VALUES,
            title="Recovery rate over time (made up)",
            chart_id="spc-test",
            value_label="Per cent",
            options=spc.Options(polarity="increase", target=50),
            rebase_at=[12],
        ).chart,
        _timeline(),
        funnel_charts.funnel_chart(
            "proportion",
            [
                funnel_charts.Figure("Leeds (made up)", 170, 380, own=True),
                funnel_charts.Figure("Peer A", 450, 940),
                funnel_charts.Figure("Peer B", 150, 300),
            ],
            target=0.505,
            polarity="higher",
            title="Recovery rate against England (made up)",
            chart_id="funnel-test",
        ).chart,
    ]


@login_not_required
def chart_page(request):
    template = engines["django"].from_string(PAGE)
    return HttpResponse(template.render({"chart_list": chart_list()}, request))


# Only what base.html links to besides the test page, so this page does not
# depend on every app's URLs.
urlpatterns = [
    path("test-charts/", chart_page, name="test-charts"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("amhe.core.urls")),
]
