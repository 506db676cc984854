"""Every form posted by the browser it belongs to, with CSRF checked: without the token it gets
the designed "This form has expired" page and nothing is saved; with it, it is accepted.

Posted as the owner on purpose: a stranger's post to a rating form is refused for not owning
the session (403) even with CSRF switched off, so it can't tell whether CSRF is checked."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from backcare.catalogue.models import Contraindication
from backcare.planner.models import CareSession
from tests.factories import (
    ContraindicationFactory,
    as_owner,
    care_session,
    last_run,
    ratings,
    screened,
)

pytestmark = pytest.mark.django_db

BUILD = {"performer": "self", "region": "upper-back", "prop": "tennis-ball", "minutes": "10"}


def strict() -> Client:
    """A browser whose forms are CSRF-checked, holding a CSRF cookie from a page with a form."""
    client = Client(enforce_csrf_checks=True)
    client.get("/build/screen/")
    return client


def token(client: Client) -> str:
    return client.cookies["csrftoken"].value


def with_token(client: Client, data: dict) -> dict:
    return data | {"csrfmiddlewaretoken": token(client)}


def assert_expired_page(response) -> None:
    """The designed CSRF page, in the site's own look."""
    assert response.status_code == 403
    html = response.content.decode()
    assert "This form has expired" in html and 'class="site-header' in html
    assert "Only the device that built this session" not in html  # not the ownership refusal


@pytest.fixture
def owner() -> tuple[Client, CareSession]:
    """The browser that built a session, past today's safety screen (nothing applies)."""
    client = strict()
    session = care_session("self", ["upper-back"], ["tennis-ball"], 10)
    as_owner(screened(client), session)
    return client, session


# ---------- The safety screen ----------
def test_the_safety_screen_needs_the_token(owner):
    client, _ = owner
    ten = ContraindicationFactory(effect=Contraindication.Effect.LIMIT, max_minutes=10)
    answers = {"flag": [ten.slug], "next": ""}
    assert_expired_page(client.post("/build/screen/", answers))
    page = client.get("/build/").content.decode()
    assert 'name="minutes" value="15"' in page  # the answers kept are still the old ones

    response = client.post("/build/screen/", with_token(client, answers))
    assert response.status_code == 303
    page = client.get("/build/").content.decode()
    assert 'name="minutes" value="15"' not in page  # now no longer than 10 minutes


# ---------- Saving a session from the builder ----------
def test_saving_a_session_needs_the_token(owner):
    client, _ = owner
    before = CareSession.objects.count()
    assert_expired_page(client.post("/build/", BUILD))
    assert CareSession.objects.count() == before

    response = client.post("/build/", with_token(client, BUILD))
    assert response.status_code == 303
    assert CareSession.objects.count() == before + 1


# ---------- The overview's start, with the pain before ----------
def test_starting_with_a_rating_needs_the_token_even_for_the_owner(owner):
    client, session = owner
    url = f"/s/{session.code}/"
    assert_expired_page(client.post(url, {"pain": "6"}))
    session.refresh_from_db()
    assert ratings(session)[0] is None and session.started_at is None

    response = client.post(url, with_token(client, {"pain": "6"}))
    assert response.status_code == 303 and response["Location"].startswith(
        f"/s/{session.code}/step/"
    )
    session.refresh_from_db()
    assert ratings(session)[0] == 6 and session.started_at is not None


# ---------- The rating when done ----------
def test_the_done_rating_needs_the_token_even_for_the_owner(owner):
    client, session = owner
    url = f"/s/{session.code}/done/"
    assert_expired_page(client.post(url, {"pain": "2"}))
    session.refresh_from_db()
    assert last_run(session) is None

    response = client.post(url, with_token(client, {"pain": "2"}))
    assert response.status_code == 303
    session.refresh_from_db()
    assert ratings(session)[1] == 2 and last_run(session).finished_at is not None
    assert "from 6 to 2" not in client.get(url).content.decode()  # no before: nothing to compare
    assert "2 out of 10" in client.get(url).content.decode()


# ---------- Forgetting a session from My sessions ----------
def test_forgetting_a_session_needs_the_token(owner):
    client, _ = owner
    client.post("/build/", with_token(client, BUILD))  # on this browser's list now
    [code] = CareSession.objects.order_by("-pk").values_list("code", flat=True)[:1]
    assert code in client.get("/mine/").content.decode()

    assert_expired_page(client.post("/mine/forget/", {"code": code}))
    assert code in client.get("/mine/").content.decode()

    response = client.post("/mine/forget/", with_token(client, {"code": code}))
    assert response.status_code == 303
    assert code not in client.get("/mine/").content.decode()


# ---------- The editors' sign-in ----------
def test_signing_in_needs_the_token(settings):
    """Refused before anything is counted: token-less posts never use up the sign-in limit."""
    settings.SIGN_IN_FAILURES_PER_USERNAME = 1
    User.objects.create_user("editor", password="a long passphrase", is_staff=True)
    client = Client(enforce_csrf_checks=True)
    client.get("/admin/login/")
    credentials = {"username": "editor", "password": "a long passphrase"}
    for _ in range(3):
        assert_expired_page(client.post("/admin/login/", credentials))
    assert client.get("/admin/").status_code == 302  # still signed out

    response = client.post("/admin/login/", with_token(client, credentials | {"next": "/admin/"}))
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200
