"""The production server's own limits, before Django sees a request: a total deadline for a
body, a cap on one client's connections, and the pages it draws for them (reason phrase, HSTS
and the security headers). One worker, so every connection meets the same counts."""

import http.client
import socket
import time

import pytest

from backcare.policy import CONNECTIONS_PER_CLIENT, body_seconds, hsts_header
from tests.serving import Browser, raw_request, serve_in

pytestmark = pytest.mark.slow

CLIENT, PROXY = "127.0.0.3", "127.0.0.2"
HEADERS = ("content-security-policy", "x-frame-options", "x-content-type-options")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    server = serve_in(
        tmp_path_factory.mktemp("limits"),
        workers=1,
        DJANGO_HSTS_SECONDS="600",
        BACKCARE_TRUSTED_PROXIES=PROXY,
    )
    yield server
    server.stop()


def get(path: str = "/", *headers: str) -> bytes:
    lines = [f"GET {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close", *headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def post_head(browser: Browser, length: int) -> bytes:
    return (
        "POST /build/screen/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        f"Cookie: csrftoken={browser.csrf()}\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {length}\r\n\r\n"
    ).encode()


def read_all(sock: socket.socket) -> bytes:
    received = b""
    while chunk := sock.recv(65536):
        received += chunk
    return received


def test_a_body_sent_a_byte_a_second_is_cut_off_at_its_total_deadline(server):
    """Each byte comes well within the per-read timeout: only a total deadline stops it."""
    browser = Browser(server.url)
    browser.request("GET", "/build/screen/")
    length = 100
    with socket.create_connection(("127.0.0.1", server.port), timeout=1) as sock:
        started = time.monotonic()
        sock.sendall(post_head(browser, length))
        answer = b""
        while time.monotonic() - started < 30 and not answer:
            try:
                answer = sock.recv(65536)
            except TimeoutError:
                sock.sendall(b"a")
        took = time.monotonic() - started
        sock.settimeout(5)
        answer += read_all(sock)  # and then the server closes the connection
    assert answer.startswith(b"HTTP/1.1 408 Request Timeout\r\n"), answer[:80]
    assert body_seconds(length) - 0.5 < took < body_seconds(length) + 3
    head = answer.decode("latin-1").lower()
    assert "connection: close" in head and all(f"{name}:" in head for name in HEADERS)
    assert b"took too long" in answer


def test_a_form_sent_in_pieces_within_the_deadline_is_answered(server):
    browser = Browser(server.url)
    browser.request("GET", "/build/screen/")
    body = f"csrfmiddlewaretoken={browser.csrf()}".encode()
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(post_head(browser, len(body)))
        for piece in (body[:10], body[10:20], body[20:]):
            time.sleep(0.7)
            sock.sendall(piece)
        answer = read_all(sock)
    assert answer.startswith(b"HTTP/1.1 303 "), answer[:80]


def connections(source: str, count: int, port: int) -> list[socket.socket]:
    return [
        socket.create_connection(("127.0.0.1", port), timeout=5, source_address=(source, 0))
        for _ in range(count)
    ]


def test_one_client_past_its_connection_cap_gets_a_429_and_others_are_served(server):
    held = connections(CLIENT, CONNECTIONS_PER_CLIENT, server.port)
    try:
        time.sleep(0.5)  # all accepted by the worker
        refused = raw_request(server.port, get(), source=CLIENT)
        other = raw_request(server.port, get())
    finally:
        for sock in held:
            sock.close()
    assert refused.status_line == "HTTP/1.1 429 Too Many Requests"
    assert refused.headers["retry-after"].isdigit() and refused.headers["connection"] == "close"
    assert all(refused.headers.get(name) for name in HEADERS)
    assert b"Too many connections from your address" in refused.body
    assert other.status == 200
    time.sleep(0.5)  # the server sees those connections closed
    assert raw_request(server.port, get(), source=CLIENT).status == 200


def test_a_trusted_proxy_is_not_capped(server):
    held = connections(PROXY, CONNECTIONS_PER_CLIENT + 10, server.port)
    try:
        time.sleep(0.5)
        through_proxy = raw_request(server.port, get("/", "X-Forwarded-Proto: https"), source=PROXY)
    finally:
        for sock in held:
            sock.close()
    assert through_proxy.status == 200


def test_an_unknown_transfer_coding_gets_the_right_reason_phrase(server):
    response = raw_request(
        server.port,
        b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: x-backcare\r\n\r\n0\r\n\r\n",
    )
    assert response.status_line == "HTTP/1.1 501 Not Implemented"
    assert b"<h1>Not Implemented</h1>" in response.body
    assert raw_request(server.port, b"NOT-HTTP\r\n\r\n").status_line == "HTTP/1.1 400 Bad Request"


def test_the_servers_own_pages_carry_the_same_hsts_as_django(server):
    django = raw_request(server.port, get("/", "X-Forwarded-Proto: https"), source=PROXY)
    hsts = django.headers["strict-transport-security"]
    assert hsts == "max-age=600; includeSubDomains; preload"
    for request in (b"NOT-HTTP\r\n\r\n", get("/" + "a" * 5000)):
        refusal = raw_request(server.port, request)
        assert refusal.status in {400, 414}
        assert refusal.headers["strict-transport-security"] == hsts


def test_hsts_on_the_servers_own_pages_follows_the_same_variables_as_the_settings():
    assert hsts_header({"DJANGO_DEBUG": "1"}) is None
    assert hsts_header({"DJANGO_DEBUG": "0", "DJANGO_HSTS_SECONDS": "0"}) is None
    assert hsts_header({"DJANGO_DEBUG": "0"}) == "max-age=31536000; includeSubDomains; preload"
    only_here = {"DJANGO_DEBUG": "off", "DJANGO_HSTS_SECONDS": "60", "DJANGO_HSTS_PRELOAD": "0"}
    assert hsts_header(only_here) == "max-age=60; includeSubDomains"


def test_two_forms_on_one_kept_alive_connection_are_both_answered(server):
    """The body is read before Django: the next request on the connection still starts where
    that body ended."""
    browser = Browser(server.url)
    browser.request("GET", "/build/screen/")
    token = browser.csrf()
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    statuses = []
    for _ in range(2):
        connection.request(
            "POST",
            "/build/screen/",
            body=f"csrfmiddlewaretoken={token}",
            headers={
                "Cookie": f"csrftoken={token}",
                "Content-Type": "application/x-www-form-urlencoded",
            },
        )
        response = connection.getresponse()
        response.read()
        statuses.append((response.status, response.getheader("Connection")))
    connection.close()
    assert [status for status, _ in statuses] == [303, 303]


def test_a_percent_encoded_path_puts_no_session_code_in_the_log(server):
    browser = Browser(server.url)
    browser.answer_screen()
    code = browser.save_session()
    for path in (f"/%73/{code}/", f"/%2573/{code}/", f"/s/%{ord(code[0]):02X}{code[1:]}/"):
        raw_request(server.port, get(path))
    time.sleep(0.5)  # the access log is written after the answer
    assert code not in (server.output / "stdout.log").read_text()
