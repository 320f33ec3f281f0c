"""Load benchmark for Identify 1B surveys: 200 people complete a 10-question
survey at once while a staff user browses its results.

    .venv/bin/pip install -r benchmarks/requirements.txt
    .venv/bin/python benchmarks/survey_load.py            # 200 respondents (about 2 minutes)
    .venv/bin/python benchmarks/survey_load.py --respondents 20 --quick

What it does, all on loopback:
1. A database of its own on the machine's PostgreSQL (dropped and made again)
   and Redis db 14 for the cache and rate-limit counters; migrate;
   collectstatic into a temporary folder.
2. Seeds an organisation, a lead, a project and a published 10-question survey
   (one of each question kind plus a show-if follow-up).
3. Serves the app as in production (DEBUG off, gunicorn with a self-signed
   TLS certificate so the Secure cookies work, WhiteNoise) with --workers.
4. Baseline, same run: one respondent alone, so the page times under no load
   are known.
5. Load: Locust starts --respondents users who each complete the survey once
   (GET each page, POST its form) plus one logged-in lead who keeps opening
   the results pages, until every respondent has finished.
6. Checks the database: every respondent who reached the confirmation page has
   exactly one submitted response with all of its answers, and no other
   response exists.

The open link's rate limit is raised for the run (every simulated person comes
from 127.0.0.1). Static files are not requested (browsers cache them; WhiteNoise
serves them). Figures go to benchmarks/results/survey-load-latest.json.
Needs PostgreSQL at 127.0.0.1:5432 (user postgres) and Redis at 127.0.0.1:6379.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import secrets
import shutil
import signal
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "survey-load-latest.json"
PASSWORD = "load-test-password-" + secrets.token_hex(8)
STAFF_EMAIL = "lead@load.example"

SEED = r"""
import django, json, sys
django.setup()
from django.utils import timezone
from amhe.core.models import Organisation, User, Project, Membership, Role
from identify.models import Survey, Question

org = Organisation.objects.create(name="Load Test ICB", kind="icb")
lead = User.objects.create_user(email=sys.argv[1], password=sys.argv[2], full_name="Load Lead", organisation=org)
project = Project.objects.create(organisation=org, name="Load test", area="Leeds")
Membership.objects.create(user=lead, project=project, role=Role.LEAD)
survey = Survey.objects.create(
    project=project, title="Your experience of mental health support", created_by=lead,
    introduction="We want to hear from you.", privacy_notice="Anonymous. Kept for two years.",
    consent_text="I agree to take part.", confirmation_text="Thank you.", include_equality=False,
    state=Survey.State.PUBLISHED, published_at=timezone.now(),
)
yes_no = [{"value": "yes", "label": "Yes"}, {"value": "no", "label": "No"}]
likert = [{"value": str(i), "label": l} for i, l in enumerate(
    ["Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree"], start=1)]
q = lambda position, kind, text, **kw: Question.objects.create(
    survey=survey, position=position, kind=kind, text=text, required=kw.pop("required", True), **kw)
first = q(1, "single", "Have you used mental health services in the last year?", options=yes_no)
q(2, "multiple", "Which services did you use?", options=[
    {"value": "o1", "label": "GP"}, {"value": "o2", "label": "Talking therapies"},
    {"value": "o3", "label": "Crisis team"}, {"value": "o4", "label": "None of these", "exclusive": True}],
    show_if_question=first, show_if_values=["yes"])
q(3, "likert", "I was treated with respect.", options=likert)
q(4, "rating", "How would you rate the support overall?", min_value=0, max_value=10,
  options=[{"value": str(i), "label": str(i)} for i in range(11)], min_label="Very poor", max_label="Excellent")
q(5, "text", "What one word describes your experience?")
q(6, "long_text", "What would have made it better?", required=False)
q(7, "number", "How many weeks did you wait for your first appointment?", min_value=0, max_value=520)
q(8, "date", "When did you last use a service?")
q(9, "single", "Did you know where to go for help?", options=yes_no)
q(10, "likert", "I would recommend the service to a friend.", options=likert)
print(json.dumps({"project": project.pk, "survey": str(survey.pk), "token": survey.open_token,
                  "questions": [x.pk for x in survey.questions.order_by("position")]}))
