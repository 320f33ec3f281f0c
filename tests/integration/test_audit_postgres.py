"""On PostgreSQL the database itself keeps the audit log append-only: a trigger
(migration core 0010) refuses every UPDATE and DELETE of its rows, whoever sends
them, except the retention purge's own DELETE (amhe.core.audit.purge_before).
Run with DATABASE_URL=postgres://... (CI does)."""

import datetime

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from amhe.core import audit
from amhe.core.models import AuditEvent
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's"),
]

TABLE = AuditEvent._meta.db_table


def run(sql, params=()):
    with transaction.atomic(), connection.cursor() as cursor:  # a savepoint: the test goes on after a refusal
        cursor.execute(sql, params)
        return cursor.rowcount


def test_the_trigger_is_there():
    with connection.cursor() as cursor:
        cursor.execute("SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal", [TABLE])
        names = sorted(row[0] for row in cursor.fetchall())
    assert names == ["core_auditevent_append_only", "core_auditevent_no_truncate"]


def test_truncate_is_refused(project):
    """TRUNCATE fires no row trigger: a statement trigger of its own refuses it."""
    event = audit.record(action=audit.EXPORT, user=UserFactory(), project=project)
    with pytest.raises(DatabaseError, match="append-only"):
        run(f"TRUNCATE {TABLE}")
    with pytest.raises(DatabaseError, match="append-only"):
        run(f"TRUNCATE ONLY {TABLE} RESTART IDENTITY CASCADE")
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_sql_cannot_change_or_delete_an_entry(project):
    event = audit.record(action=audit.EXPORT, user=UserFactory(), project=project, detail="as it was")
    for sql in (
        f"UPDATE {TABLE} SET detail = 'changed' WHERE id = %s",  # noqa: S608
        f"UPDATE {TABLE} SET at = at - interval '1 day' WHERE id = %s",  # noqa: S608
        f"DELETE FROM {TABLE} WHERE id = %s",  # noqa: S608
    ):
        with pytest.raises(DatabaseError, match="append-only"):
            run(sql, [event.pk])
    with pytest.raises(DatabaseError, match="append-only"):
        run(f"DELETE FROM {TABLE}")  # noqa: S608
    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.detail, stored.at) == ("as it was", event.at)


def test_the_purge_gets_through_and_only_the_purge(project):
    old = AuditEvent.objects.create(
        action=AuditEvent.Action.EXPORT,
        at=timezone.now() - datetime.timedelta(days=4000),
        organisation=project.organisation,
    )
    kept = audit.record(action=audit.EXPORT, project=project)
    assert (
        audit.purge_before(cutoff=timezone.now() - datetime.timedelta(days=365), organisation=project.organisation) == 1
    )
    assert not AuditEvent.objects.filter(pk=old.pk).exists()
    # The purge's permission ended with it, though this test's transaction goes on.
    with pytest.raises(DatabaseError, match="append-only"):
        run(f"DELETE FROM {TABLE} WHERE id = %s", [kept.pk])  # noqa: S608
    assert AuditEvent.objects.filter(pk=kept.pk).exists()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.PURGE).count() == 1


def test_deleting_an_account_leaves_its_entries_untouched(project):
    user = UserFactory(organisation=project.organisation)
    user_id = user.pk
    audit.record(action=audit.SIGN_IN, user=user)
    user.delete()  # no cascade, no SET NULL: nothing asks the trigger
    assert AuditEvent.objects.get(user_id=user_id).action == AuditEvent.Action.SIGN_IN
