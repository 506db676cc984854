"""What the service worker keeps on a device: the app's files and every page of a session this
browser opened (overview, steps, stop, done, card), so it plays and is rated to its end with
the network gone — and nothing else, nor anything an older worker kept."""

import re
import time

import pytest
from playwright.sync_api import Page, expect

from backcare.planner.models import Run
from tests.browser.conftest import answer_in_browser, assert_accessible, own_in_browser
from tests.factories import care_session, ratings

pytestmark = pytest.mark.browser

KEPT = """async () => {
  const found = {};
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    found[name] = (await cache.keys()).map((request) => new URL(request.url).pathname);
  }
  return found;
}"""


def kept(page: Page) -> dict[str, list[str]]:
    return page.evaluate(KEPT)


def test_only_a_sessions_own_pages_are_kept(live, page: Page, watched):
    session = care_session("self", ["upper-back"], [], 5)
    answer_in_browser(page, live.url)
    own_in_browser(page, live.url, session)
    page.goto(f"{live.url}/healthz")  # same origin, no worker yet: an older worker's cache
    page.evaluate(
        """async () => {
          const old = await caches.open("backcare-sessions");
          await old.put("/s/old/", new Response("an overview an older worker kept"));
        }"""
    )
    base = f"/s/{session.code}/"
    page.goto(f"{live.url}{base}")
    expect(page.locator("html")).to_have_attribute("data-offline-ready", re.compile(r"^\d+$"))
    for path in ("card/", "done/", "step/1/"):  # opened online, each through the worker
        page.goto(f"{live.url}{base}{path}")
    page.goto(f"{live.url}/mine/")  # not a session's page: never kept
    deadline = time.monotonic() + 5
    while "backcare-sessions" in kept(page) and time.monotonic() < deadline:
        time.sleep(0.1)
    found = kept(page)
    assert "backcare-sessions" not in found  # the older worker's cache is gone
    pages = found.pop("backcare-session-pages")
    assert all(name.startswith("backcare-shell-") for name in found), found
    for path in ("", "step/1/", "stop/", "done/", "card/"):
        assert f"{base}{path}" in pages, path
    for path in pages:
        assert re.fullmatch(rf"{base}(step/\d+/|stop/|done/|card/)?", path), path
    assert [p for p in watched.problems if "status of 4" not in p] == []


def test_a_session_finished_and_rated_offline_sends_its_rating_once_back_online(
    live, page: Page, watched, axe
):
    session = care_session("self", ["upper-back"], [], 5)
    answer_in_browser(page, live.url)
    own_in_browser(page, live.url, session)
    page.goto(f"{live.url}/s/{session.code}/")
    expect(page.locator("html")).to_have_attribute("data-offline-ready", re.compile(r"^\d+$"))
    page.get_by_role("radio", name="4", exact=True).check()
    page.get_by_role("button", name="Start the session").click()
    expect(page.locator("[data-timer]")).to_be_visible()
    page.locator("[data-player-next]").click()  # step 2, online
    expect(page.locator("#player")).to_have_attribute("data-step", "2")
    page.context.set_offline(True)
    for _ in range(20):  # on to the end, each step from the device
        if page.get_by_role("heading", name="Well done").is_visible():
            break
        page.locator("[data-player-next]").click()
        page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_have_text("Well done")
    page.get_by_role("radio", name="2", exact=True).check()
    page.get_by_role("button", name="Save my rating").click()
    note = page.locator("[data-rating-note]")
    expect(note).to_have_text(
        "Your rating is kept on this device, and will be sent when you're back online."
    )
    expect(page.get_by_role("button", name="Save my rating")).to_be_hidden()
    assert_accessible(axe, page)
    assert ratings(session) == (4, None)

    page.context.set_offline(False)
    expect(note).to_have_text("Your rating was sent: it is saved with this session.")
    page.reload()  # online again: the server's own page, and nothing sent a second time
    went = "Your pain went down by 2 points, from 4 to 2 out of 10."
    expect(page.get_by_text(went)).to_be_visible()
    assert ratings(session) == (4, 2)
    assert Run.objects.get(session=session).finished_at is not None  # one run, rated once
    waiting = page.evaluate(
        """() => new Promise((resolve) => {
          const opening = indexedDB.open("backcare-outbox", 1);
          opening.onsuccess = () => {
            const store = opening.result.transaction("ratings").objectStore("ratings");
            const all = store.getAll();
            all.onsuccess = () => resolve(all.result.length);
          };
        })"""
    )
    assert waiting == 0
    # Chromium notes each failed fetch offline in the console; nothing else may be there.
    assert [p for p in watched.problems if "ERR_INTERNET_DISCONNECTED" not in p] == []


def test_a_session_started_offline_keeps_its_before_rating_until_online(live, page: Page, watched):
    session = care_session("self", ["upper-back"], [], 5)
    answer_in_browser(page, live.url)
    own_in_browser(page, live.url, session)
    page.goto(f"{live.url}/s/{session.code}/")
    expect(page.locator("html")).to_have_attribute("data-offline-ready", re.compile(r"^\d+$"))
    page.context.set_offline(True)
    page.get_by_role("radio", name="6", exact=True).check()
    page.get_by_role("button", name="Start the session").click()
    expect(page.locator("#player")).to_have_attribute("data-step", "1")  # from the device
    assert ratings(session) == (None, None)
    page.context.set_offline(False)
    page.locator("[data-player-next]").click()  # online again: the kept rating goes first
    expect(page.locator("#player")).to_have_attribute("data-step", "2")
    deadline = time.monotonic() + 5
    while ratings(session) == (None, None) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert ratings(session) == (6, None)
    assert Run.objects.filter(session=session).count() == 1
    assert [p for p in watched.problems if "ERR_INTERNET_DISCONNECTED" not in p] == []
