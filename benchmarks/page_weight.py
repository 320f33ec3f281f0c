"""Page-weight benchmark: what a browser downloads on a first visit (empty cache)
to a chart page (the 1A dashboard) and to the respondent pages, served as in
production.

    .venv/bin/python benchmarks/page_weight.py            # a few minutes (loading the demo data is most of it)

What it does (benchmarks/README.md has the details):
1. A SQLite database and a static folder of its own in a temporary folder;
   migrate; collectstatic with the production storage (hashed names, gzip and
   Brotli copies); the demo data (load_demo: the 1A upload is processed by the
   same jobs as a real one; the demo survey).
2. Serves the app as in production: DEBUG off, gunicorn, WhiteNoise, HTTPS
   with a self-signed certificate on 127.0.0.1 (so the browser asks for Brotli,
   as it does from a real site; over plain HTTP it asks for gzip only).
3. Opens each page in Debian's Chromium (Playwright) in a fresh browser
   context, so nothing is cached, waits until the page has settled (every chart
   drawn), and adds up every response's bytes as they came over the wire:
   headers plus the (compressed) body, from Chromium's own figures.
4. Checks that every static file came under a hashed name with a year-long
   immutable Cache-Control, compressed where it is text.

Pages: the 1A dashboard of the demo referrals upload (signed in as the demo
lead); the survey start page and a question page, in English and in Urdu
(Urdu pages also fetch the Noto Nastaliq Urdu font, reported apart, as the
target allows). Targets: a chart page at most 1 MB; a respondent page at most
150 KB apart from a language's own font.
Figures go to benchmarks/results/page-weight-latest.json.
Needs Chromium (/usr/bin/chromium or CHROMIUM_PATH) and Playwright (in requirements-dev.txt).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "page-weight-latest.json"
CHART_PAGE_MAX = 1_000_000
RESPONDENT_PAGE_MAX = 150_000
FONT = re.compile(r"/static/vendor/fonts/")
HASHED = re.compile(r"\.[0-9a-f]{12}\.[A-Za-z0-9]+$")

FIND = r"""
import django, json
django.setup()
from django.test import Client
from django.urls import reverse
from amhe.core.models import Membership, Role
from identify.models import Extract
from amhe.surveys.models import Survey
from identify.demo import REFERRALS_TITLE

