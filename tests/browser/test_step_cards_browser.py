"""A partner session with a wound on the lower back, followed step by step in Chromium: every
card keeps off the lower back, visibly, and reads right on a phone and on a desktop."""

import re

import pytest
from playwright.sync_api import Page, expect

from backcare.catalogue.validation import areas_named
from tests.browser.conftest import DESKTOP, PHONE, assert_accessible, screenshot

pytestmark = pytest.mark.browser

KEEP_OFF = "Keep off your lower back today — you told us about a wound there."


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_a_wound_on_the_lower_back_is_kept_off_on_every_step(
    live, page: Page, watched, axe, viewport
):
    page.set_viewport_size(viewport)
    page.goto(live.url + "/build/screen/")
    page.locator("fieldset.question-group", has_text="A problem in one area").get_by_text(
        "Yes, one of these applies: show me"
    ).click()
    page.get_by_label("open or healing wound", exact=False).check()
    page.locator(".area-pick").get_by_text("Lower back", exact=True).click()
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(re.compile(r"/build/"))

    page.goto(
        live.url + "/build/?performer=partner&region=upper-back&region=lower-back"
        "&region=hips-glutes&minutes=15"
    )
    preview = page.locator("#preview")
    expect(preview).to_contain_text("Start this session")
    page.get_by_role("button", name="Save it and look it over first").click()
    expect(page).to_have_url(re.compile(r"/s/[\w-]{12}/$"))
    expect(page.get_by_text("Keep off your lower back today")).to_be_visible()
    page.get_by_role("button", name="Start the session").click()

    count = int(re.search(r"of (\d+)", page.locator(".player__count").inner_text())[1])
    assert count >= 3
    tag = "phone" if viewport is PHONE else "desktop"
    for number in range(1, count + 1):
        expect(page.locator("#player")).to_have_attribute("data-step", str(number))
        card = page.locator(".player__how")
        expect(card.locator(".keep-off")).to_contain_text(KEEP_OFF)
        expect(page.locator('[aria-label="Keep off today: Lower back"]')).to_have_count(1)
        said = [
            page.get_by_role("heading", level=1).inner_text(),
            page.locator(".player__target").inner_text(),
            *card.locator(".player__steps li").all_inner_texts(),
        ]
        assert all("lower-back" not in areas_named(text) for text in said), said
        if number in (1, 2):
            screenshot(page, f"wound-lower-back-{tag}-step-{number}")
        if number == 1:
            assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
            assert_accessible(axe, page)
        if number < count:
            page.get_by_role("link", name="Next ▶").click()
    assert watched.problems == []
