"""A person follows three sessions on three days, marks a step "Too much" in the second, and
the fourth session they build leaves that technique out and says why, with a way to put it
back; My sessions' chart of those days stays accessible."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from backcare.planner.models import CareSession, Run
from tests.browser.conftest import DESKTOP, answer_in_browser, assert_accessible, screenshot

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
BUILD = "/build/?performer=self&region=upper-back&prop=tennis-ball&minutes=10&movement=0"


def follow_a_session(page: Page, base: str, before=6, after=4, too_much=False) -> CareSession:
    """Build the session, rate the pain before, follow it (its first main step marked "Too
    much", if asked) and rate the pain after on the done page."""
    page.goto(base + BUILD)
    page.get_by_role("button", name="Save it and look it over first").click()
    page.get_by_role("radio", name=str(before), exact=True).check()
    page.get_by_role("button", name="Start the session").click()
    expect(page).to_have_url(re.compile(r"/step/1/$"))
    code = page.url.split("/s/")[1].split("/")[0]
    session = CareSession.objects.get(code=code)
    if too_much:
        step = session.steps.filter(phase="main").order_by("number").first()
        page.goto(f"{base}/s/{code}/step/{step.number}/")
        page.locator("#felt-form").get_by_role("button", name="Too much").click()
        expect(page.locator("#felt-said")).to_contain_text("Noted: too much")
    page.goto(f"{base}/s/{code}/done/")
    page.get_by_role("radio", name=str(after), exact=True).check()
    page.get_by_role("button", name="Save my rating").click()
    expect(page.get_by_role("status")).to_contain_text("went down")
    return session


def days_pass(days: int) -> None:
    """Every session and run so far happened `days` days earlier than they did."""
    back = timedelta(days=days)
    for session in CareSession.objects.all():
        CareSession.objects.filter(pk=session.pk).update(created_at=session.created_at - back)
    for run in Run.objects.all():
        Run.objects.filter(pk=run.pk).update(started_at=run.started_at - back)
    from backcare.planner.models import StepFeedback

    for mark in StepFeedback.objects.all():
        StepFeedback.objects.filter(pk=mark.pk).update(at=mark.at - back)


def test_the_fourth_session_leaves_out_what_was_too_much_and_says_why(
    live, page: Page, watched, axe
):
    base = live.url
    page.set_viewport_size(PHONE)
    answer_in_browser(page, base)

    follow_a_session(page, base)
    days_pass(1)
    marked = follow_a_session(page, base, too_much=True)
    step = marked.steps.filter(phase="main").order_by("number").first()
    name = step.name
    days_pass(1)
    follow_a_session(page, base)
    days_pass(1)

    page.goto(base + BUILD)
    learned = page.locator(".learned")
    when = timezone.localtime(timezone.now() - timedelta(days=2)).strftime("%-d %B")
    expect(learned).to_contain_text(
        f"Left out: {name.lower()} — you said it was too much on {when}"
    )
    expect(page.locator(".plan__what").filter(has_text=name)).to_have_count(0)
    assert_accessible(axe, page)
    screenshot(page, "learned-builder-phone")

    # Put it back: the technique returns, and the change is said as undone.
    learned.get_by_role("button", name="Put it back").click()
    expect(page.locator(".plan__what").filter(has_text=name)).not_to_have_count(0)
    expect(learned).to_contain_text(f"Put back: {name}, as you asked.")
    learned.get_by_role("button", name="Leave it out again").click()
    expect(page.locator(".plan__what").filter(has_text=name)).to_have_count(0)

    page.set_viewport_size(DESKTOP)
    page.goto(f"{base}/mine/")
    expect(page.locator("svg").first).to_be_visible()
    assert_accessible(axe, page)
    screenshot(page, "learned-mine-desktop")
    assert watched.problems == []
