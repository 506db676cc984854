"""Browser-test helpers: a page that records console errors and CSP violations, and axe."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

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
