"""Identify 1B survey builder services (amhe.surveys.building): option
values, show-if rules, moves, the equality section, publishing checks,
translations, the question bank and distribution."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from amhe.core.models import Role
from amhe.surveys import building, equality, i18n
from amhe.surveys.models import Invitation, Question, Survey
from tests.factories import (
    AnswerFactory,
    MembershipFactory,
    QuestionBankItemFactory,
    QuestionFactory,
    SurveyFactory,
    SurveyResponseFactory,
)

pytestmark = pytest.mark.django_db

YES_NO = ["Yes", "No"]


@pytest.fixture
def lead(project, member_of):
    return member_of(project, Role.LEAD)


@pytest.fixture
def survey(project, lead):
    return SurveyFactory(project=project, created_by=lead)


def add(survey, by, kind="single", text="Do you use the service?", **kwargs):
    if kind in ("single", "multiple"):
        kwargs.setdefault("option_labels", YES_NO)
    return building.question_add(by=by, survey=survey, kind=kind, text=text, **kwargs)


def update(question, by, **changes):
    fields = {
        "kind": question.kind,
        "text": question.text,
        "option_labels": [o["label"] for o in question.options],
        "new_page": question.new_page,
        "show_if": [f"{question.show_if_question_id}:{v}" for v in question.show_if_values]
        if question.show_if_question_id
        else [],
    }
    fields.update(changes)
    return building.question_update(by=by, question=question, **fields)


def messages_of(exc_info) -> str:
    return " ".join(exc_info.value.messages)


# --- Surveys and dates --------------------------------------------------------------


def test_survey_create_with_dates_in_uk_time(project, lead):
    survey = building.survey_create(
        by=lead,
        project=project,
        title="  Crisis care  ",
        privacy_notice="Anonymous.",
        opens_at=building.day_start(datetime.date(2026, 7, 1)),
        closes_at=building.day_end(datetime.date(2026, 7, 31)),
        languages=["pl"],
        include_equality=False,
    )
    assert survey.title == "Crisis care" and survey.state == Survey.State.DRAFT
    assert survey.opens_at == datetime.datetime(2026, 6, 30, 23, 0, tzinfo=datetime.UTC)  # BST
    assert survey.closes_at == datetime.datetime(2026, 7, 31, 22, 59, 59, tzinfo=datetime.UTC)
    assert building.local_day(survey.closes_at) == datetime.date(2026, 7, 31)
    with pytest.raises(ValidationError, match="not available"):
        building.survey_create(by=lead, project=project, title="X", languages=["fr"], include_equality=False)


# --- Question kinds and options ---------------------------------------------------------


def test_each_kind_gets_the_right_options(survey, lead):
    single = add(survey, lead, option_labels=["Yes", " No ", ""])
    assert single.options == [{"value": "o1", "label": "Yes"}, {"value": "o2", "label": "No"}]
    multiple = add(survey, lead, "multiple", "Which?", option_labels=["A", "B", "None of these"], exclusive_last=True)
    assert multiple.options[-1] == {"value": "o3", "label": "None of these", "exclusive": True}
    assert "exclusive" not in multiple.options[0]
    likert = add(survey, lead, "likert", "Staff listened to me")
    assert [o["value"] for o in likert.options] == ["1", "2", "3", "4", "5"]
    assert likert.options[0]["label"] == "Strongly disagree" and likert.options[4]["label"] == "Strongly agree"
    rating = add(survey, lead, "rating", "How likely?", min_label="Not at all", max_label="Extremely")
    assert [o["value"] for o in rating.options] == [str(n) for n in range(11)]
    assert (rating.min_value, rating.max_value, rating.max_label) == (0, 10, "Extremely")
    small = add(survey, lead, "rating", "Rate it", min_value=1, max_value=5)
    assert [o["label"] for o in small.options] == ["1", "2", "3", "4", "5"]
    number = add(survey, lead, "number", "How many times?", min_value=0, max_value=50, min_label="ignored")
    assert number.options == [] and (number.min_value, number.max_value, number.min_label) == (0, 50, "")
    for kind in ("text", "long_text", "date"):
        assert add(survey, lead, kind, f"A {kind} question", option_labels=["x", "y"]).options == []
    assert [q.position for q in building.own_questions(survey)] == list(range(1, 10))

    with pytest.raises(ValidationError, match="at least 2 answer options"):
        add(survey, lead, option_labels=["Only one"])
    with pytest.raises(ValidationError, match="twice"):
        add(survey, lead, option_labels=["Yes", "yes"])
    with pytest.raises(ValidationError, match="more than the lowest"):
        add(survey, lead, "rating", "Bad", min_value=5, max_value=5)
    with pytest.raises(ValidationError, match="Enter the question"):
        add(survey, lead, text="  ")


def test_option_values_are_stable_through_edits(survey, lead):
    question = add(survey, lead, option_labels=["Red", "Green", "Blue"])
    # Reworded in place: same value.
    question = update(question, lead, option_labels=["Crimson", "Green", "Blue"])
    assert [(o["value"], o["label"]) for o in question.options] == [("o1", "Crimson"), ("o2", "Green"), ("o3", "Blue")]
    # Reordered and one inserted: values follow the wording.
    question = update(question, lead, option_labels=["Blue", "Yellow", "Crimson", "Green"])
    assert [o["value"] for o in question.options] == ["o3", "o4", "o1", "o2"]


def test_after_responses_options_can_be_reworded_or_added_but_not_removed_or_reordered(survey, lead):
    question = add(survey, lead, option_labels=["Red", "Green", "Blue"])
    SurveyResponseFactory(survey=survey)
    with pytest.raises(ValidationError, match="cannot be removed") as exc:
        update(question, lead, option_labels=["Red", "Green"])
    assert "'Blue'" in messages_of(exc)
    with pytest.raises(ValidationError, match="different order"):
        update(question, lead, option_labels=["Green", "Red", "Blue"])
    with pytest.raises(ValidationError, match="kind cannot change"):
        update(question, lead, kind="likert")
    question = update(question, lead, option_labels=["Scarlet", "Green", "Blue", "Purple"], text="Favourite?")
    assert [(o["value"], o["label"]) for o in question.options][::3] == [("o1", "Scarlet"), ("o4", "Purple")]
    assert question.text == "Favourite?"


# --- Show-if ----------------------------------------------------------------------------


def test_show_if_must_be_one_earlier_choice_question_on_an_earlier_page(survey, lead):
    carer = add(survey, lead, text="Are you a carer?")
    free = add(survey, lead, "text", "Anything else?")
    other = add(survey, lead, text="Do you work?")
    with pytest.raises(ValidationError, match="one earlier question only"):
        add(survey, lead, text="Hours?", show_if=[f"{carer.pk}:o1", f"{other.pk}:o1"])
    with pytest.raises(ValidationError, match="answer options or a scale"):
        add(survey, lead, text="Hours?", show_if=[f"{free.pk}:x"])
    with pytest.raises(ValidationError, match="offers"):
        add(survey, lead, text="Hours?", show_if=[f"{carer.pk}:o9"])
    with pytest.raises(ValidationError, match="later page"):
        add(survey, lead, text="Hours?", show_if=[f"{other.pk}:o1"], new_page=False)
    # A question cannot depend on one that comes after it.
    with pytest.raises(ValidationError, match="comes before it"):
        update(carer, lead, show_if=[f"{other.pk}:o1"])

    hours = add(survey, lead, text="Hours?", show_if=[f"{carer.pk}:o2", f"{carer.pk}:o1"])
    assert hours.show_if_question == carer and hours.show_if_values == ["o1", "o2"]  # in option order


def test_moves_keep_show_if_questions_after_what_they_depend_on(survey, lead):
    first = add(survey, lead, text="First?")
    carer = add(survey, lead, text="Are you a carer?")
    hours = add(survey, lead, text="Hours?", show_if=[f"{carer.pk}:o1"])
    with pytest.raises(ValidationError, match="cannot go before"):
        building.question_move(by=lead, question=hours, direction="up")
    with pytest.raises(ValidationError, match="cannot go after"):
        building.question_move(by=lead, question=carer, direction="down")
    with pytest.raises(ValidationError, match="already the first"):
        building.question_move(by=lead, question=first, direction="up")
    building.question_move(by=lead, question=carer, direction="up")
    assert list(building.own_questions(survey)) == [carer, first, hours]
    building.question_move(by=lead, question=hours, direction="up")
    assert list(building.own_questions(survey)) == [carer, hours, first]


def test_delete_refuses_answered_and_depended_on_questions(survey, lead):
    carer = add(survey, lead, text="Are you a carer?")
    hours = add(survey, lead, text="Hours?", show_if=[f"{carer.pk}:o1"])
    with pytest.raises(ValidationError, match="shown depending on"):
        building.question_delete(by=lead, question=carer)
    AnswerFactory(response=SurveyResponseFactory(survey=survey), question=hours, value="o1")
    with pytest.raises(ValidationError, match="answered"):
        building.question_delete(by=lead, question=hours)
    spare = add(survey, lead, text="Spare?")
    building.question_delete(by=lead, question=spare)
    assert not Question.objects.filter(pk=spare.pk).exists()


# --- Equality section -------------------------------------------------------------------


def test_equality_section_is_synced_with_wired_show_if(project, lead):
    survey = building.survey_create(by=lead, project=project, title="With equality", include_equality=True)
    own = add(survey, lead, text="Own question?")
    rows = building.equality_questions(survey)
    assert [q.equality_key for q in rows] == [item.key for item in equality.QUESTIONS]
    assert [q.position for q in building.ordered_questions(survey)] == list(range(1, len(rows) + 2))
    assert own.position == 1  # own questions come first, even when added later
    by_key = {q.equality_key: q for q in rows}
    white = by_key["ethnicity_white"]
    assert white.show_if_question == by_key["ethnic_group"] and white.show_if_values == ["WHITE"]
    assert by_key["day_to_day"].show_if_question == by_key["health_condition"]
    assert all(not q.required and q.options[-1]["value"] == equality.PREFER_NOT for q in rows)
    assert by_key["sex"].text == "What is your sex?"
    with pytest.raises(ValidationError, match="standard"):
        update(by_key["sex"], lead, text="Changed")
    with pytest.raises(ValidationError):
        building.question_delete(by=lead, question=by_key["sex"])

    building.survey_update(by=lead, survey=survey, include_equality=False)
    assert not survey.questions.exclude(equality_key="").exists()
    assert survey.questions.get() == own

    building.survey_update(by=lead, survey=survey, include_equality=True)
    sex = survey.questions.get(equality_key="sex")
    AnswerFactory(response=SurveyResponseFactory(survey=survey), question=sex, value="F")
    with pytest.raises(ValidationError, match="answered the equality"):
        building.survey_update(by=lead, survey=survey, include_equality=False)
    assert survey.questions.exclude(equality_key="").count() == len(equality.QUESTIONS)


# --- Translations -------------------------------------------------------------------------


def test_translations_are_saved_and_completeness_reported(survey, lead):
    survey.languages = ["pl"]
    survey.save()
    question = add(
        survey, lead, text="Do you use it?", hint="Think of the last year", option_labels=["Yes", "Only at weekends"]
    )
    rating = add(survey, lead, "rating", "Rate it", min_value=1, max_value=3)
    missing = building.survey_translate(
        by=lead,
        survey=survey,
        language="pl",
        survey_texts={"title": "Ankieta", "introduction": "  "},
        question_texts={question.pk: {"text": "Czy korzystasz?", "options": {"o1": "Tak", "o2": ""}}},
    )
    survey.refresh_from_db()
    question.refresh_from_db()
    assert survey.translations == {"pl": {"title": "Ankieta"}}
    assert question.translations == {"pl": {"text": "Czy korzystasz?", "options": {"o1": "Tak"}}}
    assert "Survey: introduction" in missing and "Question 1: hint" in missing
    assert "Question 1: answer options" in missing and "Question 1: text" not in missing
    assert i18n.text(question, "text", "pl") == "Czy korzystasz?"
    # a label the app's catalogue translates ("No") needs no translation from the builder
    common = add(survey, lead, text="Do you drive?")
    assert not any(
        gap.startswith("Question 3: answer options") for gap in i18n.missing(survey, [question, rating, common], "pl")
    )
    common.delete()

    building.survey_translate(
        by=lead,
        survey=survey,
        language="pl",
        survey_texts={field: f"PL {field}" for field in i18n.SURVEY_FIELDS},
        question_texts={
            question.pk: {"text": "Czy?", "hint": "Pomyśl", "options": {"o1": "Tak", "o2": "Nie"}},
            rating.pk: {"text": "Oceń"},
        },
    )
    # A rating scale's points are numbers: saved as they are, nothing to translate.
    assert Question.objects.get(pk=rating.pk).translations["pl"]["options"] == {"1": "1", "2": "2", "3": "3"}
    assert i18n.missing(survey, building.ordered_questions(survey), "pl") == []


# --- Publishing ---------------------------------------------------------------------------


def test_publish_is_blocked_with_a_message_for_each_problem(project, lead):
    survey = SurveyFactory(project=project, created_by=lead, title=" ", privacy_notice="", languages=["pl"])
    survey.closes_at = building.day_end(datetime.date(2020, 1, 1))
    survey.save()
    with pytest.raises(ValidationError) as exc:
        building.survey_publish(by=lead, survey=survey)
    text = messages_of(exc)
    for expected in ("Enter a title", "privacy notice", "closing date has passed", "Add at least one question"):
        assert expected in text
    survey.title, survey.privacy_notice, survey.closes_at = "Fixed", "Anonymous", None
    survey.save()
    carer = QuestionFactory(survey=survey, position=1, options=[{"value": "o1", "label": "Only"}])
    QuestionFactory(survey=survey, position=2, show_if_question=carer, show_if_values=["gone"], new_page=False)
    problems = [p.message for p in building.publish_problems(survey)]
    assert "Question 1 needs at least 2 answer options" in problems
    assert any("Question 2 depends on question 1 but is on the same page" in p for p in problems)
    translation = [p for p in building.publish_problems(survey) if p.language == "pl"]
    assert translation and "Polski (Polish) translation is not finished" in translation[0].message
    assert "Survey: title" in translation[0].message
    with pytest.raises(ValidationError):
        building.survey_publish(by=lead, survey=survey)
    assert Survey.objects.get(pk=survey.pk).state == Survey.State.DRAFT


def test_publish_close_and_reopen(survey, lead):
    add(survey, lead)
    survey = building.survey_publish(by=lead, survey=survey)
    assert survey.state == Survey.State.PUBLISHED and survey.published_at is not None
    with pytest.raises(ValidationError, match="already been published"):
        building.survey_publish(by=lead, survey=survey)
    assert building.survey_close(by=lead, survey=survey).state == Survey.State.CLOSED
    assert building.survey_reopen(by=lead, survey=survey).state == Survey.State.PUBLISHED


# --- Question bank ------------------------------------------------------------------------


def test_bank_save_and_add_copy_the_question(survey, lead, project):
    question = add(survey, lead, "rating", "How likely?", min_value=1, max_value=5, max_label="Very")
    question.translations = {"pl": {"text": "Jak bardzo?"}}
    question.save()
    item = building.bank_save(by=lead, question=question, topic="Experience")
    assert item.organisation == project.organisation and item.topic == "Experience"
    assert (item.kind, item.text, item.options, item.max_label) == ("rating", "How likely?", question.options, "Very")
    assert item.translations == {"pl": {"text": "Jak bardzo?"}}

    other = SurveyFactory(project=project, created_by=lead)
    copy = building.bank_add(by=lead, survey=other, item=item)
    assert copy.bank_item == item and copy.survey == other and copy.pk != question.pk
    assert (copy.kind, copy.text, copy.options, copy.min_value, copy.max_value) == (
        "rating",
        "How likely?",
        question.options,
        1,
        5,
    )
    assert copy.translations == {"pl": {"text": "Jak bardzo?"}}
    foreign = QuestionBankItemFactory()
    with pytest.raises(ValidationError, match="not in your organisation"):
        building.bank_add(by=lead, survey=other, item=foreign)


# --- Distribution -------------------------------------------------------------------------


def test_invitations_are_unique_and_bounded(survey, lead):
    made = building.invitations_create(by=lead, survey=survey, count=25, batch="Panel, May")
    assert len(made) == 25 == Invitation.objects.filter(survey=survey, batch="Panel, May").count()
    assert len({i.token for i in Invitation.objects.filter(survey=survey)}) == 25
    assert len(made[0].token) >= 32
    for count in (0, 501):
        with pytest.raises(ValidationError, match="from 1 to 500"):
            building.invitations_create(by=lead, survey=survey, count=count)


def test_new_open_link_replaces_the_token(survey, lead):
    old = survey.open_token
    building.survey_new_open_link(by=lead, survey=survey)
    survey.refresh_from_db()
    assert survey.open_token != old and len(survey.open_token) >= 32
    building.survey_open_link(by=lead, survey=survey, enabled=False)
    survey.refresh_from_db()
    assert survey.open_link_enabled is False


def test_email_panel_sends_one_link_each_and_records_no_one(survey, lead, project, django_capture_on_commit_callbacks):
    panel = [MembershipFactory(project=project, role=Role.PANEL).user for _ in range(3)]
    MembershipFactory(project=project, role=Role.VIEWER)
    with pytest.raises(ValidationError, match="Publish"):
        building.invitations_email_panel(by=lead, survey=survey, link_for=lambda t: f"https://x/s/{t}/")
    add(survey, lead)
    building.survey_publish(by=lead, survey=survey)
    with django_capture_on_commit_callbacks(execute=True):
        sent = building.invitations_email_panel(by=lead, survey=survey, link_for=lambda t: f"https://x/s/{t}/")
    assert sent == 3 and len(mail.outbox) == 3
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in panel)
    tokens = set(Invitation.objects.filter(survey=survey).values_list("token", flat=True))
    linked = {next(t for t in tokens if f"/s/{t}/" in m.body) for m in mail.outbox}
    assert linked == tokens and len(tokens) == 3
    # Nothing about a person is stored with the invitation.
    assert {f.name for f in Invitation._meta.get_fields()} == {
        "id",
        "survey",
        "token",
        "batch",
        "created_at",
        "used_at",
        "response",
    }
    assert all("@" not in invitation.batch for invitation in Invitation.objects.all())
