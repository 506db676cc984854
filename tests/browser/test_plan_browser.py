"""A two-week plan in Chromium, on a phone: made from a finished session's done page, its
page with today marked, and the check-in's chart; axe clean, no console errors."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from backcare.plans.models import CarePlan
from tests.browser.conftest import (
    DESKTOP,
    assert_accessible,
    keep_in_browser,
    own_in_browser,
    screenshot,
)
from tests.factories import care_session, followed

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
PLAN_URL = re.compile(r"/plan/([\w-]{12})/$")


def test_a_plan_made_from_a_done_session_marks_today(live, page: Page, watched, axe):
    page.set_viewport_size(PHONE)
    session = care_session("self", ["upper-back"], ["tennis-ball"], 10)
    followed(session, pain_before=6, pain_after=4)
    own_in_browser(page, live.url, session)
    keep_in_browser(page, live.url, [session.code])
    page.goto(f"{live.url}/s/{session.code}/done/")
    page.get_by_role("link", name="Make this a plan").click()
    expect(page.get_by_role("heading", name="Make this a plan")).to_be_visible()
    expect(page.get_by_text("From your session of")).to_be_visible()
    assert_accessible(axe, page)
    screenshot(page, "plan-new-390")
    page.get_by_role("textbox", name="Activity 1").fill("Carrying the shopping")
    page.get_by_role("spinbutton", name="Activity 1: How well now").fill("4")
    page.get_by_role("button", name="Make my plan").click()
    expect(page).to_have_url(PLAN_URL)
    today = page.locator('[aria-current="date"]')
    expect(today).to_have_count(1)
    expect(today).to_contain_text("Today")
    expect(page.locator("#plan-progress")).to_contain_text("sessions done")
    assert_accessible(axe, page)
    screenshot(page, "plan-page-390")

    plan = CarePlan.objects.get()
    CarePlan.objects.filter(pk=plan.pk).update(starts=plan.starts - timedelta(days=7))
    page.reload()
    expect(
        page.get_by_text("Missed — that's fine; carry on with the next one.").first
    ).to_be_visible()
    page.get_by_role("link", name="Check in for week 1").click()
    assert_accessible(axe, page)
    page.get_by_label("Carrying the shopping").fill("7")
    page.get_by_role("button", name="Save this week's scores").click()
    expect(page).to_have_url(PLAN_URL)
    expect(page.get_by_role("table")).to_contain_text("up 3 points")
    expect(
        page.get_by_role("img", name="Your activity scores at each weekly check-in")
    ).to_be_visible()
    assert_accessible(axe, page)
    screenshot(page, "plan-page-checked-in-390")
    page.set_viewport_size(DESKTOP | {"height": 800})
    page.reload()
    assert_accessible(axe, page)
    screenshot(page, "plan-page-1280")
    page.goto(f"{live.url}/plan/new/?from={session.code}")
    screenshot(page, "plan-new-1280")
    assert watched.problems == []
