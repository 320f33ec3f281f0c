"""A survey belongs to one sub-step of the cycle; the move to `amhe.surveys` runs no SQL."""

import io

import pytest
from django.core.management import call_command

from tests.factories import SurveyFactory


@pytest.mark.django_db
def test_a_survey_is_in_1b_unless_told_otherwise():
    survey = SurveyFactory()
    assert survey.substep == "1B"
    assert survey.step.slug == "identify"
    assert survey.substep_info.title == "Work with communities"


@pytest.mark.django_db
def test_an_evaluation_survey_belongs_to_step_4():
    survey = SurveyFactory(substep="4A")
    assert survey.step.number == 4
    assert survey.step.slug == "evaluate"
    assert survey.substep_info.title == "Collect data and measures"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("app", "migration"), [("surveys", "0001"), ("identify", "0005")])
def test_moving_the_survey_models_changes_no_table(app, migration):
    out = io.StringIO()
    call_command("sqlmigrate", app, migration, stdout=out)
    sql = out.getvalue().upper()
    for statement in ("CREATE", "ALTER", "DROP", "INSERT", "UPDATE", "DELETE"):
        assert statement not in sql
