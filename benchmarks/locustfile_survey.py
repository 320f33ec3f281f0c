"""Locust users for benchmarks/survey_load.py (run it, not this file).

- `Respondent`: opens the survey's open link and completes it once, page by
  page, as a person with a browser would (GET each page, POST its form with
  the CSRF token), then stops.
- `StaffBrowser`: one logged-in lead who keeps opening the results pages
  while the respondents answer.

Forms are filled by reading the page: the first option of each radio group,
the first checkbox of each group, a short text, 5 for numbers, a real date.
So this file does not depend on the names the respondent pages give their
fields. Settings come from the environment (set by survey_load.py).
"""

from __future__ import annotations

import json
import os
import re
from html.parser import HTMLParser
from urllib.parse import urljoin

from locust import HttpUser, between, constant, events, task
from locust.exception import StopUser

SURVEY_PATH = os.environ.get("LOAD_SURVEY_PATH", "")
RESULTS_PATHS = [p for p in os.environ.get("LOAD_RESULTS_PATHS", "").split(",") if p]
STAFF_EMAIL = os.environ.get("LOAD_STAFF_EMAIL", "")
STAFF_PASSWORD = os.environ.get("LOAD_STAFF_PASSWORD", "")
DONE_FILE = os.environ.get("LOAD_DONE_FILE", "")  # JSON: completions and every request's time
RESPONDENTS = int(os.environ.get("LOAD_RESPONDENTS", "200"))
MAX_STEPS = 40

completed = 0
finished = 0  # completed or gave up
samples: list[tuple[str, float, bool]] = []  # (who: respondent/staff, milliseconds, ok)


class Form:
    def __init__(self, action: str, method: str):
        self.action = action
        self.method = method
        self.fields: list[tuple[str, str, str, bool]] = []  # (kind, name, value, checked)
        self.buttons: list[tuple[str, str, str]] = []  # (name, value, text)


