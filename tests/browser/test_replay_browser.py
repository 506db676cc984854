"""A saved session opened again on a phone after new safety answers (a strain in the lower
back, blood thinners): the steps they rule out are shown skipped and never played, by hand or
hands-free; a phone with no answers is asked them first and comes back."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import (
    DESKTOP,
    SPOKEN,
    answer_in_browser,
    assert_accessible,
    own_in_browser,
    screenshot,
)
from tests.factories import care_session

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
KEEP_OFF = "Keep off your lower back today — you told us about a recent strain there."


@pytest.fixture
def session(db):
    """The light work on the upper back is done today; the rest is skipped (the warm-up too:
    it strokes the lower back on its way)."""
    return care_session("partner", ["upper-back", "lower-back"], [], 30)


def done_today(session) -> list[int]:
    """The steps today's answers leave in: light work on the upper back alone."""
    return [
        s.number
        for s in session.steps.all()
        if {s.region.slug, *s.areas} == {"upper-back"}
        and s.pressure == 1
        and s.family not in ("tapotement", "compression", "rolling")
    ]


def answered_today(page: Page, base: str, session) -> None:
    own_in_browser(page, base, session)
    answer_in_browser(page, base, ["recent-strain", "blood-thinners"], ["lower-back"])


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_a_replay_under_new_answers_skips_what_they_rule_out(
    live, session, page: Page, watched, axe, viewport
):
    page.set_viewport_size(viewport)
    answered_today(page, live.url, session)
    tag = "phone" if viewport is PHONE else "desktop"
    page.goto(f"{live.url}/s/{session.code}/")
    played = done_today(session)
    firm = next(s.number for s in session.steps.all() if s.pressure > 1)
    skipped = page.locator(".plan__step--skipped")
    expect(skipped).to_have_count(session.steps.count() - len(played))
    expect(skipped.filter(has_text="Kneading").filter(has_text="Lower back")).to_have_count(2)
    expect(skipped.first).to_contain_text("Skipped today")
    expect(page.get_by_text("Your answers today: light pressure only")).to_be_visible()
    expect(
        page.get_by_role("button", name="Build a fresh session with today's answers")
    ).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    assert_accessible(axe, page)
    screenshot(page, f"replay-{tag}-overview")

    page.get_by_role("button", name="Start the session").click()
    for position, number in enumerate(played, start=1):  # Next jumps over skipped steps
        expect(page).to_have_url(re.compile(rf"/step/{number}/$"))
        expect(page.get_by_text(f"Step {position} of {len(played)}", exact=True)).to_be_visible()
        expect(page.locator("#player")).to_have_attribute("data-step", str(position))
        expect(page.locator(".player__how .keep-off")).to_contain_text(KEEP_OFF)
        if position == 2:
            assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
            assert_accessible(axe, page)
            screenshot(page, f"replay-{tag}-step")
        if number != played[-1]:
            page.get_by_role("link", name="Next ▶").click()
    page.get_by_role("link", name="◀ Back").click()
    expect(page).to_have_url(re.compile(rf"/step/{played[-2]}/$"))

    page.goto(f"{live.url}/s/{session.code}/step/{firm}/")  # a skipped step, by its address
    expect(page.get_by_text("Too firm for today: light pressure only")).to_be_visible()
    expect(page.locator("[data-timer]")).to_have_count(0)
    assert_accessible(axe, page)
    screenshot(page, f"replay-{tag}-skipped-step")
    assert watched.problems == []


def test_hands_free_plays_only_the_steps_done_today(live, session, page: Page, watched):
    page.set_viewport_size(PHONE)
    answered_today(page, live.url, session)
    seconds = {s.number: s.seconds for s in session.steps.all()}
    page.add_init_script(SPOKEN)
    page.clock.install()
    page.goto(f"{live.url}/s/{session.code}/")
    page.get_by_label("Hands-free: count me in").check()
    page.get_by_role("button", name="Start the session").click()
    visited = []
    for number in done_today(session):
        expect(page).to_have_url(re.compile(rf"/step/{number}/$"))
        visited.append(number)
        page.clock.run_for(100)  # the swap settles: the count-in starts
        # the introduction said (this browser has no voice: at once), the count-in counts
        expect(page.locator("[data-timer-state]")).to_have_text(re.compile(r"Get ready… \d+"))
        count_in = 10 if page.locator("#player").get_attribute("data-moves") == "1" else 5
        page.clock.run_for((count_in + seconds[number]) * 1000 + 500)
        page.clock.run_for(3_000)  # the cue, then on by itself
    expect(page).to_have_url(re.compile(r"/done/$"))
    assert visited == done_today(session)
    assert watched.problems == []


def test_a_phone_with_no_answers_is_asked_them_before_step_one(live, session, page: Page, watched):
    page.set_viewport_size(PHONE)
    own_in_browser(page, live.url, session)
    page.goto(f"{live.url}/s/{session.code}/")
    expect(page.get_by_role("button", name="Start the session")).to_have_count(0)
    page.get_by_role("link", name="Answer the safety questions").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Before you start your session")
    page.get_by_role("button", name="Continue").click()  # nothing applies
    expect(page).to_have_url(re.compile(rf"/s/{session.code}/$"))
    expect(page.locator(".plan__step--skipped")).to_have_count(0)
    page.get_by_role("button", name="Start the session").click()
    expect(page).to_have_url(re.compile(r"/step/1/$"))
    expect(page.get_by_text(f"Step 1 of {session.steps.count()}", exact=True)).to_be_visible()
    assert watched.problems == []
