"""Load under a big job (issue 15, item 7): survey respondents and staff use the
app while a 1,000,000-row upload is processed, and one worker is killed and the
broker flushed mid-job.

    .venv/bin/pip install -r benchmarks/requirements.txt
    .venv/bin/python benchmarks/load_under_job.py                       # 200 respondents, 50 staff, 1M rows
    .venv/bin/python benchmarks/load_under_job.py --respondents 20 --staff 5 --rows 100000   # quick check
    .venv/bin/python benchmarks/load_under_job.py --no-chaos             # no kill, no flush

What it does, all on loopback (benchmarks/README.md has the details):
1. A database of its own (`--database`, dropped and made again, dropped at the
   end unless --keep-database) and Redis db `--redis-db` (default 9) for the
   cache, rate-limit counters and the Celery broker; migrate; collectstatic.
2. Seeds an organisation, a lead, `--staff` staff members and a published
   10-question survey through the survey builder's services (the same seed as
   benchmarks/survey_load.py).
3. Serves the app as in production (DEBUG off, gunicorn with gunicorn.conf.py's
   worker class, TLS) and starts two Celery workers (`--concurrency 1` each,
   acks late) and Celery beat (which runs the stale-job sweeper).
4. Makes a small extract (`--small-rows`) ready through the app's own path
   (identify.services.extract_upload -> read job -> extract_confirm_mapping ->
   process job), so the staff dashboards show real figures.
5. Generates a `--rows` extract as benchmarks/breakdown.py does and uploads it
   through the same path; the load starts at once: `--respondents` people
   complete the survey again and again and `--staff` logged-in staff keep
   opening the survey results, the Identify dashboards and the reports list,
   until the big upload has been processed (and at least one survey each).
6. Chaos (unless --no-chaos): once the processing job is running, the worker
   running it is killed with SIGKILL (its whole process group) and Redis db
   `--redis-db` is flushed (FLUSHDB: the job's unacknowledged message is gone).
   Recovery is the app's own: beat's `core.requeue_stale_jobs` sends again a
   job whose heartbeat is older than AMHE_JOB_STALE_SECONDS (here
   `--stale-seconds`), and the other worker claims it.
7. Checks: every completed survey has exactly one submitted response with
   exactly its answers and no other response exists; the big extract is READY
   with `--rows` rows, its breakdowns once each, and the jobs' attempts.

Two-factor sign-in is switched off for the run (AMHE_TWO_FACTOR_DEFAULT=0): the
benchmark measures pages, not sign-in. The open link's rate limit is raised
(every simulated person comes from 127.0.0.1). Figures go to
benchmarks/results/load-under-job-latest.json.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import survey_load as sl  # noqa: E402

ROOT = sl.ROOT
RESULTS = ROOT / "benchmarks" / "results" / "load-under-job-latest.json"
PASSWORD = sl.PASSWORD
TARGET_P95_MS = 1000

SEED_STAFF = r"""
import django, json, sys
django.setup()
from amhe.core.models import Membership, Project, Role, User
project = Project.objects.get(pk=int(sys.argv[1]))
for n in range(1, int(sys.argv[2]) + 1):
    user = User.objects.create_user(email=f"staff{n}@load.example", password=sys.argv[3], full_name=f"Staff {n}",
                                    organisation=project.organisation)
    Membership.objects.create(user=user, project=project, role=Role.LEAD)
print("ok")
"""

UPLOAD = r"""
import django, json, sys, time
django.setup()
from django.core.files import File
from amhe.core.models import Project, User
from identify import services
from identify.models import Extract

project = Project.objects.get(pk=int(sys.argv[1]))
lead = User.objects.get(email=sys.argv[2])
path, title, wait = sys.argv[3], sys.argv[4], sys.argv[5] == "1"
started = time.perf_counter()
with open(path, "rb") as fh:
    extract = services.extract_upload(by=lead, project=project, uploaded_file=File(fh, name="referrals.csv"),
                                      title=title, kind="service_use")
uploaded = time.perf_counter()
while True:
    extract.refresh_from_db()
    if extract.state != Extract.State.READING:
        break
    time.sleep(0.5)
