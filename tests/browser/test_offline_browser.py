"""What the service worker keeps on a device: the app's files and the pages a session plays
from (its steps and stop page) — never its overview, card or rating pages — and nothing an
older worker kept."""

import re
import time

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import answer_in_browser, own_in_browser
from tests.factories import care_session

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


def test_only_a_sessions_step_and_stop_pages_are_kept(live, page: Page, watched):
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
    deadline = time.monotonic() + 5
    while "backcare-sessions" in kept(page) and time.monotonic() < deadline:
        time.sleep(0.1)
    found = kept(page)
    assert "backcare-sessions" not in found  # the older worker's cache is gone
    pages = found.pop("backcare-session-pages")
    assert all(name.startswith("backcare-shell-") for name in found), found
    assert f"{base}step/1/" in pages and f"{base}stop/" in pages
    for path in pages:
        assert re.fullmatch(rf"{base}(step/\d+/|stop/)", path), path
    assert [p for p in watched.problems if "status of 4" not in p] == []
