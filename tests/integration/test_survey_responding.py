"""Identify 1B: answering a survey online (open and single-use links), save and
resume, show-if logic, languages, anonymity, bots, and staff entry of paper
and phone responses."""

import datetime
import re

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from amhe.core.models import Role
from amhe.surveys import building, responding
from amhe.surveys.models import Answer, Invitation, SurveyResponse
from tests.factories import InvitationFactory, QuestionFactory, SurveyFactory

pytestmark = pytest.mark.django_db

YES_NO = [{"value": "yes", "label": "Yes"}, {"value": "no", "label": "No"}]


@pytest.fixture(autouse=True)
def english_and_fresh_limits():
    cache.clear()  # django-ratelimit's counters
    yield
    translation.deactivate()


@pytest.fixture
def client_factory():
    """A fresh browser: no cookies, no session."""
    return Client


@pytest.fixture
def lead(project, member_of):
    return member_of(project, Role.LEAD)


@pytest.fixture
def survey(project, lead):
    """Published: Q1 yes/no (required); Q2 only if Q1 is yes; Q3 free text; Q4 number."""
    survey = SurveyFactory(project=project, created_by=lead, languages=["pl", "ur"])
    q1 = QuestionFactory(survey=survey, position=1, text="Have you used crisis care?", options=YES_NO, required=True)
    QuestionFactory(
        survey=survey,
        position=2,
        kind="multiple",
        text="Which services?",
        options=[
            {"value": "gp", "label": "GP"},
            {"value": "111", "label": "NHS 111"},
            {"value": "none", "label": "Prefer not to say", "exclusive": True},
        ],
        show_if_question=q1,
        show_if_values=["yes"],
    )
    QuestionFactory(survey=survey, position=3, kind="long_text", text="What would have helped?", options=[])
    QuestionFactory(survey=survey, position=4, kind="number", text="How old are you?", options=[], min_value=16)
    survey.state = "published"
    survey.published_at = timezone.now()
    survey.save()
    return survey


def questions(survey):
    return building.ordered_questions(survey)


def start(client, token, **data):
    return client.post(reverse("public:survey-start", kwargs={"token": token}), {"consent": "on", **data})


def page_url(response, page):
    return reverse("public:survey-page", kwargs={"token": response.resume_token, "page": page})


def answer(client, response, page, **data):
    return client.post(page_url(response, page), {"action": "continue", **data})


def the_response(survey):
    return SurveyResponse.objects.get(survey=survey)


# --- Starting ------------------------------------------------------------------


def test_start_page_shows_the_survey_privacy_notice_and_languages(client, survey):
    page = client.get(reverse("public:survey-start", kwargs={"token": survey.open_token}))
    html = page.content.decode()
    assert page.status_code == 200
    assert f"<h1>{survey.title}</h1>" in html
    assert survey.privacy_notice in html
    assert survey.consent_text in html
    assert 'href="?lang=ur" lang="ur" hreflang="ur">اردو</a>' in html
    assert 'href="?lang=pl" lang="pl" hreflang="pl">Polski</a>' in html
    # no staff menu or sign-in links for respondents
    assert "Log out" not in html and "Your projects" not in html


def test_consent_is_needed_to_start_and_nothing_is_kept_without_it(client, survey):
    page = client.post(reverse("public:survey-start", kwargs={"token": survey.open_token}), {})
    assert page.status_code == 400
    assert "Tick the box to say you agree" in page.content.decode()
    assert not SurveyResponse.objects.exists()


def test_open_link_starts_a_new_anonymous_response_each_time(client, survey):
    first = start(client, survey.open_token)
    second = start(client, survey.open_token)
    assert first.status_code == second.status_code == 302
    responses = list(SurveyResponse.objects.filter(survey=survey))
    assert len(responses) == 2
    assert {r.channel for r in responses} == {"open"}
    assert first.url == page_url(responses[0], 1) or first.url == page_url(responses[1], 1)


