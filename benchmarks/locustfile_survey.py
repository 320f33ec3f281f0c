"""Locust users for benchmarks/survey_load.py (run that, not this file).

- `Respondent`: opens the survey's open link (/s/<token>/) and completes it
  page by page as a person with a browser would: GET the page, read it for
  `LOAD_THINK` seconds, POST its form (with the CSRF token from the page, the
  csrftoken cookie, and Origin/Referer as a browser sends them), follow the
  redirect with a GET, and so on through /r/<resume token>/page/<n>/, the
  check-your-answers page and the confirmation page. Then it stops (or starts
  again, `LOAD_LOOPS` times in all).
- `StaffBrowser`: one logged-in lead who keeps opening the results pages
  (`LOAD_RESULTS_PATHS`) while the respondents answer, reading each for
  `LOAD_STAFF_THINK` seconds; it ends the run once every respondent has
  finished (or after `LOAD_STAFF_ROUNDS` rounds when there are none).

Forms are filled by reading the page, so nothing here depends on question ids:
a random option of each radio group; one or two random checkboxes of a group
(or its exclusive "None of these" alone); a random whole number for a numeric
text box; a random real date for day/month/year boxes; a short text; the long
text is left blank one time in three. The honeypot (`website`) stays empty.

Every request is timed on its own (redirects are not followed automatically);
a "step" is also timed from pressing the button to the next page having
arrived (POST + the GET it redirects to), which is what a person waits for.
For each respondent who reaches the confirmation page the file records its
resume token (from the URL) and the answers it sent, so survey_load.py can
check that exactly those answers were stored, once.

Settings come from the environment (set by survey_load.py). Results go to
`LOAD_DONE_FILE` as JSON when Locust quits.
"""

from __future__ import annotations

import datetime
import http.client
import json
import os
import random
import re
import ssl
import time
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import gevent
from locust import HttpUser, between, events, task
from locust.exception import StopUser
from urllib3.exceptions import ProtocolError, SSLError
from urllib3.util.retry import Retry

SURVEY_PATH = os.environ.get("LOAD_SURVEY_PATH", "")
RESULTS_PATHS = [p for p in os.environ.get("LOAD_RESULTS_PATHS", "").split(",") if p]
STAFF_EMAIL = os.environ.get("LOAD_STAFF_EMAIL", "")
STAFF_PASSWORD = os.environ.get("LOAD_STAFF_PASSWORD", "")
DONE_FILE = os.environ.get("LOAD_DONE_FILE", "")
RESPONDENTS = int(os.environ.get("LOAD_RESPONDENTS", "200"))
LOOPS = int(os.environ.get("LOAD_LOOPS", "1"))  # surveys each respondent user completes, one after another
THINK = tuple(float(x) for x in os.environ.get("LOAD_THINK", "0,0").split(","))  # seconds on each page
STAFF_THINK = tuple(float(x) for x in os.environ.get("LOAD_STAFF_THINK", "1,3").split(","))
STAFF_ROUNDS = int(os.environ.get("LOAD_STAFF_ROUNDS", "0"))  # 0: until the respondents have finished
SEED = os.environ.get("LOAD_SEED")
# benchmarks/load_under_job.py: how many staff users (LOAD_STAFF_EMAIL may hold "{n}", 1 to
# LOAD_STAFF), and a file whose existence ends the run: until it exists each respondent
# keeps completing the survey (at least LOAD_LOOPS times) and the staff keep browsing.
STAFF = int(os.environ.get("LOAD_STAFF", "1"))
STOP_FILE = os.environ.get("LOAD_STOP_FILE", "")
CA_BUNDLE = os.environ.get("LOAD_CA_BUNDLE")  # the server's self-signed certificate
MAX_PAGES = 60

