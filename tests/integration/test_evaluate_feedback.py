"""Evaluate 4B: feedback forms (surveys of the shared engine kept open), the
public feedback page /f/<token>/ with only published "you said, we did" entries,
anonymity, and small-number suppression of every count shown."""

import re

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import translation

from amhe.core.models import Role
from amhe.surveys import responding, themes
from amhe.surveys.models import Answer, Survey, SurveyResponse
from amhe.surveys.selectors import step_url, survey_url
from evaluate.feedback import services
from evaluate.models import Audience, FeedbackPage, YouSaidWeDid
from tests.factories import ThemeFactory

pytestmark = pytest.mark.django_db
PROBE_ADDRESS = "203.0.113.77"
PROBE_AGENT = "Mozilla/5.0 (Feedback probe 9191)"


@pytest.fixture(autouse=True)
def english_and_fresh_limits():
    cache.clear()
    yield
    translation.deactivate()


@pytest.fixture
def lead(project, member_of):
    return member_of(project, Role.LEAD)


@pytest.fixture
def form(project, lead):
    return services.feedback_form_create(by=lead, project=project, audience=Audience.SERVICE_USERS)


def public_url(project):
    return reverse("public:feedback", kwargs={"token": FeedbackPage.objects.get(project=project).token})


def send_feedback(survey, texts, theme_names=(), by=None):
    """`texts` answers sent through the engine, each coded with `theme_names`."""
    questions = [q for q in responding.questions_of(survey) if not q.equality_key]
    for text in texts:
        response = responding.start(
            link=responding.Link(survey, None), language="en-gb", easy_read=False, consented=True
        )
        responding.save_page(response=response, questions=questions, values={questions[0].pk: text})
        responding.submit(response=response, questions=questions)
        if theme_names:
            answer = Answer.objects.get(response=response, question=questions[0])
            themes.themes_set(by=by, project=survey.project, target=answer, names=list(theme_names))


def test_a_feedback_form_is_an_always_open_translated_4b_survey(form, project):
    survey = form.survey
    assert survey.substep == "4B" and survey.state == Survey.State.PUBLISHED
    assert survey.closes_at is None and survey.open_link_enabled and not survey.include_equality
    assert survey.languages == ["pl", "ur"]
    assert FeedbackPage.objects.filter(project=project, is_on=True).exists()
    staff = services.feedback_form_create(by=form.survey.created_by, project=project, audience=Audience.STAFF)
    assert staff.survey.languages == []
    kinds = [q.kind for q in staff.survey.questions.all()]
    assert kinds == ["rating", "multiple", "long_text"]  # satisfaction, training needs, anything else


def test_the_public_form_opens_in_urdu_right_to_left(client, form):
    page = client.get(public_url(form.project) + "?lang=ur")
    html = page.content.decode()
    assert page.status_code == 200
    assert '<html lang="ur" dir="rtl"' in html
    assert "ہمیں اپنی دیکھ بھال کے بارے میں بتائیں" in html  # the form's title in Urdu
    start = client.get(reverse("public:survey-start", kwargs={"token": form.survey.open_token}) + "?lang=ur")
    assert start.status_code == 200
    assert 'dir="rtl"' in start.content.decode()


def test_feedback_keeps_no_address_agent_session_or_user(client, form):
    survey = form.survey
    start = reverse("public:survey-start", kwargs={"token": survey.open_token})
    headers = {"REMOTE_ADDR": PROBE_ADDRESS, "HTTP_USER_AGENT": PROBE_AGENT}
    client.get(public_url(form.project), **headers)
    client.get(start, **headers)
    assert client.post(start, {"consent": "on", "language": "en-gb"}, **headers).status_code == 302
    response = SurveyResponse.objects.get(survey=survey)
    question = [q for q in responding.questions_of(survey) if not q.equality_key][0]
    page = reverse("public:survey-page", kwargs={"token": response.resume_token, "page": 1})
    client.post(page, {"action": "continue", f"q{question.pk}": "Kind staff"}, **headers)
    client.post(reverse("public:survey-check", kwargs={"token": response.resume_token}), **headers)
    response.refresh_from_db()
    assert response.state == SurveyResponse.State.SUBMITTED
    assert response.entered_by is None
    tables = [
        "identify_surveyresponse",
        "identify_answer",
        "evaluate_feedbackform",
        "evaluate_feedbackpage",
        "evaluate_yousaidwedid",
        "evaluate_yousaidwedidtheme",
    ]
    with connection.cursor() as cursor:
        existing = set(connection.introspection.table_names(cursor))
        for table in tables:
            assert table in existing, table
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 (fixed table names)
            dump = repr(cursor.fetchall())
            assert PROBE_ADDRESS not in dump and PROBE_AGENT not in dump, table
    assert set(client.cookies) <= {"csrftoken"}
    assert not Session.objects.exists()