def test_a_response_stores_no_address_user_or_device(client, survey):
    client.get(
        reverse("public:survey-start", kwargs={"token": survey.open_token}),
        REMOTE_ADDR="203.0.113.9",
        HTTP_USER_AGENT="Mozilla/5.0 (Probe 4242)",
    )
    client.post(
        reverse("public:survey-start", kwargs={"token": survey.open_token}),
        {"consent": "on"},
        REMOTE_ADDR="203.0.113.9",
        HTTP_USER_AGENT="Mozilla/5.0 (Probe 4242)",
    )
    response = the_response(survey)
    answer(client, response, 1, **{f"q{questions(survey)[0].pk}": "no"})
    columns = {field.column for field in SurveyResponse._meta.concrete_fields}
    assert columns == {
        "id",
        "survey_id",
        "channel",
        "invitation_id",
        "resume_token",
        "language",
        "easy_read",
        "consented",
        "state",
        "entered_by_id",
        "awaiting_member",  # only while a member's in-app response is unsent (ADR 0007)
        "started_on",
        "submitted_on",
    }
    with connection.cursor() as cursor:
        for table in ("identify_surveyresponse", "identify_answer"):
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 (fixed table names)
            dump = repr(cursor.fetchall())
            assert "203.0.113.9" not in dump and "Probe 4242" not in dump
    assert response.entered_by is None
    assert isinstance(response.started_on, datetime.date) and not isinstance(response.started_on, datetime.datetime)
    # no session is opened for a respondent: the only cookie is Django's CSRF token
    assert set(client.cookies) <= {"csrftoken"}
    assert not Session.objects.exists()


def test_draft_survey_link_is_not_found(client, survey):
    survey.state = "draft"
    survey.save()
    page = client.get(reverse("public:survey-start", kwargs={"token": survey.open_token}))
    assert page.status_code == 404
    assert "We cannot find this survey" in page.content.decode()


def test_unknown_link_is_not_found(client):
    page = client.get(reverse("public:survey-start", kwargs={"token": "not-a-real-token"}))
    assert page.status_code == 404


def test_open_and_close_dates(client, survey):
    survey.opens_at = timezone.now() + datetime.timedelta(days=3)
    survey.save()
    page = client.get(reverse("public:survey-start", kwargs={"token": survey.open_token}))
    assert "This survey is not open yet" in page.content.decode()
    assert start(client, survey.open_token).status_code == 200
    assert not SurveyResponse.objects.exists()

    survey.opens_at = timezone.now() - datetime.timedelta(days=3)
    survey.save()
    start(client, survey.open_token)
    response = the_response(survey)
    survey.closes_at = timezone.now() - datetime.timedelta(minutes=1)
    survey.save()
    page = client.get(page_url(response, 1))
    assert "This survey has closed" in page.content.decode()
    with pytest.raises(responding.NotAvailable):
        responding.submit(response=response)


def test_open_link_switched_off(client, survey):
    survey.open_link_enabled = False
    survey.save()
    page = client.get(reverse("public:survey-start", kwargs={"token": survey.open_token}))
    assert "This link is no longer in use" in page.content.decode()
    assert start(client, survey.open_token).status_code == 200
    assert not SurveyResponse.objects.exists()


# --- Pages, show-if, check and submit -------------------------------------------


def test_one_question_a_page_with_its_text_as_the_heading_and_progress(client, survey):
    start(client, survey.open_token)
    page = client.get(page_url(the_response(survey), 1))
    html = page.content.decode()
    assert re.search(r'<h1 class="nhsuk-fieldset__heading">\s*Have you used crisis care\?\s*</h1>', html)
    assert "Page 1 of 3" in html  # Q2 hidden until Q1 is answered yes
    assert "<title>Have you used crisis care? – " in html


def test_show_if_no_skips_the_dependent_question(client, survey):
    q1, q2, q3, q4 = questions(survey)
    start(client, survey.open_token)
    response = the_response(survey)
    reply = answer(client, response, 1, **{f"q{q1.pk}": "no"})
    assert reply.url == page_url(response, 2)
    page = client.get(page_url(response, 2)).content.decode()
    assert "What would have helped?" in page and "Page 2 of 3" in page