rng = random.Random(int(SEED) if SEED else None)
expected_surveys = RESPONDENTS * LOOPS
completed: list[dict] = []  # {"token", "answers"} per survey completed
failed: list[str] = []  # why a respondent gave up
staff_failures: list[str] = []  # a staff page that did not answer 200, and why
finished = 0  # surveys completed or given up
respondents_started = 0
respondents_stopped = 0
staff_started = 0
staff_rounds = 0
samples: list[tuple[str, str, float, bool, float]] = []  # (who, request name, milliseconds, ok, seconds into the run)
steps: list[tuple[str, float]] = []  # (step name, milliseconds from POST to the next page)
started_at = time.time()


# --- Reading pages ----------------------------------------------------------------------


class Form:
    def __init__(self, action: str, method: str):
        self.action = action
        self.method = method
        self.fields: list[tuple[str, str, str, dict]] = []  # (kind, name, value, attrs)
        self.buttons: list[tuple[str, str, str]] = []  # (name, value, text)


class FormParser(HTMLParser):
    """Every <form> of a page with its inputs, textareas and buttons, and whether
    the page shows an error summary."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.has_errors = False
        self._form: Form | None = None
        self._button: list | None = None
        self._textarea: list | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if "nhsuk-error-summary" in a.get("class", "").split():
            self.has_errors = True
        if tag == "form":
            self._form = Form(a.get("action") or "", (a.get("method") or "get").lower())
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button"):
                self._form.buttons.append((a.get("name", ""), a.get("value", ""), a.get("value", "")))
            elif a.get("name"):
                self._form.fields.append((kind, a["name"], a.get("value", ""), a))
        elif tag == "select" and a.get("name"):
            self._form.fields.append(("select", a["name"], "", a))
        elif tag == "textarea" and a.get("name"):
            self._textarea = [a["name"], "", a]
        elif tag == "button":
            self._button = [a.get("name", ""), a.get("value", ""), ""]

    def handle_data(self, data):
        if self._button is not None:
            self._button[2] += data
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "button" and self._button is not None and self._form is not None:
            self._form.buttons.append(tuple(self._button))
            self._button = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            name, text, attrs = self._textarea
            self._form.fields.append(("textarea", name, text, attrs))
            self._textarea = None


def parse(html: str) -> FormParser:
    parser = FormParser()
    parser.feed(html)
    return parser


def main_form(forms: list[Form]) -> Form | None:
    """The page's own form: a POST form that is not log out or the language switcher."""
    for form in forms:
        if form.method == "post" and "logout" not in form.action and "/language/" not in form.action:
            return form
    return None


WORDS = ["Long waits", "Kind staff", "Confusing", "Helpful", "Rushed", "Respectful"]
LONG_TEXTS = [
    "Waiting times were long and nobody explained what would happen next.",
    "An interpreter would have helped. The letters were hard to follow.",
    "The crisis line answered quickly and the person listened.",
]