def test_public_page_shows_only_published_entries(client, form, lead, project):
    theme = ThemeFactory(project=project, name="Waiting times")
    published = services.ysd_create(
        by=lead, project=project, you_said="Waits were long", we_did="Call backs in four hours", themes=[theme]
    )
    services.ysd_publish(by=lead, entry=published)
    draft = services.ysd_create(by=lead, project=project, you_said="Secret draft said", we_did="Secret draft did")
    html = client.get(public_url(project)).content.decode()
    assert "Waits were long" in html and "Call backs in four hours" in html and "Waiting times" in html
    assert "Secret draft" not in html
    # Changing a published entry takes it off until it is published again.
    services.ysd_update(by=lead, entry=published, you_said="Waits were long", we_did="Changed words", themes=[])
    html = client.get(public_url(project)).content.decode()
    assert "Waits were long" not in html and "Changed words" not in html
    assert "Nothing has been published yet." in html
    services.ysd_publish(by=lead, entry=draft)
    services.ysd_unpublish(by=lead, entry=draft)
    assert "Secret draft" not in client.get(public_url(project)).content.decode()


def test_theme_counts_are_fixed_and_suppressed_when_published(client, form, lead, project):
    """NHS rule: 1 to 7 hidden, others rounded to the nearest 5."""
    send_feedback(form.survey, ["a", "b", "c"], ["Language"], by=lead)
    send_feedback(form.survey, [f"w{n}" for n in range(12)], ["Waiting times"], by=lead)
    by_name = {t.name: t for t in project.themes.all()}
    entry = services.ysd_create(
        by=lead, project=project, you_said="Said", we_did="Did", themes=[by_name["Language"], by_name["Waiting times"]]
    )
    services.ysd_publish(by=lead, entry=entry)
    stored = {row.theme.name: row.shown_count for row in entry.theme_rows.all()}
    assert stored == {"Language": None, "Waiting times": 10}
    html = client.get(public_url(project)).content.decode()
    assert (
        '<td class="nhsuk-table__cell">Language</td><td class="nhsuk-table__cell nhsuk-table__cell--numeric">*</td>'
        in html
    )
    assert ">10</td>" in html
    assert ">3</td>" not in html and ">12</td>" not in html
    # Later feedback does not change what was published.
    send_feedback(form.survey, [f"x{n}" for n in range(10)], ["Language"], by=lead)
    entry.refresh_from_db()
    assert {row.theme.name: row.shown_count for row in entry.theme_rows.all()} == stored


def test_form_response_counts_are_suppressed_for_everyone(client, lead, project, member_of):
    staff = services.feedback_form_create(by=lead, project=project, audience=Audience.STAFF)
    questions = [q for q in responding.questions_of(staff.survey) if not q.equality_key]
    for _ in range(3):
        response = responding.start(
            link=responding.Link(staff.survey, None), language="en-gb", easy_read=False, consented=True
        )
        responding.save_page(response=response, questions=questions, values={questions[0].pk: "4"})
        responding.submit(response=response, questions=questions)
    client.force_login(lead)
    html = client.get(reverse("evaluate:feedback", kwargs={"project_id": project.pk})).content.decode()
    assert 'table__cell--numeric">*</td>' in html
    assert 'table__cell--numeric">3</td>' not in html
    # The survey builder's pages of the form (its page, closing it, the step's list of surveys) too.
    survey = staff.survey
    pages = [
        survey_url("survey", survey),
        survey_url("survey-close", survey),
        step_url("surveys", project, survey.step.slug),
    ]
    for user in (lead, member_of(project, Role.VIEWER)):
        client.force_login(user)
        for url in pages:
            page = client.get(url)
            if page.status_code == 403:
                continue  # closing is for leads and analysts
            html = page.content.decode()
            assert page.status_code == 200, url
            assert "1 to 7 (the exact number is not shown)" in html, url
            assert ">3</dd>" not in html and not re.search(r'numeric">3</td>\s*</tr>', html), url  # the answers cell
            assert "Sets of answers sent: 3" not in html and "so far: 3" not in html, url


def test_builder_counts_of_answers_are_rounded_as_results_are(client, lead, project):
    staff = services.feedback_form_create(by=lead, project=project, audience=Audience.STAFF)
    questions = [q for q in responding.questions_of(staff.survey) if not q.equality_key]
    for _ in range(12):
        response = responding.start(
            link=responding.Link(staff.survey, None), language="en-gb", easy_read=False, consented=True
        )
        responding.save_page(response=response, questions=questions, values={questions[0].pk: "4"})
        responding.submit(response=response, questions=questions)
    client.force_login(lead)
    html = client.get(survey_url("survey", staff.survey)).content.decode()
    assert "about 10" in html and ">12<" not in html  # the NHS rule rounds to 5


