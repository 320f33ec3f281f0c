"""Moving the survey models from `identify` to `amhe.surveys` keeps every row.

The test migrates the database back to before the move, writes rows with the
models as they were then, migrates forward to the latest migrations and finds
every row again, by count and by primary key, through the moved models.
"""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("identify", "0003_survey_participation"), ("core", "0002_project_invitation"), ("surveys", None)]
MOVED = [
    "Survey",
    "HistoricalSurvey",
    "Question",
    "HistoricalQuestion",
    "QuestionBankItem",
    "Invitation",
    "SurveyResponse",
    "SurveyParticipation",
    "Answer",
    "Theme",
]
KEPT = ["FocusGroup", "CommunityInput"]
THROUGH = [("Answer", "themes"), ("FocusGroup", "themes"), ("CommunityInput", "themes")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor = MigrationExecutor(connection)
    return executor.loader.project_state([target for target in targets if target[1]]).apps


def _latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def _write_rows(apps):
    get = lambda name: apps.get_model("identify", name)  # noqa: E731
    org = apps.get_model("core", "Organisation").objects.create(name="Old org", kind="icb")
    user = apps.get_model("core", "User").objects.create(email="old@example.org", full_name="Old User")
    project = apps.get_model("core", "Project").objects.create(organisation=org, name="Old project", area="Leeds")
    survey = get("Survey").objects.create(project=project, title="Before the move", created_by=user)
    get("HistoricalSurvey").objects.create(
        id=survey.pk,
        project_id=project.pk,
        title=survey.title,
        open_token=survey.open_token,
        created_by_id=user.pk,
        created_at=timezone.now(),
        history_date=timezone.now(),
        history_type="+",
    )
    bank = get("QuestionBankItem").objects.create(organisation=org, kind="text", text="Banked", created_by=user)
    first = get("Question").objects.create(
        survey=survey, position=1, kind="single", text="Pick", options=[{"value": "a", "label": "A"}]
    )
    second = get("Question").objects.create(
        survey=survey, position=2, kind="text", text="Why?", show_if_question=first, show_if_values=["a"]
    )
    banked = get("Question").objects.create(survey=survey, position=3, kind="text", text="Banked", bank_item=bank)
    get("HistoricalQuestion").objects.create(
        id=banked.pk,
        survey_id=survey.pk,
        position=3,
        kind="text",
        text="Banked",
        bank_item_id=bank.pk,
        history_date=timezone.now(),
        history_type="+",
    )
    invitation = get("Invitation").objects.create(survey=survey, batch="Panel")
    by_link = get("SurveyResponse").objects.create(survey=survey, channel="open", state="submitted")
    by_invitation = get("SurveyResponse").objects.create(
        survey=survey, channel="invitation", invitation=invitation, state="submitted"
    )
    get("SurveyParticipation").objects.create(survey=survey, user=user)
    get("Answer").objects.create(response=by_link, question=first, value="a")
    answer = get("Answer").objects.create(response=by_link, question=second, value="Because")
    get("Answer").objects.create(response=by_invitation, question=first, value="a")
    themes = [get("Theme").objects.create(project=project, name=name) for name in ("Access", "Trust")]
    answer.themes.set(themes)
    group = get("FocusGroup").objects.create(
        project=project, title="Group", held_on=datetime.date(2026, 5, 1), attendees=12, created_by=user
    )
    group.themes.set(themes[:1])
    community_input = get("CommunityInput").objects.create(project=project, organisation_name="Mind", input="Text")
    community_input.themes.set(themes[1:])


def _snapshot(apps, app_of):
    rows = {name: set(apps.get_model(app_of(name), name).objects.values_list("pk", flat=True)) for name in MOVED + KEPT}
    for name, field in THROUGH:
        through = apps.get_model(app_of(name), name)._meta.get_field(field).remote_field.through
        rows[f"{name}.{field}"] = set(through.objects.values_list(*[f.attname for f in through._meta.fields[1:]]))
    return rows


def test_moving_surveys_keeps_every_row():
    try:
        old = _migrate(BEFORE)
        _write_rows(old)
        before = _snapshot(old, lambda name: "identify")

        new = _migrate(_latest())
        after = _snapshot(new, lambda name: "identify" if name in KEPT else "surveys")
    finally:
        _migrate(_latest())

    assert {name: len(pks) for name, pks in before.items()} == {
        "Survey": 1,
        "HistoricalSurvey": 1,
        "Question": 3,
        "HistoricalQuestion": 1,
        "QuestionBankItem": 1,
        "Invitation": 1,
        "SurveyResponse": 2,
        "SurveyParticipation": 1,
        "Answer": 3,
        "Theme": 2,
        "FocusGroup": 1,
        "CommunityInput": 1,
        "Answer.themes": 2,
        "FocusGroup.themes": 1,
        "CommunityInput.themes": 1,
    }
    assert after == before
    assert list(new.get_model("surveys", "Survey").objects.values_list("substep", flat=True)) == ["1B"]
    assert list(new.get_model("surveys", "HistoricalSurvey").objects.values_list("substep", flat=True)) == ["1B"]
    assert new.get_model("surveys", "Question").objects.get(position=2).show_if_question.position == 1
    assert new.get_model("identify", "FocusGroup").objects.get().themes.get().name == "Access"


def test_content_types_follow_the_models():
    from django.contrib.contenttypes.models import ContentType

    _migrate(BEFORE)
    # Deleted in SQL: the ORM's delete() would follow today's models' links to ContentType
    # (e.g. core.Approval), whose tables do not exist yet at this point of the history.
    stale = list(ContentType.objects.filter(app_label="surveys").values_list("pk", flat=True))
    if stale:
        marks = ", ".join(["%s"] * len(stale))
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM auth_permission WHERE content_type_id IN ({marks})", stale)  # noqa: S608
            cursor.execute(f"DELETE FROM django_content_type WHERE id IN ({marks})", stale)  # noqa: S608
    ContentType.objects.clear_cache()
    ContentType.objects.get_or_create(app_label="identify", model="survey")
    try:
        _migrate(_latest())
    finally:
        _migrate(_latest())
    assert ContentType.objects.filter(app_label="surveys", model="survey").count() == 1
    assert not ContentType.objects.filter(app_label="identify", model="survey").exists()