def fill(form: Form) -> tuple[dict[str, object], dict[int, object]]:
    """POST data answering every question of the form, and the answers as the
    app should store them ({question pk: JSON value}; blank answers left out)."""
    data: dict[str, object] = {}
    expected: dict[int, object] = {}
    radios: dict[str, list[str]] = {}
    checkboxes: dict[str, list[tuple[str, bool]]] = {}
    dates: dict[str, dict[str, str]] = {}
    for kind, name, value, attrs in form.fields:
        pk = int(name[1:]) if re.fullmatch(r"q\d+", name) else None
        if name == "website":  # the honeypot stays empty
            data[name] = ""
        elif kind == "hidden":
            data[name] = value
        elif kind == "radio":
            radios.setdefault(name, []).append(value)
        elif kind == "checkbox":
            if name == "consent":  # agree to take part; easy read stays off
                data[name] = "on"
            elif pk is not None:
                checkboxes.setdefault(name, []).append((value, "data-checkbox-exclusive" in attrs))
        elif (m := re.fullmatch(r"q(\d+)_(day|month|year)", name)) is not None:
            dates.setdefault(m.group(1), {})[m.group(2)] = name
        elif kind == "textarea":
            text = rng.choice(LONG_TEXTS) if rng.random() > 1 / 3 else ""
            data[name] = text
            if text and pk is not None:
                expected[pk] = text
        elif attrs.get("inputmode") == "numeric" or kind == "number":
            number = rng.randint(0, 52)
            data[name] = str(number)
            if pk is not None:
                expected[pk] = number
        elif kind in ("text", "search", "email", "tel"):
            text = value or rng.choice(WORDS)
            data[name] = text
            if pk is not None:
                expected[pk] = text
    for name, values in radios.items():
        data[name] = rng.choice(values)
        if re.fullmatch(r"q\d+", name):
            expected[int(name[1:])] = data[name]
    for name, options in checkboxes.items():
        exclusive = [v for v, ex in options if ex]
        others = [v for v, ex in options if not ex]
        if exclusive and rng.random() < 0.2:
            chosen = [rng.choice(exclusive)]
        else:
            chosen = rng.sample(others, k=min(len(others), rng.randint(1, 2)))
            chosen.sort(key=[v for v, _ in options].index)
        data[name] = chosen
        expected[int(name[1:])] = chosen
    for pk, parts in dates.items():
        day = datetime.date.today() - datetime.timedelta(days=rng.randint(1, 700))
        data[parts["day"]], data[parts["month"]], data[parts["year"]] = str(day.day), str(day.month), str(day.year)
        expected[int(pk)] = day.isoformat()
    return data, expected


def submit_button(form: Form) -> dict:
    """The form's main button: "Continue" (action=continue) rather than "Save and come back later"."""
    for name, value, _text in form.buttons:
        if name and value != "save":
            return {name: value}
    return {}


def kind_of(url: str) -> str:
    """The page kind for the statistics (no tokens in names)."""
    path = urlsplit(url).path
    if re.fullmatch(r"/s/[^/]+/", path):
        return "start"
    if re.fullmatch(r"/r/[^/]+/page/\d+/", path):
        return "page"
    for kind in ("check", "done", "saved"):
        if path.endswith(f"/{kind}/"):
            return kind
    return "other"


# --- Users --------------------------------------------------------------------------------


def _quit_when_done(environment):
    """The run ends when the last respondent has finished (the lead stops then too)."""
    if (respondents_stopped >= RESPONDENTS) if STOP_FILE else (finished >= expected_surveys):
        gevent.spawn_later(0.1, environment.runner.quit)


# Requests sent again on a new connection after the server closed a kept-alive one as they went
# out (see _User): how many, by request name.
connection_retries: dict[str, int] = {}


def _unanswered(error) -> bool:
    """The server closed the connection without a byte of answer (http.client's
    RemoteDisconnected, or TLS's EOF if the close came while the request was being written): on a
    kept-alive connection, gunicorn closing it as idle just as the request went out."""
    if isinstance(error, ProtocolError) and len(error.args) > 1:
        return isinstance(error.args[1], http.client.RemoteDisconnected)
    return isinstance(error, SSLError) and bool(error.args) and isinstance(error.args[0], ssl.SSLEOFError)


class _BrowserRetry(Retry):
    """One retry, as a browser does: a GET on any connection error; another method only when
    the server closed the connection without answering (see _User)."""

    def increment(self, method=None, url=None, *args, error=None, **kwargs):
        if error is not None and method != "GET" and not _unanswered(error):
            raise error
        return super().increment(method, url, *args, error=error, **kwargs)


