"""Outcomes in Chromium: My sessions judges each run and the whole history, links to the
summary for a GP (accessible, one printed page, no session links) and to the CSV file."""

import csv
import io
import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from backcare.planner.models import Run
from tests.browser.conftest import (
    answer_in_browser,
    assert_accessible,
    keep_in_browser,
    own_in_browser,
    screenshot,
)
from tests.factories import care_session, followed

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
PAGE_OBJECT = re.compile(rb"/Type\s*/Page(?![A-Za-z])")  # a page, not the /Pages tree
RATINGS = [(7, 4), (6, 5), (5, 3), (4, 6), (6, 4), (3, 2)]  # oldest first


def history(page: Page, base: str, ratings=RATINGS) -> list:
    """Sessions followed on days gone by, rated, kept in this browser's list (newest first)."""
    sessions = []
    days = range(len(ratings) * 2, 0, -2)
    for number, (days_ago, (before, after)) in enumerate(zip(days, ratings, strict=True)):
        session = care_session("self", [("upper-back",), ("lower-back",)][number % 2], [], 10)
        run = followed(session, days_ago=days_ago, pain_before=before, pain_after=after)
        Run.objects.filter(pk=run.pk).update(finished_at=run.started_at)
        sessions.append(session)
    keep_in_browser(page, base, [s.code for s in reversed(sessions)])
    return sessions


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_my_sessions_and_the_summary_say_the_meaningful_falls(
    live, page: Page, watched, axe, viewport
):
    page.set_viewport_size(viewport)
    sessions = history(page, live.url)
    page.goto(live.url + "/mine/")
    expect(page.locator(".mine-outcomes__line")).to_have_text(
        "4 of your 6 sessions rated before and after brought a meaningful fall in pain "
        "(2 points, or 30% or more). After 1, pain rose by 2 points or more."
    )
    expect(page.locator(".mine-item").first).to_contain_text("down 1: a meaningful fall")  # 3 → 2
    expect(page.locator(".mine-item").nth(2)).to_contain_text("up 2: worse")
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    assert_accessible(axe, page)
    screenshot(page, f"outcomes-mine-{viewport['width']}")

    page.get_by_role("link", name="A one-page summary for your GP or physiotherapist").click()
    expect(page).to_have_url(re.compile(r"/mine/summary/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Back-care sessions and pain ratings")
    table = page.get_by_role("table", name="Every rated session, oldest first")
    expect(table.locator("tbody tr")).to_have_count(6)
    expect(table.locator("tbody tr").first).to_contain_text("7 4 down 3: a meaningful fall")
    expect(page.locator("article a")).to_have_count(0)  # nothing on it opens a session
    for session in sessions:
        expect(page.locator("body")).not_to_contain_text(session.code)
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    assert_accessible(axe, page)
    screenshot(page, f"outcomes-summary-{viewport['width']}")
    assert watched.problems == []


@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_the_summary_of_a_long_history_prints_on_one_page(live, page: Page, watched, paper):
    history(page, live.url, [(n % 11, (n * 7) % 11) for n in range(40)])
    page.set_viewport_size(DESKTOP)
    page.add_init_script("window.print = () => { window.__printed = true; };")
    page.goto(live.url + "/mine/summary/")
    page.get_by_role("button", name="Print this summary").click()
    assert page.evaluate("window.__printed") is True
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.get_by_role("button", name="Print this summary")).to_be_hidden()
    expect(page.get_by_role("link", name="Back to My sessions")).to_be_hidden()
    table = page.get_by_role("table", name="The 15 most recent of 40 rated sessions, oldest first")
    expect(table).to_be_visible()
    expect(page.locator(".gp-summary__table tbody tr")).to_have_count(15)
    screenshot(page, f"outcomes-summary-print-{paper}")
    pdf = page.pdf(format=paper)
    assert len(PAGE_OBJECT.findall(pdf)) == 1
    if paper == "A4" and (folder := os.environ.get("SCREENSHOT_DIR")):
        (Path(folder) / "outcomes-summary.pdf").write_bytes(pdf)
    assert watched.problems == []


def test_the_history_downloads_as_a_csv_file(live, page: Page, watched):
    history(page, live.url, [(7, 4), (4, 3)])
    page.goto(live.url + "/mine/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download your history (CSV)").click()
    assert re.fullmatch(r"backcare-history-\d{4}-\d\d-\d\d\.csv", download.value.suggested_filename)
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text())))
    assert [(r["pain_before"], r["pain_after"], r["meaningful"]) for r in rows] == [
        ("4", "3", "no"),
        ("7", "4", "yes"),
    ]
    assert watched.problems == []


@pytest.mark.parametrize(
    ("after", "said"), [(5, "that is a meaningful change"), (7, "A small fall")]
)
def test_the_done_page_says_whether_the_fall_was_meaningful(
    live, page: Page, watched, axe, after, said
):
    page.set_viewport_size(PHONE)
    session = care_session("self", ["upper-back"], [], 10)
    followed(session, pain_before=8)  # 8 → 5: 3 points; 8 → 7: 1 point, 12 %
    own_in_browser(page, live.url, session)
    answer_in_browser(page, live.url)
    page.goto(f"{live.url}/s/{session.code}/done/")
    page.get_by_role("radio", name=str(after), exact=True).check()
    page.get_by_role("button", name="Save my rating").click()
    expect(page.locator(".pain-change")).to_contain_text(said)
    assert_accessible(axe, page)
    screenshot(page, f"outcomes-done-{after}-{PHONE['width']}")
    assert watched.problems == []
