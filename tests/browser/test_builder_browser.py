"""The safety screen and the live builder in Chromium, as a person uses them."""

import re

import pytest
from playwright.sync_api import Page, expect

from backcare.planner.models import CareSession
from tests.browser.conftest import DESKTOP, PHONE, assert_accessible
from tests.factories import ratings

pytestmark = pytest.mark.browser


def answer_screen_clear(page: Page, base: str) -> None:
    page.goto(base + "/build/")
    expect(page).to_have_url(re.compile(r"/build/screen/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Before we build your session")
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(re.compile(r"/build/$"))


def test_build_a_session_live_and_start_it(live, page: Page, watched):
    page.set_viewport_size(DESKTOP)
    answer_screen_clear(page, live.url)
    page.evaluate("window.__sameDocument = true")
    preview = page.locator("#preview")

    status = page.get_by_role("status")  # what a screen reader hears, once, as it changes
    page.get_by_role("checkbox", name="Mid back", exact=True).check()
    expect(preview).to_contain_text("Nothing to do yet")
    expect(status).to_have_text("Nothing to do yet with these answers.")
    expect(preview).to_contain_text("needs a prop when you're on your own")
    expect(page).to_have_url(re.compile(r"region=mid-back"))

    expect(page.get_by_role("checkbox", name="A wall", exact=True)).to_have_count(0)  # always
    page.get_by_role("checkbox", name="Tennis ball", exact=True).check()
    expect(preview).to_contain_text("Ball against a wall")
    expect(preview).to_contain_text(re.compile(r"Have these to hand: .*tennis ball, a wall"))
    page.get_by_label("10 min").check()
    expect(preview.get_by_role("heading", level=2)).to_have_text("Your 10 min session")
    expect(status).to_have_text(re.compile(r"^Your session: \d+ steps, 10 minutes\.$"))
    expect(page).to_have_url(re.compile(r"minutes=10"))
    assert page.evaluate("window.__sameDocument") is True  # no reload happened

    page.get_by_role("button", name="Start this session").click()  # one tap: step 1
    expect(page).to_have_url(re.compile(r"/s/[\w-]{12}/step/1/$"))
    expect(page.get_by_text(re.compile(r"^Step 1 of \d+$"))).to_be_visible()
    expect(page.get_by_role("button", name="Start", exact=True)).to_be_visible()
    session = CareSession.objects.get()
    assert session.started_at is not None
    # The overview's content is a tap away, and its optional rating folded away here.
    expect(page.get_by_role("link", name="Overview", exact=True)).to_have_attribute(
        "href", f"/s/{session.code}/"
    )
    rating = page.locator("details.rate-before")
    expect(rating.get_by_role("radio", name="4", exact=True)).to_be_hidden()
    rating.get_by_text("Before you start: rate the pain (optional)").click()
    rating.get_by_role("radio", name="4", exact=True).check()
    rating.get_by_role("button", name="Save it and carry on").click()
    expect(page).to_have_url(re.compile(r"/step/1/$"))
    expect(page.locator("details.rate-before")).to_have_count(0)  # rated: asked no more
    assert ratings(session)[0] == 4
    assert watched.problems == []


def test_the_builder_can_save_a_session_to_look_it_over_first(live, page: Page, watched):
    page.set_viewport_size(PHONE)
    answer_screen_clear(page, live.url)
    page.goto(live.url + "/build/?region=upper-back&prop=tennis-ball")
    page.get_by_role("button", name="Save it and look it over first").click()
    expect(page).to_have_url(re.compile(r"/s/[\w-]{12}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Your \d+ min session$"))
    assert CareSession.objects.get().started_at is None
    assert watched.problems == []


def test_tapping_the_small_diagram_ticks_an_area(live, page: Page, watched):
    page.set_viewport_size(DESKTOP)
    answer_screen_clear(page, live.url)
    page.locator('.region-picker [data-muscle="gluteus-maximus"] use.side-right').click()
    expect(page.get_by_role("checkbox", name="Hips and glutes", exact=True)).to_be_checked()
    expect(page.locator("#preview")).to_contain_text("Start this session")
    expect(page.locator('.region-picker [data-muscle="piriformis"]')).to_have_class(
        re.compile("is-selected")
    )
    assert watched.problems == []


def open_group(page: Page, legend: str) -> None:
    """Answer "Yes, one of these applies" for the group whose legend starts so."""
    group = page.locator("fieldset.question-group", has_text=legend)
    group.get_by_text("Yes, one of these applies: show me").click()


def test_a_red_flag_stops_everything_and_a_mistake_can_be_undone(live, page: Page, watched):
    page.goto(live.url + "/build/screen/")
    expect(page.get_by_label("Have you lost control of your bladder", exact=False)).to_be_hidden()
    open_group(page, "Warning signs")
    page.get_by_label("Have you lost control of your bladder", exact=False).check()
    open_group(page, "Conditions that call for a gentler or shorter session")
    page.get_by_label("blood thinners", exact=False).check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Get medical help now")
    expect(page.get_by_role("link", name="Call 999")).to_have_attribute("href", "tel:999")

    page.get_by_role("button", name=re.compile("I ticked something by mistake")).click()
    mistake = page.get_by_label("Have you lost control of your bladder", exact=False)
    expect(mistake).to_be_checked()
    expect(page.get_by_label("blood thinners", exact=False)).to_be_checked()  # kept
    mistake.uncheck()
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(re.compile(r"/build/$"))
    page.get_by_role("checkbox", name="Neck and shoulders", exact=True).check()
    expect(page.locator("#preview")).to_contain_text("Kept gentle because of")
    assert watched.problems == []


def test_red_flags_send_you_to_the_screen_until_answered(live, page: Page):
    page.goto(live.url + "/build/screen/")
    open_group(page, "Warning signs")
    page.get_by_label("Have you lost control of your bladder", exact=False).check()
    page.get_by_role("button", name="Continue").click()
    page.goto(live.url + "/build/")
    expect(page).to_have_url(re.compile(r"/build/screen/$"))


def test_a_local_problem_without_an_area_asks_where(live, page: Page):
    page.goto(live.url + "/build/screen/")
    open_group(page, "A problem in one area")
    where = page.get_by_text("Where is it? We'll leave that area out.")
    expect(where).to_be_hidden()  # asked only once an area problem is ticked
    page.get_by_label("open or healing wound", exact=False).check()
    expect(where).to_be_visible()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("alert")).to_contain_text("tick where it is")


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_screen_builder_and_overview_are_accessible(live, page: Page, watched, axe, viewport):
    page.set_viewport_size(viewport)
    page.goto(live.url + "/build/screen/")
    assert_accessible(axe, page)
    page.get_by_role("button", name="Continue").click()
    page.goto(live.url + "/build/?region=upper-back&region=hips-glutes&prop=tennis-ball")
    expect(page.locator("#preview")).to_contain_text("Start this session")
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    assert_accessible(axe, page)
    page.get_by_role("button", name="Start this session").click()
    expect(page).to_have_url(re.compile(r"/s/[\w-]{12}/step/1/$"))
    assert_accessible(axe, page)
    page.locator("details.rate-before summary").click()  # the rating opened, on step 1
    assert_accessible(axe, page)
    page.get_by_role("link", name="Overview", exact=True).click()
    expect(page).to_have_url(re.compile(r"/s/[\w-]{12}/$"))
    assert_accessible(axe, page)
    assert watched.problems == []