extract = Extract.objects.get(title=REFERRALS_TITLE, state=Extract.State.READY, project__area="Leeds")
lead = Membership.objects.filter(project=extract.project, role=Role.LEAD).first().user
client = Client()
client.force_login(lead)
survey = Survey.objects.filter(project=extract.project, state=Survey.State.PUBLISHED, open_link_enabled=True).first()
print(json.dumps({
    "dashboard": reverse("identify:dashboard", kwargs={"project_id": extract.project_id, "extract_id": extract.pk}),
    "session": client.cookies["sessionid"].value,
    "survey_token": survey.open_token,
    "survey_languages": survey.languages,
}))
"""


def run(cmd, env, **kw):
    try:
        return subprocess.run(cmd, env=env, cwd=ROOT, check=True, text=True, capture_output=True, **kw)
    except subprocess.CalledProcessError as exc:
        sys.exit(f"{' '.join(map(str, cmd[:3]))} failed:\n{exc.stdout[-3000:]}\n{exc.stderr[-3000:]}")


class Visit:
    """Every response a page load brings, with its size on the wire."""

    def __init__(self, context):
        self.context = context
        self.rows: list[dict] = []
        context.on("requestfinished", self._finished)

    def _finished(self, request):
        response = request.response()
        if response is None:
            return
        sizes = request.sizes()
        headers = response.all_headers()
        self.rows.append(
            {
                "url": request.url,
                "status": response.status,
                "type": request.resource_type,
                "encoding": headers.get("content-encoding", ""),
                "cache_control": headers.get("cache-control", ""),
                "headers_bytes": sizes["responseHeadersSize"],
                "body_bytes": sizes["responseBodySize"],
            }
        )


def summarise(rows: list[dict], base: str) -> dict:
    def total(items):
        return sum(r["headers_bytes"] + r["body_bytes"] for r in items)

    fonts = [r for r in rows if FONT.search(r["url"])]
    static = [r for r in rows if r["url"].startswith(f"{base}/static/")]
    problems = []
    for r in static:
        name = r["url"].split("?")[0]
        if not HASHED.search(name):
            problems.append(f"not a hashed name: {name}")
        if "immutable" not in r["cache_control"]:
            problems.append(f"no immutable Cache-Control: {name}")
        if re.search(r"\.(m?js|css|svg|json)$", name) and r["encoding"] not in ("br", "gzip"):
            problems.append(f"not compressed: {name}")
    return {
        "requests": len(rows),
        "transfer_bytes": total(rows),
        "transfer_bytes_without_fonts": total(rows) - total(fonts),
        "font_bytes": total(fonts),
        "static_problems": problems,
        "resources": [
            {
                "path": r["url"].removeprefix(base),
                "type": r["type"],
                "status": r["status"],
                "encoding": r["encoding"],
                "bytes": r["headers_bytes"] + r["body_bytes"],
            }
            for r in sorted(rows, key=lambda r: -(r["headers_bytes"] + r["body_bytes"]))
        ],
    }


def measure(browser, base: str, path: str, *, cookies=(), settle=None) -> dict:
    """Open `path` in a fresh context (empty cache) and add up what came."""
    context = browser.new_context(ignore_https_errors=True)
    try:
        if cookies:
            context.add_cookies(list(cookies))
        page = context.new_page()
        visit = Visit(context)
        page.goto(base + path, wait_until="load")
        settled = settle(page) if settle is not None else None
        page.wait_for_load_state("networkidle")
        time.sleep(0.5)
        result = summarise(visit.rows, base)
        if settled is not None:
            result["charts_drawn"] = settled
        result["path"] = re.sub(r"/(s|r)/[^/]+/", r"/\1/<token>/", path)
        return result
    finally:
        context.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument("--keep-workdir", action="store_true")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    chromium = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(chromium).exists():
        sys.exit("No Chromium: install Debian's chromium package or set CHROMIUM_PATH")
    python = sys.executable
    workdir = Path(tempfile.mkdtemp(prefix="amhe-weight-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "amhe.settings",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": f"sqlite:///{workdir / 'db.sqlite3'}",
        "STATIC_ROOT": str(workdir / "static"),
        "AMHE_VAR_DIR": str(workdir / "var"),
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("REDIS_URL", None)
    started = time.perf_counter()
    print("Migrate, collectstatic, demo data")
    run([python, "manage.py", "migrate", "--noinput"], env)
    run([python, "manage.py", "collectstatic", "--noinput"], env)
    run([python, "manage.py", "load_demo", "--allow-production"], env)
    found = json.loads(run([python, "-c", FIND], env).stdout.strip().splitlines()[-1])

    key, cert = workdir / "key.pem", workdir / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1"]
        + ["-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )
    base = f"https://127.0.0.1:{args.port}"
    server = subprocess.Popen(
        [python, "-m", "gunicorn", "amhe.wsgi", "--bind", f"127.0.0.1:{args.port}", "--workers", "2"]
        + ["--certfile", str(cert), "--keyfile", str(key), "--log-level", "warning"],
        env=env,
        cwd=ROOT,
        start_new_session=True,
    )
    import ssl

    context = ssl.create_default_context(cafile=str(cert))
    pages = {}
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(f"{base}/accounts/login/", context=context, timeout=2)
                break
            except Exception:
                time.sleep(0.2)
        else:
            sys.exit("The server did not start")
        session = {
            "name": "sessionid",
            "value": found["session"],
            "domain": "127.0.0.1",
            "path": "/",
            "secure": True,
            "httpOnly": True,
        }
        start_path = f"/s/{found['survey_token']}/"

        def charts_drawn(page):
            """Wait until every chart is drawn (polled from here: the page's CSP forbids evaluated strings)."""
            charts, drawn = page.locator("[data-module=amhe-chart]"), page.locator(".amhe-chart--drawn")
            deadline = time.monotonic() + 60
            while not (charts.count() and charts.count() == drawn.count()):
                if time.monotonic() > deadline:
                    sys.exit(f"Only {drawn.count()} of {charts.count()} charts were drawn")
                time.sleep(0.2)
            return charts.count()

        def first_question(browser, language):
            """Start a response (in a browser context of its own) and give its first question page."""
            context = browser.new_context(ignore_https_errors=True)
            try:
                page = context.new_page()
                page.goto(f"{base}{start_path}?lang={language}")
                consent = page.locator("input[name=consent]")
                if consent.count():
                    consent.check()
                page.locator("main form button[type=submit]").first.click()
                page.wait_for_url(re.compile(r"/r/[^/]+/page/1/$"))
                return page.url.removeprefix(base)
            finally:
                context.close()

        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium)
            try:
                print("Chart page: the 1A dashboard")
                pages["chart page (1A dashboard)"] = measure(
                    browser, base, found["dashboard"], cookies=[session], settle=charts_drawn
                )
                for language in ["en-gb", *[code for code in ("ur",) if code in found["survey_languages"]]]:
                    print(f"Respondent pages ({language})")
                    pages[f"survey start page ({language})"] = measure(browser, base, f"{start_path}?lang={language}")
                    # A question page opened on its own (a fresh browser: the resume link, or after a crash).
                    pages[f"question page ({language})"] = measure(browser, base, first_question(browser, language))
            finally:
                browser.close()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        if args.keep_workdir:
            print(f"Kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)

    plotly = next((r for r in pages["chart page (1A dashboard)"]["resources"] if "plotly-partial" in r["path"]), None)
    result = {
        "date": datetime.date.today().isoformat(),
        "command": " ".join([".venv/bin/python benchmarks/page_weight.py", *sys.argv[1:]]),
        "machine": {"python": platform.python_version(), "platform": platform.platform(), "browser": chromium},
        "pages": pages,
        "plotly_bundle_bytes_on_the_wire": plotly["bytes"] if plotly else None,
        "targets": {
            "chart_page_at_most_1_MB": pages["chart page (1A dashboard)"]["transfer_bytes"] <= CHART_PAGE_MAX,
            "respondent_pages_at_most_150_KB_apart_from_fonts": all(
                v["transfer_bytes_without_fonts"] <= RESPONDENT_PAGE_MAX
                for k, v in pages.items()
                if not k.startswith("chart")
            ),
            "every_static_file_hashed_immutable_compressed": not any(v["static_problems"] for v in pages.values()),
        },
        "wall_seconds": round(time.perf_counter() - started, 1),
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2) + "\n")
    print(
        json.dumps(
            {
                k: {
                    "requests": v["requests"],
                    "transfer_bytes": v["transfer_bytes"],
                    "without_fonts": v["transfer_bytes_without_fonts"],
                    "fonts": v["font_bytes"],
                    "static_problems": v["static_problems"],
                }
                for k, v in pages.items()
            },
            indent=2,
        )
    )
    print(json.dumps(result["targets"], indent=2))
    print(f"Written to {args.output}")


if __name__ == "__main__":
    main()
