"""Digits that aren't ASCII ("²".isdigit() is true; int("٣") is 3) in any number a page
reads from its query or a form: a clean 4xx page or the number meant, never a 500."""

from html import unescape

import pytest

from tests.factories import as_owner, care_session, screened

pytestmark = [pytest.mark.django_db, pytest.mark.engine_free]  # parsing input, any engine

# superscript two, Arabic-Indic three, fullwidth one, mathematical bold one, Devanagari five
DIGITS = ["²", "٣", "１", "𝟙", "५", "2²", "١٠"]


@pytest.fixture
def browser(client):
    session = care_session()
    screened(as_owner(client, session))
    client.code = session.code
    return client


@pytest.mark.parametrize("digit", DIGITS)
@pytest.mark.parametrize(
    "url",
    [
        "/s/{code}/stop/?step={d}",
        "/build/?performer=self&region=upper-back&minutes={d}",
        "/build/?performer=self&region=upper-back&minutes=1{d}",
        "/s/{code}/reminder.ics?repeat=daily&time={d}:30",
        "/s/{code}/reminder.ics?repeat=daily&time=07:{d}",
        "/s/{code}/step/{d}/",
    ],
)
def test_a_number_in_other_digits_is_never_a_server_error(browser, url, digit):
    response = browser.get(url.format(code=browser.code, d=digit))
    assert response.status_code < 500
    if response.status_code >= 400:
        assert 'class="error-page"' in response.content.decode() or response.status_code == 400


@pytest.mark.parametrize("digit", DIGITS)
def test_a_stop_at_a_step_in_other_digits_is_a_clean_bad_request(browser, digit):
    response = browser.get(f"/s/{browser.code}/stop/?step={digit}")
    assert response.status_code == 400
    assert "That isn't a step of this session" in unescape(response.content.decode())


@pytest.mark.parametrize("digit", DIGITS)
@pytest.mark.parametrize("path", ["", "done/"])
def test_a_rating_in_other_digits_is_a_form_error_and_saves_nothing(browser, digit, path):
    response = browser.post(f"/s/{browser.code}/{path}", {"pain": digit})
    assert response.status_code == 400
    assert "pain" in response.content.decode().lower()
