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
