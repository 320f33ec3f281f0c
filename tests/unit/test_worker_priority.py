"""Jobs yield the CPU to the web server: each process that runs jobs lowers its own priority."""

from amhe import celery as celery_app


def test_a_job_process_lowers_its_priority_by_the_setting(settings, monkeypatch):
    calls = []
    monkeypatch.setattr(celery_app.os, "nice", calls.append)
    settings.AMHE_WORKER_NICE = 10
    celery_app.lower_job_priority()
    assert calls == [10]


def test_zero_leaves_the_priority_alone(settings, monkeypatch):
    calls = []
    monkeypatch.setattr(celery_app.os, "nice", calls.append)
    settings.AMHE_WORKER_NICE = 0
    celery_app.lower_job_priority()
    assert calls == []


def test_it_runs_in_every_process_that_runs_jobs():
    from celery.signals import worker_process_init

    assert any(receiver() is celery_app.lower_job_priority for _, receiver in worker_process_init.receivers)