def test_show_if_yes_asks_it_and_changing_back_drops_its_answer(client, survey):
    q1, q2, q3, q4 = questions(survey)
    start(client, survey.open_token)
    response = the_response(survey)
    answer(client, response, 1, **{f"q{q1.pk}": "yes"})
    page = client.get(page_url(response, 2)).content.decode()
    assert "Which services?" in page and "Page 2 of 4" in page
    answer(client, response, 2, **{f"q{q2.pk}": ["gp", "111"]})
    answer(client, response, 3, **{f"q{q3.pk}": "Someone to call back"})
    reply = answer(client, response, 4, **{f"q{q4.pk}": "34"})
    assert reply.url == reverse("public:survey-check", kwargs={"token": response.resume_token})
    assert Answer.objects.get(response=response, question=q2).value == ["gp", "111"]
    # they go back and change question 1: question 2 is no longer asked
    answer(client, response, 1, **{f"q{q1.pk}": "no"})
    check = client.get(reverse("public:survey-check", kwargs={"token": response.resume_token})).content.decode()
    assert "Which services?" not in check
    sent = client.post(reverse("public:survey-check", kwargs={"token": response.resume_token}))
    assert sent.url == reverse("public:survey-done", kwargs={"token": response.resume_token})
    response.refresh_from_db()
    assert response.state == "submitted"
    assert dict(Answer.objects.filter(response=response).values_list("question_id", "value")) == {
        q1.pk: "no",
        q3.pk: "Someone to call back",
        q4.pk: 34,
    }
    done = client.get(sent.url).content.decode()
    assert "Your answers have been sent" in done and survey.confirmation_text in done


def test_errors_are_plain_and_keep_earlier_answers(client, survey):
    q1, q2, q3, q4 = questions(survey)
    start(client, survey.open_token)
    response = the_response(survey)
    missing = answer(client, response, 1)
    assert missing.status_code == 400
    html = missing.content.decode()
    assert "There is a problem" in html and "Select an answer" in html
    assert f'href="#id_q{q1.pk}_0"' in html  # the summary links to the first radio
    answer(client, response, 1, **{f"q{q1.pk}": "yes"})
    both = answer(client, response, 2, **{f"q{q2.pk}": ["gp", "none"]})
    assert "Select &#x27;Prefer not to say&#x27; or other answers, not both" in both.content.decode()
    too_young = answer(client, response, 4, **{f"q{q4.pk}": "12"})
    assert "Enter a number that is 16 or more" in too_young.content.decode()
    not_a_number = answer(client, response, 4, **{f"q{q4.pk}": "thirty"})
    assert "Enter a whole number, like 12" in not_a_number.content.decode()
    assert dict(Answer.objects.filter(response=response).values_list("question_id", "value")) == {q1.pk: "yes"}


def test_required_question_is_checked_again_before_sending(client, survey):
    start(client, survey.open_token)
    response = the_response(survey)
    page = client.post(reverse("public:survey-check", kwargs={"token": response.resume_token}))
    assert page.status_code == 400
    assert "Answer these questions before you send your answers" in page.content.decode()
    response.refresh_from_db()
    assert response.state == "in_progress"


# --- Save and resume ---------------------------------------------------------------


def test_save_and_resume_from_another_browser(client, client_factory, survey):
    q1, q2, q3, q4 = questions(survey)
    start(client, survey.open_token)
    response = the_response(survey)
    answer(client, response, 1, **{f"q{q1.pk}": "yes"})
    saved = client.post(page_url(response, 2), {"action": "save"})  # nothing ticked: saving is still fine
    assert saved.url == reverse("public:survey-saved", kwargs={"token": response.resume_token})
    html = client.get(saved.url).content.decode()
    resume = f"http://testserver/r/{response.resume_token}/"
    assert f'<a href="{resume}">{resume}</a>' in html
    assert "Keep this link private" in html

    later = client_factory()  # a new browser, no cookies: only the link
    back = later.get(f"/r/{response.resume_token}/")
    assert back.url == page_url(response, 2)
    page = later.get(back.url).content.decode()
    assert "Which services?" in page
    answer(later, response, 2, **{f"q{q2.pk}": ["gp"]})
    answer(later, response, 3, **{f"q{q3.pk}": ""})
    answer(later, response, 4, **{f"q{q4.pk}": ""})
    # the first answer is still there when they come back to it
    again = later.get(page_url(response, 1)).content.decode()
    assert re.search(r'value="yes"[^>]*checked', again)
    assert later.post(f"/r/{response.resume_token}/check/").status_code == 302
    # once sent, the link shows no answers: it goes to the confirmation
    assert later.get(f"/r/{response.resume_token}/").url == f"/r/{response.resume_token}/done/"
    assert later.get(page_url(response, 1)).url == f"/r/{response.resume_token}/done/"