class _User(HttpUser):
    """A browser-like client. gunicorn closes a connection that has been idle for its keep-alive
    (2 s by default); a request sent just as it closes fails with "Remote end closed connection
    without response" before the server has read it (it is not in the access log). Under heavy
    CPU load the worker's main loop runs late, so this can hit a request sent well after 2 s.
    Browsers send such a request again on a new connection (Chromium does for any method when a
    reused connection closes without an answer; RFC 9112 section 9.3.1 allows it for idempotent
    methods); requests does not. So a request is retried once here: a GET on a connection error,
    any other method only on that closed-without-answer error (never on an HTTP status), and
    each retry is counted in `connection_retries`. A retried POST that had in fact been handled
    would show in the database check (a response nobody completed, or answers twice)."""

    abstract = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if CA_BUNDLE:
            self.client.verify = CA_BUNDLE
        retry = _BrowserRetry(
            total=1, connect=1, read=1, status=0, redirect=0, allowed_methods=None, raise_on_status=False
        )
        for adapter in self.client.adapters.values():
            adapter.max_retries = retry

    @staticmethod
    def count_retries(response, name: str) -> None:
        retries = getattr(getattr(response, "raw", None), "retries", None)
        if retries is not None and retries.history:
            connection_retries[name] = connection_retries.get(name, 0) + len(retries.history)


class Respondent(_User):
    """Completes the survey LOOPS times, then stops."""

    fixed_count = RESPONDENTS
    wait_time = between(0, 0)

    @task
    def complete_surveys(self):
        global finished, respondents_started, respondents_stopped
        if respondents_started >= RESPONDENTS:
            # While Locust is still spawning it replaces users that have already
            # stopped; those extra users do nothing, so exactly RESPONDENTS answer.
            raise StopUser()
        respondents_started += 1
        loop = 0
        while loop < LOOPS or (STOP_FILE and not os.path.exists(STOP_FILE)):
            loop += 1
            try:
                outcome = self._complete()
                if isinstance(outcome, dict):
                    completed.append(outcome)
                else:
                    failed.append(outcome)
            except Exception as exc:  # noqa: BLE001 - a failed respondent is a result, not a crash
                failed.append(f"{type(exc).__name__}: {exc}")
            finally:
                finished += 1
                self.client.cookies.clear()  # the next survey as someone else
        respondents_stopped += 1
        _quit_when_done(self.environment)
        raise StopUser()

    def _get(self, url: str, referer: str | None = None):
        kind = kind_of(url)
        headers = {"Referer": referer} if referer else {}
        with self.client.get(url, name=f"GET {kind}", allow_redirects=False, headers=headers, catch_response=True) as r:
            self.count_retries(r, f"GET {kind}")
            if r.status_code != 200:
                r.failure(f"HTTP {r.status_code} {r.error or ''}")
            else:
                r.success()
        return r

    def _complete(self) -> dict | str:
        host = self.client.base_url.rstrip("/")
        url = host + SURVEY_PATH
        response = self._get(url)
        token = None
        all_answers: dict[int, object] = {}
        for _step in range(MAX_PAGES):
            if response.status_code != 200:
                return f"HTTP {response.status_code} on GET {kind_of(url)} {response.error or ''}".strip()
            kind = kind_of(url)
            if kind == "done":
                if "amhe-confirmation-panel" not in response.text:
                    return "done page without the confirmation panel"
                return {"token": token, "answers": {str(k): v for k, v in all_answers.items()}}
            page = parse(response.text)
            form = main_form(page.forms)
            if form is None:
                return f"no form on the {kind} page"
            data, answers = fill(form)
            data.update(submit_button(form))
            if THINK[1] > 0:
                gevent.sleep(rng.uniform(*THINK))  # reading and answering
            action = urljoin(url, form.action or url)
            started = time.perf_counter()
            with self.client.post(
                action,
                data=data,
                name=f"POST {kind}",
                allow_redirects=False,
                headers={"Referer": url, "Origin": host},
                catch_response=True,
            ) as posted:
                self.count_retries(posted, f"POST {kind}")
                if posted.status_code != 302:
                    why = (
                        "a validation error"
                        if posted.status_code == 400 and parse(posted.text).has_errors
                        else f"HTTP {posted.status_code} {posted.error or ''}".strip()
                    )
                    posted.failure(why)
                    return f"{why} on POST {kind}"
                posted.success()
            following = urljoin(action, posted.headers["Location"])
            if kind == "page":
                if "/page/" not in following and "/check/" not in following:
                    return f"POST page redirected to {kind_of(following)}"
                all_answers.update(answers)
            if kind == "start":
                match = re.search(r"/r/([^/]+)/", following)
                if match is None:
                    return "POST start did not lead to the questions"
                token = match.group(1)
            response = self._get(following, referer=url)
            steps.append((f"{kind} -> {kind_of(following)}", (time.perf_counter() - started) * 1000))
            url = following
        return "too many pages"


