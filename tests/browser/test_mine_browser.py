"""My sessions in Chromium: three sessions built and rated here, listed newest first with
their chart; 'Do it again' and 'Forget this'; by mouse and by keyboard alone."""

import re

import pytest
from playwright.sync_api import Page, expect

from backcare.planner.models import CareSession
from tests.browser.conftest import (
    DESKTOP,
    PHONE,
    assert_accessible,
    keep_in_browser,
    own_in_browser,
    tab_to,
)
from tests.factories import care_session

pytestmark = pytest.mark.browser

BUILDS = [  # the builder's answers, pain before, pain after
    ("performer=self&region=upper-back&prop=tennis-ball&minutes=10", 6, 3),
    ("performer=partner&region=lower-back&region=hips-glutes&minutes=20", 5, 5),
    ("performer=self&region=neck-shoulders&minutes=5", 4, 2),
]
SESSION_URL = re.compile(r"/s/([\w-]{12})/$")


def build_and_rate(page: Page, base: str, query: str, before: int, after: int) -> str:
    """Build a session in the builder, rate the pain before starting it and after it."""
    page.goto(f"{base}/build/?{query}")
    page.get_by_role("button", name="Save it and look it over first").click()
    expect(page).to_have_url(SESSION_URL)
    code = SESSION_URL.search(page.url)[1]
    page.get_by_role("radio", name=str(before), exact=True).check()
    page.get_by_role("button", name="Start the session").click()
    expect(page).to_have_url(re.compile(r"/step/1/$"))
    page.goto(f"{base}/s/{code}/done/")
    page.get_by_role("radio", name=str(after), exact=True).check()
    page.get_by_role("button", name="Save my rating").click()
    expect(page.get_by_role("status")).to_contain_text(f"{after}")
    return code


def rows(page: Page):
    return page.locator(".mine-item")


def row_of(page: Page, code: str):
    return rows(page).filter(has=page.locator(f'[href="/s/{code}/"]'))


def test_three_sessions_listed_charted_done_again_and_forgotten(live, page: Page, watched, axe):
    page.set_viewport_size(DESKTOP)
    page.goto(live.url + "/build/")
    page.get_by_role("button", name="Continue").click()
    codes = [build_and_rate(page, live.url, *answers) for answers in BUILDS]

    page.get_by_role("link", name="See how your pain has changed across your sessions").click()
    expect(page).to_have_url(re.compile(r"/mine/$"))
    expect(page.get_by_role("link", name="My sessions")).to_have_attribute("aria-current", "page")
    links = rows(page).locator("h3 a")
    expect(links).to_have_count(3)
    assert [link.get_attribute("href") for link in links.all()] == [
        f"/s/{code}/" for code in reversed(codes)
    ]
    expect(row_of(page, codes[2])).to_contain_text("Neck and shoulders")
    expect(row_of(page, codes[2])).to_contain_text("4 → 2")
    expect(row_of(page, codes[1])).to_contain_text("With a partner")
    chart = page.get_by_role("img", name="Pain before and after each rated session")
    expect(chart.locator(".pain-chart__before")).to_have_count(3)
    expect(chart.locator(".pain-chart__after")).to_have_count(3)
    expect(chart.locator(".pain-chart__join")).to_have_count(3)
    table = page.get_by_role("table", name="The same ratings, oldest first")
    expect(table.locator("tbody tr")).to_have_count(3)
    expect(table.locator("tbody tr").first).to_contain_text("down 3")
    assert_accessible(axe, page)

    again = row_of(page, codes[0]).get_by_role("button", name="Do it again")
    # Said with its session's date and areas: sessions built in the same minute differ.
    expect(again).to_have_accessible_description(re.compile(r", \d\d:\d\d Upper back$"))
    again.click()
    expect(page).to_have_url(SESSION_URL)
    again = CareSession.objects.get(code=SESSION_URL.search(page.url)[1])
    first = CareSession.objects.get(code=codes[0])
    assert again.code not in codes
    assert [r.slug for r in again.regions.all()] == [r.slug for r in first.regions.all()]
    assert (again.performer, again.minutes) == (first.performer, first.minutes)

    page.get_by_role("link", name="My sessions").click()
    expect(links).to_have_count(4)
    row_of(page, codes[1]).get_by_role("button", name="Forget this").click()
    expect(page).to_have_url(re.compile(r"/mine/$"))
    expect(page.get_by_role("status")).to_contain_text("Forgotten: your session of")
    expect(links).to_have_count(3)
    expect(row_of(page, codes[1])).to_have_count(0)
    assert watched.problems == []


def test_my_sessions_with_the_keyboard_alone(live, page: Page, watched, axe):
    page.set_viewport_size(PHONE)
    sessions = [care_session("self", ["upper-back"], ["tennis-ball"], 5) for _ in range(3)]
    for session, (before, after) in zip(sessions, [(7, 4), (6, 6), (5, 1)], strict=True):
        CareSession.objects.filter(pk=session.pk).update(pain_before=before, pain_after=after)
    codes = [session.code for session in reversed(sessions)]  # newest first
    keep_in_browser(page, live.url, codes)
    for session in sessions:
        own_in_browser(page, live.url, session)
    page.goto(live.url + "/build/screen/")
    continue_button = page.get_by_role("button", name="Continue")
    tab_to(page, continue_button)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/build/$"))

    nav_link = page.get_by_role("link", name="My sessions")
    tab_to(page, nav_link)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/mine/$"))
    expect(rows(page)).to_have_count(3)
    expect(page.get_by_role("img", name=re.compile("Pain before and after"))).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    table = page.locator(".pain-table").bounding_box()
    panel = page.locator(".mine-progress").bounding_box()
    assert table["x"] + table["width"] <= panel["x"] + panel["width"]  # inside its card
    assert_accessible(axe, page)

    forget = row_of(page, codes[1]).get_by_role("button", name="Forget this")
    tab_to(page, forget)
    expect(forget).to_be_focused()
    page.keyboard.press("Space")
    expect(page.get_by_role("status")).to_contain_text("Forgotten")
    expect(rows(page)).to_have_count(2)
    expect(row_of(page, codes[1])).to_have_count(0)

    again = row_of(page, codes[0]).get_by_role("button", name="Do it again")
    tab_to(page, again)
    page.keyboard.press("Enter")
    expect(page).to_have_url(SESSION_URL)
    assert SESSION_URL.search(page.url)[1] not in codes
    assert watched.problems == []


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_empty_list_is_accessible(live, page: Page, watched, axe, viewport):
    page.set_viewport_size(viewport)
    page.goto(live.url + "/mine/")
    expect(page.get_by_role("heading", name="No sessions yet")).to_be_visible()
    expect(page.get_by_role("link", name="Build a session").last).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    assert_accessible(axe, page)
    assert watched.problems == []
