"""Background job kinds.

A job kind is a function `handler(job, report)` registered under a name. It
must be idempotent: it may run again after a worker dies part-way, so it
replaces its outputs rather than appending. `report(percent, message)` records
progress in the database, where the job page reads it.

Apps register their own kinds in their `jobs.py`; the core knows none of them.
"""

import time
from collections.abc import Callable

from django.db import connection

from amhe.core import retention
from amhe.core.models import Job, PurgeRun

Report = Callable[[int, str], None]
Handler = Callable[[Job, Report], dict]

_HANDLERS: dict[str, Handler] = {}
_TITLES: dict[str, str] = {}


class JobError(Exception):
    """A failure the user can act on: its message is shown on the job page."""


def job_kind(name: str, *, title: str):
    """Register a handler under `name`; `title` is what the job page calls it."""

    def register(handler: Handler) -> Handler:
        if name in _HANDLERS and _HANDLERS[name] is not handler:
            raise ValueError(f"Job kind {name!r} is registered twice")
        _HANDLERS[name] = handler
        _TITLES[name] = title
        return handler

    return register


def handler_for(kind: str) -> Handler:
    try:
        return _HANDLERS[kind]
    except KeyError:
        raise JobError(f"Unknown job kind {kind!r}") from None


def title_for(kind: str) -> str:
    return _TITLES.get(kind, "Background job")


def registered_kinds() -> list[str]:
    return sorted(_HANDLERS)


@job_kind("core.worker_check", title="Worker check")
def worker_check(job: Job, report: Report) -> dict:
    """Prove the whole path works: web -> broker -> worker -> database.

    Steps through a few database round trips, reporting progress after each, so
    an administrator (and the test suite) can watch progress move.
    """
    steps = int(job.params.get("steps", 4))
    pause = float(job.params.get("pause_seconds", 0.5))
    if not 1 <= steps <= 20 or not 0 <= pause <= 5:
        raise JobError("steps must be 1 to 20 and pause_seconds 0 to 5")
    counted = 0
    for step in range(1, steps + 1):
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            counted += cursor.fetchone()[0]
        report(round(100 * step / steps) if step < steps else 99, f"Checked the database ({step} of {steps})")
        time.sleep(pause)
    return {"database_round_trips": counted, "vendor": connection.vendor}


@job_kind("core.retention_purge", title="Destroying data past its retention period")
def retention_purge(job: Job, report: Report) -> dict:
    """The daily purge (amhe.core.retention). Idempotent: it measures every cutoff from
    the moment kept on its PurgeRun, so a run started again after its worker died
    destroys only what the first attempt had not yet, and records it on the same run."""
    report(5, "Purging")
    run = retention.purge(trigger=PurgeRun.Trigger.SCHEDULE, job=job, progress=report)
    return {"purge_run": run.pk, "removed": run.total}
