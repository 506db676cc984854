"""The pain finder in Chromium: tapping the picture, ticking with the keyboard, the answer
changing in place, and on to a session for the muscle."""

import re

import pytest
from playwright.sync_api import Page, expect

from backcare.planner.models import CareSession
from tests.browser.conftest import DESKTOP, PHONE, assert_accessible

pytestmark = pytest.mark.browser


def tap(page: Page, value: str) -> None:
    """Tap a place on the picture (where a finger would land)."""
    page.locator(f'.pain-map [data-spot="{value}"]').click()


def suspects(page: Page):
    return page.locator("#finding .suspect h3 a")


def test_tapping_places_changes_the_answer_in_place(live, page: Page, watched):
    page.set_viewport_size(DESKTOP)
    page.goto(live.url + "/where-it-hurts/")
    page.evaluate("window.__sameDocument = true")
    expect(page.locator("#finding")).to_contain_text("Tap or tick the places that hurt")

    tap(page, "shoulder-blade:left")
    expect(
        page.get_by_role("checkbox", name="Over and around a shoulder blade, Left")
    ).to_be_checked()
    expect(page.locator('.pain-map [data-spot="shoulder-blade:left"]')).to_have_class(
        re.compile("is-picked")
    )
    expect(suspects(page).nth(0)).to_have_text("Teres major")
    status = page.get_by_role("status")  # what a screen reader hears, once, as it changes
    expect(status).to_have_text(
        re.compile(r"^\d muscles may be behind it, most likely first: Teres major, ")
    )
    expect(page).to_have_url(re.compile(r"spot=shoulder-blade%3Aleft"))

    # Between the shoulder blades: the screen refuses a session, so the finder offers none.
    tap(page, "between-shoulder-blades:left")
    finding = page.locator("#finding")
    expect(finding.get_by_role("heading", level=2)).to_have_text(
        "Get this checked before any massage"
    )
    expect(finding).to_contain_text("Ask for an urgent GP appointment, or call NHS 111.")
    expect(suspects(page)).to_have_count(0)
    expect(finding.get_by_role("link", name=re.compile("Build a session"))).to_have_count(0)
    expect(status).to_have_text(
        "Get this checked before any massage: "
        "Pain from the top of the back, between the shoulder blades."
    )
    assert page.evaluate("window.__sameDocument") is True  # changed in place

    tap(page, "between-shoulder-blades:left")  # tapped again: off
    tap(page, "shoulder-blade:left")
    expect(
        page.get_by_role("checkbox", name="Between the shoulder blades, Left")
    ).not_to_be_checked()
    expect(page.locator("#finding")).to_contain_text("Tap or tick the places that hurt")
    assert watched.problems == []


def test_the_temples_bring_the_upper_trapezius_and_the_buttock_the_deep_hip_muscles(
    live, page: Page, watched
):
    page.set_viewport_size(DESKTOP)
    page.goto(live.url + "/where-it-hurts/")
    tap(page, "temples:right")
    expect(suspects(page)).to_have_text(["Upper trapezius"])
    expect(page.locator("#finding")).to_contain_text("tension headaches")
    tap(page, "temples:right")
    tap(page, "buttock:left")
    expect(suspects(page).nth(0)).to_have_text("Piriformis")
    expect(suspects(page).nth(1)).to_have_text("Gluteus medius")
    assert watched.problems == []


def test_a_leg_with_numbness_leads_to_the_safety_advice(live, page: Page, watched):
    page.set_viewport_size(PHONE)
    page.goto(live.url + "/where-it-hurts/")
    tap(page, "buttock:right")
    expect(suspects(page).nth(0)).to_have_text("Piriformis")
    page.get_by_role("checkbox", name=re.compile("numbness, tingling or weakness")).check()
    finding = page.locator("#finding")
    expect(finding.get_by_role("heading", level=2)).to_have_text(
        "Get this checked before any massage"
    )
    expect(finding).to_contain_text("Don't massage today. See a GP")
    expect(suspects(page)).to_have_count(0)
    expect(page.locator("#finding-jump")).to_have_text(re.compile("Get this checked first"))
    expect(page.get_by_role("status")).to_have_text(
        "Get this checked before any massage: Pain, numbness or weakness down an arm or a leg."
    )
    finding.get_by_role("link", name="Read this in the safety advice").click()
    expect(page).to_have_url(re.compile(r"/safety/#limb-numbness$"))
    expect(page.locator("#limb-numbness")).to_be_in_viewport()
    assert watched.problems == []