def test_unknown_resume_link(client):
    assert client.get("/r/nope/page/1/").status_code == 404


# --- Single-use invitations ------------------------------------------------------------


def test_invitation_link_is_single_use(client, client_factory, survey):
    invitation = InvitationFactory(survey=survey)
    q1 = questions(survey)[0]
    start(client, invitation.token)
    response = the_response(survey)
    assert response.channel == "invitation" and response.invitation == invitation
    answer(client, response, 1, **{f"q{q1.pk}": "no"})
    client.post(f"/r/{response.resume_token}/check/")
    invitation.refresh_from_db()
    assert invitation.used_at is not None
    page = client_factory().get(f"/s/{invitation.token}/")
    assert "These answers have already been sent" in page.content.decode()
    assert start(client_factory(), invitation.token).status_code == 200
    assert SurveyResponse.objects.filter(survey=survey).count() == 1


def test_a_started_invitation_does_not_open_its_answers(client, client_factory, survey):
    """Whoever holds the invitation list must not reach a respondent's unsent
    answers: only the response's own resume link does."""
    invitation = InvitationFactory(survey=survey)
    q1, _q2, q3, _q4 = questions(survey)
    start(client, invitation.token)
    response = the_response(survey)
    answer(client, response, 1, **{f"q{q1.pk}": "no"})
    answer(client, response, 2, **{f"q{q3.pk}": "Something private"})  # Q2 is skipped after "no"

    someone = client_factory()
    for reply in (
        someone.get(f"/s/{invitation.token}/"),
        someone.get(f"/s/{invitation.token}/?lang=pl"),
        start(someone, invitation.token),
        start(someone, invitation.token, language="ur"),
        client.get(f"/s/{invitation.token}/"),  # the respondent's own browser too: the link is not a key
    ):
        html = reply.content.decode()
        assert reply.status_code == 200
        assert "Location" not in reply
        assert response.resume_token not in html
        assert "Something private" not in html
        assert "<form" not in html
    assert (
        "use the link you were given when you chose to save your answers"
        in client.get(f"/s/{invitation.token}/").content.decode()
    )
    # nothing changed: one response, its answers and language as the respondent left them
    assert SurveyResponse.objects.filter(survey=survey).count() == 1
    response.refresh_from_db()
    assert response.language == "en-gb" and response.state == "in_progress"
    assert responding.answers_of(response)[q3.pk] == "Something private"
    # the resume link still works for the respondent
    assert client.get(f"/r/{response.resume_token}/").status_code == 302
    # once sent, the invitation says it has been used
    client.post(f"/r/{response.resume_token}/check/")
    assert "These answers have already been sent" in someone.get(f"/s/{invitation.token}/").content.decode()


def test_starting_a_started_invitation_in_the_service_is_refused(survey):
    invitation = InvitationFactory(survey=survey)
    link = responding.link_for(invitation.token)
    first = responding.start(link=link, language="en-gb", easy_read=False, consented=True)
    with pytest.raises(responding.NotAvailable) as refused:
        responding.start(link=responding.link_for(invitation.token), language="pl", easy_read=True, consented=True)
    assert refused.value.reason == responding.STARTED
    first.refresh_from_db()
    assert (first.language, first.easy_read) == ("en-gb", False)


# --- Languages ----------------------------------------------------------------------------


