"""The movements pages and a muscle's movements, in Chromium as a person would use them."""

import re

import pytest
from playwright.sync_api import Page, expect

from backcare.catalogue.models import Muscle, Prop, Region
from tests.browser.conftest import assert_accessible, screenshot
from tests.factories import MovementFactory, SourceFactory

pytestmark = pytest.mark.browser

SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}


@pytest.fixture
def movements(live):
    nhs = SourceFactory(
        slug="nhs-back-test", title="Exercises for back pain (test)", url="https://www.nhs.uk/t/"
    )
    lower, neck = Region.objects.get(slug="lower-back"), Region.objects.get(slug="neck-shoulders")
    MovementFactory(
        slug="knee-rolls-test",
        name="Knee rolls",
        summary="Rolls both knees slowly from side to side to ease a stiff lower back.",
        position="lying_back",
        regions=[lower],
        muscles=Muscle.objects.filter(slug__in=["erector-spinae", "quadratus-lumborum"]),
        needs=Prop.objects.filter(slug="floor-mat"),
        start="Lie on your back on a mat, knees bent and together, feet flat.",
        action="Roll both knees to one side, as far as is comfortable.\n"
        "Hold for a breath.\nRoll them back to the middle and over to the other side.",
        dose="8 to 10 times each side",
        often="Every day",
        tips="Keep both shoulders on the floor.",
        when_not="Later in pregnancy, do it lying on your side instead.",
        watch="both shoulders stay on the floor.",
        sources=[nhs],
    )
    MovementFactory(
        slug="chin-tucks-test",
        name="Chin tucks",
        summary="Draws the chin gently back to ease a stiff neck.",
        position="sitting",
        setting="sitting",
        regions=[neck],
        dose="5 times",
        sources=[nhs],
    )


@pytest.mark.parametrize("size", SIZES)
def test_a_person_picks_a_movement_by_area_and_position(
    live, movements, page: Page, watched, axe, size
):
    page.set_viewport_size(SIZES[size])
    page.goto(live.url + "/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Movements").click()
    expect(page.get_by_role("heading", level=1, name="Gentle movements")).to_be_visible()
    expect(page.get_by_text("Stop if it makes your symptoms worse")).to_be_visible()
    lower = page.get_by_role("region", name="Lower back")
    expect(lower.get_by_role("link", name="Knee rolls")).to_be_visible()
    expect(lower.get_by_text("8 to 10 times each side")).to_be_visible()
    assert_accessible(axe, page)
    screenshot(page, f"movements-{size}")

    page.evaluate("window.__sameDocument = true")  # survives only if no full reload happens
    page.get_by_role("link", name="Sitting", exact=True).click()
    expect(page).to_have_url(re.compile(r"/movements/\?position=sitting$"))
    expect(page.get_by_role("link", name="Chin tucks")).to_be_visible()
    expect(page.get_by_role("link", name="Knee rolls")).to_have_count(0)
    page.get_by_role("link", name="Any position").click()

    page.get_by_role("link", name="Knee rolls").click()
    expect(page).to_have_url(re.compile(r"/movements/knee-rolls-test/$"))
    heading = page.get_by_role("heading", level=1, name="Knee rolls")
    expect(heading).to_be_focused()
    expect(page).to_have_title(re.compile(r"^Knee rolls"))
    assert page.evaluate("window.__sameDocument") is True
    expect(page.locator("ol.steps li")).to_have_count(3)
    expect(page.locator(".muscle-chips").get_by_role("link", name="Erector spinae")).to_be_visible()
    expect(page.locator('svg.back-diagram a.muscle[data-muscle="erector-spinae"]')).to_have_class(
        re.compile(r"\bis-selected\b")
    )
    expect(page.get_by_role("link", name="Exercises for back pain (test)")).to_be_visible()
    assert_accessible(axe, page)
    screenshot(page, f"movement-{size}")
    page.go_back()
    expect(page.get_by_role("heading", level=1, name="Gentle movements")).to_be_visible()
    assert watched.problems == []


def test_a_muscle_lists_the_movements_that_reach_it(live, movements, page: Page, watched, axe):
    page.set_viewport_size(SIZES["phone"])
    page.goto(live.url + "/muscles/erector-spinae/")
    moves = page.get_by_role("region", name="Movements that reach it")
    expect(moves.get_by_role("link", name="Knee rolls")).to_be_visible()
    assert_accessible(axe, page)
    screenshot(page, "muscle-movements-phone")
    moves.get_by_role("link", name="Knee rolls").click()
    expect(page.get_by_role("heading", level=1, name="Knee rolls")).to_be_visible()
    assert watched.problems == []
