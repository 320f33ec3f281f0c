"""tests/demo_data.py puts back, for a later test, the state load_demo left for an earlier one."""

from pathlib import Path

import pytest
from django.core import mail
from django.core.management import call_command

from amhe.core.models import Job, Project, User
from tests import demo_data


def _flush():
    call_command("flush", verbosity=0, interactive=False)


def _state():
    counts = {table: count for table, count in demo_data._row_counts().items() if count}
    return {
        "counts": counts,
        "users": sorted(User.objects.values_list("email", "full_name", "organisation__name")),
        "projects": sorted(Project.objects.values_list("name", "organisation__name", "area")),
        "jobs": sorted(Job.objects.values_list("kind", "state")),
        "emails": sorted((message.subject, tuple(message.to)) for message in mail.outbox),
    }


@pytest.mark.django_db(transaction=True)
def test_the_copy_gives_what_load_demo_gave(settings, tmp_path, monkeypatch):
    settings.DEBUG = True
    settings.MEDIA_ROOT = tmp_path / "first"
    sent = []
    monkeypatch.setattr("amhe.core.services._send", sent.append)
    monkeypatch.setattr(demo_data, "_copy", None)
    _flush()  # empty, as after an earlier transactional test
    demo_data.load_demo_for_test()
    loaded = _state()
    loaded_files = sorted(p.relative_to(settings.MEDIA_ROOT) for p in Path(settings.MEDIA_ROOT).rglob("*.*"))
    loaded_sent = list(sent)
    assert demo_data._copy is not None and loaded["counts"] and loaded_files and loaded_sent

    _flush()
    mail.outbox.clear()
    sent.clear()
    settings.MEDIA_ROOT = tmp_path / "second"
    demo_data.load_demo_for_test()
    restored = _state()

    assert restored == loaded
    assert sorted(p.relative_to(settings.MEDIA_ROOT) for p in Path(settings.MEDIA_ROOT).rglob("*.*")) == loaded_files
    assert sent == loaded_sent  # the same job messages, sent again on commit
    # New rows go on after the copied ids.
    newest = User.objects.order_by("pk").last().pk
    assert User.objects.create_user("new@example.org", "x" * 12).pk > newest

    # Data made before the demo: the real command runs, on top of it.
    _flush()
    User.objects.create_user("before@example.org", "x" * 12)
    restored_for = []
    monkeypatch.setattr(demo_data, "_restore", restored_for.append)
    demo_data.load_demo_for_test()
    assert restored_for == []
    assert User.objects.filter(email="before@example.org").exists()
    assert User.objects.filter(email__endswith="wy-icb.example").count() == 5
