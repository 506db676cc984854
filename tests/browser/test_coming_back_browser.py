"""Coming back to a session by its saved link the next day: the safety questions first, then
today's pain rating (not yesterday's), and My sessions lists it as a new entry."""

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from backcare.planner.models import Run
from tests.browser.conftest import assert_accessible, keep_in_browser, own_in_browser
from tests.factories import care_session, followed

pytestmark = pytest.mark.browser


def test_coming_back_by_the_link_is_a_new_run(live, page: Page, watched, axe):
    session = care_session("self", ["upper-back"], [], 5)
    followed(session, days_ago=1, pain_before=5, pain_after=3, finished_at=timezone.now())
    own_in_browser(page, live.url, session)
    keep_in_browser(page, live.url, [session.code])
    page.goto(f"{live.url}/s/{session.code}/")  # the saved link; yesterday's answers are gone
    page.get_by_role("link", name="Answer the safety questions").click()
    page.get_by_role("button", name="Continue").click()  # nothing applies today
    expect(page.get_by_role("button", name="Start the session")).to_be_visible()
    expect(page.get_by_text("you rated the pain 5")).to_have_count(0)
    scale = page.get_by_role("group", name="Before you start: how much does your back hurt")
    expect(scale).to_be_visible()
    assert_accessible(axe, page)
    page.get_by_role("radio", name="4", exact=True).check()
    page.get_by_role("button", name="Start the session").click()
    expect(page.locator("#player")).to_have_attribute("data-step", "1")
    page.goto(f"{live.url}/s/{session.code}/done/")
    page.get_by_role("radio", name="2", exact=True).check()
    page.get_by_role("button", name="Save my rating").click()
    expect(
        page.get_by_text("Your pain went down by 2 points, from 4 to 2 out of 10.")
    ).to_be_visible()

    page.goto(f"{live.url}/mine/")
    entries = page.locator(".mine-item").filter(has=page.locator(f'[href="/s/{session.code}/"]'))
    expect(entries).to_have_count(2)
    expect(entries.nth(0)).to_contain_text("4 → 2")  # today's, newest first
    expect(entries.nth(1)).to_contain_text("5 → 3")
    assert_accessible(axe, page)
    runs = Run.objects.filter(session=session).order_by("started_at")
    assert [(r.pain_before, r.pain_after) for r in runs] == [(5, 3), (4, 2)]
    assert watched.problems == []