def test_build_a_session_for_this_opens_the_builder_filled_in(live, page: Page, watched):
    page.set_viewport_size(DESKTOP)
    page.goto(live.url + "/where-it-hurts/?spot=buttock:left")
    page.get_by_role(
        "link", name="Build a session for this muscle: the piriformis, left side"
    ).click()
    expect(page).to_have_url(re.compile(r"/build/screen/\?"))  # the safety questions first
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(re.compile(r"/build/\?.*muscle=piriformis"))
    expect(page.get_by_role("checkbox", name="Hips and glutes", exact=True)).to_be_checked()
    expect(page.get_by_label("Hips and glutes: which side?")).to_have_value("hips-glutes:left")
    expect(page.locator(".focus-note")).to_contain_text("A session for the piriformis")
    preview = page.locator("#preview")
    expect(preview.locator("li", has_text="piriformis").first).to_contain_text("left side")
    page.get_by_label("10 min").check()  # a change keeps the muscle
    expect(page).to_have_url(re.compile(r"minutes=10"))
    expect(page).to_have_url(re.compile(r"muscle=piriformis"))
    # One side of the hips alone, bare hands: all of it worth doing is shorter, and says so.
    expect(preview.get_by_role("heading", level=2)).to_have_text(re.compile(r"Your \d min session"))
    expect(preview.locator(".note").first).to_contain_text("more would only repeat it")
    page.get_by_role("button", name="Start this session").click()
    expect(page).to_have_url(re.compile(r"/s/[\w-]{12}/step/1/$"))
    session = CareSession.objects.get()
    assert session.focus == ["piriformis"]
    first = session.steps.filter(phase="main").first()
    assert (first.muscle.slug, first.side) == ("piriformis", "left")
    assert watched.problems == []


def test_the_finder_works_with_the_keyboard_alone_and_passes_axe(live, page: Page, watched, axe):
    page.set_viewport_size(PHONE)
    page.goto(live.url + "/where-it-hurts/")
    assert_accessible(axe, page)
    box = page.get_by_role("checkbox", name="Lower back, Right")
    box.focus()
    expect(page.locator('.pain-map [data-spot="lower-back:right"]')).to_have_class(
        re.compile("is-hover")  # focus lights the place on the picture
    )
    page.keyboard.press("Space")
    expect(box).to_be_checked()
    expect(suspects(page).nth(0)).to_have_text("Erector spinae")
    expect(box).to_be_focused()  # the answer changed without taking focus away
    for _ in range(40):  # on through the list to the answer
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.closest('#finding') !== null"):
            break
    focused = page.evaluate("document.activeElement.textContent")
    assert "Erector spinae" in focused
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/muscles/erector-spinae/$"))
    page.go_back()
    expect(suspects(page).nth(0)).to_have_text("Erector spinae")
    assert_accessible(axe, page)
    assert watched.problems == []


@pytest.mark.parametrize("viewport", [{"width": 375, "height": 812}, DESKTOP], ids=["375", "1280"])
def test_the_builder_from_the_finder_shows_every_area(live, page: Page, watched, viewport):
    """The muscle travels as a hidden input at the top of "Where does it hurt?": the five
    areas still sit below the question, inside the panel, each one there to tap."""
    page.set_viewport_size(viewport)
    page.goto(live.url + "/where-it-hurts/?spot=buttock:left")
    page.get_by_role(
        "link", name="Build a session for this muscle: the piriformis, left side"
    ).click()
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(re.compile(r"/build/\?.*muscle=piriformis"))
    panel = page.locator("fieldset.region-picker")
    expect(panel.locator(".region-choice .chip-check")).to_have_count(5)
    for choice in panel.locator(".region-choice .chip-check").all():
        expect(choice).to_be_visible()
    # Each area under the question and inside the panel (the page's own coordinates).
    placed = panel.evaluate(
        """panel => {
          const legend = panel.querySelector("legend").getBoundingClientRect();
          const box = panel.getBoundingClientRect();
          return [...panel.querySelectorAll(".region-choice")].map(area => {
            const r = area.getBoundingClientRect();
            return {below: r.top >= legend.bottom - 1,
                    inside: r.left >= box.left && r.right <= box.right + 0.5
                            && r.bottom <= box.bottom + 0.5};
          });
        }"""
    )
    assert placed == [{"below": True, "inside": True}] * 5
    page.get_by_role("checkbox", name="Lower back", exact=True).click()  # nothing covers it
    expect(page.get_by_role("checkbox", name="Lower back", exact=True)).to_be_checked()
    assert watched.problems == []
