"""A shared link shows the session to anyone; how it went for the person who built it (their
pain ratings) and what their health answers left out are shown only to the browser that
built it (its owner key, as My sessions knows it)."""

import pytest
from django.test import Client

from backcare.catalogue.models import Region
from tests.factories import as_owner, care_session, followed, leave_out, screened

pytestmark = pytest.mark.django_db


@pytest.fixture
def session():
    """Built leaving the lower back out, rated 6 before and 3 after."""
    built = care_session("self", ["upper-back", "mid-back"], ["tennis-ball"], 10)
    leave_out(built, "lower-back")
    followed(built, pain_before=6, pain_after=3)
    return built


def pages(browser: Client, code: str) -> dict[str, str]:
    urls = {
        "overview": f"/s/{code}/",
        "step": f"/s/{code}/step/1/",
        "done": f"/s/{code}/done/",
        "card": f"/s/{code}/card/",
        "reminder": f"/s/{code}/reminder.ics?repeat=never",  # refused: the card again
    }
    return {name: browser.get(url).content.decode() for name, url in urls.items()}


def left_out_line() -> str:
    return f"Keep off your {Region.objects.get(slug='lower-back').name.lower()}"


def test_the_owner_sees_their_ratings_and_what_they_left_out(client, session):
    seen = pages(screened(as_owner(client, session)), session.code)
    assert "you rated the pain 6 out of 10" in seen["overview"]
    assert "from 6 to 3 out of 10" in seen["done"]
    for name in ("overview", "step", "card", "reminder"):
        assert left_out_line() in seen[name], name


def test_a_shared_link_shows_neither_to_another_browser(session):
    stranger = screened(Client())
    for name, html in pages(stranger, session.code).items():
        assert left_out_line() not in html, name
        assert "rated the pain" not in html and "from 6 to 3" not in html, name
        assert "Before</small>6" not in html, name
    assert (
        "kept by the device that built it"
        in stranger.get(f"/s/{session.code}/done/").content.decode()
    )


def test_pages_that_differ_by_browser_say_so_to_caches(client, session):
    for path in ("", "step/1/", "done/", "card/"):
        response = screened(client).get(f"/s/{session.code}/{path}")
        assert "Cookie" in response["Vary"], path
        assert "private" in response["Cache-Control"], path
