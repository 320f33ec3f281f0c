"""Phones and narrow screens (issue 9, item 15): nothing makes a page wider than
the screen at 390 px, wide tables scroll inside a focusable, labelled region
instead of spilling past the content column at 1280 px, chart axis titles stay
inside their chart on a phone, and a "Copy link" button copies the resume and
open links (under the strict CSP; without JavaScript the link stays text)."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from amhe.core.models import Role
from amhe.surveys.models import Survey
from tests.factories import (
    ExtractFactory,
    FocusGroupFactory,
    QualityReportFactory,
    QuestionFactory,
    SurveyFactory,
    SurveyResponseFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
# A resume token with nothing a browser may break a line at (no - or _).
TOKEN = "Kq7Zr2Xw9Lm4Tb8Hc3Nd6Vf1Pj5Gs0YeKq7Zr2Xw9Lm4Tb8"


def overflow(page) -> dict:
    return page.evaluate("() => ({scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth})")


def assert_no_horizontal_overflow(page) -> None:
    sizes = overflow(page)
    assert sizes["scrollWidth"] <= sizes["innerWidth"], f"{page.url} is wider than the screen: {sizes}"


def signed_in(journey, user) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    journey.page.context.add_cookies(
        [{"name": cookie.key, "value": cookie.value, "url": journey.base_url, "httpOnly": True}]
    )


@pytest.fixture
def saved_response(project, member_of):
    lead = member_of(project, Role.LEAD)
    survey = SurveyFactory(project=project, created_by=lead, state=Survey.State.PUBLISHED)
    QuestionFactory(survey=survey)
    return SurveyResponseFactory(survey=survey, resume_token=TOKEN)


def test_resume_link_fits_a_phone_and_copies(journey, saved_response):
    page = journey.page
    page.set_viewport_size(PHONE)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    journey.goto(reverse("public:survey-saved", kwargs={"token": TOKEN}))
    resume_url = journey.base_url + reverse("public:survey-resume", kwargs={"token": TOKEN})
    assert page.locator(".amhe-resume-link a").inner_text() == resume_url
    assert_no_horizontal_overflow(page)
    link = page.locator(".amhe-resume-link").bounding_box()
    assert link["x"] + link["width"] <= PHONE["width"]

    button = page.get_by_role("button", name="Copy link")
    assert button.is_visible()
    button.click()
    expect(page.get_by_role("status")).to_have_text("Link copied")  # the copy is asynchronous
    assert page.evaluate("navigator.clipboard.readText()") == resume_url
    journey.check()  # with the status shown


def test_without_javascript_the_resume_link_is_text_and_no_button_shows(browser, live_server, saved_response):
    context = browser.new_context(base_url=live_server.url, viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(live_server.url + reverse("public:survey-saved", kwargs={"token": TOKEN}))
        assert page.locator(".amhe-resume-link a").is_visible()
        assert page.get_by_role("button", name="Copy link").count() == 0
        assert_no_horizontal_overflow(page)
    finally:
        context.close()


def test_open_link_copies_on_the_share_page(journey, project, member_of):
    lead = member_of(project, Role.LEAD)
    survey = SurveyFactory(project=project, created_by=lead, state=Survey.State.PUBLISHED)
    QuestionFactory(survey=survey)
    signed_in(journey, lead)
    page = journey.page
    page.set_viewport_size(PHONE)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    journey.goto(
        reverse("surveys:survey-share", kwargs={"step": "identify", "project_id": project.pk, "survey_id": survey.pk})
    )
    open_url = page.locator("#open-link").input_value()
    assert open_url.endswith(f"/s/{survey.open_token}/")
    page.get_by_role("button", name="Copy link").click()
    expect(page.get_by_role("status")).to_have_text("Link copied")
    assert page.evaluate("navigator.clipboard.readText()") == open_url
    assert_no_horizontal_overflow(page)
    journey.check()


def test_a_wide_table_scrolls_in_a_labelled_region_on_a_phone(journey, project, member_of):
    lead = member_of(project, Role.LEAD)
    for n in range(3):
        FocusGroupFactory(
            project=project, created_by=lead, community_group=f"Chapeltown and Harehills Community Forum {n}"
        )
    signed_in(journey, lead)
    page = journey.page
    page.set_viewport_size(PHONE)
    journey.goto(reverse("identify:focus-groups", kwargs={"project_id": project.pk}))
    assert_no_horizontal_overflow(page)
    region = page.get_by_role("region", name="Focus groups, newest first")
    assert region.locator("table").count() == 1
    # If the table is wider than the screen, the region scrolls and keyboard users can reach it.
    scrolls = region.evaluate("r => r.scrollWidth > r.clientWidth")
    assert region.get_attribute("tabindex") == ("0" if scrolls else None)


def test_wide_tables_stay_in_the_content_column_at_1280(journey, project, member_of):
    analyst = member_of(project, Role.ANALYST)
    names = [
        "Ethnic group (NHS ethnic category)",
        "Sex or stated gender",
        "Gender identity",
        "Age band (mental health)",
        "Index of Multiple Deprivation quintile",
        "Sexual orientation",
        "Religion or belief",
        "Disability or long-term condition",
        "Preferred language",
        "Interpreter needed",
        "Armed forces veteran",
        "Care leaver",
    ]
    fields = {f"field_{i}": {"label": name, "completeness": 0.5 + i / 40} for i, name in enumerate(names)}
    extracts = []
    for _ in range(2):
        extract = ExtractFactory(project=project, uploaded_by=analyst)
        QualityReportFactory(extract=extract, report={"rows": 10, "fields": fields})
        extracts.append(extract)
    signed_in(journey, analyst)
    page = journey.page
    page.set_viewport_size(DESKTOP)
    journey.goto(reverse("identify:quality", kwargs={"project_id": project.pk, "extract_id": extracts[-1].pk}))
    assert_no_horizontal_overflow(page)
    region = page.get_by_role("region", name="Completeness by upload")
    main = page.locator("main").bounding_box()
    box = region.bounding_box()
    assert box["x"] + box["width"] <= main["x"] + main["width"] + 0.5
    assert region.evaluate("r => r.scrollWidth > r.clientWidth")
    assert region.get_attribute("tabindex") == "0"
    # Keyboard users scroll it: Tab to the region, then the arrow keys.
    region.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function(
        "() => document.querySelector('[aria-labelledby=trend-caption]').scrollLeft > 0", timeout=5_000
    )
    page.set_viewport_size(PHONE)
    # Once the charts have redrawn at the new width, nothing is wider than the phone.
    page.wait_for_function("() => document.documentElement.scrollWidth <= window.innerWidth", timeout=10_000)


@pytest.mark.urls("tests.browser.chart_urls")
def test_chart_axis_titles_stay_inside_their_chart_on_a_phone(journey):
    from tests.browser.chart_urls import chart_list

    page = journey.page
    page.set_viewport_size(PHONE)
    expected = chart_list()
    journey.goto("/test-charts/")
    page.wait_for_function(
        "n => document.querySelectorAll('.amhe-chart--drawn').length === n", arg=len(expected), timeout=20_000
    )
    assert_no_horizontal_overflow(page)
    cut = page.evaluate(
        """() => {
          const cut = [];
          for (const plot of document.querySelectorAll('[data-chart-plot]')) {
            const box = plot.getBoundingClientRect();
            for (const text of plot.querySelectorAll('.g-xtitle text, .g-ytitle text, .xtick text, .ytick text')) {
              const r = text.getBoundingClientRect();
              if (r.width && (r.left < box.left - 1 || r.right > box.right + 1 || r.bottom > box.bottom + 1)) {
                cut.push(`${plot.closest('[data-module=amhe-chart]').id}: ${text.textContent}`);
              }
            }
          }
          return cut;
        }"""
    )
    assert cut == []
    titles = page.locator(".g-xtitle text").count()
    assert titles >= 3
