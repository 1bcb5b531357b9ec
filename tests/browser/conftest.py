"""Browser fixtures: a real server on a random port and Debian's Chromium under Playwright.

Chromium must come from the OS (`apt-get install chromium`): Playwright's own browser
download cannot work on these machines. Without it the browser tests are skipped with
that one-line hint, except under CI, where they fail.
"""

import os
import shutil
import threading
from pathlib import Path

import flask_migrate
import pytest
from werkzeug.serving import make_server

from floorapp import create_app
from floorapp.extensions import db

CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
AXE_SCRIPT = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 800}
# Sent from the page as the outbox sends it: a stored action's form fields under its key.
REPLAY = """([url, key, fields]) => fetch(url, {method: "POST", credentials: "same-origin",
  body: new URLSearchParams(fields),
  headers: {"Idempotency-Key": key, Accept: "application/json",
            "X-CSRFToken": document.querySelector('meta[name="csrf-token"]').content}})
  .then((response) => response.status)"""


def chromium_executable() -> str | None:
    """Return the path of the OS's Chromium, if installed."""
    for candidate in ("/usr/bin/chromium", shutil.which("chromium") or ""):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def _missing(what: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{what} (CI needs it: run tests/browser/install-deps.sh)", pytrace=False)
    pytest.skip(what)


@pytest.fixture(scope="session")
def playwright():
    """Playwright, for tests that need more than the shared browser (persistent contexts)."""
    if chromium_executable() is None:
        _missing("No Chromium: install it with 'sudo apt-get install chromium'")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as started:
        yield started


@pytest.fixture(scope="session")
def browser(playwright):
    """One headless Chromium for the whole run."""
    launched = playwright.chromium.launch(executable_path=chromium_executable(),
                                          args=CHROMIUM_FLAGS)
    yield launched
    launched.close()


class LiveServer:
    """The app on a migrated SQLite database, served by a real threaded HTTP server."""

    def __init__(self, database_path: Path):
        self.app = create_app({"DATABASE_URL": f"sqlite:///{database_path}",
                               "SECRET_KEY": "browser-test-key"})
        with self.app.app_context():
            flask_migrate.upgrade()
        self._server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc_info):
        self._server.shutdown()
        with self.app.app_context():
            db.engine.dispose()


@pytest.fixture
def live_server(tmp_path):
    """A real server on 127.0.0.1 with a random port, over the real migrations."""
    with LiveServer(tmp_path / "browser.sqlite3") as server:
        yield server


@pytest.fixture
def new_page(browser, request):
    """Open pages in fresh contexts at a viewport; screenshot each on failure.

    Any Content-Security-Policy violation reported in a page's console fails the test.
    """
    contexts, violations = [], []

    def factory(viewport=PHONE):
        context = browser.new_context(viewport=viewport)
        contexts.append(context)
        page = context.new_page()
        page.on("console", lambda message: violations.append(message.text)
                if "Content Security Policy" in message.text else None)
        return page

    yield factory
    failed = getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed
    for number, context in enumerate(contexts):
        if failed:
            for page in context.pages:
                save_screenshot(page, f"FAILED-{request.node.name}-{number}")
        context.close()
    assert violations == [], "Content-Security-Policy violations in the browser"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.rep_call = report
    return report


def save_screenshot(page, name: str) -> Path:
    """Save a full-page screenshot under test-artifacts/screenshots/."""
    folder = ARTIFACTS / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in name)
    path = folder / f"{safe}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def axe_violations(page) -> list[dict]:
    """Run axe-core on the page for WCAG 2.0/2.1 A and AA and return its violations."""
    if not AXE_SCRIPT.exists():
        _missing("No axe-core: run tests/browser/install-deps.sh (needs npm)")
    # evaluated through DevTools, so the page's Content-Security-Policy stays enforced
    page.evaluate(AXE_SCRIPT.read_text())
    result = page.evaluate(
        """() => axe.run(document, {runOnly: {type: 'tag',
              values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"""
    )
    return [{"id": v["id"], "help": v["help"],
             "targets": [node["target"] for node in v["nodes"]][:5]}
            for v in result["violations"]]


def log_in(page, base_url: str, login: str, password: str) -> None:
    """Log in through the real form."""
    page.goto(base_url + "/login")
    page.get_by_label("Login").fill(login)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()


def page_fits_the_width(page) -> bool:
    """Tell whether the page fits its viewport's width (nothing scrolls sideways)."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def check_page(page, url: str, screenshot: str) -> None:
    """Open a page, keep its screenshot, and assert axe finds nothing and it fits the width."""
    page.goto(url)
    save_screenshot(page, screenshot)
    assert axe_violations(page) == [], url
    width = page.viewport_size["width"]
    assert page_fits_the_width(page), f"{url} scrolls sideways at {width} px"
