"""A question page's HTML is exactly what it was when each field was rendered by including the
nhsuk pack's field template in the page (`{% for field in form %}{% include "nhsuk/field.html" ... %}`),
now that forms_respond.render_fields renders the fields and keeps those with nothing typed in
them: for every kind of question, a page of two questions and an equality question; with no
answer, with an answer and with errors; in English, Polish easy read and Urdu; the first time
(rendered) and the second (kept)."""

import re

import pytest
from django.template import engines
from django.template.loader import get_template, render_to_string
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone, translation

from amhe.core.models import Role
from amhe.surveys import building, responding, skeleton, views_respond
from amhe.surveys.forms_respond import AnswerForm, field_name
from amhe.surveys.models import Survey, SurveyResponse

pytestmark = pytest.mark.django_db

# The page as it was: each field included in the page, with the page's whole context.
BEFORE = '{% for field in form %}{% include "nhsuk/field.html" with form_show_errors=True form_show_labels=True page_heading=single label_size=label_size %}{% endfor %}'  # noqa: E501
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')

# (kind, extra question_add arguments, an answer as posted, a wrong answer as posted)
KINDS = [
    ("single", {"option_labels": ["Yes", "No"]}, {"": "o1"}, None),
    ("multiple", {"option_labels": ["GP", "Talking", "None"], "exclusive_last": True}, {"": ["o1", "o2"]}, None),
    ("likert", {}, {"": "4"}, None),
    ("rating", {"min_value": 0, "max_value": 10, "min_label": "Poor", "max_label": "Good"}, {"": "7"}, None),
    ("text", {}, {"": "Kind & <quick>"}, None),
    ("long_text", {}, {"": 'Line one\nLine "two" <b>'}, None),
    ("number", {"min_value": 0, "max_value": 520}, {"": "12"}, {"": "lots"}),
    ("date", {}, {"_day": "3", "_month": "11", "_year": "2026"}, {"_day": "3", "_month": "", "_year": "26"}),
]
LANGUAGES = [("en-gb", False), ("pl", True), ("ur", False)]


@pytest.fixture
def survey(project, member_of):
    lead = member_of(project, Role.LEAD)
    survey = building.survey_create(
        by=lead,
        project=project,
        title="Your care",
        privacy_notice="Anonymous.",
        consent_text="I agree.",
        languages=["pl", "ur"],
        include_equality=True,
    )
    question_texts = {}
    for kind, extra, _answer, _wrong in KINDS:
        question = building.question_add(
            by=lead,
            survey=survey,
            kind=kind,
            text=f"The {kind} question?",
            hint=f"A hint for {kind}.",
            easy_read=f"Easy {kind}?",
            required=True,
            **extra,
        )
        question_texts[question.pk] = {"text": f"Pytanie {kind}?", "hint": f"Wskazówka {kind}.", "easy_read": ""}
    # Two questions on one page (medium labels, no page heading).
    building.question_add(by=lead, survey=survey, kind="text", text="First of two?", required=True)
    building.question_add(
        by=lead, survey=survey, kind="single", text="Second of two?", option_labels=["A", "B"], new_page=False
    )
    building.survey_translate(
        by=lead, survey=survey, language="pl", survey_texts={"title": "Twoja opieka"}, question_texts=question_texts
    )
    building.survey_translate(
        by=lead,
        survey=survey,
        language="ur",
        survey_texts={"title": "آپ کی دیکھ بھال"},
        question_texts={pk: {"text": f"سوال {n}؟"} for n, pk in enumerate(question_texts, start=1)},
    )
    # Open to respondents (publishing would want every translation finished; these are partial on purpose).
    Survey.objects.filter(pk=survey.pk).update(state=Survey.State.PUBLISHED, published_at=timezone.now())
    return Survey.objects.get(pk=survey.pk)


def _pages(survey, language, easy_read):
    response = SurveyResponse.objects.create(
        survey=survey, channel="open", language=language, easy_read=easy_read, consented=True
    )
    response = responding.response_for(response.resume_token)
    return response, responding.questions_of(response.survey)


