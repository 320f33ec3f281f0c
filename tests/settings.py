"""Settings for the test suite: the app's own settings with test-only changes.

The worker process started by the job tests uses this module too, with
AMHE_WORKER_ON_TEST_DB=1 so it opens the test database pytest-django made.
"""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-" + "x" * 40)
os.environ.setdefault("AMHE_TESTING", "1")
os.environ.setdefault("AMHE_PSEUDONYM_KEY", "test-only-pseudonym-key-" + "p" * 40)
# A queue of this run's own, so a development worker never takes a test's job.
# The worker process the tests start inherits it.
os.environ.setdefault("AMHE_TEST_RUN", str(os.getpid()))
RUN = os.environ["AMHE_TEST_RUN"]
# `make test` runs the suite in parallel (pytest-xdist): each test process has its own
# queue, cache prefix and test database. The worker processes inherit the run's
# settings from the first process, so these are set, not defaulted; the Celery worker
# a test process starts inherits PYTEST_XDIST_WORKER and works out the same names.
if os.environ.get("PYTEST_XDIST_WORKER"):
    RUN = f"{RUN}_{os.environ['PYTEST_XDIST_WORKER']}"
    os.environ["CELERY_QUEUE"] = f"amhe-test-{RUN}"
    os.environ["CACHE_KEY_PREFIX"] = f"amhe-test-{RUN}"
os.environ.setdefault("CELERY_QUEUE", f"amhe-test-{RUN}")
# Short enough for the killed-worker test to see a lost job picked up again.
os.environ.setdefault("AMHE_JOB_STALE_SECONDS", "4")
# The tests' worker competes with the test processes it answers: no lower priority.
os.environ.setdefault("AMHE_WORKER_NICE", "0")
os.environ.setdefault("CELERY_VISIBILITY_TIMEOUT", "5")
os.environ.setdefault("CELERY_UNACKED_RESTORE_INTERVAL", "1")
os.environ.setdefault("CELERY_UNACKED_RESTORE_THROTTLE", "1")
os.environ.setdefault("AMHE_WORKER_HEARTBEAT_SECONDS", "1")
# Rate-limit counters and other cache keys of this run only.
os.environ.setdefault("CACHE_KEY_PREFIX", f"amhe-test-{RUN}")

from amhe.settings import *  # noqa: E402,F403
from amhe.settings import DATABASES, VAR_DIR  # noqa: E402

# A test database of this run's own, so two runs on one machine never share one.
_default = DATABASES["default"]
if _default["ENGINE"] == "django.db.backends.sqlite3":
    _default["TEST"] = {"NAME": str(VAR_DIR / f"test-{RUN}.sqlite3")}
else:
    _default["TEST"] = {"NAME": f"test_{_default['NAME']}_{RUN}"}
    # A throw-away database: a commit need not wait for its WAL to reach the disk
    # (a crash could lose the last few commits, never corrupt anything). The test
    # processes, their live servers and the Celery worker all commit a great deal.
    _default.setdefault("OPTIONS", {})["options"] = "-c synchronous_commit=off"

# Plain HTTP in tests (the live server and the test client do not speak TLS).
# Every chart a test builds is checked by plotly.graph_objects (amhe/analysis/charts.py).
AMHE_VALIDATE_CHARTS = True

SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
ALLOWED_HOSTS = ["localhost", "127.0.0.1", "testserver"]

# Fast hashing: password strength is not what these tests measure.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

if os.environ.get("AMHE_WORKER_ON_TEST_DB") == "1":
    _default["NAME"] = _default["TEST"]["NAME"]

# Two-factor sign-in is on for a live site (DEBUG off, as here) and always for its superusers;
# the suite's other tests sign people in with force_login, so it is off here by default and
# tests/integration/test_two_factor.py turns it on wherever it checks it.
AMHE_TWO_FACTOR_DEFAULT = False
AMHE_TWO_FACTOR_SUPERUSERS = False
# Record-level exports and deletions ask to sign in again after AMHE_REAUTH_MINUTES (5 on a
# live site); a long walk over every URL on a slow machine could outlast that, so the suite
# allows 20, and tests/integration/test_reauthenticate.py sets 5 itself.
AMHE_REAUTH_MINUTES = 20
