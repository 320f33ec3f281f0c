import os
from pathlib import Path

import pytest

from tests.factories import MembershipFactory, OrganisationFactory, ProjectFactory


@pytest.fixture
def project(db):
    return ProjectFactory(organisation=OrganisationFactory(name="West Yorkshire ICB"))


@pytest.fixture
def member_of(db):
    """member_of(project, role) -> a user with that role on the project."""

    def make(project, role):
        return MembershipFactory(project=project, role=role).user

    return make


@pytest.fixture
def other_org_user(db):
    """A lead on a project of another organisation: must never see `project`."""
    other = ProjectFactory(organisation=OrganisationFactory(name="Greater Manchester ICB"))
    return MembershipFactory(project=other).user


@pytest.fixture(scope="session")
def django_db_modify_db_settings_xdist_suffix():
    """tests/settings.py already gives each parallel test process a database of its own,
    under a name the Celery worker it starts can work out too; pytest-django's own
    suffix would hide it from that worker."""


# For this transaction only (SET LOCAL): the audit log's triggers let its rows go.
AUDIT_BYPASS = "SET LOCAL amhe.audit_purge = 'on'"


def _emptied_by_delete(original):
    """PostgreSQL's flush, as the transactional tests run it after each test, with DELETE.

    Django empties every table with one TRUNCATE, which on PostgreSQL makes new files for
    each of the ~160 tables and their indexes: seconds per test, most of them spent on
    tables that are already empty. This flush deletes the rows of the tables that hold
    any (foreign keys are deferred to the commit, so the order does not matter) and
    leaves the empty ones be; a table with a DELETE trigger of its own (the append-only
    audit log) is still truncated, as Django would. Sequences are not reset, as in
    Django's test flush (reset_sequences=False); a flush that asks for more goes to Django.

    The audit log's triggers refuse DELETE and TRUNCATE (core migrations 0010, 0013) except
    in a transaction that set `amhe.audit_purge` for itself, as the retention purge does:
    every flush (Django runs it in one transaction) starts with that setting.
    """

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if reset_sequences or allow_cascade or not tables:
            statements = original(self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
            return [AUDIT_BYPASS, *statements] if statements else statements
        quote = self.quote_name
        with self.connection.cursor() as cursor:
            cursor.execute(
                " UNION ALL ".join(f"SELECT %s WHERE EXISTS (SELECT 1 FROM {quote(table)})" for table in tables),  # noqa: S608
                list(tables),
            )
            filled = [row[0] for row in cursor.fetchall()]
            cursor.execute(
                "SELECT DISTINCT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "WHERE NOT t.tgisinternal AND t.tgtype & 8 <> 0 AND c.relnamespace = current_schema()::regnamespace"
            )
            with_delete_trigger = {row[0] for row in cursor.fetchall()}
        truncated = [table for table in filled if table in with_delete_trigger]
        deleted = [table for table in filled if table not in with_delete_trigger]
        statements = ["SET CONSTRAINTS ALL DEFERRED", AUDIT_BYPASS]
        if truncated:
            statements += original(self, style, truncated, reset_sequences=False, allow_cascade=False)
        return statements + [f"DELETE FROM {quote(table)}" for table in deleted]  # noqa: S608

    return sql_flush


def pytest_configure(config):
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        return
    from django.db.backends.postgresql.operations import DatabaseOperations

    DatabaseOperations.sql_flush = _emptied_by_delete(DatabaseOperations.sql_flush)


def pytest_sessionfinish(session, exitstatus):
    """Remove what a killed SQLite writer leaves beside this run's test database."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{database['TEST']['NAME']}{suffix}").unlink(missing_ok=True)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """In CI (AMHE_REQUIRE_SERVICES=1) nothing may skip: a skip is a failure."""
    outcome = yield
    report = outcome.get_result()
    if os.environ.get("AMHE_REQUIRE_SERVICES") == "1" and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"Skipped in CI, where nothing may skip: {report.longrepr}"