def test_language_chosen_at_the_start_is_kept_and_sets_lang_and_dir(client, survey):
    q1 = questions(survey)[0]
    q1.translations = {"ur": {"text": "کیا آپ نے بحران کی دیکھ بھال استعمال کی ہے؟"}}
    q1.save()
    start_page = client.get(f"/s/{survey.open_token}/?lang=ur").content.decode()
    assert '<html lang="ur" dir="rtl">' in start_page
    assert "ابھی شروع کریں" in start_page  # "Start now", from the app's Urdu catalogue
    start(client, survey.open_token, language="ur")
    response = the_response(survey)
    assert response.language == "ur"
    page = client.get(page_url(response, 1))
    html = page.content.decode()
    assert '<html lang="ur" dir="rtl">' in html
    assert page["Content-Language"] == "ur"
    assert "کیا آپ نے بحران کی دیکھ بھال استعمال کی ہے؟" in html
    # switch to Polish part-way
    client.post(f"/r/{response.resume_token}/language/", {"language": "pl", "next": page_url(response, 1)})
    response.refresh_from_db()
    assert response.language == "pl"
    polish = client.get(page_url(response, 1)).content.decode()
    assert '<html lang="pl" dir="ltr">' in polish
    assert "Zapisz i wróć później" in polish  # "Save and come back later"
    assert "Have you used crisis care?" in polish  # no Polish text written: English stands in


def test_language_not_offered_falls_back_to_english(client, survey):
    survey.languages = []
    survey.save()
    html = client.get(f"/s/{survey.open_token}/?lang=ur").content.decode()
    assert '<html lang="en-gb" dir="ltr">' in html


def test_easy_read_version_replaces_the_question(client, survey):
    q1 = questions(survey)[0]
    q1.easy_read = "Have you had help in a crisis?"
    q1.save()
    start(client, survey.open_token, easy_read="on")
    response = the_response(survey)
    assert response.easy_read
    assert "Have you had help in a crisis?" in client.get(page_url(response, 1)).content.decode()


# --- Bots ---------------------------------------------------------------------------------


def test_honeypot_keeps_nothing(client, survey):
    reply = start(client, survey.open_token, website="http://spam.example")
    assert reply.status_code == 302 and reply.url == f"/s/{survey.open_token}/"
    assert not SurveyResponse.objects.exists()


def test_open_link_starts_are_rate_limited(client, survey, settings):
    settings.AMHE_PUBLIC_FORM_RATE = "3/m"
    replies = [start(client, survey.open_token).status_code for _ in range(5)]
    assert replies == [302, 302, 302, 429, 429]
    assert SurveyResponse.objects.count() == 3
    assert "Please wait a minute" in start(client, survey.open_token).content.decode()


def test_a_counter_flushed_mid_count_does_not_refuse_the_respondent(client, survey, monkeypatch):
    """The cache is flushed between django-ratelimit's add (the key was there) and its
    increment (now it is not): counted again on a fresh counter, not refused."""
    real_add, flushes = cache.add, []

    def add_then_flush(*args, **kwargs):
        if not flushes:
            flushes.append(True)
            real_add(*args, **kwargs)
            cache.clear()  # FLUSHDB at the worst moment
            return False
        return real_add(*args, **kwargs)

    monkeypatch.setattr(cache, "add", add_then_flush)
    assert start(client, survey.open_token).status_code == 302
    assert flushes and SurveyResponse.objects.count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL only")
def test_saving_and_sending_lock_the_response_row_not_the_survey(survey):
    """Every respondent's save and send locked the one survey row too (FOR UPDATE over the
    ordering's join), which queued them all on it and deadlocked under load."""
    from django.test.utils import CaptureQueriesContext

    qs = questions(survey)
    response = responding.start(link=responding.Link(survey, None), language="en-gb", easy_read=False, consented=True)
    with CaptureQueriesContext(connection) as captured:
        responding.save_page(response=response, questions=qs[:1], values={qs[0].pk: "yes"})
        responding.submit(response=response, questions=qs, enforce_required=False)
    locks = [q["sql"] for q in captured.captured_queries if "FOR UPDATE" in q["sql"] and "surveyresponse" in q["sql"]]
    assert len(locks) == 2
    assert all('FOR UPDATE OF "identify_surveyresponse"' in sql for sql in locks)
    assert SurveyResponse.objects.get(pk=response.pk).state == "submitted"