class FormParser(HTMLParser):
    """Every <form> of a page with its inputs, textareas and buttons."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._button: list | None = None
        self._textarea: list | None = None
        self.h1 = ""
        self._in_h1 = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = Form(a.get("action") or "", (a.get("method") or "get").lower())
            self.forms.append(self._form)
        elif tag == "h1":
            self._in_h1 = True
        elif self._form is None:
            return
        elif tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button"):
                self._form.buttons.append((a.get("name") or "", a.get("value") or "", a.get("value") or ""))
            elif a.get("name"):
                self._form.fields.append((kind, a["name"], a.get("value") or "", "checked" in a))
        elif tag == "textarea" and a.get("name"):
            self._textarea = [a["name"], ""]
        elif tag == "button":
            self._button = [a.get("name") or "", a.get("value") or "", ""]

    def handle_data(self, data):
        if self._button is not None:
            self._button[2] += data
        if self._textarea is not None:
            self._textarea[1] += data
        if self._in_h1:
            self.h1 += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "h1":
            self._in_h1 = False
        elif tag == "button" and self._button is not None and self._form is not None:
            self._form.buttons.append(tuple(self._button))
            self._button = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            self._form.fields.append(("textarea", self._textarea[0], self._textarea[1], False))
            self._textarea = None


SKIP_BUTTON = re.compile(r"save and come back|change language|cymraeg|polski|اردو", re.I)


def fill(form: Form) -> dict:
    """A sensible answer for every field of the form."""
    data: dict[str, object] = {}
    radios_done: set[str] = set()
    checkboxes_done: set[str] = set()
    for kind, name, value, _checked in form.fields:
        if name == "website":  # the honeypot stays empty
            data[name] = ""
        elif kind == "hidden":
            data[name] = value
        elif kind == "radio":
            if name not in radios_done:
                data[name] = value
                radios_done.add(name)
        elif kind == "checkbox":
            if name not in checkboxes_done:
                data[name] = value or "on"
                checkboxes_done.add(name)
        elif kind == "textarea":
            data[name] = "Waiting times were long and nobody explained what would happen next."
        elif kind == "number" or name.endswith(("-day", "_day")):
            data[name] = "5"
        elif name.endswith(("-month", "_month")):
            data[name] = "6"
        elif name.endswith(("-year", "_year")):
            data[name] = "1990"
        elif kind in ("text", "search", "email", "tel"):
            data[name] = value or "Leeds"
    return data


def main_form(forms: list[Form]) -> Form | None:
    """The page's own form: a POST form that is not the header's log out or the language switcher."""
    for form in forms:
        if form.method != "post" or "logout" in form.action:
            continue
        names = {name for _, name, _, _ in form.fields}
        if names <= {"csrfmiddlewaretoken", "language", "next"} and any(
            SKIP_BUTTON.search(text or "") for _, _, text in form.buttons
        ):
            continue
        return form
    return None


def submit_button(form: Form) -> dict:
    for name, value, text in form.buttons:
        if name and not SKIP_BUTTON.search(text or "") and not SKIP_BUTTON.search(value or ""):
            return {name: value}
    return {}


class Respondent(HttpUser):
    """Completes the survey once, then stops."""

    fixed_count = RESPONDENTS
    wait_time = constant(0)

    @task
    def complete_survey(self):
        global completed, finished
        try:
            if self._complete():
                completed += 1
        finally:
            finished += 1
            raise StopUser()

    def _complete(self) -> bool:
        response = self.client.get(SURVEY_PATH, name="start page")
        url = response.url
        for step in range(MAX_STEPS):
            parser = FormParser()
            parser.feed(response.text)
            if "/done/" in response.url:
                return True
            form = main_form(parser.forms)
            if form is None:
                response.failure(f"no form on {response.url}")
                return False
            data = {**fill(form), **submit_button(form)}
            action = urljoin(url, form.action or url)
            name = _page_name(response.url, step)
            with self.client.post(action, data=data, name=name, catch_response=True) as posted:
                if posted.status_code >= 400:
                    posted.failure(f"HTTP {posted.status_code}")
                    return False
                if "nhsuk-error-summary" in posted.text:
                    posted.failure(f"validation error on {name}")
                    return False
                posted.success()
            response, url = posted, posted.url
        return False


def _page_name(url: str, step: int) -> str:
    """Group URLs by page kind for the statistics (no tokens in names)."""
    for part in ("consent", "check", "submit", "page"):
        if f"/{part}/" in url:
            match = re.search(r"/page/(\d+)/", url)
            return f"POST page {match.group(1)}" if match else f"POST {part}"
    if "/s/" in url:
        return "POST start"
    return f"POST step {step}"


class StaffBrowser(HttpUser):
    """A logged-in lead reading the results while people answer."""

    fixed_count = 1
    wait_time = between(0.5, 1.5)

    def on_start(self):
        page = self.client.get("/accounts/login/", name="login page")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        self.client.post(
            "/accounts/login/",
            data={"username": STAFF_EMAIL, "password": STAFF_PASSWORD, "csrfmiddlewaretoken": token.group(1)},
            name="login",
        )

    @task
    def browse_results(self):
        for path in RESULTS_PATHS:
            with self.client.get(
                path, name=f"results: {path.rsplit('/results', 1)[-1] or '/'}", catch_response=True
            ) as r:
                if r.status_code != 200 or "/accounts/login/" in r.url:
                    r.failure(f"HTTP {r.status_code} at {r.url}")
            if finished >= RESPONDENTS:
                self.environment.runner.quit()
                raise StopUser()


@events.request.add_listener
def _sample(request_type, name, response_time, response_length, exception=None, **kwargs):
    who = "staff" if name.startswith(("results", "login")) else "respondent"
    samples.append((who, response_time, exception is None))


@events.quitting.add_listener
def _record(environment, **kwargs):
    if DONE_FILE:
        with open(DONE_FILE, "w") as fh:
            json.dump({"completed": completed, "finished": finished, "samples": samples}, fh)