def _render_both(response, the_plan, number, form):
    """(the page as it was, the page as it is now), CSRF tokens blanked (each render masks its own)."""
    language = response.language
    request = RequestFactory().get(f"/r/{response.resume_token}/page/{number}/")
    with translation.override(language):
        context = {"language": language, **views_respond._page_context(response, the_plan, number, form)}
        now = render_to_string("surveys/respond/page.html", context, request)
        source = get_template("surveys/respond/page.html").template.source.replace("{{ fields }}", BEFORE)
        label_size = "l" if context["single"] else "m"
        before = engines["django"].from_string(source).render({**context, "label_size": label_size}, request)
    return CSRF.sub("", before), CSRF.sub("", now)


def _data(questions, answers):
    data = {}
    for question in questions:
        for suffix, value in answers.get(question.kind, {}).items():
            if question.kind == "single":
                value = question.options[-1]["value"]  # the equality questions' codes too
            data[field_name(question) + suffix] = value
    return data


@pytest.mark.parametrize("language,easy_read", LANGUAGES)
def test_every_page_renders_as_it_did(survey, language, easy_read):
    response, questions = _pages(survey, language, easy_read)
    answered = {kind: answer for kind, _extra, answer, _wrong in KINDS}
    wrong = {kind: bad for kind, _extra, _answer, bad in KINDS if bad}
    the_plan = responding.plan(questions, {})
    checked = 0
    for number in range(1, the_plan.count + 1):
        page_questions = the_plan.page(number)
        cases = {"blank": None, "answered": _data(page_questions, answered), "missing": {}}
        if any(q.kind in wrong for q in page_questions):
            cases["wrong"] = _data(page_questions, wrong)
        for case, data in cases.items():
            with translation.override(language):
                if case == "answered":
                    # As saved, then shown again: the form's initial values come from the answers.
                    posted = AnswerForm(data, questions=page_questions, language=language, easy_read=easy_read)
                    assert posted.is_valid(), (case, number, posted.errors)
                    answers = {pk: v for pk, v in posted.values().items() if v is not None}
                    form = AnswerForm(
                        None, questions=page_questions, language=language, easy_read=easy_read, answers=answers
                    )
                elif data is None:
                    form = AnswerForm(None, questions=page_questions, language=language, easy_read=easy_read)
                else:
                    form = AnswerForm(data, questions=page_questions, language=language, easy_read=easy_read)
                    # Errors on every required question left blank or answered wrongly.
                    assert form.is_valid() is (case == "missing" and not any(q.required for q in page_questions))
            for attempt in ("rendered", "kept"):
                before, now = _render_both(response, the_plan, number, form)
                assert now == before, (language, number, case, attempt)
                checked += 1
    assert checked >= 2 * 3 * (len(KINDS) + 1)


def test_the_answer_shown_is_the_respondents_own_after_another_answered(survey):
    """Fields kept for one answer are not shown with another's."""
    response, questions = _pages(survey, "en-gb", False)
    the_plan = responding.plan(questions, {})
    single = the_plan.page(1)[0]
    forms = {
        value: AnswerForm(None, questions=[single], language="en-gb", answers={single.pk: value})
        for value in ("o1", "o2")
    }
    for value, form in [*forms.items(), *forms.items()]:
        _before, now = _render_both(response, the_plan, 1, form)
        ticked = re.findall(r'value="(o\d)"[^>]*checked', now)
        assert ticked == [value]


# --- The kept page (amhe.surveys.skeleton) ----------------------------------------------------

NONCE = re.compile(r'nonce="[^"]+"')


def _normal(html: str) -> str:
    return NONCE.sub('nonce=""', CSRF.sub("", html))