def test_a_cache_that_cannot_count_still_refuses(client, survey, monkeypatch):
    monkeypatch.setattr(cache, "add", lambda *args, **kwargs: False)
    monkeypatch.setattr(cache, "incr", lambda *args, **kwargs: (_ for _ in ()).throw(ValueError("gone")))
    assert start(client, survey.open_token).status_code == 429
    assert not SurveyResponse.objects.exists()


# --- Staff entry of paper and phone responses ---------------------------------------------


def test_staff_enter_a_paper_response(client, survey, lead):
    q1, q2, q3, q4 = questions(survey)
    client.force_login(lead)
    url = reverse(
        "surveys:survey-enter", kwargs={"step": "identify", "project_id": survey.project_id, "survey_id": survey.pk}
    )
    page = client.get(url).content.decode()
    assert "Shown if the answer to question 1, &#x27;Have you used crisis care?&#x27;, is &#x27;Yes&#x27;" in page
    bad = client.post(url, {"channel": "paper", f"q{q4.pk}": "x"})
    assert bad.status_code == 400 and "Nothing has been saved yet" in bad.content.decode()
    assert not SurveyResponse.objects.exists()
    saved = client.post(url, {"channel": "paper", "language": "ur", f"q{q1.pk}": "no", f"q{q2.pk}": ["gp"]})
    assert saved.status_code == 302
    response = the_response(survey)
    assert (response.channel, response.language, response.state) == ("paper", "ur", "submitted")
    assert response.entered_by == lead
    # q2 should not have been asked (q1 is no): dropped, as online
    assert dict(Answer.objects.filter(response=response).values_list("question_id", "value")) == {q1.pk: "no"}


def test_viewer_cannot_enter_responses(client, survey, member_of):
    client.force_login(member_of(survey.project, Role.VIEWER))
    url = reverse(
        "surveys:survey-enter", kwargs={"step": "identify", "project_id": survey.project_id, "survey_id": survey.pk}
    )
    assert client.post(url, {"channel": "phone"}).status_code == 403
    assert not SurveyResponse.objects.exists()


def test_invitation_model_keeps_no_name_or_address():
    fields = {f.name for f in Invitation._meta.concrete_fields}
    assert fields == {"id", "survey", "token", "batch", "created_at", "used_at"}


def test_agreement_scale_comes_translated_from_the_catalogue(client, survey):
    likert = QuestionFactory(
        survey=survey, position=5, kind="likert", text="Staff listened to me", options=building.likert_options()
    )
    likert.translations = {"ur": {"text": "عملے نے میری بات سنی"}}
    likert.save()
    from amhe.surveys import i18n

    gaps = i18n.missing(survey, building.ordered_questions(survey), "ur")
    assert not any(gap.startswith("Question 5: answer options") for gap in gaps)
    labels = [option["label"] for option in i18n.options(likert, "ur")]
    assert labels[0] == "بالکل متفق نہیں" and labels[-1] == "پوری طرح متفق"


def test_text_answers_follow_their_own_direction_and_hints_are_not_doubled(client, survey):
    q1, q2, q3, q4 = questions(survey)
    q2.hint = "Select all that apply."
    q2.save()
    start(client, survey.open_token)
    response = the_response(survey)
    answer(client, response, 1, **{f"q{q1.pk}": "yes"})
    page = client.get(page_url(response, 2)).content.decode()
    assert page.count("Select all that apply.") == 1
    text_page = client.get(page_url(response, 3)).content.decode()
    assert re.search(r'<textarea[^>]*dir="auto"', text_page)


def test_a_form_sent_without_the_csrf_cookie_gets_a_plain_page_in_the_respondents_language(survey):
    browser = Client(enforce_csrf_checks=True)
    page = browser.post(f"/s/{survey.open_token}/", {"consent": "on"}, HTTP_ACCEPT_LANGUAGE="ur")
    html = page.content.decode()
    assert page.status_code == 403
    assert '<html lang="ur" dir="rtl">' in html
    assert "یہ فارم نہیں بھیجا جا سکا" in html  # "This form could not be sent"
    assert "Log out" not in html
    assert not SurveyResponse.objects.exists()
