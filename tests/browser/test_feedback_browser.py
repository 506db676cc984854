"""Feedback per step in the browser: one tap on "Too much" while a step's timer runs, said in the
live region, the button pressed, the timer running on; the pressed button still there after
the player's swaps and a reload; axe clean at phone and desktop sizes."""

import re
import time

import pytest
from playwright.sync_api import Page, expect

from backcare.planner.models import Run, StepFeedback
from tests.browser.conftest import (
    DESKTOP,
    answer_in_browser,
    assert_accessible,
    keep_in_browser,
    own_in_browser,
    screenshot,
)
from tests.factories import care_session, followed

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
NOTED = "Noted: too much — next time this is left out."


def seconds(clock: str) -> int:
    minutes, _, secs = clock.strip().partition(":")
    return int(minutes) * 60 + int(secs)


def test_tapping_too_much_on_a_phone_says_so_and_keeps_the_timer(live, page: Page, watched, axe):
    session = care_session("partner", ["lower-back", "hips-glutes"], [], 20)
    answer_in_browser(page, live.url)
    own_in_browser(page, live.url, session)
    page.set_viewport_size(PHONE)
    page.goto(f"{live.url}/s/{session.code}/step/2/")
    page.get_by_role("button", name="Start").click()  # the step's timer runs
    expect(page.locator("[data-player-pause] [data-label]")).to_have_text("Pause")
    felt, clock = page.locator("#felt-form"), page.locator("[data-timer-clock]")
    page.wait_for_timeout(1200)
    at_tap = seconds(clock.text_content())
    felt.get_by_role("button", name="Too much").click()
    expect(page.get_by_role("status").filter(has_text="Noted")).to_have_text(NOTED)
    expect(felt.get_by_role("button", name="Too much")).to_have_attribute("aria-pressed", "true")
    expect(felt.get_by_role("button", name="Felt good")).to_have_attribute("aria-pressed", "false")
    expect(page.locator("[data-player-pause] [data-label]")).to_have_text("Pause")
    page.wait_for_timeout(2200)
    assert seconds(clock.text_content()) <= at_tap - 2  # the timer ran on through the tap
    assert StepFeedback.objects.get().felt == "too_much"
    assert_accessible(axe, page)
    screenshot(page, "feedback-step-phone")

    # Pressing another replaces it.
    felt.get_by_role("button", name="Felt good").click()
    expect(page.locator("#felt-said")).to_have_text("Noted: felt good.")
    expect(felt.get_by_role("button", name="Too much")).to_have_attribute("aria-pressed", "false")
    expect(felt.get_by_role("button", name="Felt good")).to_have_attribute("aria-pressed", "true")

    # On to the next step and back (the player's swaps), then a reload: still pressed.
    page.locator("[data-player-next]").click()
    expect(page).to_have_url(f"{live.url}/s/{session.code}/step/3/")
    expect(page.locator("#felt-form [aria-pressed=true]")).to_have_count(0)
    page.locator("[data-player-back]").click()
    expect(page).to_have_url(f"{live.url}/s/{session.code}/step/2/")
    pressed = page.locator("#felt-form [aria-pressed=true]")
    expect(pressed).to_have_text("Felt good")
    felt.get_by_role("button", name="Skip next time").click()  # a tap on a swapped-in step
    expect(page.locator("#felt-said")).to_have_text("Noted: skipped next time.")
    page.reload()
    expect(pressed).to_have_text("Skip next time")
    expect(page.locator("#felt-said")).to_have_text("Noted: skipped next time.")
    assert list(StepFeedback.objects.values_list("number", "felt")) == [(2, "skip_next")]

    page.set_viewport_size(DESKTOP | {"height": 800})
    assert_accessible(axe, page)
    screenshot(page, "feedback-step-desktop")
    assert watched.problems == []


def test_without_javascript_the_tap_is_a_form_that_comes_back(live, browser):
    session = care_session("self", ["upper-back"], ["tennis-ball"], 10)
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    page = context.new_page()
    answer_in_browser(page, live.url)
    own_in_browser(page, live.url, session)
    page.goto(f"{live.url}/s/{session.code}/step/1/")
    page.locator("#felt-form").get_by_role("button", name="Skip next time").click()
    expect(page).to_have_url(f"{live.url}/s/{session.code}/step/1/")
    expect(page.locator("#felt-said")).to_have_text("Noted: skipped next time.")
    expect(page.locator("#felt-form [aria-pressed=true]")).to_have_text("Skip next time")
    context.close()


def test_a_tap_offline_waits_on_the_device_and_is_sent_back_online(live, page: Page, watched):
    session = care_session("self", ["upper-back"], ["tennis-ball"], 10)
    answer_in_browser(page, live.url)
    own_in_browser(page, live.url, session)
    page.goto(f"{live.url}/s/{session.code}/step/1/")
    expect(page.locator("html")).to_have_attribute("data-offline-ready", re.compile(r"^\d+$"))
    page.locator("[data-player-next]").click()  # step 2 swapped in: its form has no token
    expect(page.locator("#player")).to_have_attribute("data-step", "2")
    page.context.set_offline(True)
    page.locator("#felt-form").get_by_role("button", name="Too much").click()
    expect(page.locator("#felt-said")).to_have_text(
        "Noted on this device: it is sent when you're back online."
    )
    assert not StepFeedback.objects.exists()
    page.context.set_offline(False)
    page.locator("[data-player-next]").click()  # online again: what waited goes first
    expect(page.locator("#player")).to_have_attribute("data-step", "3")
    deadline = time.monotonic() + 5
    while not StepFeedback.objects.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert list(StepFeedback.objects.values_list("number", "felt")) == [(2, "too_much")]
    assert [p for p in watched.problems if "ERR_INTERNET_DISCONNECTED" not in p] == []


def test_my_sessions_lists_what_was_said_and_forgets_everything(live, page: Page, watched, axe):
    session = care_session("self", ["upper-back"], ["tennis-ball"], 10)
    run = followed(session, pain_before=6, pain_after=3)
    step = session.steps.get(number=2)
    StepFeedback.objects.create(run=run, number=2, felt="too_much", name=step.name)
    keep_in_browser(page, live.url, [session.code])
    page.set_viewport_size(PHONE)
    page.goto(f"{live.url}/mine/")
    expect(page.get_by_role("list", name="What you said of its steps")).to_have_text(
        f"Too much: {step.name}"
    )
    page.get_by_text("Forget everything", exact=True).click()  # the disclosure opens
    assert_accessible(axe, page)
    screenshot(page, "feedback-mine-phone")
    page.get_by_role("button", name="Yes, forget everything").click()
    expect(page.get_by_role("status")).to_have_text("Forgotten: everything this browser kept.")
    expect(page.get_by_role("heading", name="No sessions yet")).to_be_visible()
    assert not Run.objects.exists() and not StepFeedback.objects.exists()
    assert_accessible(axe, page)
    assert watched.problems == []
