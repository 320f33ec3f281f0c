"""Data migrations keep every row: each test migrates the test database back to
the schema before a move, writes rows with that schema's models, migrates
forward to the latest schema and finds them in their new home (and back).

Each test ends at the latest migration, so later tests see the normal schema.
"""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

SETTINGS_MOVE = ("identify", "0004_settings_to_core")
CORE_FIELD = ("core", "0003_organisation_suppression_rule")
# The schema just before the suppression rule moved to the core.
BEFORE_SETTINGS_MOVE = [("identify", "0003_survey_participation"), ("core", "0002_project_invitation")]


def migrate(targets):
    """Migrate to `targets` and return the apps registry of that state."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


def latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


def test_the_settings_move_is_the_one_these_tests_roll_back():
    graph = MigrationExecutor(connection).loader.graph
    parents = {parent.key for parent in graph.node_map[SETTINGS_MOVE].parents}
    assert parents == {BEFORE_SETTINGS_MOVE[0], CORE_FIELD}
    assert {parent.key for parent in graph.node_map[CORE_FIELD].parents} == {BEFORE_SETTINGS_MOVE[1]}


def test_suppression_rules_move_to_the_organisation_and_back():
    old = migrate(BEFORE_SETTINGS_MOVE)
    Organisation = old.get_model("core", "Organisation")
    chose_lt10 = Organisation.objects.create(name="Chose the 1 to 9 rule", kind="icb")
    chose_nhs = Organisation.objects.create(name="Chose the NHS rule", kind="trust")
    never_chose = Organisation.objects.create(name="Never chose a rule", kind="la")
    OrganisationSettings = old.get_model("identify", "OrganisationSettings")
    OrganisationSettings.objects.create(organisation_id=chose_lt10.pk, suppression_rule="nhs_lt10")
    OrganisationSettings.objects.create(organisation_id=chose_nhs.pk, suppression_rule="nhs")

    new = migrate(latest())
    rules = dict(new.get_model("core", "Organisation").objects.values_list("pk", "suppression_rule"))
    assert rules == {chose_lt10.pk: "nhs_lt10", chose_nhs.pk: "nhs", never_chose.pk: "nhs"}
    with pytest.raises(LookupError):
        new.get_model("identify", "OrganisationSettings")

    # Change a rule under the new schema, then go back: the old table holds every non-default rule.
    new.get_model("core", "Organisation").objects.filter(pk=never_chose.pk).update(suppression_rule="nhs_lt10")
    old = migrate(BEFORE_SETTINGS_MOVE)
    rows = dict(
        old.get_model("identify", "OrganisationSettings").objects.values_list("organisation_id", "suppression_rule")
    )
    assert rows == {chose_lt10.pk: "nhs_lt10", never_chose.pk: "nhs_lt10"}
    assert old.get_model("core", "Organisation").objects.count() == 3

    new = migrate(latest())
    rules = dict(new.get_model("core", "Organisation").objects.values_list("pk", "suppression_rule"))
    assert rules == {chose_lt10.pk: "nhs_lt10", chose_nhs.pk: "nhs", never_chose.pk: "nhs_lt10"}
