"""The back diagram and the browse pages, driven in Chromium as a person would."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import DESKTOP, PHONE, assert_accessible

pytestmark = pytest.mark.browser


def muscle_shape(page: Page, slug: str):
    return page.locator(f'svg.back-diagram a.muscle[data-muscle="{slug}"]')


def right_side(page: Page, slug: str):
    """Where a person taps: on the muscle itself (the link's box centre is the spine)."""
    return muscle_shape(page, slug).locator("use.side-right")


def fill_of(page: Page, slug: str, side: str) -> str:
    return page.eval_on_selector(
        f'svg.back-diagram a.muscle[data-muscle="{slug}"] use.side-{side}',
        "el => getComputedStyle(el).fill",
    )


def test_clicking_a_muscle_opens_it_in_place_and_back_restores(live, page: Page, watched):
    page.set_viewport_size(DESKTOP)
    page.goto(live.url + "/muscles/")
    expect(page.get_by_role("heading", name="Choose a muscle")).to_be_visible()
    page.evaluate("window.__sameDocument = true")  # survives only if no full reload happens

    right_side(page, "rhomboids").click()
    expect(page.get_by_role("heading", level=2, name="Rhomboids")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/muscles/rhomboids/$"))
    expect(muscle_shape(page, "rhomboids")).to_have_class(re.compile(r"\bis-selected\b"))
    assert page.evaluate("window.__sameDocument") is True
    expect(page.get_by_role("heading", name="With a partner")).to_be_visible()

    page.go_back()
    expect(page).to_have_url(re.compile(r"/muscles/$"))
    expect(page.get_by_role("heading", name="Choose a muscle")).to_be_visible()
    expect(muscle_shape(page, "rhomboids")).not_to_have_class(re.compile(r"\bis-selected\b"))
    assert watched.problems == []


def test_the_technique_filters_swap_the_list_in_place_and_back_restores(live, page: Page, watched):
    page.goto(live.url + "/techniques/")
    page.evaluate("window.__sameDocument = true")  # survives only if no full reload happens
    everyone = page.locator("#technique-list .tiles li").count()
    page.get_by_role("link", name="With a partner").click()
    expect(page).to_have_url(re.compile(r"/techniques/\?performer=partner$"))
    expect(page.get_by_role("link", name="With a partner")).to_have_attribute(
        "aria-current", "page"
    )
    expect(page.locator("#technique-list .tiles li")).not_to_have_count(everyone)
    expect(page.get_by_role("link", name="All", exact=True)).not_to_have_attribute(
        "aria-current", "page"
    )
    expect(page.get_by_role("link", name="With a partner")).to_be_focused()  # where it was
    assert page.evaluate("window.__sameDocument") is True
    page.go_back()
    expect(page).to_have_url(re.compile(r"/techniques/$"))
    expect(page.locator("#technique-list .tiles li")).to_have_count(everyone)
    expect(page.get_by_role("link", name="All", exact=True)).to_have_attribute(
        "aria-current", "page"
    )
    assert watched.problems == []


def test_opening_a_muscle_url_directly_shows_it_selected(live, page: Page, watched):
    page.goto(live.url + "/muscles/piriformis/")
    expect(page.get_by_role("heading", level=2, name="Piriformis")).to_be_visible()
    expect(muscle_shape(page, "piriformis")).to_have_class(re.compile(r"\bis-deep\b.*is-selected"))
    assert watched.problems == []


def test_keyboard_tab_and_enter_open_a_muscle(live, page: Page, watched):
    page.goto(live.url + "/muscles/")
    first = page.locator("svg.back-diagram a.muscle").first
    name = first.get_attribute("aria-label")
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.matches('svg a.muscle')"):
            break
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == name
    page.keyboard.press("Enter")
    heading = page.get_by_role("heading", level=2, name=name.replace(" (deep)", ""))
    expect(heading).to_be_visible()
    expect(heading).to_be_focused()
    assert watched.problems == []


def test_hover_and_focus_light_both_sides_together(live, page: Page, watched):
    page.set_viewport_size(DESKTOP)
    page.emulate_media(reduced_motion="reduce")  # read colours after, not during, a fade
    page.goto(live.url + "/muscles/")
    resting = fill_of(page, "gluteus-medius", "right")
    right_side(page, "gluteus-medius").hover()
    lit = muscle_shape(page, "gluteus-medius").locator("use")
    expect(lit.first).not_to_have_css("fill", resting)
    lit_fill = fill_of(page, "gluteus-medius", "right")
    expect(lit.nth(1)).to_have_css("fill", lit_fill)  # the mirrored side lights too

    # Focusing a muscle's name in the list lights both sides on the picture.
    page.mouse.move(0, 0)
    expect(lit.first).to_have_css("fill", resting)
    page.locator('.muscle-index a[data-muscle="upper-trapezius"]').focus()
    for use in muscle_shape(page, "upper-trapezius").locator("use").all():
        expect(use).to_have_css("fill", lit_fill)
    expect(muscle_shape(page, "rhomboids").locator("use").first).to_have_css("fill", resting)
    assert watched.problems == []


def test_the_no_go_zones_are_labelled_on_the_picture(live, page: Page):
    page.goto(live.url + "/muscles/")
    labels = page.locator("svg.back-diagram text").all_text_contents()
    joined = " ".join(labels).lower()
    assert "spine" in joined and "kidney" in joined


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/muscles/",
        "/muscles/erector-spinae/",
        "/techniques/",
        "/techniques/ball-against-wall/",
        "/props/",
        "/props/tennis-ball/",
        "/safety/",
    ],
)
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_pages_are_accessible_and_fit_the_screen(live, page: Page, watched, axe, path, viewport):
    page.set_viewport_size(viewport)
    page.goto(live.url + path)
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    assert_accessible(axe, page)
    assert watched.problems == []
