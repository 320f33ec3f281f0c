"""The demo data for tests, loaded for real once per test process and then restored fast.

`manage.py load_demo` takes several seconds (uploads read and processed, a survey
answered 48 times, figures worked out...), and most browser journeys start from it.
`load_demo_for_test()` runs the real command the first time a test asks for the demo
on an empty database, keeps a copy of every table it filled (PostgreSQL: a schema of
its own in the test database; SQLite: the rows in memory) together with what else the
command left behind (files under MEDIA_ROOT, the emails it sent, the jobs it sent to
the broker), and for each later test that asks for the demo on an empty database puts
back that same state: the same rows, the same files in that test's MEDIA_ROOT, the
same emails in its outbox, the same job messages sent again (a job runs once however
often it is sent). A test that made data of its own before asking for the demo, runs
inside a transaction that has not been committed, or starts on another day (the demo
dates survey answers from today), gets the real command instead.

The tests of load_demo itself call the command directly and are not affected.
"""

import copy
import os
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone

# What an empty test database holds: the rows post_migrate writes after every flush.
# Nothing else points at them when every other table is empty.
ALWAYS_FILLED = ("django_content_type", "auth_permission")
PG_SCHEMA = "amhe_test_demo_copy"


@dataclass
class _Copy:
    day: object
    vendor: str
    database: str
    always_filled: dict[str, int]  # the row counts of ALWAYS_FILLED before the demo
    tables: list[str] = field(default_factory=list)  # tables the demo filled, ALWAYS_FILLED included
    pg_columns: dict[str, str] = field(default_factory=dict)  # table -> its quoted column names
    sqlite_rows: dict[str, tuple[list[str], list[tuple]]] = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)  # MEDIA_ROOT-relative path -> content
    emails: list = field(default_factory=list)
    jobs_sent: list = field(default_factory=list)


_copy: _Copy | None = None


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def _row_counts() -> dict[str, int]:
    tables = sorted(connection.introspection.django_table_names(only_existing=True, include_views=False))
    query = " UNION ALL ".join(f"SELECT '{table}', COUNT(*) FROM {_quote(table)}" for table in tables)  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(query)
        return dict(cursor.fetchall())


def _empty(counts: dict[str, int]) -> bool:
    return all(count == 0 for table, count in counts.items() if table not in ALWAYS_FILLED)


def _media_files() -> dict[str, tuple[int, int]]:
    root = Path(settings.MEDIA_ROOT)
    found = {}
    for folder, _dirs, names in os.walk(root):
        for name in names:
            path = Path(folder) / name
            stat = path.stat()
            found[str(path.relative_to(root))] = (stat.st_mtime_ns, stat.st_size)
    return found


def load_demo_for_test() -> None:
    """The state `call_command("load_demo")` leaves, for the current test (DEBUG is on around it)."""
    global _copy
    counts = _row_counts()
    today = timezone.localdate()
    usable = (
        _empty(counts)
        and not connection.in_atomic_block
        and connection.vendor in ("postgresql", "sqlite")
        and connection.settings_dict["NAME"] not in ("", ":memory:")
    )
    if (
        usable
        and _copy is not None
        and _copy.day == today
        and _copy.vendor == connection.vendor
        and _copy.database == connection.settings_dict["NAME"]
        and _copy.always_filled == {table: counts.get(table, 0) for table in ALWAYS_FILLED}
    ):
        _restore(_copy)
        return
    _load(keep=usable, counts=counts, today=today)


