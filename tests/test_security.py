"""Security headers on every kind of page, a clean `check --deploy`, and the admin's lock."""

import subprocess
import sys

import pytest
from django.test import override_settings

from backcare.catalogue.version import bump
from tests.factories import care_session
from tests.serving import ROOT, production_env

pytestmark = pytest.mark.django_db

PAGE_TYPES = [
    ("/", {}),
    ("/muscles/", {}),
    ("/muscles/rhomboids/", {"HTTP_HX_REQUEST": "true"}),
    ("/techniques/ball-against-wall/", {}),
    ("/props/tennis-ball/", {}),
    ("/safety/", {}),
    ("/build/screen/", {}),
    ("/no-such-page/", {}),
    ("/healthz", {}),
    ("/admin/login/", {}),
    ("/manifest.webmanifest", {}),
    ("/sw.js", {}),
]


def assert_strict_headers(response) -> None:
    csp = response.headers["Content-Security-Policy"]
    for directive in (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ):
        assert directive in csp, (directive, csp)
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"
    policy = response.headers["Permissions-Policy"]
    assert "screen-wake-lock=(self)" in policy and "camera=()" in policy


@pytest.mark.parametrize(("url", "headers"), PAGE_TYPES)
def test_every_page_type_sends_the_strict_headers(client, url, headers):
    assert_strict_headers(client.get(url, **headers))


def test_player_pages_and_redirects_send_them_too(client):
    session = care_session()
    for url in (f"/s/{session.code}/", f"/s/{session.code}/step/1/", f"/s/{session.code}/stop/"):
        assert_strict_headers(client.get(url))
    assert_strict_headers(client.get("/build/"))  # a 303 to the screen


@override_settings(SECURE_HSTS_SECONDS=31536000, SECURE_HSTS_INCLUDE_SUBDOMAINS=True)
def test_hsts_is_sent_over_https(client):
    response = client.get("/", secure=True)
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    env = production_env(
        f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
        DJANGO_SECURE_SSL_REDIRECT="1",
        DJANGO_SECURE_COOKIES="1",
        DJANGO_HSTS_SECONDS="31536000",
        DJANGO_ALLOWED_HOSTS="backcare.example",
        BACKCARE_ORIGIN="https://backcare.example",
        DJANGO_SECRET_KEY="a-long-random-production-secret-" + "k3y" * 20,
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_refuse_to_start_without_a_secret_key(tmp_path):
    env = production_env(f"sqlite:///{tmp_path / 'x.sqlite3'}", DJANGO_SECRET_KEY="")
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_healthz_answers_503_when_the_database_is_down(client, monkeypatch):
    from django.db import OperationalError
    from django.db.backends.utils import CursorWrapper

    def broken(*args, **kwargs):
        raise OperationalError("database is down")

    monkeypatch.setattr(CursorWrapper, "execute", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert "down" not in response.content.decode()  # says nothing about why


def test_a_server_error_shows_the_designed_500_and_leaks_nothing(client, monkeypatch):
    from backcare.catalogue import views

    def explode(*args, **kwargs):
        raise RuntimeError("secret internals: SELECT * FROM auth_user")

    monkeypatch.setattr(views, "back_diagram", explode)
    bump()  # the page isn't kept from an earlier request
    client.raise_request_exception = False
    response = client.get("/safety/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong on our side" in html
    assert "secret internals" not in html and "Traceback" not in html


def test_screen_answers_never_reach_a_log_a_url_or_the_database(client, caplog):
    """Answers travel only in POST bodies and the person's own signed cookie: not in any
    URL (so not in an access log), not in an app log, not in a table."""
    import logging

    from backcare.planner.models import CareSession

    caplog.set_level(logging.DEBUG)
    flags = ["wiping-feeling", "blood-thinners", "open-wound"]
    stop = client.post("/build/screen/", {"flag": flags, "area": ["hips-glutes"], "next": ""})
    assert stop.status_code == 200
    back = client.post("/build/screen/", {"change": "1", "flag": flags, "area": ["hips-glutes"]})
    assert back.status_code == 200
    ok = client.post("/build/screen/", {"flag": flags[1:], "area": ["hips-glutes"], "next": ""})
    started = client.post("/build/", {"region": "neck-shoulders", "minutes": 5})
    for response in (ok, started):
        assert not any(slug in response["Location"] for slug in flags)
    logged = " ".join(record.getMessage() for record in caplog.records)
    assert not any(slug in logged for slug in flags)
    session = CareSession.objects.get()
    saved = str(list(CareSession.objects.values().filter(pk=session.pk)))
    assert not any(slug in saved for slug in flags)
