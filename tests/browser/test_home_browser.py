"""The home page in a real Chromium: readable on a phone, accessible, CSP-clean."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import DESKTOP, PHONE

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_home_loads_htmx_and_fits_the_screen(live, page: Page, watched, viewport):
    page.set_viewport_size(viewport)
    page.goto(live.url + "/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("back-care session")
    expect(page.get_by_role("link", name="Build my session")).to_be_visible()
    # htmx loaded from our own static files, under the strict CSP.
    assert page.evaluate("typeof window.htmx") == "object"
    # Nothing spills sideways on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    assert watched.problems == []


def test_skip_link_moves_focus_to_the_content(live, page: Page, watched):
    page.goto(live.url + "/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
    assert watched.problems == []
