"""A rating saved a moment ago by another tab or tap: the Start button's htmx request shows
the designed "already saved" page, as a visit without JavaScript would."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import answer_in_browser, own_in_browser
from tests.factories import care_session, followed, ratings

pytestmark = pytest.mark.browser


def test_a_rating_saved_meanwhile_shows_the_already_saved_page(live, page: Page, watched):
    session = care_session("self", ["upper-back"], [], 5)
    answer_in_browser(page, live.url)
    own_in_browser(page, live.url, session)
    page.goto(f"{live.url}/s/{session.code}/")
    page.get_by_role("radio", name="4", exact=True).check()
    followed(session, pain_before=7)  # another tab, meanwhile
    page.get_by_role("button", name="Start the session").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("This rating is already saved")
    expect(page).to_have_title(re.compile("This rating is already saved"))
    assert ratings(session) == (7, None)
    # Chromium notes any 4xx answer in the console itself; nothing else may be there.
    assert [p for p in watched.problems if "status of 409" not in p] == []
