"""The production server itself (gunicorn with backcare/server.py, DEBUG off): what it answers
before Django sees a request, the headers on static files, and its log stream. The slow-client
case lives in `make attack` (it takes a while); everything else fast is here."""

import json
import re
import time

import pytest

from backcare.policy import BARE_PAGE_HEADERS
from tests.serving import Browser, raw_request, serve_in

pytestmark = pytest.mark.slow

HEADERS = (
    "content-security-policy",
    "x-frame-options",
    "x-content-type-options",
    "permissions-policy",
    "referrer-policy",
)


@pytest.fixture(scope="module")
def production_server(tmp_path_factory):
    """One server for this module (as conftest's, which each test would start anew)."""
    server = serve_in(tmp_path_factory.mktemp("served"), workers=2)
    yield server
    server.stop()


def get(path: str, *headers: str) -> bytes:
    lines = [f"GET {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close", *headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def assert_headers(response) -> None:
    for name in HEADERS:
        assert response.headers.get(name), (name, response.status, response.headers)
    assert response.headers.get("server", "Backcare") == "Backcare"


def test_what_the_server_answers_itself_carries_every_header(production_server):
    port = production_server.port
    cases = {
        b"NOT-HTTP\r\n\r\n": 400,
        get("/" + "a" * 5000): 414,
        get("/", *(f"X-Many-{n}: y" for n in range(80))): 431,
    }
    for request, status in cases.items():
        response = raw_request(port, request)
        assert response.status == status, (request[:30], response)
        assert_headers(response)
        assert b"gunicorn" not in response.body.lower()
    expected = dict((name.lower(), value) for name, value in BARE_PAGE_HEADERS)
    assert (
        raw_request(port, b"NOT-HTTP\r\n\r\n").headers["content-security-policy"]
        == (expected["content-security-policy"])
    )


def test_static_files_and_django_errors_carry_every_header(production_server):
    port = production_server.port
    home = raw_request(port, get("/"))
    assert home.status == 200
    assert_headers(home)
    [favicon] = re.findall(rb'href="(/static/img/favicon\.[0-9a-f]+\.svg)"', home.body)
    static = raw_request(port, get(favicon.decode()))
    assert static.status == 200 and static.headers["content-type"].startswith("image/svg")
    assert_headers(static)
    wrong_host = raw_request(port, b"GET / HTTP/1.1\r\nHost: evil.example\r\n\r\n")
    assert wrong_host.status == 400
    assert_headers(wrong_host)


def test_a_form_in_another_charset_is_a_400_not_a_500(production_server):
    """The attack that got gunicorn's bare 500 and 61 KB of traceback a request: a real CSRF
    cookie and token, and a latin-1 form."""
    browser = Browser(production_server.url)
    browser.request("GET", "/build/screen/")
    body = f"csrfmiddlewaretoken={browser.csrf()}&a=b".encode()
    for charset in ("latin-1", "utf-16"):
        response = raw_request(
            production_server.port,
            b"POST /admin/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
            + f"Cookie: csrftoken={browser.csrf()}\r\n".encode()
            + f"Content-Type: application/x-www-form-urlencoded; charset={charset}\r\n".encode()
            + f"Content-Length: {len(body)}\r\n\r\n".encode()
            + body,
        )
        assert response.status == 400, charset
        assert_headers(response)


def test_a_huge_declared_body_is_refused_at_once_and_the_connection_closed(production_server):
    started = time.monotonic()
    response = raw_request(
        production_server.port,
        b"POST /build/screen/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: multipart/form-data; boundary=x\r\n"
        b"Content-Length: 10737418240\r\n\r\n" + b"x" * 65536,
        timeout=5,
    )
    assert response.status == 413
    assert response.headers["connection"] == "close"
    assert time.monotonic() - started < 3  # not read to the end, not kept waiting
    assert_headers(response)


def test_every_log_line_is_json_on_stdout_and_codes_are_shortened(production_server):
    browser = Browser(production_server.url)
    browser.answer_screen()
    code = browser.save_session()
    browser.request("GET", f"/s/{code}/step/1/")
    browser.request("GET", f"/s/{code}/step/999/")  # a 404 that Django logs with its path
    raw_request(production_server.port, get('/?x=\\&y=%22"quoted"', 'X-Odd: "\\'))
    raw_request(production_server.port, b"NOT-HTTP\r\n\r\n")
    time.sleep(0.5)  # the access log is written after the answer
    stdout = (production_server.output / "stdout.log").read_text()
    lines = stdout.splitlines()
    assert len(lines) > 5
    entries = [json.loads(line) for line in lines]  # every line is one JSON object
    assert code not in stdout and f"/s/{code[:4]}…/step/1/" in {e.get("path") for e in entries}
    access = [e for e in entries if e["logger"] == "gunicorn.access"]
    assert {"method", "path", "status", "ms"} <= set(access[0])
    assert not any("error" in e for e in entries)  # no tracebacks: nothing here was a 500
    assert (production_server.output / "stderr.log").read_text() == ""