def _as_rendered(client_response, response, the_plan, number):
    """The page the template renders for this respondent and page (as the view did before)."""
    language = response.language
    request = RequestFactory().get(f"/r/{response.resume_token}/page/{number}/")
    with translation.override(language):
        form = AnswerForm(
            None,
            questions=the_plan.page(number),
            language=language,
            easy_read=response.easy_read,
            answers=responding.answers_of(response),
        )
        context = {"language": language, **views_respond._page_context(response, the_plan, number, form)}
        return render_to_string("surveys/respond/page.html", context, request)


@pytest.mark.parametrize("language,easy_read", LANGUAGES)
def test_kept_pages_are_each_respondents_own_page(survey, language, easy_read):
    first, questions = _pages(survey, language, easy_read)
    second, _questions = _pages(survey, language, easy_read)
    the_plan = responding.plan(questions, {})
    clients = {first.pk: Client(), second.pk: Client()}
    kept_before = set(skeleton._PAGES)
    for number in range(1, the_plan.count + 1):
        for response in (first, second, first):  # rendered and kept, then twice from the kept copy
            got = clients[response.pk].get(
                reverse("public:survey-page", kwargs={"token": response.resume_token, "page": number})
            )
            assert got.status_code == 200 and got["Content-Language"] == language
            html = got.content.decode()
            assert _normal(html) == _normal(_as_rendered(got, response, the_plan, number)), (language, number)
            other = second if response is first else first
            assert response.resume_token in html and other.resume_token not in html
    # Every page was kept (it matched the template's), once, whoever asked for it.
    assert len(set(skeleton._PAGES) - kept_before) == the_plan.count


def test_a_kept_page_shows_the_respondents_own_answers(survey):
    first, questions = _pages(survey, "en-gb", False)
    second, _questions = _pages(survey, "en-gb", False)
    text = next(q for q in questions if q.kind == "text" and q.text.startswith("The "))
    number = next(n for n, page in enumerate(responding.plan(questions, {}).pages, start=1) if text in page)
    responding.save_page(response=first, questions=[text], values={text.pk: "Mine & only mine"})
    urls = {
        r.pk: reverse("public:survey-page", kwargs={"token": r.resume_token, "page": number}) for r in (first, second)
    }
    assert "Mine &amp; only mine" in Client().get(urls[first.pk]).content.decode()
    assert "Mine" not in Client().get(urls[second.pk]).content.decode()
    assert "Mine &amp; only mine" in Client().get(urls[first.pk]).content.decode()


def test_a_kept_page_has_working_csrf_tokens_and_the_requests_csp_nonce(survey):
    response, questions = _pages(survey, "en-gb", False)
    url = reverse("public:survey-page", kwargs={"token": response.resume_token, "page": 1})
    rendered = Client().get(url)  # rendered and kept
    client = Client(enforce_csrf_checks=True)
    for _ in range(2):
        got = client.get(url)
        # The same headers as the rendered page: no caching, language, Vary, CSP, the CSRF cookie.
        assert sorted(got.headers) == sorted(rendered.headers)
        for header in ("Cache-Control", "Content-Language", "Vary", "Content-Type", "X-Frame-Options"):
            assert got.get(header) == rendered.get(header), header
        assert "csrftoken" in got.cookies
        html = got.content.decode()
        nonce = re.search(r'<script nonce="([^"]+)"', html).group(1)
        assert f"'nonce-{nonce}'" in got["Content-Security-Policy"]
        tokens = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        assert len(tokens) == 2 and len(set(tokens)) == 2  # one for each form, masked afresh
    single = next(q for q in questions if q.kind == "single" and q.text.startswith("The "))
    first_page = responding.plan(questions, {}).page(1)
    assert first_page == [single]
    sent = client.post(url, {"csrfmiddlewaretoken": tokens[0], "action": "continue", field_name(single): "o1"})
    assert sent.status_code == 302
    assert responding.answers_of(response) == {single.pk: "o1"}
    refused = Client(enforce_csrf_checks=True).post(url, {"action": "continue", field_name(single): "o2"})
    assert refused.status_code == 403
