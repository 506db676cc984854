"""Room on small and zoomed screens: the player's dock and header leave the step in view,
the current instruction shows above the dock, and keyboard focus is never hidden behind a
sticky bar (WCAG 2.2, 2.4.11) — on a phone upright and sideways, and at 200 % zoom."""

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import (
    PHONE,
    Watched,
    answer_in_browser,
    assert_accessible,
    own_in_browser,
    screenshot,
)
from tests.factories import care_session

pytestmark = pytest.mark.browser

UPRIGHT = {"width": 390, "height": 844}
SIDEWAYS = {"width": 844, "height": 390}
ZOOMED = {"width": 640, "height": 400}  # a 1280×800 laptop at 200 %


@pytest.fixture
def session(db):
    return care_session("partner", ["neck-shoulders", "upper-back"], ["tennis-ball"], 10)


@pytest.fixture
def zoomed(live, browser: Browser):
    """A page at 200 % zoom: 640×400 CSS pixels, two device pixels to each."""
    context = browser.new_context(viewport=ZOOMED, device_scale_factor=2)
    page = context.new_page()
    page.set_default_timeout(5000)
    answer_in_browser(page, live.url)
    yield page
    context.close()


def box(page: Page, selector: str) -> dict:
    return page.locator(selector).first.evaluate(
        "e => { const r = e.getBoundingClientRect(); "
        "return {top: r.top, bottom: r.bottom, left: r.left, right: r.right, height: r.height}; }"
    )


@pytest.mark.parametrize(
    ("viewport", "share"), [(UPRIGHT, 0.25), (SIDEWAYS, 0.35)], ids=["upright", "sideways"]
)
def test_the_dock_and_header_leave_the_step_the_screen(
    live, session, page: Page, watched, axe, viewport, share
):
    page.set_viewport_size(viewport)
    answer_in_browser(page, live.url)
    for number in (1, 2):  # step 1's Back is "Overview", its longest; running: Pause
        page.goto(f"{live.url}/s/{session.code}/step/{number}/")
        page.get_by_role("button", name="Start", exact=True).click()
        expect(page.get_by_role("button", name="Pause")).to_be_visible()
        dock = box(page, ".player-dock")
        assert dock["height"] / viewport["height"] <= share, (number, dock)
        assert dock["bottom"] == pytest.approx(viewport["height"], abs=1)  # at the foot
        controls = page.locator(".player__controls > *").evaluate_all(_tops)
        assert len({round(c["top"]) for c in controls}) == 1, controls  # Back, Start, Next
    header = page.locator(".player-bar")
    rows = {round(b["top"]) for b in header.locator("a").evaluate_all(_tops)}
    assert len(rows) == 1, rows  # one row: home, then the overview
    assert box(page, ".player-bar")["height"] <= 56
    screenshot(page, f"step-{viewport['width']}x{viewport['height']}")
    assert_accessible(axe, page)
    assert watched.problems == []


# The middle of each element's box, as "top": in one row, all the same.
_tops = (
    "items => items.map(e => { const r = e.getBoundingClientRect(); "
    "return {top: (r.top + r.bottom) / 2}; })"
)


@pytest.mark.parametrize("viewport", [PHONE, SIDEWAYS], ids=["upright", "sideways"])
def test_the_site_header_is_one_row_on_a_phone(live, page: Page, watched, axe, viewport):
    page.set_viewport_size(viewport)
    page.goto(live.url + "/where-it-hurts/")
    header = box(page, ".site-header")
    assert header["height"] <= 72, header  # one row of 44 px targets
    brand, cta = box(page, ".brand"), box(page, ".site-header__cta")
    first_link = box(page, ".site-header__nav a")
    middles = [(b["top"] + b["bottom"]) / 2 for b in (brand, cta, first_link)]
    assert max(middles) - min(middles) <= 6, middles
    # Every page of the menu still reachable: the last one scrolls into its row when focused.
    last = page.get_by_role("navigation", name="Main").get_by_role("link", name="My sessions")
    last.focus()
    expect(last).to_be_in_viewport()
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    assert_accessible(axe, page)
    assert watched.problems == []


def play_to_the_second_line(page: Page, live, session) -> None:
    """Step 2 started, and on to its second instruction line."""
    page.clock.install()
    own_in_browser(page, live.url, session)
    step = session.steps.get(number=2)
    page.goto(f"{live.url}/s/{session.code}/step/2/")
    lines = page.locator("[data-lines] li")
    assert lines.count() >= 2
    page.get_by_role("button", name="Start").click()
    page.clock.run_for(int(step.seconds / lines.count() * 1000) + 1500)
    expect(lines.nth(1)).to_have_class(re.compile("is-current"))


def assert_above_the_dock(page: Page, selector: str) -> None:
    shown, dock = box(page, selector), box(page, ".player-dock")
    assert shown["top"] >= 0 and shown["bottom"] <= dock["top"] + 0.5, (shown, dock)


