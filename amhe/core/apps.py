from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class CoreConfig(AppConfig):
    name = "amhe.core"
    label = "core"
    verbose_name = "AMHE core"

    def ready(self):
        from amhe.celery import ensure_broker_dirs

        ensure_broker_dirs()
        # Every sign-in starts the session's clocks and decides its two-factor rule (signal receiver).
        from amhe.core import two_factor  # noqa: F401

        # Each app registers its job handlers in a `jobs.py` module.
        autodiscover_modules("jobs")
        # ... and their demo data for `manage.py load_demo` in a `demo.py`.
        autodiscover_modules("demo")
        # ... and sections of the project home page in a `home.py`.
        autodiscover_modules("home")
        # ... and which sub-steps have work recorded in a `progress.py`.
        autodiscover_modules("progress")
        # ... and what they keep for how long, for the retention purge, in a `retention.py`.
        autodiscover_modules("retention")
        # Sign-ins, failed sign-ins, lockouts and sign-outs go to the audit log.
        from amhe.core import audit_signals

        audit_signals.connect()
