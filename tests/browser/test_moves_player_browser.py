"""A movement step in Chromium: the ring counts its repetitions ("2 of 3", left side then
right, Move… Hold… Release), pauses, survives a reload and ends with the last one; hands-free
counts aloud ("And release, that's one.", "Now the other side.") and the clock waits while a
count is said. Short moves and holds keep the tests fast; the page's clock is Playwright's."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import (
    answer_in_browser,
    assert_accessible,
    screenshot,
)
from tests.browser.test_voice_browser import start_hands_free
from tests.factories import care_session, with_movement

pytestmark = pytest.mark.browser

UPRIGHT = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 800}


def counting(page: Page, live, session) -> list[str]:
    """`session` started hands-free from its overview, with a voice that takes half a second to
    say each thing (a second for a step's introduction); once step 1 is counting: what the
    voice said, up to then."""
    start_hands_free(page, live, 1000, session)
    pause = page.get_by_role("button", name="Pause")
    for _ in range(30):
        page.clock.run_for(500)
        if pause.is_visible():
            break
    return said_since_the_introduction(page)


def said_since_the_introduction(page: Page) -> list[str]:
    """What the voice said from a step's introduction on (it first)."""
    said = page.evaluate("window.__voice.said")
    return said[next(i for i, text in enumerate(said) if "Get ready." in text) :]


def ring(page: Page) -> str:
    """What the ring says: the count, the side, the phase word."""
    parts = page.locator("[data-rep-count], [data-rep-side], [data-rep-phase]:not([hidden])")
    return " · ".join(text.strip() for text in parts.all_inner_texts())


@pytest.mark.parametrize("viewport", [UPRIGHT, LAPTOP], ids=["phone", "laptop"])
def test_the_ring_counts_each_side_pauses_keeps_its_count_and_ends(
    live, page: Page, watched, axe, viewport
):
    session = care_session("self", ["lower-back"], [], 10)
    # Each repetition: two seconds into it, two held, two back; three on each side (36 s).
    with_movement(session, number=1, pattern="each_side", reps=3, hold=2, move=4)
    page.set_viewport_size(viewport)
    answer_in_browser(page, live.url)
    page.clock.install()
    page.goto(f"{live.url}/s/{session.code}/step/1/")
    expect(page.locator("[data-rep-count]")).to_have_text("3 times")  # as the page says it
    assert_accessible(axe, page)
    page.get_by_role("button", name="Start", exact=True).click()
    page.clock.run_for(1_000)
    assert ring(page) == "1 of 3 · left side · Move…"
    page.clock.run_for(2_000)
    assert ring(page) == "1 of 3 · left side · Hold…"
    page.clock.run_for(2_000)
    assert ring(page) == "1 of 3 · left side · Release"
    page.clock.run_for(2_000)
    assert ring(page) == "2 of 3 · left side · Move…"
    expect(page.locator("[data-rep-mini]")).to_have_text("2 of 3 · left")  # the dock

    page.get_by_role("button", name="Pause").click()
    screenshot(page, f"movement-{viewport['width']}x{viewport['height']}")
    assert_accessible(axe, page)
    page.clock.run_for(10_000)
    assert ring(page).startswith("2 of 3 · left side")
    page.get_by_role("button", name="Resume").click()
    page.clock.run_for(12_000)  # 19 s in: the right side, from one again
    assert ring(page) == "1 of 3 · right side · Move…"
    assert "Now the other side." in page.locator("[data-live]").inner_text()

    page.reload()  # the count is read from the step's kept clock
    expect(page.get_by_role("button", name="Pause")).to_be_visible()
    assert ring(page).startswith("1 of 3 · right side")
    page.clock.run_for(20_000)
    assert ring(page) == "3 of 3 · right side · Done"
    expect(page.locator("[data-timer-state]")).to_have_text("All 3 done")
    expect(page.get_by_role("button", name="Start again")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/step/1/$"))  # without hands-free, it waits
    page.reload()
    expect(page.locator("[data-timer-state]")).to_have_text("All 3 done")
    assert ring(page) == "3 of 3 · right side · Done"
    assert watched.problems == []


def test_hands_free_counts_aloud_and_waits_for_each_count_to_be_said(live, page: Page, watched):
    session = care_session("self", ["lower-back"], [], 10)
    # Left then right is one; two of them: 2 × 2 × (2 + 1) = 12 s of movement.
    with_movement(session, number=1, pattern="alternate", reps=2, hold=1, move=2)
    intro = counting(page, live, session)[0]
    assert "Let both knees roll slowly to one side" in intro  # what one repetition is

    # Twelve seconds of movement, and ten counts said half a second each: not done at 13 s…
    page.clock.run_for(13_000)
    expect(page.get_by_role("button", name="Pause")).to_be_visible()
    # …done by 18 s.
    page.clock.run_for(5_000)
    expect(page.locator("[data-timer-state]")).to_have_text("All 2 done")
    counts = said_since_the_introduction(page)[1:]
    assert counts[:10] == [
        "Hold…",
        "And release.",
        "Now the other side.",
        "Hold…",
        "And release, that's one.",
        "Hold…",
        "And release.",
        "Now the other side.",
        "Hold…",
        "And release, that's two.",
    ]
    # The first step finished hands-free also asks, once, for a tap if it was too much.
    asked = "If that was too much, tap Too much now. If it was fine, say nothing."
    assert counts[10].startswith(f"That's all of them. {asked} Next: ")
    assert watched.problems == []


def test_a_flowing_movement_is_only_counted_aloud(live, page: Page, watched):
    session = care_session("self", ["neck-shoulders"], [], 10)
    # Never held: into it and back, three times (4 s each).
    with_movement(session, number=1, name="Shoulder rolls", pattern="flow", reps=3, hold=0, move=4)
    counting(page, live, session)
    page.clock.run_for(3_000)
    assert ring(page) == "1 of 3 · Back…"  # no side: both move together
    page.clock.run_for(12_000)
    counts = said_since_the_introduction(page)[1:]
    assert counts[:3] == ["That's one.", "That's two.", "That's three."]
    assert watched.problems == []
