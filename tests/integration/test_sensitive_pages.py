"""Cell values and answers shown only to those who should see them, and pages
holding them never kept in a cache (issue 9 items 7 and 8).

* The quality report quotes invalid values (a name typed in the wrong column)
  to the analyst who uploaded the file only; everyone else sees counts and row
  numbers, on every 1A page and download.
* Record-level downloads, raw views and the respondent's own pages send
  ``Cache-Control: no-store``.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from amhe.core.models import Role
from amhe.surveys.models import SurveyResponse
from identify import presenters
from identify.models import Extract
from tests.factories import (
    AnswerFactory,
    CommunityAssetFactory,
    InvitationFactory,
    QuestionFactory,
    SurveyFactory,
    SurveyResponseFactory,
)
from tests.integration.test_access import all_routes
from tests.integration.test_identify_upload import confirm, run_job, upload

pytestmark = pytest.mark.django_db

NAME = "Jane Doe-Okafor"
ROWS = [("A", "1", "29"), ("B", "2", "41"), (NAME, "1", "35"), ("C", "2", "52")] * 3
# NAME is in spreadsheet rows 4, 8 and 12 (the header is row 1).


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def uploader(project, member_of):
    return member_of(project, Role.ANALYST)


@pytest.fixture
def extract(client, project, uploader, django_capture_on_commit_callbacks):
    """A processed upload with a person's name in the ethnicity column."""
    content = "EthnicCategory,Gender,AgeRepPeriodEnd\n" + "".join(f"{e},{g},{a}\n" for e, g, a in ROWS)
    client.force_login(uploader)
    with django_capture_on_commit_callbacks(execute=False):
        assert upload(client, project, content.encode(), "referrals.csv").status_code == 302
        extract = run_job(Extract.objects.get(project=project))
        confirm(client, extract)
        extract = run_job(extract)
    assert extract.state == Extract.State.READY, extract.error
    client.logout()
    return extract


def quality_url(extract):
    return reverse("identify:quality", kwargs={"project_id": extract.project_id, "extract_id": extract.pk})


def extract_pages(extract) -> list[str]:
    """Every URL about this project and this upload (1A pages and downloads, the project's pages)."""
    values = {"project_id": extract.project_id, "extract_id": extract.pk}
    urls = [
        reverse(route.name, kwargs={k: values[k] for k in route.kwargs})
        for route in all_routes()
        if route.name and route.kwargs and route.kwargs <= set(values)
    ]
    urls += [  # each page of the breakdown dashboard
        reverse("identify:dashboard-section", kwargs={**values, "characteristic": page.slug})
        for page in presenters.characteristics(extract)
    ]
    return [u for url in urls for u in (url, url + "?raw=1")]


def test_the_uploader_sees_the_invalid_values_and_where_they_are(client, extract, uploader):
    client.force_login(uploader)
    html = client.get(quality_url(extract)).content.decode()
    assert NAME in html
    assert "rows 4, 8, 12" in html
    assert "Only the analyst who uploaded this file sees the values" not in html


@pytest.mark.parametrize("role", [Role.LEAD, Role.ANALYST, Role.PANEL, Role.GOVERNANCE, Role.VIEWER])
def test_everyone_else_sees_counts_and_row_numbers_only(client, extract, member_of, role):
    client.force_login(member_of(extract.project, role))
    response = client.get(quality_url(extract))
    html = response.content.decode()
    assert response.status_code == 200
    assert NAME not in html and "Doe-" not in html and "Okafor" not in html  # not "Doe": a CSRF token may hold it
    assert "3 rows have values that are not valid" in html
    assert "for example rows 4, 8, 12." in html  # in the findings
    assert '<td class="nhsuk-table__cell">4, 8, 12</td>' in html  # in the table
    assert "Not an NHS ethnic category code or name" in html  # why, without the value
    assert "Only the analyst who uploaded this file sees the values" in html
    # Nor anywhere else on the project's 1A pages and downloads.
    pages = extract_pages(extract)
    assert quality_url(extract) in pages and len(pages) >= 10
    for url in pages:
        content = client.get(url).content.decode("utf-8", errors="replace")
        assert "Doe-" not in content and "Okafor" not in content, url


def test_the_stored_report_is_written_again_for_everyone_else(client, extract, member_of):
    """The stored report quotes the values (for the uploader); the page writes
    its findings again for everyone else, so reports stored before this change
    are safe too."""
    report = extract.quality.report
    assert any(NAME in finding for finding in report["findings"])  # as stored
    client.force_login(member_of(extract.project, Role.VIEWER))
    html = client.get(quality_url(extract)).content.decode()
    assert NAME not in html and "for example rows 4, 8, 12." in html


