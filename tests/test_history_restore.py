"""The back button after htmx's history cache was emptied (HX-History-Restore-Request) gets
the whole page, as it was first shown — and the page kept for the next visitor stays whole."""

import pytest

from tests.factories import care_session, screened

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}
RESTORE = {**HX, "HTTP_HX_HISTORY_RESTORE_REQUEST": "true"}
FINDER = "/where-it-hurts/?spot=buttock:left"
BUILDER = "/build/?performer=self&region=upper-back&minutes=10"


@pytest.mark.parametrize(
    ("url", "jump"), [(FINDER, 'id="finding-jump"'), (BUILDER, 'id="preview-jump"')]
)
def test_a_history_restore_gets_the_page_with_each_part_once(client, settings, url, jump):
    settings.DEBUG = False  # the finder's pages are kept only then
    screened(client)
    restored = client.get(url, **RESTORE)
    html = restored.content.decode()
    assert restored.status_code == 200 and "<html" in html
    assert html.count(jump) == 1 and "hx-swap-oob" not in html
    assert "HX-History-Restore-Request" in restored["Vary"]
    later = client.get(url).content.decode()  # the next visitor, maybe from the kept page
    assert later.count(jump) == 1 and "hx-swap-oob" not in later


@pytest.mark.parametrize("url", [FINDER, BUILDER])
def test_a_swap_still_gets_the_fragment_with_its_jump_link(client, url):
    screened(client)
    html = client.get(url, **HX).content.decode()
    assert "<html" not in html and 'hx-swap-oob="true"' in html


def test_a_history_restore_of_a_step_without_answers_is_sent_on_as_a_visit(client):
    """htmx follows no HX-Redirect when it restores history: it needs a redirect it can
    follow, to a whole page (the safety questions)."""
    session = care_session()
    restored = client.get(f"/s/{session.code}/step/1/", **RESTORE)
    assert restored.status_code == 303 and "HX-Redirect" not in restored
    assert restored["Location"].startswith("/build/screen/")
    swapped = client.get(f"/s/{session.code}/step/1/", **HX)
    assert swapped["HX-Redirect"].startswith("/build/screen/")
