"""PostgreSQL under a burst: a bounded pool per worker, and a designed 503 when it is empty
for too long (the burst itself is measured by `make attack`: tests/attack/burst.py)."""

import json
import os
import subprocess
import sys
from types import SimpleNamespace

import pytest
from django.db import OperationalError
from django.db.backends.utils import CursorWrapper
from psycopg_pool import PoolTimeout

from backcare import server
from backcare.catalogue import version
from tests.serving import ROOT, production_env

pytestmark = pytest.mark.django_db


@pytest.fixture
def pool_empty(monkeypatch):
    """Every query waits for a pooled connection and gives up, as Django reports it."""

    def wait_in_vain(*args, **kwargs):
        raise OperationalError("couldn't get a connection after 20.00 sec") from PoolTimeout(
            "couldn't get a connection after 20.00 sec"
        )

    monkeypatch.setattr(CursorWrapper, "execute", wait_in_vain)
    version.forget()


def test_a_page_that_cannot_get_a_connection_in_time_says_busy_and_when_to_retry(
    client, pool_empty
):
    response = client.get("/muscles/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    html = response.content.decode()
    assert "Backcare is very busy just now" in html and 'class="error-page"' in html
    assert "PoolTimeout" not in html and "connection" not in html
    assert "Content-Security-Policy" in response.headers


def test_other_database_errors_are_still_server_errors(client, monkeypatch):
    def broken(*args, **kwargs):
        raise OperationalError("database is down")

    monkeypatch.setattr(CursorWrapper, "execute", broken)
    version.forget()
    client.raise_request_exception = False
    assert client.get("/muscles/").status_code == 500


def test_healthz_says_busy_rather_than_failing_during_a_burst(client, pool_empty):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"busy"


def _pool(**env: str) -> dict:
    environ = production_env("postgres://nobody@127.0.0.1:1/none", **env)
    for name in ("BACKCARE_WORKERS", "WEB_CONCURRENCY", "BACKCARE_DB_CONNECTIONS"):
        if name not in env:
            environ.pop(name, None)
    script = (
        "import json; from django.conf import settings; "
        "print(json.dumps(settings.DATABASES['default']['OPTIONS']['pool']))"
    )
    out = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {script}"],
        env=environ | {"DJANGO_SETTINGS_MODULE": "backcare.settings"},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(out)


def test_a_hosts_database_connections_are_shared_out_between_its_workers():
    assert _pool(BACKCARE_WORKERS="5") == {"min_size": 1, "max_size": 8, "timeout": 20}
    assert _pool(WEB_CONCURRENCY="4", BACKCARE_DB_CONNECTIONS="90")["max_size"] == 22
    assert _pool(BACKCARE_WORKERS="64")["max_size"] == 2  # never fewer than 2 a worker
    assert _pool(BACKCARE_WORKERS="2", BACKCARE_DB_WAIT_SECONDS="3")["timeout"] == 3


def test_gunicorn_tells_its_workers_how_many_there_are(monkeypatch):
    monkeypatch.setenv("BACKCARE_WORKERS", "1")  # put back as it was after the test
    server.on_starting(SimpleNamespace(cfg=SimpleNamespace(workers=7)))
    assert os.environ["BACKCARE_WORKERS"] == "7"
