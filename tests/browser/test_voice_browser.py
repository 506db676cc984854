"""Hands-free timed by the voice: a step's get-ready lasts until its spoken introduction has
ended (and a breath after), however slow the voice; pausing pauses the voice with the clock;
the screen is kept awake. The browser's voice is a stand-in whose "end" comes when told."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import answer_in_browser, own_in_browser
from tests.factories import care_session

pytestmark = pytest.mark.browser

# A voice that takes INTRO_MS to say a step's introduction (half a second for anything else),
# or never says it has finished (INTRO_MS 0); it records what it is asked to say and do.
VOICE = """
(() => {
  const INTRO_MS = %d;
  const voice = window.__voice = { said: [], calls: [] };
  const synth = {
    speaking: false, pending: false, paused: false,
    getVoices: () => [],
    speak(utterance) {
      voice.said.push(utterance.text);
      const intro = utterance.text.includes("Get ready.");
      if (intro && !INTRO_MS) return;
      const end = () => utterance.dispatchEvent(new Event("end"));
      setTimeout(end, intro ? INTRO_MS : 500);
    },
    cancel() { voice.calls.push("cancel"); },
    pause() { this.paused = true; voice.calls.push("pause"); },
    resume() { this.paused = false; voice.calls.push("resume"); },
  };
  class Utterance extends EventTarget {
    constructor(text) { super(); this.text = text; }
  }
  Object.defineProperty(window, "speechSynthesis", { value: synth, configurable: true });
  window.SpeechSynthesisUtterance = Utterance;
  voice.locks = 0;
  const lock = { release: () => Promise.resolve(), addEventListener() {} };
  const wakeLock = { request: () => { voice.locks += 1; return Promise.resolve(lock); } };
  Object.defineProperty(navigator, "wakeLock", { value: wakeLock, configurable: true });
})();
"""


def clock_seconds(page: Page) -> int:
    minutes, seconds = page.locator("[data-timer-clock]").inner_text().split(":")
    return int(minutes) * 60 + int(seconds)


def start_hands_free(page: Page, live, intro_ms: int, session=None):
    """`session` (else a short one) started hands-free from its overview: step 1's seconds."""
    session = session or care_session("self", ["upper-back"], [], 5)
    answer_in_browser(page, live.url)
    own_in_browser(page, live.url, session)
    page.add_init_script(VOICE % intro_ms)
    page.clock.install()
    page.goto(f"{live.url}/s/{session.code}/")
    page.get_by_label("Hands-free: count me in").check()
    page.get_by_role("button", name="Start the session").click()
    expect(page.locator("#player")).to_have_attribute("data-step", "1")
    page.clock.run_for(100)  # htmx settles the swap: the step starts its get-ready
    return session.steps.get(number=1).seconds


def test_the_clock_waits_for_a_slow_voice_then_a_breath(live, page: Page, watched):
    seconds = start_hands_free(page, live, intro_ms=14_000)
    state = page.locator("[data-timer-state]")
    expect(state).to_have_text("Get ready… listen")
    page.clock.run_for(12_000)  # past the fixed ten seconds the get-ready used to last
    expect(state).to_have_text("Get ready… listen")
    assert clock_seconds(page) == seconds
    page.clock.run_for(2_000)  # the introduction has been said: a breath, counted
    expect(state).to_have_text(re.compile(r"^Get ready… [12]$"))
    assert clock_seconds(page) == seconds
    page.clock.run_for(1_500)
    expect(page.get_by_role("button", name="Pause")).to_be_visible()
    page.clock.run_for(3_000)
    assert seconds - 3 <= clock_seconds(page) <= seconds - 2

    said = page.evaluate("window.__voice.said")
    assert said[0] == "Starting your session."  # said within the tap: speech unlocked by it
    assert any("Get ready." in text for text in said)
    assert page.evaluate("window.__voice.locks") >= 1  # the screen kept awake

    page.get_by_role("button", name="Pause").click()
    assert page.evaluate("window.speechSynthesis.paused") is True
    paused_at = clock_seconds(page)
    page.clock.run_for(5_000)
    assert clock_seconds(page) == paused_at
    page.get_by_role("button", name="Resume").click()
    assert page.evaluate("window.speechSynthesis.paused") is False
    calls = page.evaluate("window.__voice.calls")
    assert calls[-2:] == ["pause", "resume"]
    assert watched.problems == []


def test_a_voice_that_never_says_it_ended_still_starts_the_clock(live, page: Page, watched):
    seconds = start_hands_free(page, live, intro_ms=0)
    page.clock.run_for(11_000)  # no end: the wait is timed from the introduction's length
    assert clock_seconds(page) == seconds
    pause = page.get_by_role("button", name="Pause")
    for _ in range(60):  # a minute at most, for an introduction of a few dozen words
        page.clock.run_for(1_000)
        if pause.is_visible():
            break
    assert pause.is_visible(), "the clock never started"
    page.clock.run_for(2_000)
    assert clock_seconds(page) < seconds
    assert watched.problems == []