# --------------------------------------------------------------------------- no-store


def assert_not_cached(response):
    assert response.status_code in (200, 302), response.status_code
    assert "no-store" in response.get("Cache-Control", ""), response.get("Cache-Control")
    assert "private" in response["Cache-Control"]


def test_raw_views_and_1a_downloads_are_not_cached(client, extract, uploader):
    client.force_login(uploader)
    kwargs = {"project_id": extract.project_id, "extract_id": extract.pk}
    dashboard = client.get(reverse("identify:dashboard", kwargs=kwargs) + "?raw=1")
    assert dashboard.context["raw"] is True
    assert_not_cached(dashboard)
    section = reverse("identify:dashboard-section", kwargs={**kwargs, "characteristic": "ethnicity"})
    assert client.get(section + "?raw=1").context["raw"] is True
    assert_not_cached(client.get(section + "?raw=1"))
    assert_not_cached(client.get(reverse("identify:export", kwargs=kwargs) + "?raw=1"))
    assert_not_cached(client.get(reverse("identify:export", kwargs=kwargs)))
    assert_not_cached(client.get(quality_url(extract)))


@pytest.fixture
def survey(project, member_of):
    lead = member_of(project, Role.LEAD)
    survey = SurveyFactory(project=project, created_by=lead)
    question = QuestionFactory(survey=survey, position=1, text="Have you used crisis care?")
    text = QuestionFactory(survey=survey, position=2, kind="long_text", text="What would have helped?", options=[])
    survey.state = "published"
    survey.published_at = timezone.now()
    survey.save()
    response = SurveyResponseFactory(survey=survey, state="submitted")
    AnswerFactory(response=response, question=question, value="yes")
    AnswerFactory(response=response, question=text, value="A quicker answer")
    InvitationFactory(survey=survey, batch="Panel")
    CommunityAssetFactory(organisation=project.organisation)
    survey.lead, survey.text_question = lead, text
    return survey


def test_record_level_downloads_and_raw_answers_are_not_cached(client, survey):
    client.force_login(survey.lead)
    kwargs = {"project_id": survey.project_id, "survey_id": survey.pk}
    for name in (
        "survey-responses-csv",
        "survey-responses-xlsx",
        "survey-invitations-csv",
        "survey-results-csv",
        "survey-results-xlsx",
        "survey-enter",
    ):
        assert_not_cached(client.get(reverse(f"surveys:{name}", kwargs={"step": "identify", **kwargs})))
    coding = reverse(
        "surveys:survey-coding", kwargs={"step": "identify", **kwargs, "question_id": survey.text_question.pk}
    )
    response = client.get(coding)
    assert "A quicker answer" in response.content.decode()
    assert_not_cached(response)
    for name in ("assets-csv", "assets-import-template"):
        assert_not_cached(client.get(reverse(f"identify:{name}", kwargs={"project_id": survey.project_id})))


def test_respondent_pages_showing_answers_are_not_cached(survey):
    browser = Client()  # a respondent: no login
    started = browser.post(reverse("public:survey-start", kwargs={"token": survey.open_token}), {"consent": "on"})
    assert started.status_code == 302
    response = SurveyResponse.objects.get(survey=survey, state="in_progress")
    token = response.resume_token
    question = survey.questions.get(position=1)

    def public(name, **kwargs):
        return reverse(f"public:{name}", kwargs={"token": token, **kwargs})

    answered = browser.post(public("survey-page", page=1), {f"q{question.pk}": "yes"})
    assert answered.status_code == 302
    page = browser.get(public("survey-page", page=1))
    assert re.search(r'value="yes"[^>]*checked', page.content.decode())  # their answer
    assert_not_cached(page)
    assert_not_cached(browser.get(public("survey-resume")))
    check = browser.get(public("survey-check"))
    assert "Yes" in check.content.decode()  # their answers, to check
    assert_not_cached(check)
    saved = browser.post(public("survey-page", page=2), {"action": "save"})
    assert saved.url == public("survey-saved")
    assert_not_cached(browser.get(saved.url))  # the resume link
    assert_not_cached(browser.post(public("survey-language"), {"language": "en-gb"}))
    sent = browser.post(public("survey-check"))
    assert sent.url == public("survey-done")
    assert_not_cached(sent)
    assert_not_cached(browser.get(sent.url))