class StaffBrowser(_User):
    """A logged-in lead reading the results while people answer."""

    fixed_count = STAFF
    wait_time = between(0, 0)

    def on_start(self):
        global staff_started
        staff_started += 1
        email = STAFF_EMAIL.replace("{n}", str(staff_started))
        login = self.client.base_url.rstrip("/") + "/accounts/login/"
        page = self.client.get(login, name="staff login page")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text or "")
        with self.client.post(
            login,
            data={"username": email, "password": STAFF_PASSWORD, "csrfmiddlewaretoken": token and token.group(1)},
            headers={"Referer": login, "Origin": self.client.base_url.rstrip("/")},
            name="staff login",
            allow_redirects=False,
            catch_response=True,
        ) as r:
            if r.status_code != 302:
                r.failure(f"login failed: HTTP {r.status_code}")
                failed.append(f"staff login failed: HTTP {r.status_code} {r.error or ''}".strip())
                if not RESPONDENTS:
                    gevent.spawn_later(0.1, self.environment.runner.quit)
                raise StopUser()

    @task
    def browse_results(self):
        global staff_rounds
        for path in RESULTS_PATHS:
            if "=" in path:  # "kind=path": a page kind named by the benchmark
                kind, path = path.split("=", 1)
                name = f"staff: {kind}"
            else:
                name = "results " + (re.sub(r"\d+", "<id>", path.rsplit("/results", 1)[-1]) or "/")
            with self.client.get(path, name=name, allow_redirects=False, catch_response=True) as r:
                self.count_retries(r, name)
                if r.status_code != 200:
                    # Status 0: no answer at all (r.error says why), not a redirect.
                    r.failure(f"HTTP {r.status_code} {r.error or ''}".strip())
                    staff_failures.append(f"{name}: HTTP {r.status_code} {r.error or ''}".strip())
            if self._done():
                return
            gevent.sleep(rng.uniform(*STAFF_THINK))
            if self._done():
                return
        staff_rounds += 1
        if self._done():
            return

    def _done(self) -> bool:
        if STOP_FILE and RESPONDENTS:
            if respondents_stopped >= RESPONDENTS:
                gevent.spawn_later(0.1, self.environment.runner.quit)
                raise StopUser()
        elif (RESPONDENTS and finished >= expected_surveys) or (STAFF_ROUNDS and staff_rounds >= STAFF_ROUNDS):
            gevent.spawn_later(0.1, self.environment.runner.quit)
            raise StopUser()
        return False


# --- Recording -----------------------------------------------------------------------------


@events.request.add_listener
def _sample(request_type, name, response_time, response_length, exception=None, **kwargs):
    who = "staff" if name.startswith(("results", "staff:")) else "login" if name.startswith("staff") else "respondent"
    samples.append((who, name, response_time, exception is None, round(time.time() - started_at, 2)))


@events.quitting.add_listener
def _record(environment, **kwargs):
    if DONE_FILE:
        with open(DONE_FILE, "w") as fh:
            json.dump(
                {
                    "completed": completed,
                    "failed": failed,
                    "staff_failures": staff_failures,
                    "connection_retries": connection_retries,
                    "finished": finished,
                    "respondents_started": respondents_started,
                    "staff_rounds": staff_rounds,
                    "samples": samples,
                    "steps": steps,
                    "seconds": round(time.time() - started_at, 1),
                },
                fh,
            )