"""

CHECK = r"""
import django, json, sys
django.setup()
from django.db.models import Count
from identify.models import SurveyResponse, Answer
responses = SurveyResponse.objects.filter(survey_id=sys.argv[1])
submitted = responses.filter(state="submitted")
per_response = list(submitted.annotate(n=Count("answers")).values_list("n", flat=True))
print(json.dumps({
    "responses": responses.count(),
    "submitted": submitted.count(),
    "in_progress": responses.filter(state="in_progress").count(),
    "answers": Answer.objects.filter(response__survey_id=sys.argv[1]).count(),
    "answers_per_submitted": sorted(set(per_response)),
}))
"""


def run(cmd, env, **kw):
    return subprocess.run(cmd, env=env, cwd=ROOT, check=True, text=True, capture_output=True, **kw)


def percentile(values: list[float], pct: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, int(round(pct / 100 * len(ordered) + 0.5)) - 1))
    return ordered[rank]


def summarise(samples: list, who: str) -> dict:
    times = [ms for w, ms, _ok in samples if w == who]
    errors = sum(1 for w, _ms, ok in samples if w == who and not ok)
    return {
        "requests": len(times),
        "errors": errors,
        "p50_ms": percentile(times, 50),
        "p95_ms": percentile(times, 95),
        "p99_ms": percentile(times, 99),
        "max_ms": max(times) if times else None,
    }


def locust(python: str, env: dict, users: int, spawn_rate: float, run_time: str, classes: list[str], workdir: Path):
    done = workdir / f"locust-{users}.json"
    env = {**env, "LOAD_DONE_FILE": str(done)}
    cmd = [
        python,
        "-m",
        "locust",
        "-f",
        str(ROOT / "benchmarks" / "locustfile_survey.py"),
        "--headless",
        "-u",
        str(users),
        "-r",
        str(spawn_rate),
        "--run-time",
        run_time,
        "--stop-timeout",
        "30",
        "--host",
        env["LOAD_HOST"],
        "--only-summary",
        "--loglevel",
        "WARNING",
        *classes,
    ]
    started = time.perf_counter()
    proc = subprocess.run(cmd, env=env, cwd=ROOT, text=True, capture_output=True)
    elapsed = time.perf_counter() - started
    if not done.exists():
        sys.exit(f"Locust did not finish:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return json.loads(done.read_text()), elapsed, proc


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--respondents", type=int, default=200)
    parser.add_argument("--spawn-rate", type=float, default=50, help="respondents started per second")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--database", default="amhe_load")
    parser.add_argument("--redis-db", type=int, default=14)
    parser.add_argument("--run-time", default="10m", help="upper bound on the load phase")
    parser.add_argument("--quick", action="store_true", help="skip the baseline")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args()

    python = sys.executable
    workdir = Path(tempfile.mkdtemp(prefix="amhe-load-"))
    db_url = f"postgres://postgres@127.0.0.1:5432/{args.database}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "amhe.settings",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": db_url,
        "REDIS_URL": f"redis://127.0.0.1:6379/{args.redis_db}",
        "CACHE_KEY_PREFIX": f"amhe-load-{os.getpid()}",
        "STATIC_ROOT": str(workdir / "static"),
        "AMHE_PUBLIC_FORM_RATE": "1000000/m",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }
    print(f"Database {args.database} (dropped and made again), Redis db {args.redis_db}")
    subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", args.database], check=True)
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", args.database], check=True)
    run([python, "manage.py", "migrate", "--noinput"], env)
    run([python, "manage.py", "collectstatic", "--noinput"], env)
    seeded = json.loads(run([python, "-c", SEED, STAFF_EMAIL, PASSWORD], env).stdout.strip().splitlines()[-1])
    survey_path = f"/s/{seeded['token']}/"
    base = f"/projects/{seeded['project']}/identify/surveys/{seeded['survey']}"
    results_paths = [f"{base}/results/"] + [
        f"{base}/results/{qid}/?by=ethnicity_high" for qid in seeded["questions"][:3]
    ]

    key, cert = workdir / "key.pem", workdir / "cert.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    host = f"https://127.0.0.1:{args.port}"
    server = subprocess.Popen(
        [
            python,
            "-m",
            "gunicorn",
            "amhe.wsgi",
            "--bind",
            f"127.0.0.1:{args.port}",
            "--workers",
            str(args.workers),
            "--threads",
            str(args.threads),
            "--worker-class",
            "gthread",
            "--certfile",
            str(cert),
            "--keyfile",
            str(key),
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
        start_new_session=True,
    )
    try:
        context = ssl.create_default_context(cafile=str(cert))
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{host}/accounts/login/", context=context, timeout=2)
                break
            except Exception:
                time.sleep(0.2)
        else:
            sys.exit("The server did not start")
        load_env = {
            **env,
            "LOAD_HOST": host,
            "LOAD_SURVEY_PATH": survey_path,
            "LOAD_RESULTS_PATHS": ",".join(results_paths),
            "LOAD_STAFF_EMAIL": STAFF_EMAIL,
            "LOAD_STAFF_PASSWORD": PASSWORD,
            "REQUESTS_CA_BUNDLE": str(cert),
        }
        baseline = None
        if not args.quick:
            print("Baseline: one respondent alone")
            data, elapsed, _ = locust(
                python, {**load_env, "LOAD_RESPONDENTS": "1"}, 1, 1, "2m", ["Respondent"], workdir
            )
            baseline = {
                "completed": data["completed"],
                "seconds": round(elapsed, 1),
                **summarise(data["samples"], "respondent"),
            }
        print(f"Load: {args.respondents} respondents and one staff user browsing results")
        data, elapsed, proc = locust(
            python,
            {**load_env, "LOAD_RESPONDENTS": str(args.respondents)},
            args.respondents + 1,
            args.spawn_rate,
            args.run_time,
            ["Respondent", "StaffBrowser"],
            workdir,
        )
        check = json.loads(run([python, "-c", CHECK, seeded["survey"]], env).stdout.strip().splitlines()[-1])
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        shutil.rmtree(workdir, ignore_errors=True)

    respondents = summarise(data["samples"], "respondent")
    staff = summarise(data["samples"], "staff")
    everything = summarise([("all", ms, ok) for _w, ms, ok in data["samples"]], "all")
    baseline_runs = 1 if baseline else 0
    baseline_completed = baseline["completed"] if baseline else 0
    result = {
        "machine": {"cores": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "settings": {
            "respondents": args.respondents,
            "spawn_rate": args.spawn_rate,
            "gunicorn_workers": args.workers,
            "threads": args.threads,
            "database": "PostgreSQL",
            "cache": "Redis",
            "baseline_runs": baseline_runs,
        },
        "baseline_one_respondent": baseline,
        "load": {
            "seconds": round(elapsed, 1),
            "completed": data["completed"],
            "respondent_requests": respondents,
            "staff_requests": staff,
            "all_requests": everything,
        },
        "database_check": check,
        "targets": {
            "p95_under_500_ms": everything["p95_ms"] is not None and everything["p95_ms"] < 500,
            "zero_errors": everything["errors"] == 0,
            # The baseline's respondent is in the same survey.
            "every_response_stored_once": (
                data["completed"] == args.respondents
                and check["submitted"] == check["responses"] == args.respondents + baseline_completed
                and check["in_progress"] == 0
                and len(check["answers_per_submitted"]) == 1
            ),
        },
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2) + "\n")
    print(
        json.dumps({k: result[k] for k in ("baseline_one_respondent", "load", "database_check", "targets")}, indent=2)
    )
    if not all(result["targets"].values()):
        print(proc.stdout[-2000:], proc.stderr[-2000:])


if __name__ == "__main__":
    main()
