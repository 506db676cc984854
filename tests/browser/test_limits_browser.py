"""Past the limit on new sessions, Chromium shows the designed 429 page: after the Start
button, and swapped in whole when the request was htmx's."""

import re

import pytest
from playwright.sync_api import Page, expect

from backcare.planner.models import CareSession
from tests.browser.conftest import PHONE, assert_accessible
from tests.browser.test_builder_browser import answer_screen_clear

pytestmark = pytest.mark.browser

HEADING = "That's a lot of sessions at once"


def to_a_session(page: Page, base: str) -> None:
    answer_screen_clear(page, base)
    page.get_by_role("checkbox", name="Upper back", exact=True).check()
    expect(page.locator("#preview")).to_contain_text("Start this session")


def only_429s(problems: list[str]) -> list[str]:
    """Chromium notes every 4xx in the console: the 429 itself is expected, nothing else."""
    return [p for p in problems if "status of 429" not in p]


def test_too_many_sessions_shows_the_designed_page(live, page: Page, watched, axe, settings):
    settings.SESSIONS_PER_MINUTE = 0
    page.set_viewport_size(PHONE)
    to_a_session(page, live.url)
    page.get_by_role("button", name="Start this session").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(HEADING)
    expect(page.get_by_role("link", name="Go to the home page")).to_be_visible()
    assert not CareSession.objects.exists()
    assert only_429s(watched.problems) == []
    assert_accessible(axe, page)


def test_an_htmx_request_refused_swaps_in_the_whole_page(live, page: Page, watched, settings):
    settings.SESSIONS_PER_MINUTE = 0
    to_a_session(page, live.url)
    # The start form's fields, sent by htmx into the preview, as a boosted form would be.
    page.evaluate(
        "htmx.ajax('POST', '/build/', {source: 'form.start-form', target: '#preview',"
        " swap: 'outerHTML'})"
    )
    expect(page.get_by_role("heading", level=1)).to_have_text(HEADING)
    expect(page.locator("main")).to_have_count(1)  # the page replaced, not nested in the preview
    expect(page.locator("#builder-form")).to_have_count(0)
    assert re.search(r"/build/", page.url)
    assert only_429s(watched.problems) == []
