"""The movements pages and a muscle's movements, in Chromium as a person would use them (the
shipped movements)."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_accessible, screenshot

pytestmark = pytest.mark.browser

SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}


@pytest.mark.parametrize("size", SIZES)
def test_a_person_picks_a_movement_by_area_and_position(live, page: Page, watched, axe, size):
    page.set_viewport_size(SIZES[size])
    page.goto(live.url + "/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Movements").click()
    expect(page.get_by_role("heading", level=1, name="Gentle movements")).to_be_visible()
    expect(page.get_by_text("Stop if it makes your symptoms worse")).to_be_visible()
    lower = page.get_by_role("region", name="Lower back")
    expect(lower.get_by_role("link", name="Back extensions")).to_be_visible()
    expect(page.get_by_role("region", name="Neck and shoulders")).not_to_contain_text(
        "Back extensions"
    )
    assert_accessible(axe, page)
    screenshot(page, f"movements-{size}")

    page.evaluate("window.__sameDocument = true")  # survives only if no full reload happens
    page.get_by_role("link", name="Sitting", exact=True).click()
    expect(page).to_have_url(re.compile(r"/movements/\?position=sitting$"))
    expect(page.get_by_role("link", name="Chin tucks")).to_be_visible()
    expect(page.get_by_role("link", name="Back extensions")).to_have_count(0)
    page.get_by_role("link", name="Any position").click()

    page.get_by_role("link", name="Back extensions").first.click()
    expect(page).to_have_url(re.compile(r"/movements/back-extensions/$"))
    heading = page.get_by_role("heading", level=1, name="Back extensions")
    expect(heading).to_be_focused()
    expect(page).to_have_title(re.compile(r"^Back extensions"))
    assert page.evaluate("window.__sameDocument") is True
    expect(page.locator("ol.steps li")).not_to_have_count(0)
    expect(page.get_by_text("Stop if it makes your symptoms worse")).to_be_visible()
    expect(page.locator(".muscle-chips").get_by_role("link", name="Erector spinae")).to_be_visible()
    expect(page.locator('svg.back-diagram a.muscle[data-muscle="erector-spinae"]')).to_have_class(
        re.compile(r"\bis-selected\b")
    )
    expect(page.locator(".sources a[rel~=external]").first).to_be_visible()
    assert_accessible(axe, page)
    screenshot(page, f"movement-{size}")
    page.go_back()
    expect(page.get_by_role("heading", level=1, name="Gentle movements")).to_be_visible()
    assert watched.problems == []


def test_a_muscle_lists_the_movements_that_reach_it(live, page: Page, watched, axe):
    page.set_viewport_size(SIZES["phone"])
    page.goto(live.url + "/muscles/erector-spinae/")
    moves = page.get_by_role("region", name="Movements that reach it")
    expect(moves.get_by_role("link", name="Back extensions")).to_be_visible()
    assert_accessible(axe, page)
    screenshot(page, "muscle-movements-phone")
    moves.get_by_role("link", name="Back extensions").click()
    expect(page.get_by_role("heading", level=1, name="Back extensions")).to_be_visible()
    assert watched.problems == []


def test_the_finder_suggests_movements_beside_a_session(live, page: Page, watched, axe):
    page.set_viewport_size(SIZES["phone"])
    page.goto(live.url + "/where-it-hurts/")
    page.get_by_role("checkbox", name="Lower back, Left").check()
    moves = page.locator("#finding .finder__moves a")
    expect(moves).to_have_count(2)
    expect(page.locator("#finding")).to_contain_text("if your safety answers allow")
    assert_accessible(axe, page)
    screenshot(page, "finder-movements-phone")
    moves.first.click()
    expect(page).to_have_url(re.compile(r"/movements/[\w-]+/$"))
    assert watched.problems == []