def test_on_a_phone_the_areas_sides_and_usual_length_read_right(live, page: Page, watched, axe):
    page.set_viewport_size(PHONE)
    answer_screen_clear(page, live.url)
    preview = page.locator("#preview")
    lower_back = page.get_by_role("checkbox", name="Lower back", exact=True)
    lower_back.scroll_into_view_if_needed()
    lower_back.click()  # nothing floats over the options any more
    expect(lower_back).to_be_checked()
    expect(preview).to_contain_text("Your 5 min session")
    expect(preview).to_contain_text("Your hips and glutes often feed lower back pain")

    page.get_by_label("Lower back: which side?").select_option("lower-back:left")
    expect(page).to_have_url(re.compile(r"side=lower-back%3Aleft"))
    expect(preview).to_contain_text("left side")
    expect(preview).not_to_contain_text("right side")

    page.get_by_text("One person massages another").click()
    expect(preview).to_contain_text("Your 30 min session")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert_accessible(axe, page)
    assert watched.problems == []


def test_before_an_area_is_chosen_the_builder_invites_rather_than_warns(live, page: Page, watched):
    page.set_viewport_size(PHONE)
    answer_screen_clear(page, live.url)
    preview = page.locator("#preview")
    status = page.get_by_role("status")
    page.get_by_text("One person massages another").click()
    expect(page).to_have_url(re.compile(r"performer=partner"))
    page.get_by_role("checkbox", name="Tennis ball", exact=True).check()
    page.get_by_label("10 min").check()
    expect(page).to_have_url(re.compile(r"minutes=10"))
    expect(preview).to_contain_text("Choose where it hurts to see your session")
    expect(status).to_have_text("Choose where it hurts to see your session.")
    expect(preview).not_to_contain_text("Nothing to do yet")
    expect(preview).not_to_contain_text("can be worked safely")
    expect(preview).not_to_contain_text("not used today")
    page.get_by_role("checkbox", name="Upper back", exact=True).check()
    expect(preview.get_by_role("heading", level=2)).to_have_text("Your 10 min session")
    assert watched.problems == []


def test_props_read_plainly_and_an_unused_one_adds_its_area_in_one_tap(live, page: Page, watched):
    page.set_viewport_size(PHONE)
    answer_screen_clear(page, live.url)
    ball = page.get_by_role("checkbox", name="Tennis ball", exact=True)
    # not "alone, opens:"; and what every home has that it needs beside it
    expect(ball).to_have_accessible_description("for your mid back, with a wall")
    sock = page.get_by_role("checkbox", name="Two balls in a sock", exact=True)
    expect(sock).to_have_accessible_description("for your mid back")  # it needs nothing else
    page.goto(live.url + "/build/?region=lower-back&prop=foam-roller&minutes=15")
    preview = page.locator("#preview")
    note = preview.locator(".note", has_text="Foam roller:")
    expect(note).to_contain_text("not used today. It's for your")
    expect(note).not_to_contain_text("It works the")
    add = note.get_by_role("link", name=re.compile(r"^Add the "))
    area = add.first.inner_text().removeprefix("Add the ")
    add.first.click()
    expect(page.get_by_role("checkbox", name=area, exact=False).first).to_be_checked()
    expect(page.get_by_role("checkbox", name="Lower back", exact=True)).to_be_checked()
    expect(preview).to_contain_text(re.compile(r"Have these to hand: .*foam roller"))
    expect(preview).not_to_contain_text("Foam roller: not used today")
    assert watched.problems == []
