"""In-process server time and queries of the pages that missed 1 s under load (issue 15,
benchmarks/load_under_job.py), against a trivial view, same run, on PostgreSQL.

    .venv/bin/python benchmarks/load_pages.py                       # 100 rounds
    .venv/bin/python benchmarks/load_pages.py --rounds 30 --profile "survey results"

Makes its own PostgreSQL database (`--database`, dropped and made again, dropped at the
end), migrates it with DEBUG off and benchmarks/settings.py, and seeds it as
load_under_job.py does: survey_load.py's organisation, lead and published ten-question
survey, `--responses` responses sent through the open link, and a `--rows` extract
(generated as benchmarks/breakdown.py does) uploaded, read and processed through the
app's own services (the jobs run in this process). Each round then requests, through
Django's test Client (the whole handler and middleware stack, no network), the trivial
view, POST start (consent), POST check your answers (send; the response was answered
beforehand, not timed), and, signed in as the lead, the project home, the survey
results and the Identify overview; each is timed with time.process_time (this
process's CPU time, so other load on the machine matters less) and its queries
counted. Prints each page's median CPU time, its ratio to the trivial view's, and its
queries. `--profile KIND` prints a cProfile of that page instead.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import io
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KINDS = ["trivial", "POST start", "POST check", "project home", "survey results", "identify overview"]


def setup(workdir: str, database: str, reuse: bool) -> bool:
    """Settings, and a migrated database (True if it was made now)."""
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.settings"
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("SECRET_KEY", "benchmark-only-" + "x" * 50)
    os.environ.setdefault("AMHE_PSEUDONYM_KEY", "benchmark-only-" + "y" * 40)
    os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{database}"
    os.environ["STATIC_ROOT"] = f"{workdir}/static"
    os.environ["MEDIA_ROOT"] = f"{workdir}/media"
    os.environ["AMHE_VAR_DIR"] = f"{workdir}/var"
    os.environ["AMHE_PUBLIC_FORM_RATE"] = "1000000/m"
    os.environ["AMHE_TWO_FACTOR_DEFAULT"] = "0"
    os.environ.pop("REDIS_URL", None)
    fresh = (
        not reuse
        or subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-lqt"], capture_output=True, text=True)
        .stdout.split()
        .count(database)
        == 0
    )
    if fresh:
        for command in (["dropdb", "--if-exists"], ["createdb"]):
            subprocess.run([*command, "-h", "127.0.0.1", "-U", "postgres", database], check=True)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.ALLOWED_HOSTS = ["testserver"]
    if fresh:
        call_command("migrate", verbosity=0)
    if not Path(settings.STATIC_ROOT).exists():
        call_command("collectstatic", interactive=False, verbosity=0)
    return fresh


def survey_load_constants() -> dict:
    """survey_load.py's seed script and lead's email, read without importing it (it needs psutil)."""
    import ast

    tree = ast.parse((ROOT / "benchmarks" / "survey_load.py").read_text())
    wanted = {"SEED", "STAFF_EMAIL"}
    return {
        node.targets[0].id: ast.literal_eval(node.value)
        for node in tree.body
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) in wanted
    }


def seed(workdir: str, responses: int, rows: int) -> dict:
    import json

    from amhe.core import services as core_services
    from amhe.core.models import Project, User
    from benchmarks import breakdown
    from identify.demo import upload_and_process
    from identify.models import Extract

    constants = survey_load_constants()
    out = io.StringIO()
    argv = sys.argv
    sys.argv = ["seed", constants["STAFF_EMAIL"], "x" * 20, "0"]
    try:
        with contextlib.redirect_stdout(out):
            exec(constants["SEED"], {"__name__": "seed"})  # noqa: S102 - the load benchmarks' own seed script
    finally:
        sys.argv = argv
    seeded = json.loads(out.getvalue().splitlines()[-1])
    project = Project.objects.get(pk=seeded["project"])
    lead = User.objects.get(email=constants["STAFF_EMAIL"])
    for _ in range(responses):
        check_url = answered(seeded["token"])
        assert client_post(check_url).status_code == 302
    path = Path(workdir) / "extract.csv"
    breakdown.generate_extract(str(path), rows, seed=7)
    # Uploaded, read, mapped as suggested and processed, as the demo data is.
    extract = upload_and_process(project=project, analyst=lead, path=path, title="Referrals", kind="service_use")
    assert extract.state == Extract.State.READY, extract.state
    # The survey's figures, worked out as the job queued by the last submission would.
    from amhe.core.models import Job

    for job in Job.objects.filter(state=Job.State.QUEUED):
        core_services.job_run(job_id=job.pk)
    (Path(workdir) / "seeded.json").write_text(json.dumps(seeded))
    return {**seeded, "lead": lead}


def seeded_before(workdir: str) -> dict:
    import json

    from amhe.core.models import User

    seeded = json.loads((Path(workdir) / "seeded.json").read_text())
    return {**seeded, "lead": User.objects.get(email=survey_load_constants()["STAFF_EMAIL"])}


def client_post(url, data=None):
    from django.test import Client

    return Client().post(url, data or {}, secure=True)


def answered(token: str) -> str:
    """A response started through the open link with every question answered (through the
    services, untimed); returns its check-your-answers URL."""
    from django.urls import reverse

    from amhe.surveys import responding

    link = responding.link_for(token)
    response = responding.start(link=link, language="en-gb", easy_read=False, consented=True)
    questions = responding.questions_of(link.survey)
    values = {}
    for question in questions:
        kind = question.kind
        options = [o["value"] for o in (question.options or [])]
        if kind in ("single", "likert"):
            values[question.pk] = options[0] if options else "agree"
        elif kind == "multiple":
            values[question.pk] = options[:1]
        elif kind == "rating":
            values[question.pk] = 7
        elif kind == "number":
            values[question.pk] = 3
        elif kind == "date":
            values[question.pk] = "2026-01-02"
        elif kind in ("text", "long_text"):
            values[question.pk] = "Helpful"
    responding.save_page(response=response, questions=questions, values=values)
    return reverse("public:survey-check", kwargs={"token": response.resume_token})


def requests(seeded):
    """{kind: callable() -> (client, method, url, data)}: a fresh request of each kind."""
    from django.test import Client
    from django.urls import reverse

    from benchmarks.urls import TRIVIAL_PATH

    staff = Client()
    staff.force_login(seeded["lead"])
    base = f"/projects/{seeded['project']}"
    start = reverse("public:survey-start", kwargs={"token": seeded["token"]})
    trivial, respondent = Client(), Client()

    # One client for every respondent (its handler, like a server process's, is made once),
    # each starting with no cookies.
    def post_start():
        respondent.cookies.clear()
        respondent.get(start, secure=True)  # the page the form came from (its CSRF cookie), untimed
        return respondent, "post", start, {"consent": "on", "language": "en-gb"}

    def post_check():
        respondent.cookies.clear()
        return respondent, "post", answered(seeded["token"]), {}

    return {
        "trivial": lambda: (trivial, "get", TRIVIAL_PATH, None),
        "POST start": post_start,
        "POST check": post_check,
        "project home": lambda: (staff, "get", f"{base}/", None),
        "survey results": lambda: (staff, "get", f"{base}/identify/surveys/{seeded['survey']}/results/", None),
        "identify overview": lambda: (staff, "get", f"{base}/identify/", None),
    }


def one(make):
    client, method, url, data = make()
    args = (url, data) if data is not None else (url,)
    return client, method, args


def measure(makers, rounds):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times = {kind: [] for kind in makers}
    queries = {kind: [] for kind in makers}
    for _ in range(5):  # warm up: templates, URL resolver, translations
        for make in makers.values():
            client, method, args = one(make)
            getattr(client, method)(*args, secure=True)
    gc.collect()
    gc.freeze()
    gc.disable()
    try:
        for _ in range(rounds):
            for kind, make in makers.items():
                client, method, args = one(make)
                gc.collect()
                with CaptureQueriesContext(connection) as captured:
                    started = time.process_time()
                    got = getattr(client, method)(*args, secure=True)
                    times[kind].append(time.process_time() - started)
                assert got.status_code in (200, 302), (kind, got.status_code)
                queries[kind].append(len(captured))
    finally:
        gc.enable()
        gc.unfreeze()
    return {kind: (statistics.median(times[kind]) * 1000, statistics.median(queries[kind])) for kind in makers}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=100)
    parser.add_argument("--responses", type=int, default=200, help="responses sent before timing")
    parser.add_argument("--rows", type=int, default=20_000, help="rows in the extract made ready")
    parser.add_argument("--database", default="amhe_load_pages")
    parser.add_argument("--profile", choices=KINDS)
    parser.add_argument("--queries", choices=KINDS, help="print the SQL of one request of this kind")
    parser.add_argument(
        "--reuse", type=Path, metavar="DIR", help="keep the database and DIR (static files, seed) for the next run"
    )
    args = parser.parse_args()
    with contextlib.ExitStack() as stack:
        if args.reuse:
            args.reuse.mkdir(parents=True, exist_ok=True)
            workdir = str(args.reuse.resolve())
        else:
            workdir = stack.enter_context(tempfile.TemporaryDirectory(prefix="amhe-load-pages-"))
        fresh = setup(workdir, args.database, bool(args.reuse))
        try:
            seeded = seed(workdir, args.responses, args.rows) if fresh else seeded_before(workdir)
            makers = requests(seeded)
            if args.queries:
                from django.db import connection
                from django.test.utils import CaptureQueriesContext

                client, method, call = one(makers[args.queries])
                with CaptureQueriesContext(connection) as captured:
                    getattr(client, method)(*call, secure=True)
                for query in captured:
                    print(query["sql"][:400])
                return
            if args.profile:
                import cProfile
                import pstats

                measure({args.profile: makers[args.profile]}, 3)
                profiler = cProfile.Profile()
                for _ in range(args.rounds):
                    client, method, call = one(makers[args.profile])
                    profiler.enable()
                    getattr(client, method)(*call, secure=True)
                    profiler.disable()
                pstats.Stats(profiler).sort_stats(os.environ.get("PROFILE_SORT", "cumulative")).print_stats(60)
                return
            medians = measure(makers, args.rounds)
        finally:
            from django.db import connections

            connections.close_all()
            if not args.reuse:
                subprocess.run(
                    ["dropdb", "--if-exists", "-h", "127.0.0.1", "-U", "postgres", args.database], check=False
                )
    base = medians["trivial"][0]
    print(f"median CPU ms over {args.rounds} rounds (DEBUG off, PostgreSQL, test Client, full middleware)")
    for kind in KINDS:
        ms, count = medians[kind]
        print(f"  {kind:18s} {ms:7.2f} ms  {ms / base:5.1f}x trivial  {count:3.0f} queries")


if __name__ == "__main__":
    main()
