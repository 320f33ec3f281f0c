"""In-process server time of the respondent pages against a trivial view, same run.

    .venv/bin/python benchmarks/respondent_pages.py                 # 300 rounds
    .venv/bin/python benchmarks/respondent_pages.py --rounds 100 --profile page

Builds a throwaway SQLite database and static folder (migrated and collected, then seeded through the app's own services
with the same ten-question survey and equality section as benchmarks/survey_load.py),
with DEBUG off and benchmarks/settings.py (the app plus /bench/trivial/, which answers
"ok" through the whole middleware stack). Each round requests, one after another through
Django's test Client (the full handler and middleware stack; no network, no server), the
trivial view, the start page, a question page, check your answers and the confirmation
page, and times each with time.process_time (CPU time of this process, so other load on
the machine matters less than for wall-clock time). Prints each page's median and its
ratio to the trivial view's median; the target is a question page within 5x.
`--profile KIND` prints a cProfile of that page instead.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = 5
KINDS = ["trivial", "start", "page", "check", "done"]


def setup(workdir: str):
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.settings"
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("SECRET_KEY", "benchmark-only-" + "x" * 50)
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir}/bench.sqlite3"
    os.environ["STATIC_ROOT"] = f"{workdir}/static"
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.ALLOWED_HOSTS = ["testserver"]
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)


def seed():
    from amhe.core.models import Membership, Organisation, Project, Role, User
    from amhe.surveys import building

    org = Organisation.objects.create(name="Bench ICB", kind="icb")
    lead = User.objects.create_user(email="lead@bench.example", password="x" * 20, full_name="Lead", organisation=org)
    project = Project.objects.create(organisation=org, name="Bench", area="Leeds")
    Membership.objects.create(user=lead, project=project, role=Role.LEAD)
    survey = building.survey_create(
        by=lead,
        project=project,
        title="Your experience of mental health support",
        introduction="We want to hear from you.",
        privacy_notice="Anonymous. Kept for two years.",
        consent_text="I agree to take part.",
        confirmation_text="Thank you.",
        include_equality=True,
    )

    def add(kind, text, **kw):
        return building.question_add(by=lead, survey=survey, kind=kind, text=text, **kw)

    add("single", "Have you used mental health services in the last year?", option_labels=["Yes", "No"])
    add("multiple", "Which services did you use?", exclusive_last=True, option_labels=["GP", "Talking", "None"])
    add("likert", "I was treated with respect.")
    add("rating", "How would you rate the support?", min_value=0, max_value=10, min_label="Poor", max_label="Good")
    add("text", "What one word describes your experience?")
    add("long_text", "What would have made it better?")
    add("number", "How many weeks did you wait?", min_value=0, max_value=520)
    add("date", "When did you last use a service?")
    building.survey_publish(by=lead, survey=survey)
    return survey


def urls(survey):
    """The URLs of each kind, for one respondent partway through and one who has sent."""
    from django.test import Client
    from django.urls import reverse

    from amhe.surveys.models import SurveyResponse
    from benchmarks.urls import TRIVIAL_PATH

    start = reverse("public:survey-start", kwargs={"token": survey.open_token})
    answering, sent = Client(), Client()
    for client in (answering, sent):
        assert client.post(start, {"consent": "on"}, secure=True).status_code == 302
    responses = list(SurveyResponse.objects.filter(survey=survey).order_by("pk"))
    first, second = responses
    # The second answers every question (nothing is required) and sends.
    page = 1
    while True:
        got = sent.post(
            reverse("public:survey-page", kwargs={"token": second.resume_token, "page": page}), {}, secure=True
        )
        assert got.status_code == 302, got.status_code
        if "/check/" in got.url:
            break
        page += 1
    check_url = reverse("public:survey-check", kwargs={"token": second.resume_token})
    assert sent.post(check_url, {}, secure=True).status_code == 302
    return {
        "trivial": (Client(), TRIVIAL_PATH),
        "start": (Client(), start),
        "page": (answering, reverse("public:survey-page", kwargs={"token": first.resume_token, "page": 2})),
        "check": (answering, reverse("public:survey-check", kwargs={"token": first.resume_token})),
        "done": (sent, reverse("public:survey-done", kwargs={"token": second.resume_token})),
    }


def measure(targets, rounds):
    times = {kind: [] for kind in targets}
    for _ in range(20):  # warm up: templates, URL resolver, translations
        for client, url in targets.values():
            client.get(url, secure=True)
    # The garbage collector runs between requests, not during them. Every round allocates much
    # the same, so otherwise its passes fall on the same page round after round and are charged
    # to it (the trivial view's median was 0.38 or 0.54 ms depending on the other pages' code).
    gc.collect()
    gc.freeze()
    gc.disable()
    try:
        for _ in range(rounds):
            for kind, (client, url) in targets.items():
                gc.collect()
                started = time.process_time()
                got = client.get(url, secure=True)
                times[kind].append(time.process_time() - started)
                assert got.status_code == 200, (kind, got.status_code)
    finally:
        gc.enable()
        gc.unfreeze()
    return {kind: statistics.median(values) * 1000 for kind, values in times.items()}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=300)
    parser.add_argument("--profile", choices=KINDS)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="amhe-respondent-") as workdir:
        setup(workdir)
        targets = urls(seed())
        if args.profile:
            import cProfile
            import pstats

            client, url = targets[args.profile]
            measure({args.profile: targets[args.profile]}, 5)
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(args.rounds):
                client.get(url, secure=True)
            profiler.disable()
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(45)
            return
        medians = measure(targets, args.rounds)
    base = medians["trivial"]
    print(f"median CPU ms over {args.rounds} rounds (DEBUG off, SQLite, test Client, full middleware)")
    for kind in KINDS:
        print(f"  {kind:8s} {medians[kind]:7.2f} ms  {medians[kind] / base:5.1f}x trivial")
    ratio = medians["page"] / base
    print(f"question page: {ratio:.1f}x the trivial view (target {TARGET}x): {'met' if ratio <= TARGET else 'missed'}")


if __name__ == "__main__":
    main()
