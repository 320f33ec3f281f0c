"""Identify 1B through the web: building a survey, its questions and show-if
rules, the equality section, translations, publishing, the question bank and
distribution (open link, QR code, single-use links), with access checks."""

import csv
import datetime
import io

import pytest
from django.urls import reverse

from amhe.core.models import Role
from amhe.surveys import building, equality
from amhe.surveys.models import Invitation, Question, QuestionBankItem, Survey
from amhe.surveys.selectors import survey_url
from tests.factories import (
    AnswerFactory,
    ProjectFactory,
    QuestionBankItemFactory,
    QuestionFactory,
    SurveyFactory,
    SurveyResponseFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead(project, member_of):
    return member_of(project, Role.LEAD)


@pytest.fixture
def survey(project, lead):
    return SurveyFactory(project=project, created_by=lead)


@pytest.fixture
def signed_in(client, lead):
    client.force_login(lead)
    return client


def url(name, survey, **kwargs):
    return survey_url(name, survey, **kwargs)


def question_post(client, survey, kind, question=None, **data):
    data = {"kind": kind, "text": "A question?", "new_page": "on", **data}
    target = url("question-edit", survey, question_id=question.pk) if question else url("question-new", survey)
    return client.post(target, data)


def test_create_survey_through_the_form(signed_in, project):
    page = signed_in.get(reverse("surveys:survey-new", kwargs={"step": "identify", "project_id": project.pk}))
    assert page.status_code == 200 and b"<h1>Create a survey</h1>" in page.content
    response = signed_in.post(
        reverse("surveys:survey-new", kwargs={"step": "identify", "project_id": project.pk}),
        {
            "title": "Crisis care",
            "privacy_notice": "We keep answers for two years.",
            "opens_on_day": "1",
            "opens_on_month": "12",
            "opens_on_year": "2026",
            "closes_on_day": "31",
            "closes_on_month": "1",
            "closes_on_year": "2027",
            "languages": ["pl"],
            "include_equality": "on",
            "open_link_enabled": "on",
        },
    )
    survey = Survey.objects.get(project=project)
    assert response.status_code == 302 and response.url == survey.get_absolute_url()
    assert survey.opens_at == datetime.datetime(2026, 12, 1, tzinfo=datetime.UTC)  # GMT in winter
    assert survey.closes_at == datetime.datetime(2027, 1, 31, 23, 59, 59, tzinfo=datetime.UTC)
    assert survey.languages == ["pl"] and survey.include_equality
    assert survey.questions.filter(equality_key="ethnic_group").exists()

    # Errors come back in an error summary that links to the field.
    bad = signed_in.post(
        reverse("surveys:survey-new", kwargs={"step": "identify", "project_id": project.pk}),
        {
            "title": "",
            "opens_on_day": "1",
            "opens_on_month": "5",
            "opens_on_year": "2027",
            "closes_on_day": "1",
            "closes_on_month": "4",
            "closes_on_year": "2027",
        },
    )
    html = bad.content.decode()
    assert bad.status_code == 200 and html.index("nhsuk-error-summary") < html.index("<h1>")
    assert 'href="#id_title"' in html and "Enter a title for the survey" in html
    assert "The closing date must be the same as or after the opening date" in html


def test_add_questions_of_each_kind_through_the_form(signed_in, survey):
    chooser = signed_in.get(url("question-new", survey))
    assert chooser.status_code == 200 and b'name="kind"' in chooser.content
    assert signed_in.get(url("question-new", survey) + "?kind=likert").status_code == 200

    assert question_post(signed_in, survey, "single", options="Yes\nNo\n").status_code == 302
    assert question_post(signed_in, survey, "likert", text="Staff listened to me").status_code == 302
    assert (
        question_post(signed_in, survey, "rating", min_value="0", max_value="10", max_label="Very").status_code == 302
    )
    assert (
        question_post(signed_in, survey, "multiple", options="A\nB\nNone of these", exclusive_last="on").status_code
        == 302
    )
    assert question_post(signed_in, survey, "number", min_value="0", max_value="", text="How many?").status_code == 302
    single, likert, rating, multiple, number = building.own_questions(survey)
    assert [o["value"] for o in single.options] == ["o1", "o2"]
    assert [o["label"] for o in likert.options][2] == "Neither agree nor disagree"
    assert len(rating.options) == 11 and rating.max_label == "Very"
    assert multiple.options[-1]["exclusive"] is True
    assert (number.min_value, number.max_value) == (0, None)

    # The rating form offers 0 to 10 by default; a bad list is refused with a message.
    assert signed_in.get(url("question-new", survey) + "?kind=rating").context["form"]["max_value"].value() == 10
    bad = question_post(signed_in, survey, "single", options="Only one")
    assert bad.status_code == 200 and "Enter at least 2 answer options" in bad.content.decode()


def test_show_if_through_the_form(signed_in, survey):
    carer = QuestionFactory(survey=survey, position=1, text="Are you a carer?")
    work = QuestionFactory(survey=survey, position=2, text="Do you work?")
    QuestionFactory(survey=survey, position=3, kind="text", options=[], text="Tell us more")
    page = signed_in.get(url("question-new", survey) + "?kind=text")
    html = page.content.decode()
    # One fieldset per earlier choice question, none for the text question.
    assert "Question 1: Are you a carer?" in html and "Question 2: Do you work?" in html
    assert "Question 3: Tell us more" not in html
    assert f'value="{carer.pk}:yes"' in html

    both = question_post(signed_in, survey, "text", show_if=[f"{carer.pk}:yes", f"{work.pk}:no"])
    assert both.status_code == 200
    assert "Choose answers from one earlier question only" in both.content.decode()
    assert 'href="#id_show_if_0"' in both.content.decode()

    ok = question_post(signed_in, survey, "text", text="How many hours?", show_if=[f"{carer.pk}:yes"])
    assert ok.status_code == 302
    hours = survey.questions.get(text="How many hours?")
    assert hours.show_if_question == carer and hours.show_if_values == ["yes"]
    detail = signed_in.get(survey.get_absolute_url()).content.decode()
    assert "Shown if the answer to question 1, &#x27;Are you a carer?&#x27;, is &#x27;Yes&#x27;" in detail
    assert "<h3>Page 1</h3>" in detail and "<h3>Page 4</h3>" in detail

    # Editing shows the saved rule ticked; moving it above its question is refused.
    edit = signed_in.get(url("question-edit", survey, question_id=hours.pk)).content.decode()
    assert f'value="{carer.pk}:yes" id="id_show_if_0" checked>' in edit
    for _ in range(2):
        signed_in.post(url("question-move", survey, question_id=hours.pk), {"direction": "up"})
    refused = signed_in.post(url("question-move", survey, question_id=hours.pk), {"direction": "up"}, follow=True)
    assert "cannot go before it" in refused.content.decode()
    assert [q.text for q in building.own_questions(survey)] == [
        "Are you a carer?",
        "How many hours?",
        "Do you work?",
        "Tell us more",
    ]


def test_editing_options_after_responses(signed_in, survey):
    options = [{"value": "yes", "label": "Yes"}, {"value": "no", "label": "No"}, {"value": "dk", "label": "Not sure"}]
    question = QuestionFactory(survey=survey, position=1, options=options)
    SurveyResponseFactory(survey=survey)
    removed = question_post(signed_in, survey, "single", question=question, options="Yes\nNo")
    assert "cannot be removed (&#x27;Not sure&#x27;)" in removed.content.decode()
    reordered = question_post(signed_in, survey, "single", question=question, options="No\nYes\nNot sure")
    assert "cannot be put in a different order" in reordered.content.decode()
    ok = question_post(signed_in, survey, "single", question=question, options="Yes, I do\nNo\nNot sure\nMaybe")
    assert ok.status_code == 302
    question.refresh_from_db()
    assert question.options == [
        {"value": "yes", "label": "Yes, I do"},
        {"value": "no", "label": "No"},
        {"value": "dk", "label": "Not sure"},
        {"value": "o1", "label": "Maybe"},
    ]


def test_equality_section_page_and_toggle(signed_in, survey):
    page = signed_in.get(url("survey-equality", survey))
    assert page.status_code == 200 and "What is your ethnic group?" in page.content.decode()
    assert signed_in.post(url("survey-equality", survey), {"include": "1"}).status_code == 302
    assert survey.questions.exclude(equality_key="").count() == len(equality.QUESTIONS)
    detail = signed_in.get(survey.get_absolute_url()).content.decode()
    assert f"ends with {len(equality.QUESTIONS)} standard questions" in detail
    sex = survey.questions.get(equality_key="sex")
    assert signed_in.get(url("question-edit", survey, question_id=sex.pk)).status_code == 404
    assert signed_in.post(url("survey-equality", survey), {"include": "0"}).status_code == 302
    assert not survey.questions.exists()


def test_translation_page_saves_and_reports_completeness(signed_in, survey):
    survey.languages = ["pl"]
    survey.save()
    question = QuestionFactory(
        survey=survey,
        position=1,
        text="Do you use it?",
        options=[{"value": "yes", "label": "Yes"}, {"value": "weekends", "label": "Only at weekends"}],
    )
    page = signed_in.get(url("survey-translate", survey, language="pl"))
    html = page.content.decode()
    assert page.status_code == 200 and "English: Do you use it?" in html and 'lang="pl"' in html
    assert "translated by the app" in html
    data = {f"survey__{f}": f"PL {f}" for f in ("title", "introduction", "privacy_notice", "consent_text")}
    data |= {f"q{question.pk}__text": "Czy korzystasz?", f"q{question.pk}__option__yes": "Tak"}
    assert signed_in.post(url("survey-translate", survey, language="pl"), data).status_code == 302
    question.refresh_from_db()
    assert question.translations["pl"] == {"text": "Czy korzystasz?", "options": {"yes": "Tak"}}
    follow = signed_in.get(url("survey-translate", survey, language="pl")).content.decode()
    assert "Survey: confirmation text" in follow and "Question 1: answer options" in follow
    assert signed_in.get(url("survey-translate", survey, language="xx")).status_code == 404


def test_publish_page_lists_problems_then_publishes(signed_in, survey):
    survey.languages = ["pl"]
    survey.privacy_notice = ""
    survey.save()
    page = signed_in.get(url("survey-publish", survey))
    html = page.content.decode()
    assert "Enter a privacy notice" in html and "Add at least one question" in html
    assert url("survey-translate", survey, language="pl") in html
    refused = signed_in.post(url("survey-publish", survey))
    assert refused.status_code == 200 and "nhsuk-error-summary" in refused.content.decode()
    assert Survey.objects.get(pk=survey.pk).state == "draft"

    survey.languages, survey.privacy_notice = [], "Anonymous"
    survey.save()
    QuestionFactory(survey=survey, position=1)
    response = signed_in.post(url("survey-publish", survey))
    assert response.status_code == 302 and response.url == url("survey-share", survey)
    survey.refresh_from_db()
    assert survey.state == "published" and survey.published_at
    assert signed_in.post(url("survey-close", survey), {"action": "close"}).status_code == 302
    assert Survey.objects.get(pk=survey.pk).state == "closed"
    assert signed_in.post(url("survey-close", survey), {"action": "reopen"}).status_code == 302
    assert Survey.objects.get(pk=survey.pk).state == "published"


def test_question_bank_save_and_add(signed_in, survey, project, lead):
    question = QuestionFactory(survey=survey, position=1, text="Did staff respect your culture?")
    page = signed_in.get(url("question-save-to-bank", survey, question_id=question.pk))
    assert page.status_code == 200
    assert (
        signed_in.post(url("question-save-to-bank", survey, question_id=question.pk), {"topic": "Respect"}).status_code
        == 302
    )
    item = QuestionBankItem.objects.get(organisation=project.organisation)
    assert (item.text, item.topic, item.options) == ("Did staff respect your culture?", "Respect", question.options)

    other = SurveyFactory(project=project, created_by=lead)
    bank = signed_in.get(
        reverse("surveys:question-bank", kwargs={"step": "identify", "project_id": project.pk}) + f"?survey={other.pk}"
    )
    assert bank.status_code == 200 and url("question-bank-add", other, item_id=item.pk) in bank.content.decode()
    assert signed_in.post(url("question-bank-add", other, item_id=item.pk)).status_code == 302
    copy = other.questions.get()
    assert copy.bank_item == item and copy.text == item.text

    QuestionBankItemFactory(
        organisation=project.organisation, created_by=lead, topic="Access", text="Could you get in?"
    )
    filtered = signed_in.get(
        reverse("surveys:question-bank", kwargs={"step": "identify", "project_id": project.pk}) + "?topic=Access"
    )
    assert "Could you get in?" in filtered.content.decode()
    assert "Did staff respect" not in filtered.content.decode()
    delete = reverse(
        "surveys:question-bank-delete", kwargs={"step": "identify", "project_id": project.pk, "item_id": item.pk}
    )
    assert signed_in.post(delete).status_code == 302
    assert not QuestionBankItem.objects.filter(pk=item.pk).exists() and Question.objects.filter(pk=copy.pk).exists()


def test_distribution_links_qr_and_csv(signed_in, survey):
    share = signed_in.get(url("survey-share", survey))
    html = share.content.decode()
    open_url = f"http://testserver/s/{survey.open_token}/"
    assert share.status_code == 200 and f'value="{open_url}"' in html and "readonly" in html
    assert f'src="{url("survey-qr", survey)}"' in html and 'alt="QR code' in html

    qr = signed_in.get(url("survey-qr", survey))
    assert qr["Content-Type"] == "image/svg+xml" and qr.content.startswith(b"<svg")
    assert signed_in.get(url("survey-qr", survey) + "?format=png").content.startswith(b"\x89PNG")

    response = signed_in.post(url("survey-invitations", survey), {"count": "12", "batch": "Carers group"})
    assert response.status_code == 302
    tokens = set(Invitation.objects.filter(survey=survey).values_list("token", flat=True))
    assert len(tokens) == 12
    used = Invitation.objects.filter(survey=survey).first()
    SurveyResponseFactory(survey=survey, invitation=used, channel="invitation")
    download = signed_in.get(url("survey-invitations-csv", survey))
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert rows[0] == ["link", "batch", "made_on"] and len(rows) == 12  # header + 11 unused
    assert {row[0] for row in rows[1:]} == {f"http://testserver/s/{t}/" for t in tokens - {used.token}}
    assert {row[1] for row in rows[1:]} == {"Carers group"}
    too_many = signed_in.post(url("survey-invitations", survey), {"count": "501"})
    assert too_many.status_code == 200 and "from 1 to 500" in too_many.content.decode()

    old = survey.open_token
    signed_in.post(url("survey-share", survey), {"action": "new_link"})
    survey.refresh_from_db()
    assert survey.open_token != old
    signed_in.post(url("survey-share", survey), {"action": "open_link_off"})
    survey.refresh_from_db()
    assert not survey.open_link_enabled


def test_overview_block_and_list(signed_in, survey, project, lead):
    AnswerFactory(
        response=SurveyResponseFactory(survey=survey, state="submitted"), question=QuestionFactory(survey=survey)
    )
    QuestionFactory(survey=survey)
    SurveyResponseFactory(survey=survey)  # in progress: not counted
    listing = signed_in.get(reverse("surveys:surveys", kwargs={"step": "identify", "project_id": project.pk}))
    assert listing.status_code == 200 and survey.title in listing.content.decode()
    assert listing.context["rows"][0]["survey"].submitted == 1
    # the Identify step page itself, as the lead opens it
    html = signed_in.get(reverse("identify:overview", kwargs={"project_id": project.pk})).content.decode()
    assert survey.title in html and "Create a survey" in html
    assert reverse("identify:focus-groups", kwargs={"project_id": project.pk}) in html


def test_other_projects_survey_is_404(signed_in, project):
    other = SurveyFactory(project=ProjectFactory(organisation=project.organisation))
    question = QuestionFactory(survey=other)
    for name, extra in (
        ("survey", {}),
        ("survey-edit", {}),
        ("survey-qr", {}),
        ("question-edit", {"question_id": question.pk}),
    ):
        target = reverse(
            f"surveys:{name}", kwargs={"step": "identify", "project_id": project.pk, "survey_id": other.pk, **extra}
        )
        assert signed_in.get(target).status_code == 404
    before = other.open_token
    target = reverse(
        "surveys:survey-share", kwargs={"step": "identify", "project_id": project.pk, "survey_id": other.pk}
    )
    assert signed_in.post(target, {"action": "new_link"}).status_code == 404
    other.refresh_from_db()
    assert other.open_token == before
    foreign_item = QuestionBankItemFactory()
    survey = SurveyFactory(project=project)
    assert signed_in.get(url("question-bank-add", survey, item_id=foreign_item.pk)).status_code == 404


def test_viewer_can_read_but_not_write(client, survey, member_of):
    question = QuestionFactory(survey=survey, position=1)
    client.force_login(member_of(survey.project, Role.VIEWER))
    assert client.get(survey.get_absolute_url()).status_code == 200
    detail = client.get(survey.get_absolute_url()).content.decode()
    assert "Add a question" not in detail and "Change<" not in detail
    assert client.get(url("survey-equality", survey)).status_code == 200
    for name, kwargs, data in (
        ("survey-edit", {}, {"title": "Hacked"}),
        ("question-new", {}, {"kind": "text", "text": "Hacked?"}),
        ("question-edit", {"question_id": question.pk}, {"kind": "single", "text": "Hacked?", "options": "a\nb"}),
        ("question-delete", {"question_id": question.pk}, {}),
        ("question-move", {"question_id": question.pk}, {"direction": "down"}),
        ("survey-equality", {}, {"include": "1"}),
        ("survey-translate", {"language": "pl"}, {"survey__title": "Hacked"}),
        ("survey-publish", {}, {}),
        ("survey-share", {}, {"action": "new_link"}),
        ("survey-invitations", {}, {"count": "5"}),
        ("question-save-to-bank", {"question_id": question.pk}, {"topic": "x"}),
    ):
        assert client.post(url(name, survey, **kwargs), data).status_code == 403, name
    for name in ("survey-share", "survey-qr", "survey-invitations-csv"):
        assert client.get(url(name, survey)).status_code == 403, name
    survey.refresh_from_db()
    question.refresh_from_db()
    assert survey.title != "Hacked" and survey.state == "draft" and not survey.translations
    assert question.text != "Hacked?" and survey.questions.count() == 1
    assert not Invitation.objects.exists() and not QuestionBankItem.objects.exists()