def test_switched_off_or_replaced_page_is_not_found(client, form, lead, project):
    page = FeedbackPage.objects.get(project=project)
    old = public_url(project)
    assert client.get(old).status_code == 200
    services.feedback_page_switch(by=lead, page=page, on=False)
    assert client.get(old).status_code == 404
    services.feedback_page_switch(by=lead, page=page, on=True)
    services.feedback_page_new_address(by=lead, page=page)
    assert client.get(old).status_code == 404
    assert client.get(public_url(project)).status_code == 200


def test_staff_forms_are_not_on_the_public_page(client, lead, project):
    staff = services.feedback_form_create(by=lead, project=project, audience=Audience.STAFF)
    html = client.get(public_url(project)).content.decode()
    assert staff.survey.open_token not in html
    assert "There is no feedback form open at the moment." in html


def test_entry_needs_both_halves_and_own_themes(lead, project, other_org_user):
    with pytest.raises(ValidationError):
        services.ysd_create(by=lead, project=project, you_said="  ", we_did="Something")
    other_theme = ThemeFactory()
    with pytest.raises(ValidationError):
        services.ysd_create(by=lead, project=project, you_said="Said", we_did="Did", themes=[other_theme])
    assert not YouSaidWeDid.objects.exists()


def test_lead_writes_and_publishes_through_the_pages(client, lead, project, member_of):
    theme = ThemeFactory(project=project, name="Being listened to")
    client.force_login(lead)
    new = reverse("evaluate:ysd-new", kwargs={"project_id": project.pk})
    assert client.post(new, {"you_said": "", "we_did": ""}).status_code == 200
    client.post(new, {"you_said": "Nobody listened", "we_did": "Listening clinics", "themes": [theme.pk]})
    entry = YouSaidWeDid.objects.get()
    assert entry.state == YouSaidWeDid.State.DRAFT
    url = reverse("evaluate:ysd-publish", kwargs={"project_id": project.pk, "entry_id": entry.pk})
    assert client.post(url).status_code == 302
    entry.refresh_from_db()
    assert entry.state == YouSaidWeDid.State.PUBLISHED and entry.published_on
    viewer = member_of(project, Role.VIEWER)
    client.force_login(viewer)
    listing = client.get(reverse("evaluate:feedback", kwargs={"project_id": project.pk})).content.decode()
    assert "Listening clinics" in listing
    assert client.post(url).status_code == 403


def test_public_page_address_is_redacted_from_logs(form, project):
    from amhe.logging import redact

    token = FeedbackPage.objects.get(project=project).token
    assert token not in redact(f"GET /f/{token}/?lang=ur HTTP/1.1")


def test_public_page_is_open_without_login_and_takes_no_posts(client, form, project):
    url = public_url(project)
    assert client.get(url).status_code == 200
    assert client.post(url, {"you_said": "x"}).status_code == 405
    assert client.get(reverse("public:feedback", kwargs={"token": "no-such-token-here"})).status_code == 404


def test_drafts_show_todays_counts_suppressed_to_every_member(client, form, lead, project, member_of):
    send_feedback(form.survey, ["a", "b"], ["Interpreters"], by=lead)
    send_feedback(form.survey, [f"w{n}" for n in range(13)], ["Waits"], by=lead)
    by_name = {t.name: t for t in project.themes.all()}
    services.ysd_create(by=lead, project=project, you_said="Said", we_did="Did", themes=list(by_name.values()))
    url = reverse("evaluate:feedback", kwargs={"project_id": project.pk})
    for user in (lead, member_of(project, Role.ANALYST), member_of(project, Role.VIEWER)):
        client.force_login(user)
        html = client.get(url).content.decode()
        assert 'Interpreters</td><td class="nhsuk-table__cell nhsuk-table__cell--numeric">*</td>' in html
        assert 'Waits</td><td class="nhsuk-table__cell nhsuk-table__cell--numeric">15</td>' in html  # 13 -> 15
        assert (">Publish<" in html) == (user == lead)


def test_a_closed_form_or_one_with_its_link_off_leaves_the_public_page(client, form, lead, project):
    from amhe.surveys import building

    token = form.survey.open_token
    assert token in client.get(public_url(project)).content.decode()
    building.survey_open_link(by=lead, survey=form.survey, enabled=False)
    assert token not in client.get(public_url(project)).content.decode()
    building.survey_open_link(by=lead, survey=form.survey, enabled=True)
    building.survey_close(by=lead, survey=form.survey)
    html = client.get(public_url(project)).content.decode()
    assert token not in html and "There is no feedback form open at the moment." in html
