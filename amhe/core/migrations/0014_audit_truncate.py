from django.db import migrations

# TRUNCATE fires no row trigger, so 0010's trigger never sees it: a statement trigger of its
# own refuses it, with the same one exception as 0010's, a transaction that set
# `amhe.audit_purge` for itself (SET LOCAL). The retention purge deletes rows and never
# truncates; the exception is for the test suite's flush between transactional tests
# (tests/conftest.py), which empties the table inside that setting. It lets nothing through
# that 0010's exception does not already let through (a DELETE of every row).
CREATE_TRIGGER = """
CREATE OR REPLACE FUNCTION core_auditevent_no_truncate() RETURNS trigger AS $$
BEGIN
    IF current_setting('amhe.audit_purge', true) = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'core_auditevent is append-only: TRUNCATE refused'
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER core_auditevent_no_truncate
    BEFORE TRUNCATE ON core_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION core_auditevent_no_truncate();
"""
DROP_TRIGGER = """
DROP TRIGGER IF EXISTS core_auditevent_no_truncate ON core_auditevent;
DROP FUNCTION IF EXISTS core_auditevent_no_truncate();
"""


def add_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE_TRIGGER, params=None)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_TRIGGER, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0013_oidc_subject"),
    ]

    operations = [
        migrations.RunPython(add_trigger, drop_trigger),
    ]