if extract.state != Extract.State.MAPPING:
    sys.exit(f"reading failed: {extract.state} {extract.error}")
read = time.perf_counter()
extract = services.extract_confirm_mapping(by=lead, extract=extract, mapping=extract.suggested_mapping,
                                           population=None, reference_groups={}, confidence=0.95)
while wait:
    extract.refresh_from_db()
    if extract.state != Extract.State.PROCESSING:
        break
    time.sleep(0.5)
print(json.dumps({"extract": str(extract.pk), "job": str(extract.job_id), "state": extract.state,
                  "upload_s": round(uploaded - started, 1), "read_s": round(read - uploaded, 1),
                  "process_s": round(time.perf_counter() - read, 1) if wait else None}))
"""


def job_state(database: str, job_id: str) -> dict:
    """A job's state straight from PostgreSQL (psql: fast enough to poll five times a second)."""
    out = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", database, "-tAF", "|", "-c"]
        + [f"SELECT state, worker, attempts, progress FROM core_job WHERE id = '{job_id}'"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    state, worker, attempts, progress = out.split("|")
    return {"state": state, "worker": worker, "attempts": int(attempts), "progress": int(progress)}


CHECK_EXTRACT = r"""
import django, json, sys
django.setup()
from collections import Counter
from amhe.core.models import Job
from identify.models import Breakdown, Extract, QualityReport
extract = Extract.objects.get(pk=sys.argv[1])
dims = Counter(Breakdown.objects.filter(extract=extract).values_list("dimension", flat=True))
jobs = Job.objects.filter(params__extract_id=str(extract.pk)).order_by("created_at")
quality = QualityReport.objects.filter(extract=extract).first()
print(json.dumps({
    "state": extract.state, "error": extract.error, "row_count": extract.row_count,
    "quality_rows": quality.report.get("rows") if quality else None,
    "quality_reports": QualityReport.objects.filter(extract=extract).count(),
    "breakdowns": sum(dims.values()), "distinct_breakdowns": len(dims),
    "jobs": [{"kind": j.kind, "state": j.state, "attempts": j.attempts, "worker": j.worker,
              "seconds": round((j.finished_at - j.created_at).total_seconds(), 1) if j.finished_at else None,
              "result": j.result} for j in jobs],
    "jobs_not_finished": jobs.exclude(state__in=["succeeded", "failed"]).count(),
    "all_jobs": sorted(Counter(f"{kind} {state}" for kind, state in Job.objects.values_list("kind", "state")).items()),
}))
"""


def django_json(python: str, env: dict, script: str, *argv) -> dict:
    return json.loads(sl.run([python, "-c", script, *map(str, argv)], env).stdout.strip().splitlines()[-1])


def start_worker(python: str, env: dict, name: str, logdir: Path) -> subprocess.Popen:
    log = (logdir / f"{name}.log").open("w")
    return subprocess.Popen(
        [python, "-m", "celery", "-A", "amhe", "worker", "-n", f"{name}@load", "--concurrency", "1"]
        + ["--loglevel", "info", "--without-gossip", "--without-mingle"],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--respondents", type=int, default=200)
    parser.add_argument("--staff", type=int, default=50)
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows in the big upload")
    parser.add_argument("--small-rows", type=int, default=20_000, help="rows in the extract made ready first")
    parser.add_argument("--spawn-rate", type=float, default=10)
    parser.add_argument("--think", default="3,8", help="respondent seconds on a page (min,max)")
    parser.add_argument("--staff-think", default="2,6", help="staff seconds on a page (min,max)")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn worker processes (the Dockerfile runs 3)")
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--no-chaos", action="store_true", help="do not kill a worker or flush Redis")
    parser.add_argument("--stale-seconds", type=int, default=60, help="AMHE_JOB_STALE_SECONDS for the run")
    parser.add_argument("--min-seconds", type=float, default=0, help="keep the load on at least this long")
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--database", default="amhe_load")
    parser.add_argument("--keep-database", action="store_true")
    parser.add_argument("--redis-db", type=int, default=9)
    parser.add_argument("--run-time", default="30m", help="upper bound on the load phase")
    parser.add_argument("--timeout", type=float, default=1800, help="give up waiting for the job after this")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument("--keep-workdir", action="store_true")
    args = parser.parse_args()
    if args.redis_db == 0:
        sys.exit("Use a Redis database of the benchmark's own (not 0): it is flushed")

    python = sys.executable
    workdir = Path(tempfile.mkdtemp(prefix="amhe-load-job-"))
    redis_url = f"redis://127.0.0.1:6379/{args.redis_db}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "benchmarks.settings",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "AMHE_PSEUDONYM_KEY": secrets.token_urlsafe(40),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{args.database}",
        "REDIS_URL": redis_url,
        "CACHE_KEY_PREFIX": f"amhe-load-job-{os.getpid()}",
        "STATIC_ROOT": str(workdir / "static"),
        "AMHE_VAR_DIR": str(workdir / "var"),
        "MEDIA_ROOT": str(workdir / "media"),
        "AMHE_PUBLIC_FORM_RATE": "1000000/m",
        "AMHE_TWO_FACTOR_DEFAULT": "0",
        "AMHE_JOB_STALE_SECONDS": str(args.stale_seconds),
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }
    wall_started = time.perf_counter()
    print(f"Database {args.database} (dropped and made again), Redis db {args.redis_db} (flushed)")
    subprocess.run(["redis-cli", "-n", str(args.redis_db), "FLUSHDB"], check=True, capture_output=True)
    subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", args.database], check=True)
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", args.database], check=True)
    sl.run([python, "manage.py", "migrate", "--noinput"], env)
    sl.run([python, "manage.py", "collectstatic", "--noinput"], env)
    seeded = json.loads(sl.run([python, "-c", sl.SEED, sl.STAFF_EMAIL, PASSWORD, "0"], env).stdout.splitlines()[-1])
    sl.run([python, "-c", SEED_STAFF, str(seeded["project"]), str(args.staff), PASSWORD], env)
    project = seeded["project"]

    print(f"Generating the extracts ({args.small_rows:,} and {args.rows:,} rows) as breakdown.py does")
    from benchmarks import breakdown

    small_csv, big_csv = workdir / "small.csv", workdir / "big.csv"
    breakdown.generate_extract(str(small_csv), args.small_rows, seed=7)
    generated = breakdown.generate_extract(str(big_csv), args.rows)

    key, cert = workdir / "key.pem", workdir / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1"]
        + ["-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )
    access_log = workdir / "access.log"
    host = f"https://127.0.0.1:{args.port}"
    server = subprocess.Popen(
        [python, "-m", "gunicorn", "amhe.wsgi", "--bind", f"127.0.0.1:{args.port}", "--workers", str(args.workers)]
        + ["--threads", str(args.threads), "--certfile", str(cert), "--keyfile", str(key), "--log-level", "warning"]
        + ["--access-logfile", str(access_log), "--access-logformat", "%(m)s %(U)s %(s)s %(D)s"],
        env=env,
        cwd=ROOT,
        start_new_session=True,
    )
    workers = {name: start_worker(python, env, name, workdir) for name in ("w1", "w2")}
    beat = subprocess.Popen(
        [python, "-m", "celery", "-A", "amhe", "beat", "--loglevel", "info", "--schedule", str(workdir / "beat")],
        env=env,
        cwd=ROOT,
        stdout=(workdir / "beat.log").open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    chaos: dict = {"enabled": not args.no_chaos}
    stop_file = workdir / "stop"
    try:
        context = sl.wait_for_server(host, cert)

        print("Small extract: upload, read, map, process (before the load)")
        small = django_json(python, env, UPLOAD, project, sl.STAFF_EMAIL, small_csv, "Small referrals", "1")
        if small["state"] != "ready":
            sys.exit(f"The small extract did not process: {small}")
        base = f"/projects/{project}"
        survey_base = f"{base}/identify/surveys/{seeded['survey']}"
        staff_paths = [
            f"project home={base}/",
            f"survey results={survey_base}/results/",
            f"question results={survey_base}/results/{seeded['own_questions'][0]['id']}/",
            f"identify overview={base}/identify/",
            f"dashboard={base}/identify/data/{small['extract']}/dashboard/",
            f"quality={base}/identify/data/{small['extract']}/quality/",
            f"reports={base}/reports/",
        ]
        for _ in range(args.workers * 4):  # warm every gunicorn worker
            urllib.request.urlopen(f"{host}/s/{seeded['token']}/", context=context, timeout=10).read()
        sl.AccessLog(access_log).new_lines()
        log = sl.AccessLog(access_log)
        log.new_lines()

        print(f"Big upload ({args.rows:,} rows) through extract_upload; load starts now")
        big: dict = {}
        big_started = time.perf_counter()

        def upload_big():
            big.update(django_json(python, env, UPLOAD, project, sl.STAFF_EMAIL, big_csv, "Big referrals", "0"))

        uploader = threading.Thread(target=upload_big, daemon=True)
        uploader.start()

        def watch():
            """Kill the processing job's worker and flush Redis; then end the load when the job is done."""
            uploader.join()
            if not big:
                stop_file.write_text("upload failed")
                return
            job_id = big["job"]
            deadline = time.perf_counter() + args.timeout
            killed = False
            while time.perf_counter() < deadline:
                state = job_state(args.database, job_id)
                # Killed once the job is under way (progress 5%: loading the table).
                if not killed and not args.no_chaos and state["state"] == "running" and state["progress"] >= 5:
                    name = state["worker"].split("@")[0]
                    if name in workers:
                        os.killpg(workers[name].pid, signal.SIGKILL)
                        flushed = subprocess.run(
                            ["redis-cli", "-n", str(args.redis_db), "FLUSHDB"], capture_output=True, text=True
                        ).stdout.strip()
                        chaos.update(
                            killed_worker=name,
                            killed_at_s=round(time.perf_counter() - big_started, 1),
                            job_progress_when_killed=state["progress"],
                            redis_flushdb=flushed,
                        )
                        killed = True
                        print(f"  SIGKILL {name} at {state['progress']}% of the job; FLUSHDB {args.redis_db}")
                if state["state"] in ("succeeded", "failed"):
                    chaos["job_finished_at_s"] = round(time.perf_counter() - big_started, 1)
                    break
                time.sleep(0.2)
            remaining = args.min_seconds - (time.perf_counter() - big_started)
            if remaining > 0:
                time.sleep(remaining)
            stop_file.write_text("done")

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        load, proc = sl.locust(
            python,
            {
                **env,
                "LOAD_HOST": host,
                "LOAD_SURVEY_PATH": f"/s/{seeded['token']}/",
                "LOAD_RESULTS_PATHS": ",".join(staff_paths),
                "LOAD_STAFF_EMAIL": "staff{n}@load.example",
                "LOAD_STAFF_PASSWORD": PASSWORD,
                "LOAD_STAFF": str(args.staff),
                "LOAD_STAFF_THINK": args.staff_think,
                "LOAD_CA_BUNDLE": str(cert),
                "LOAD_RESPONDENTS": str(args.respondents),
                "LOAD_LOOPS": "1",
                "LOAD_THINK": args.think,
                "LOAD_SEED": str(args.seed),
                "LOAD_STOP_FILE": str(stop_file),
            },
            args.respondents + args.staff,
            args.spawn_rate,
            args.run_time,
            ["Respondent", "StaffBrowser"],
            workdir / "load.json",
        )
        watcher.join(timeout=5)
        server_times = sl.server_side(log.new_lines())
        check = django_json(python, env, sl.CHECK, seeded["survey"], workdir / "load.json")
        extract_check = django_json(python, env, CHECK_EXTRACT, big["extract"]) if big else {"upload": "failed"}
        worker_logs = {name: (workdir / f"{name}.log").read_text()[-3000:] for name in workers}
    finally:
        for proc_ in (server, beat, *workers.values()):
            try:
                os.killpg(proc_.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        for proc_ in (server, beat, *workers.values()):
            try:
                proc_.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc_.pid, signal.SIGKILL)
        if not args.keep_database:
            subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", args.database])
        if args.keep_workdir:
            print(f"Kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)

    per_kind = sl.by_name(load["samples"])
    completed = len(load["completed"])
    everything = sl.overall(load["samples"])
    process_jobs = [j for j in extract_check.get("jobs", []) if j["kind"] == "identify.process_extract"]
    result = {
        "date": datetime.date.today().isoformat(),
        "command": " ".join([".venv/bin/python benchmarks/load_under_job.py", *sys.argv[1:]]),
        "machine": {
            "cores": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
        },
        "settings": {
            "respondents": args.respondents,
            "staff": args.staff,
            "rows": args.rows,
            "think_seconds": args.think,
            "staff_think_seconds": args.staff_think,
            "gunicorn": f"{args.workers} workers x {args.threads} threads (gthread), TLS",
            "celery": "2 workers, concurrency 1 each, acks late; beat for the stale-job sweeper",
            "stale_seconds": args.stale_seconds,
            "staff_pages": [p.split("=")[0] for p in staff_paths],
        },
        "extract_generated": {k: generated[k] for k in generated if k in ("rows", "bytes", "seconds")},
        "small_extract": small,
        "load": {
            "seconds": load["wall_seconds"],
            "surveys_completed": completed,
            "respondents_failed": len(load["failed"]),
            "failures": sorted(set(load["failed"]))[:20],
            "staff_failures": load.get("staff_failures", [])[:20],
            # GETs sent again after the server closed their kept-alive connection as they went out
            # (as a browser does; locustfile_survey._User): not errors, but counted.
            "connection_retries": load.get("connection_retries", {}),
            "staff_rounds": load["staff_rounds"],
            "locust_cpu_warnings": load["cpu_warnings"],
            "all_requests": everything,
            "respondent_requests": sl.overall(load["samples"], "respondent"),
            "staff_requests": sl.overall(load["samples"], "staff"),
            "per_request": per_kind,
            "steps": sl.step_stats(load["steps"])["all"],
            "server": server_times,
            "timeline": sl.timeline(load["samples"]),
        },
        "chaos": chaos,
        "survey_check": check,
        "extract_check": extract_check,
    }
    result["targets"] = {
        "p95_under_1s_every_page_kind": all(
            s["p95_ms"] is not None and s["p95_ms"] < TARGET_P95_MS
            for name, s in per_kind.items()
            if not name.startswith("staff login")
        ),
        "zero_errors": everything["errors"] == 0 and not load["failed"],
        "every_response_stored_once": (
            check["respondents_completed"] == completed
            and check["distinct_tokens"] == completed
            and check["submitted"] == completed
            and check["stored_exactly_as_sent"] == completed
            and check["responses_nobody_completed"] == 0
        ),
        "job_finished_correctly": (
            extract_check.get("state") == "ready"
            and extract_check.get("row_count") == args.rows
            and extract_check.get("quality_rows") == args.rows
            and extract_check.get("quality_reports") == 1
            and extract_check.get("breakdowns") == extract_check.get("distinct_breakdowns") > 0
            and len(process_jobs) == 1
            and process_jobs[0]["state"] == "succeeded"
            and extract_check.get("jobs_not_finished") == 0
        ),
    }
    if not args.no_chaos:
        result["targets"]["worker_killed_and_redis_flushed_mid_job"] = "killed_worker" in chaos
    result["wall_seconds"] = round(time.perf_counter() - wall_started, 1)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2) + "\n")
    summary = {k: result[k] for k in ("settings", "chaos", "survey_check", "extract_check", "targets")}
    summary["load"] = {
        k: result["load"][k]
        for k in ("seconds", "surveys_completed", "respondents_failed", "staff_failures", "connection_retries")
    }
    summary["per_request"] = per_kind
    print(json.dumps(summary, indent=2))
    if load["failed"] or not result["targets"]["job_finished_correctly"]:
        print("Failures:", sorted(set(load["failed"]))[:10])
        for name, text in worker_logs.items():
            print(f"--- {name} log (end)\n{text[-1500:]}")
        print(proc.stderr[-1500:])
    print(f"Written to {args.output}")


if __name__ == "__main__":
    main()