def _load(*, keep: bool, counts: dict[str, int], today) -> None:
    global _copy
    from amhe.core import services as core_services

    if not keep:
        call_command("load_demo", verbosity=0)
        return
    files_before = _media_files()
    outbox = getattr(mail, "outbox", None)
    emails_before = len(outbox) if outbox is not None else 0
    sent = []
    send = core_services._send  # a test may have replaced it (no worker): call whatever is there

    def recording_send(job_id):
        sent.append(job_id)
        return send(job_id)

    core_services._send = recording_send
    try:
        call_command("load_demo", verbosity=0)
    finally:
        core_services._send = send
    files_after = _media_files()
    root = Path(settings.MEDIA_ROOT)
    kept = _Copy(
        day=today,
        vendor=connection.vendor,
        database=connection.settings_dict["NAME"],
        always_filled={table: counts.get(table, 0) for table in ALWAYS_FILLED},
        files={
            name: (root / name).read_bytes() for name, stamp in files_after.items() if files_before.get(name) != stamp
        },
        emails=[copy.deepcopy(message) for message in (outbox or [])[emails_before:]],
        jobs_sent=sent,
    )
    kept.tables = [table for table, count in _row_counts().items() if count]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"DROP SCHEMA IF EXISTS {PG_SCHEMA} CASCADE")
            cursor.execute(f"CREATE SCHEMA {PG_SCHEMA}")
            for table in kept.tables:
                cursor.execute(f"CREATE TABLE {PG_SCHEMA}.{_quote(table)} AS TABLE {_quote(table)}")
                cursor.execute(f"SELECT * FROM {PG_SCHEMA}.{_quote(table)} LIMIT 0")  # noqa: S608
                kept.pg_columns[table] = ", ".join(_quote(column[0]) for column in cursor.description)
    else:
        # Read back what was committed, as stored (a plain connection: no type conversion).
        plain = sqlite3.connect(connection.settings_dict["NAME"])
        try:
            for table in kept.tables:
                rows = plain.execute(f"SELECT * FROM {_quote(table)}")  # noqa: S608 - Django's own table names
                columns = [column[0] for column in rows.description]
                kept.sqlite_rows[table] = (columns, rows.fetchall())
        finally:
            plain.close()
    _copy = kept


def _models_of(tables: list[str]) -> list:
    wanted = set(tables)
    return [model for model in apps.get_models(include_auto_created=True) if model._meta.db_table in wanted]


def _restore(kept: _Copy) -> None:
    from amhe.core import services as core_services

    # The files first: a job sent on commit below may read them at once.
    root = Path(settings.MEDIA_ROOT)
    for name, content in kept.files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    with transaction.atomic():
        with connection.cursor() as cursor:
            # Only these hold rows (checked above); the copy has its own, with the ids the rows point at.
            for table in reversed(ALWAYS_FILLED):
                cursor.execute(f"DELETE FROM {_quote(table)}")  # noqa: S608 - Django's own table names
            if kept.vendor == "postgresql":
                for table in kept.tables:
                    # Columns by name: a migration test may have put a table's columns back in another order.
                    columns = kept.pg_columns[table]
                    cursor.execute(
                        f"INSERT INTO {_quote(table)} ({columns}) SELECT {columns} FROM {PG_SCHEMA}.{_quote(table)}"  # noqa: S608
                    )
                # A flush does not wind sequences back, but a migration test may have made a table
                # (and its sequence) anew: each sequence goes on after the ids just copied in.
                for statement in connection.ops.sequence_reset_sql(no_style(), _models_of(kept.tables)):
                    cursor.execute(statement)
        if kept.vendor == "sqlite":
            raw = connection.connection
            for table in kept.tables:
                columns, rows = kept.sqlite_rows[table]
                names = ", ".join(_quote(column) for column in columns)
                marks = ", ".join("?" for _ in columns)
                raw.executemany(f"INSERT INTO {_quote(table)} ({names}) VALUES ({marks})", rows)  # noqa: S608
        # SQLite needs nothing: AUTOINCREMENT starts after the largest id in the table.
        for job_id in kept.jobs_sent:
            transaction.on_commit(lambda job_id=job_id: core_services._send(job_id), robust=True)
    ContentType.objects.clear_cache()
    outbox = getattr(mail, "outbox", None)
    if outbox is not None:
        outbox.extend(copy.deepcopy(message) for message in kept.emails)
