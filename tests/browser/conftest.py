"""Browser-test helpers: a page that records console errors and CSP violations, and axe."""

import os
import threading
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.servers.basehttp import ThreadedWSGIServer
from playwright.sync_api import Page


@pytest.fixture(scope="session")
def site(django_db_setup):
    """The app, served to Chromium from a thread of this process (pytest-django's LiveServer).

    It shares the test's in-memory SQLite connection, so each browser test runs inside a
    transaction rolled back at its end (like any `db` test): the catalogue loaded once for the
    session serves them all, with no flush and reload between tests. (The PostgreSQL pass
    leaves the browser tests out: they don't depend on the database engine.)
    """
    from django.test.testcases import LiveServerThread
    from pytest_django.live_server_helper import LiveServer

    LiveServerThread.server_class = _OneAtATime
    server = LiveServer("localhost")
    if not server.thread.connections_override:
        server.stop()
        pytest.fail(
            "browser tests run on the in-memory SQLite test database (make test-sqlite); "
            "the PostgreSQL pass leaves them out with -m 'not browser'"
        )
    yield server
    server.stop()


class _OneAtATime(ThreadedWSGIServer):
    """Accepts connections on threads as before, but runs the app for one request at a time.

    The threads share one SQLite connection, and a Django connection is not made for two
    threads at once: the service worker's background fetches of a session's pages ran beside
    the tap that starts it, and now and then that POST failed under load (CI's one flake).
    """

    def set_app(self, application):
        lock = threading.Lock()

        def one_at_a_time(environ, start_response):
            with lock:  # the body read and the response closed (request_finished) inside too
                try:
                    response = application(environ, start_response)
                except RuntimeError as error:
                    if "Database access not allowed" not in str(error):
                        raise
                    # A page's service worker fetching after its test ended: its database is
                    # gone. Answered quietly (it printed a traceback into CI's log).
                    start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
                    return [b"the test is over"]
                try:
                    return list(response)
                finally:
                    if hasattr(response, "close"):
                        response.close()

        super().set_app(one_at_a_time)


@pytest.fixture
def live(site, db):
    """The served app for one test, its changes rolled back when the test ends: the server's
    request threads use this test's connection (the one inside the test's transaction). It
    stays shared afterwards: a request still finishing as the test ends closes it too."""
    from django.db import connections

    connection = connections["default"]
    if site.thread.connections_override["default"] is not connection:
        connection.inc_thread_sharing()
        site.thread.connections_override["default"] = connection
    site._live_server_modified_settings.enable()
    yield site
    site._live_server_modified_settings.disable()


# What is said is recorded, and said at once: headless Chromium has no voice, and now and then
# it drops an utterance without its "end" (or "error"), which the player then waits out by the
# text's length (tests/browser/test_voice_browser.py): here each one ends as soon as it starts.
SPOKEN = """
window.__said = [];
if (window.speechSynthesis) {
  window.speechSynthesis.speak = (utterance) => {
    window.__said.push(utterance.text);
    Promise.resolve().then(() => utterance.dispatchEvent(new Event("end")));
  };
}
"""


PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}


class Watched:
    """Console errors, page errors and CSP violations seen while a test drives the page."""

    def __init__(self, page: Page):
        self.problems: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.problems.append(f"page error: {exc}"))

    def _console(self, message) -> None:
        if message.type == "error" or "Content Security Policy" in message.text:
            self.problems.append(f"console {message.type}: {message.text}")


@pytest.fixture
def watched(page: Page) -> Watched:
    page.set_default_timeout(5000)
    return Watched(page)


@pytest.fixture(scope="session")
def axe() -> Axe:
    return Axe()


def assert_accessible(axe: Axe, page: Page) -> None:
    results = axe.run(page)
    assert results.violations_count == 0, results.generate_report()


def screenshot(page: Page, name: str) -> None:
    """Kept where SCREENSHOT_DIR points (to look at them), else not written."""
    if folder := os.environ.get("SCREENSHOT_DIR"):
        Path(folder).mkdir(parents=True, exist_ok=True)
        # caret="initial": hiding the caret adds a style the page's CSP refuses (a console error)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True, caret="initial")


def own_in_browser(page: Page, base_url: str, session) -> None:
    """This browser built `session`: it holds the owner cookie, scoped to the session's pages."""
    from backcare.planner.memory import OWNER_COOKIE, owner_key

    page.context.add_cookies(
        [
            {
                "name": OWNER_COOKIE,
                "value": owner_key(session.code),
                "url": f"{base_url}{session.get_absolute_url()}",
                "httpOnly": True,
                "sameSite": "Lax",
            }
        ]
    )


def keep_in_browser(page: Page, base_url: str, codes: list[str]) -> None:
    """This browser built the sessions `codes` (newest first): its list of them, in each copy
    the builder would have written, at each copy's path."""
    from backcare.planner.memory import remember_built

    _as_set_by(page, base_url, lambda response: remember_built(response, codes))


def answer_in_browser(page: Page, base_url: str, flags=(), areas=()) -> None:
    """This browser answered today's safety questions (nothing applies, unless `flags` say
    what, with `areas` for a problem in one area): each copy at its path, as the screen sets
    them."""
    from backcare.planner.memory import ScreenAnswers, remember_screen

    answers = ScreenAnswers(tuple(flags), tuple(areas))
    _as_set_by(page, base_url, lambda response: remember_screen(response, answers))


def _as_set_by(page: Page, base_url: str, remember) -> None:
    """The cookies `remember(response)` sets, put in the browser as the response would."""
    from django.http import HttpResponse

    response = HttpResponse()
    remember(response)
    page.context.add_cookies(
        [
            {
                "name": name,
                "value": morsel.value,
                "url": f"{base_url}{morsel['path']}",
                "httpOnly": True,
                "sameSite": "Lax",
            }
            for name, morsel in response.cookies.items()
        ]
    )


def tab_to(page: Page, target, presses: int = 80) -> None:
    """Press Tab, as a keyboard user does, until `target` (a locator) has the focus."""
    for _ in range(presses):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"{target} was not reached with {presses} presses of Tab")
