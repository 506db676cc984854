"""The session card in Chromium: accessible, one printed page, and a reminder to download."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import DESKTOP, PHONE, assert_accessible
from tests.factories import care_session, leave_out

pytestmark = pytest.mark.browser

ALL_AREAS = ["neck-shoulders", "upper-back", "mid-back", "lower-back", "hips-glutes"]
# The longest sessions the builder makes: 60 minutes on every area, with a partner (24 steps)
# and alone with the props that open the most steps (28).
LONGEST = {
    "partner": ("partner", ALL_AREAS, [], 60),
    "alone": ("self", ALL_AREAS, ["tennis-ball", "wall", "foam-roller", "massage-cane"], 60),
}
PAGE_OBJECT = re.compile(rb"/Type\s*/Page(?![A-Za-z])")  # a page, not the /Pages tree


@pytest.fixture
def session(db):
    return care_session("self", ["upper-back", "mid-back"], ["tennis-ball", "wall"], 10)


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_card_is_accessible_and_prints_from_its_button(
    live, session, page: Page, watched, axe, viewport
):
    page.set_viewport_size(viewport)
    page.add_init_script("window.print = () => { window.__printed = true; };")
    page.goto(f"{live.url}/s/{session.code}/card/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your 10-minute back-care session")
    assert_accessible(axe, page)
    page.get_by_role("button", name="Print this card").click()
    assert page.evaluate("window.__printed") is True
    assert watched.problems == []


@pytest.mark.parametrize("paper", ["A4", "Letter"])
@pytest.mark.parametrize("who", LONGEST)
def test_the_longest_session_prints_on_one_page(live, page: Page, watched, who, paper):
    session = care_session(*LONGEST[who])
    leave_out(session, "lower-back")  # a "Keep off" line more
    assert session.steps.count() >= 24
    page.goto(f"{live.url}/s/{session.code}/card/")
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator("#reminder")).to_be_hidden()
    expect(page.get_by_role("button", name="Print this card")).to_be_hidden()
    expect(page.locator(".session-card__step")).to_have_count(session.steps.count())
    expect(page.locator(".session-card__step").last).to_be_visible()
    pdf = page.pdf(format=paper)
    assert len(PAGE_OBJECT.findall(pdf)) == 1
    assert watched.problems == []


def test_the_reminder_form_downloads_a_calendar_file(live, session, page: Page, watched):
    page.goto(f"{live.url}/s/{session.code}/card/")
    page.get_by_role("link", name="Remind me").click()
    page.get_by_role("radio", name="On chosen days").check()
    page.get_by_role("checkbox", name="Monday").check()
    page.get_by_role("checkbox", name="Thursday").check()
    page.get_by_label("At what time?").fill("18:00")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the reminder").click()
    assert download.value.suggested_filename == "backcare-session.ics"
    ics = Path(download.value.path()).read_bytes().decode()
    assert "\r\nRRULE:FREQ=WEEKLY;BYDAY=MO,TH\r\n" in ics
    assert re.search(r"\r\nDTSTART:\d{8}T180000\r\n", ics)
    assert watched.problems == []


def test_the_reminder_form_works_from_the_keyboard_alone(live, session, page: Page, watched):
    page.goto(f"{live.url}/s/{session.code}/card/")
    every_day = page.get_by_role("radio", name="Every day")
    expect(every_day).to_be_checked()
    for _ in range(40):  # Tab through the page to the reminder's first control
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name") == "repeat":
            break
    expect(every_day).to_be_focused()
    page.keyboard.press("ArrowRight")  # radios move with the arrows
    expect(page.get_by_role("radio", name="On chosen days")).to_be_checked()
    page.keyboard.press("Tab")
    expect(page.get_by_role("checkbox", name="Monday")).to_be_focused()
    page.keyboard.press("Space")
    for _ in range(3):
        page.keyboard.press("Tab")
    expect(page.get_by_role("checkbox", name="Thursday")).to_be_focused()
    page.keyboard.press("Space")
    for _ in range(4):
        page.keyboard.press("Tab")
    time = page.get_by_label("At what time?")
    expect(time).to_be_focused()
    page.keyboard.type("0645")
    page.keyboard.press("Tab")
    if page.evaluate("document.activeElement.name") == "time":  # an AM/PM field in this locale
        page.keyboard.type("A")
        page.keyboard.press("Tab")
    expect(time).to_have_value("06:45")
    expect(page.get_by_role("button", name="Download the reminder")).to_be_focused()
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    ics = Path(download.value.path()).read_bytes().decode()
    assert "\r\nRRULE:FREQ=WEEKLY;BYDAY=MO,TH\r\n" in ics
    assert re.search(r"\r\nDTSTART:\d{8}T064500\r\n", ics)
    assert watched.problems == []


def test_a_wrong_reminder_says_why_on_the_page(live, session, page: Page, watched, axe):
    page.goto(f"{live.url}/s/{session.code}/card/")
    page.get_by_role("radio", name="On chosen days").check()
    page.get_by_role("button", name="Download the reminder").click()
    expect(page.get_by_role("alert")).to_contain_text("Tick at least one day")
    expect(page).to_have_url(re.compile(r"/reminder\.ics\?repeat=weekly&time=07%3A30$"))
    assert_accessible(axe, page)
    # The console reports the 400 itself; nothing else may go wrong.
    assert [p for p in watched.problems if "400" not in p] == []
