"""Browser tests: Playwright driving Debian's Chromium, with an axe-core check
of every page a journey visits: no violation of any impact is allowed, the
best-practice rules included (content outside landmarks, duplicate landmark names).

Playwright's own browser download does not work on these machines, so the
tests launch the system Chromium (`make test` installs it with apt where it
can). Locally, without Chromium, these tests skip and say why; in CI
(AMHE_REQUIRE_SERVICES=1) a missing browser fails the run.
"""

import json
import os
import shutil
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the test body's own
# database calls are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
AXE_SOURCE = AXE.read_text()
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
# Every impact axe reports: WCAG 2.2 AA and the house rule ask for 0 violations.
BLOCKING_IMPACTS = {"minor", "moderate", "serious", "critical"}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str | None:
    for candidate in (os.environ.get("CHROMIUM_PATH"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    if path is None:
        message = "needs Chromium (apt-get install chromium, or set CHROMIUM_PATH)"
        if os.environ.get("AMHE_REQUIRE_SERVICES") == "1":
            pytest.fail(f"Browser tests must run in CI: {message}")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


class AxeChecked:
    """Wraps a page: records every main-frame navigation and runs axe on each."""

    def __init__(self, page, base_url):
        self.page = page
        self.base_url = base_url
        self.visited: list[str] = []
        self.checked: list[str] = []
        self.reports: dict[str, list] = {}
        page.on("framenavigated", lambda frame: frame == page.main_frame and self.visited.append(frame.url))

    def check(self) -> list:
        """Run axe on the current page; fail on any violation."""
        page = self.page
        page.wait_for_load_state("load")
        if not page.evaluate("typeof window.axe !== 'undefined'"):
            # Evaluated through the DevTools protocol, so the page's strict CSP
            # (which would block an injected <script>) stays on for the check.
            page.evaluate(AXE_SOURCE + "\n;true")
        results = page.evaluate(
            "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
        )
        violations = [v for v in results["violations"] if v.get("impact") in BLOCKING_IMPACTS or not v.get("impact")]
        self.checked.append(page.url)
        self.reports[page.url] = results["violations"]
        assert not violations, f"axe found violations on {page.url}:\n" + json.dumps(
            [
                {
                    "id": v["id"],
                    "impact": v["impact"],
                    "help": v["help"],
                    "nodes": [n["target"] for n in v["nodes"]][:5],
                }
                for v in violations
            ],
            indent=2,
        )
        return results["violations"]

    def goto(self, path: str):
        self.page.goto(self.base_url + path)
        return self.check()

    def log_in(self, email: str, password: str) -> None:
        """Log in through the login page and land on "Your projects"."""
        self.goto("/accounts/login/")
        self.page.get_by_label("Email address").fill(email)
        self.page.get_by_role("textbox", name="Password").fill(password)
        self.page.get_by_role("button", name="Log in").click()
        self.page.wait_for_url(self.base_url + "/")
        self.check()


@pytest.fixture
def demo(settings):
    """The demo organisations, users and projects (load_demo runs only with DEBUG on):
    loaded once per test process, then put back as it was for each test (tests/demo_data.py)."""
    from tests.demo_data import load_demo_for_test

    settings.DEBUG = True
    load_demo_for_test()
    settings.DEBUG = False


@pytest.fixture
def journey(browser, live_server):
    """A fresh browser context; at the end, every page visited must have been axe-checked."""
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    checker = AxeChecked(page, live_server.url)
    yield checker
    context.close()
    checked = {url.split("#")[0] for url in checker.checked}  # a #fragment is the same page
    unchecked = [url for url in checker.visited if url.split("#")[0] not in checked and url != "about:blank"]
    assert not unchecked, f"Pages visited without an axe check: {unchecked}"