def test_the_current_instruction_is_above_the_dock_on_a_phone(live, session, page: Page, watched):
    page.set_viewport_size(UPRIGHT)
    answer_in_browser(page, live.url)
    play_to_the_second_line(page, live, session)
    now = page.locator("[data-now-line]")
    expect(now).to_have_text(page.locator("[data-lines] li").nth(1).inner_text())
    assert_above_the_dock(page, "[data-now-line]")
    assert watched.problems == []


def test_the_current_instruction_is_above_the_dock_at_200_percent(live, session, zoomed, axe):
    watched = Watched(zoomed)
    play_to_the_second_line(zoomed, live, session)
    assert_above_the_dock(zoomed, "[data-now-line]")
    screenshot(zoomed, "step-zoomed")
    assert_accessible(axe, zoomed)
    assert watched.problems == []


# The focused element's box against each sticky or fixed element's (not one it sits in).
HIDDEN_BY = """() => {
  const focused = document.activeElement;
  if (!focused || focused === document.body) return [];
  const f = focused.getBoundingClientRect();
  return [...document.querySelectorAll("body *")]
    .filter(e => ["sticky", "fixed"].includes(getComputedStyle(e).position))
    .filter(e => !e.contains(focused) && e.getClientRects().length)
    .filter(e => {
      const r = e.getBoundingClientRect();
      return f.left < r.right && r.left < f.right && f.top < r.bottom && r.top < f.bottom;
    })
    .map(e => `${focused.outerHTML.slice(0, 80)} under ${e.className}`);
}"""


def tab_through(page: Page, presses: int = 90) -> int:
    """Tab on through the page; at each stop, nothing sticky covers the focus. How many
    stops were checked."""
    checked = 0
    for _ in range(presses):
        page.keyboard.press("Tab")
        hidden = page.evaluate(HIDDEN_BY)
        assert hidden == [], hidden
        checked += 1
        if page.evaluate("document.activeElement.closest('footer') !== null"):
            break
    return checked


def test_tabbing_through_the_safety_screen_at_200_percent_never_hides_the_focus(live, zoomed, axe):
    watched = Watched(zoomed)
    zoomed.goto(live.url + "/build/screen/")
    for group in zoomed.locator("fieldset.question-group").all():  # every question open
        group.get_by_text("Yes, one of these applies: show me").click()
    zoomed.locator("body").focus()
    zoomed.evaluate("window.scrollTo(0, 0)")
    assert tab_through(zoomed, 120) > 20
    screenshot(zoomed, "screen-zoomed")
    assert_accessible(axe, zoomed)
    assert watched.problems == []


def test_tabbing_through_the_builder_at_200_percent_never_hides_the_focus(live, zoomed, axe):
    watched = Watched(zoomed)
    zoomed.goto(live.url + "/build/?region=upper-back&region=hips-glutes&prop=tennis-ball")
    expect(zoomed.locator("#preview")).to_contain_text("Start this session")
    assert tab_through(zoomed, 120) > 20
    screenshot(zoomed, "builder-zoomed")
    assert_accessible(axe, zoomed)
    assert watched.problems == []


def test_start_is_the_steps_primary_control_until_the_time_is_up(
    live, session, page: Page, watched
):
    page.set_viewport_size(UPRIGHT)
    answer_in_browser(page, live.url)
    page.clock.install()
    page.goto(f"{live.url}/s/{session.code}/step/2/")
    start = page.locator("[data-player-pause]")
    next_ = page.locator("[data-player-next]")
    solid = start.evaluate("e => getComputedStyle(e).backgroundColor")
    plain = "rgba(0, 0, 0, 0)"
    expect(start).to_have_css("background-color", solid)
    assert solid != plain
    expect(next_).to_have_css("background-color", plain)
    start.click()
    page.clock.run_for((session.steps.get(number=2).seconds + 1) * 1000)
    expect(page.locator("[data-timer]")).to_have_class(re.compile("is-finished"))
    page.mouse.move(0, 0)  # no hover colours
    expect(next_).to_have_css("background-color", solid)  # time's up: on to the next step
    expect(start).to_have_css("background-color", plain)
    assert watched.problems == []


@pytest.mark.parametrize("width", [320, 375, 1280])
def test_the_pain_scale_reads_0_to_10_in_one_row(live, session, page: Page, watched, width):
    page.set_viewport_size({"width": width, "height": 800})
    answer_in_browser(page, live.url)
    own_in_browser(page, live.url, session)
    page.goto(f"{live.url}/s/{session.code}/")
    options = page.locator(".pain-scale__options label")
    expect(options).to_have_count(11)
    tops = {round(b["top"]) for b in options.evaluate_all(_tops)}
    assert len(tops) == 1, tops
    for end in page.locator(".pain-scale__ends span").all():  # each end label on one line
        assert end.evaluate("e => e.getClientRects().length") == 1
    zero, ten = (
        box(page, ".pain-scale__ends span:first-child"),
        box(page, ".pain-scale__ends span:last-child"),
    )
    assert zero["top"] == ten["top"] and zero["right"] < ten["left"]
    page.get_by_role("radio", name="10", exact=True).check()  # each one there to tap
    expect(page.get_by_role("radio", name="10", exact=True)).to_be_checked()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert watched.problems == []
