"""Settings for the benchmarks' servers: the app's own (production when DEBUG is off),
plus benchmarks/urls.py's trivial view, the yardstick for the pages' server time."""

from amhe.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.urls"
