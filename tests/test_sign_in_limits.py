"""Admin sign-in, guessed from many addresses: limited per username and for the whole site,
while an editor's own browser still gets in; a username too long is a form error."""

import pytest
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import User
from django.test import Client

from backcare.signin import DEVICE_COOKIE

PASSWORD = "right-password-123"


@pytest.fixture
def editor(db):
    return User.objects.create_user("editor", password=PASSWORD, is_staff=True)


def sign_in(client: Client, username: str, password: str = "wrong", address: str = "192.0.2.1"):
    data = {"username": username, "password": password}
    return client.post("/admin/login/", data, REMOTE_ADDR=address)


def guesses(username: str, count: int, first: int = 1) -> list[int]:
    """`count` wrong passwords, each from a fresh browser on a fresh address (so the per
    address lock-out never sees more than one)."""
    return [
        sign_in(Client(), username, address=f"198.51.100.{n}").status_code
        for n in range(first, first + count)
    ]


def assert_refused(response) -> None:
    assert response.status_code == 429
    html = response.content.decode()
    assert "Too many sign-in attempts" in html and "Go to the home page" in html
    assert 0 < int(response["Retry-After"]) <= 60 * 60


def test_a_username_guessed_from_many_addresses_is_refused_after_ten_failures(editor, monkeypatch):
    assert guesses("editor", 10) == [200] * 10
    checked = []
    original = ModelBackend.authenticate
    monkeypatch.setattr(
        ModelBackend, "authenticate", lambda *a, **k: checked.append(1) or original(*a, **k)
    )
    refused = sign_in(Client(), "editor", PASSWORD, address="203.0.113.50")
    assert_refused(refused)
    assert "paused for up to an hour" in refused.content.decode()
    assert checked == []  # refused before any password was hashed
    # Another account is not held up by it.
    User.objects.create_user("other", password=PASSWORD, is_staff=True)
    assert sign_in(Client(), "other", PASSWORD, address="203.0.113.51").status_code == 302


def test_an_editor_who_signed_in_from_this_browser_before_still_gets_in(editor):
    mine = Client()
    assert sign_in(mine, "editor", PASSWORD).status_code == 302
    assert DEVICE_COOKIE in mine.cookies
    mine.post("/admin/logout/")
    assert guesses("editor", 11)[-1] == 429  # a stranger keeps the name busy
    assert sign_in(mine, "editor", PASSWORD).status_code == 302
    assert_refused(sign_in(Client(), "editor", PASSWORD, address="192.0.2.77"))


def test_a_browser_cookie_for_another_name_or_forged_exempts_nothing(editor):
    User.objects.create_user("other", password=PASSWORD, is_staff=True)
    browser = Client()
    assert sign_in(browser, "other", PASSWORD).status_code == 302
    assert guesses("editor", 10) == [200] * 10
    assert_refused(sign_in(browser, "editor", PASSWORD))
    forged = Client()
    forged.cookies[DEVICE_COOKIE] = "editor"
    assert_refused(sign_in(forged, "editor", PASSWORD, address="192.0.2.78"))


def test_signing_in_is_not_counted_as_a_failure(editor):
    assert guesses("editor", 9) == [200] * 9
    assert sign_in(Client(), "editor", PASSWORD, address="192.0.2.79").status_code == 302
    assert guesses("editor", 2, first=20) == [200, 429]  # the 10th failure, then the 11th


def test_the_whole_site_is_refused_after_twenty_failures_a_minute(editor, settings):
    settings.SIGN_IN_FAILURES_PER_USERNAME = 1000
    trusted = Client()
    assert sign_in(trusted, "editor", PASSWORD).status_code == 302
    trusted.post("/admin/logout/")
    answers = [
        sign_in(Client(), f"guess-{n}", address=f"198.51.100.{n}").status_code for n in range(1, 22)
    ]
    assert answers == [200] * 20 + [429]
    refused = sign_in(Client(), "editor", PASSWORD, address="192.0.2.80")
    assert_refused(refused)
    assert int(refused["Retry-After"]) <= 60
    assert "paused for a minute" in refused.content.decode()
    assert sign_in(trusted, "editor", PASSWORD).status_code == 302


def test_the_limits_come_from_the_settings(editor, settings):
    settings.SIGN_IN_FAILURES_PER_USERNAME = 2
    assert guesses("editor", 3) == [200, 200, 429]


@pytest.mark.django_db
def test_a_username_over_255_characters_is_a_form_error_never_a_500():
    """Axes records each failure with its username in 255 characters: on PostgreSQL a longer
    one failed to save, and the sign-in was a 500."""
    client = Client(raise_request_exception=False)
    for length in (151, 256, 5000):
        response = sign_in(client, "a" * length, address=f"192.0.2.{length % 200}")
        assert response.status_code == 200, length
        assert "at most 150 characters" in response.content.decode()


def test_an_address_locked_out_gets_the_same_page_with_a_retry_after(editor):
    client = Client()
    assert [sign_in(client, f"guess-{n}").status_code for n in range(5)] == [200] * 4 + [429]
    locked = sign_in(client, "editor", PASSWORD)
    assert_refused(locked)
    assert "paused for an hour" in locked.content.decode()
    assert int(locked["Retry-After"]) == 60 * 60


def test_an_address_already_locked_out_uses_up_nobody_elses_attempts(editor):
    """One client hammering on after its address is locked must not fill the site-wide count
    (20 a minute) and so keep everyone else out too."""
    client = Client()
    answers = [sign_in(client, f"guess-{n}").status_code for n in range(30)]
    assert answers == [200] * 4 + [429] * 26
    assert guesses("editor", 9) == [200] * 9  # the site has counted 5 + 9, not 30 + 9


STALL = """
from gevent import monkey

monkey.patch_all()
import time

import django
import gevent

django.setup()
from django.contrib.auth.hashers import check_password, make_password

stored = make_password("a-long-right-password")
assert stored.startswith("pbkdf2_sha256$"), stored  # Django's own format: old hashes still work
ticks = []


def tick():
    while True:
        ticks.append(time.monotonic())
        gevent.sleep(0.01)


ticker = gevent.spawn(tick)
gevent.sleep(0.05)
began = time.monotonic()
assert check_password("a-long-right-password", stored)
assert not check_password("wrong", stored)
took = time.monotonic() - began
during = [t for t in ticks if t > began]
gaps = [b - a for a, b in zip(ticks, ticks[1:])]
ticker.kill()
print(f"{took:.3f} {len(during)} {max(gaps):.3f}")
"""


@pytest.mark.slow
def test_checking_a_password_leaves_a_gevent_worker_free_for_other_requests():
    """Two real PBKDF2 checks (as a gevent worker runs them) while another greenlet ticks every
    10 ms: it goes on ticking, instead of waiting for the hashing to finish."""
    import subprocess
    import sys

    from tests.serving import ROOT, production_env

    env = production_env("sqlite:///:memory:", DJANGO_SETTINGS_MODULE="backcare.settings")
    done = subprocess.run(
        [sys.executable, "-c", STALL], env=env, cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    took, ticked, longest_gap = done.stdout.split()
    assert float(took) > 0.1  # real hashing, not a test hasher
    assert float(longest_gap) < float(took) / 2
    assert int(ticked) >= float(took) / 0.01 / 4
