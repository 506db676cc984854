"""`make attack`: the production setup attacked as a hostile client would, each case PASS/FAIL.

Starts gunicorn as `make serve` does (backcare/server.py, DEBUG off) on a throwaway SQLite
database, and a second one as it runs behind an HTTPS proxy (HTTPS redirect on, 127.0.0.1 the
trusted proxy), then attacks both over loopback: slow clients, big and endless bodies, forms
in other charsets, malformed requests and a wrong Host, forwarded headers from an unknown
hop, a sign-in flood from one address and guesses at one editor's password from many, a
flood of new sessions, and ratings from a stranger. Over every answer: no 5xx, the security
headers on each, no temporary file left, every log line one JSON object on stdout. Then
thousands of connections: 5,000 slow bodies (a CSRF cookie and token, a byte every 3 s) from
100 client addresses, and 5,000 connections from one address. `/healthz` is timed four times
a second through every case and must answer within 1 s. Bounded: about a minute and a half.
Exits non-zero on any FAIL.
"""

from __future__ import annotations

import argparse
import errno
import json
import os
import selectors
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from backcare.policy import CONNECTIONS_PER_CLIENT, body_seconds
from backcare.server import raise_open_files_limit
from tests.serving import (
    ROOT,
    Browser,
    RawResponse,
    Server,
    free_port,
    prepare,
    production_env,
    raw_request,
)

SECURITY_HEADERS = (
    "content-security-policy",
    "x-frame-options",
    "x-content-type-options",
    "referrer-policy",
    "permissions-policy",
)
FORM = "application/x-www-form-urlencoded"
EDITOR, EDITOR_PASSWORD = "editor", "a long editor password 7"
MULTIPART_FILE = (
    b'--xyz\r\nContent-Disposition: form-data; name="f"; filename="a.bin"\r\n\r\n'
    + b"x" * 200 * 1024
    + b"\r\n--xyz--\r\n"
)


@dataclass
class Seen:
    """Every answer the attack got, for the checks that hold over all of them."""

    answers: list[tuple[str, int, dict]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, label: str, response: RawResponse) -> RawResponse:
        with self.lock:
            self.answers.append((label, response.status, response.headers))
        return response


SEEN = Seen()


def request(port: int, label: str, data: bytes, **kwargs) -> RawResponse:
    return SEEN.add(label, raw_request(port, data, **kwargs))


def http(method: str, path: str, *headers: str, body: bytes = b"", close: bool = True) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", *headers]
    if close:
        lines.append("Connection: close")
    if body or method == "POST":
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def timed(port: int, label: str, data: bytes, **kwargs) -> tuple[float, RawResponse]:
    started = time.monotonic()
    response = request(port, label, data, **kwargs)
    return time.monotonic() - started, response


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


# ---- the cases: each returns (passed, what it saw) ----


def slow_clients(port: int, count: int = 50, seconds: float = 15) -> tuple[bool, str]:
    """`count` connections that trickle a header line or a body byte every second (reopened
    whenever the server closes one), while `/` is timed twice a second."""
    headers = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    body = (
        b"POST /build/screen/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n\r\n"
    )
    starts = [headers if n % 2 == 0 else body for n in range(count)]
    socks: list[socket.socket | None] = [None] * count
    reopened, stop = [0], threading.Event()

    def keep_open() -> None:
        while not stop.is_set():
            for n, start in enumerate(starts):
                try:
                    if socks[n] is None:
                        socks[n] = socket.create_connection(("127.0.0.1", port), timeout=2)
                        socks[n].sendall(start)
                    else:
                        socks[n].sendall(b"X-Slow: yes\r\n" if start is headers else b"a")
                except OSError:
                    if socks[n] is not None:
                        socks[n].close()
                        reopened[0] += 1
                    socks[n] = None
            stop.wait(1)

    trickler = threading.Thread(target=keep_open, daemon=True)
    trickler.start()
    time.sleep(2)
    times, statuses = [], []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            took, response = timed(port, "slow: /", http("GET", "/"), timeout=5)
            statuses.append(response.status)
        except OSError:
            took, _ = 5.0, statuses.append(0)
        times.append(took)
        time.sleep(0.5)
    stop.set()
    trickler.join()
    for sock in socks:
        if sock:
            sock.close()
    answered = sum(status == 200 for status in statuses)
    passed = answered == len(statuses) and max(times) < 1.0
    return passed, (
        f"{count} slow connections kept open ({count // 2} trickling headers, {count // 2} "
        f"trickling bodies; the server closed {reopened[0]} stalled ones, each reopened); "
        f"/ answered {answered}/{len(statuses)}, median {ms(statistics.median(times))}, "
        f"max {ms(max(times))} (target < 1 s)"
    )


def big_bodies(port: int, tmpdir: Path) -> tuple[bool, str]:
    cases = [
        (
            "1 GiB multipart upload",
            b"POST /build/screen/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: multipart/form-data; boundary=xyz\r\n"
            b"Content-Length: 1073741824\r\n\r\n--xyz\r\nContent-Disposition: form-data; "
            b'name="f"; filename="big.bin"\r\n\r\n' + b"x" * (16 * 2**20),
            413,
        ),
        (
            "10 GB declared, stalled after 1 MiB",
            b"POST /build/screen/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\n"
            b"Content-Length: 10737418240\r\n\r\n" + b"a=" * 2**19,
            413,
        ),
        ("300 KiB form", http("POST", "/", f"Content-Type: {FORM}", body=b"a=" * 153600), 413),
        (
            "chunked, no length",
            b"POST /build/screen/ HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\n\r\n4\r\na=bc\r\n0\r\n\r\n",
            411,
        ),
        (
            "200 KiB file in a small form",
            http(
                "POST",
                "/build/screen/",
                "Content-Type: multipart/form-data; boundary=xyz",
                body=MULTIPART_FILE,
            ),
            403,  # read, the file dropped unkept, then refused: no CSRF token
        ),
    ]
    seen, passed = [], True
    for label, data, expected in cases:
        took, response = timed(port, f"body: {label}", data, timeout=10)
        ok = response.status == expected and took < 3
        passed &= ok
        seen.append(f"{label} → {response.status} in {ms(took)}")
    time.sleep(0.5)
    left = [p.name for p in tmpdir.iterdir()]
    passed &= not left
    return passed, "; ".join(seen) + f"; temporary files left: {len(left)}"


def bad_charsets(port: int) -> tuple[bool, str]:
    browser = Browser(f"http://127.0.0.1:{port}")
    browser.request("GET", "/build/screen/")
    token = browser.csrf()
    statuses = []
    for charset in ("latin-1", "ascii", "utf-16"):
        for url in ("/", "/healthz", "/admin/login/", "/build/screen/"):
            body = f"csrfmiddlewaretoken={token}&a=b".encode()
            response = request(
                port,
                f"charset {charset} {url}",
                http(
                    "POST",
                    url,
                    f"Cookie: csrftoken={token}",
                    f"Content-Type: {FORM}; charset={charset}",
                    body=body,
                ),
            )
            statuses.append(response.status)
    passed = set(statuses) == {400}
    return (
        passed,
        f"{len(statuses)} forms in latin-1, ascii, utf-16 to 4 URLs → {sorted(set(statuses))}",
    )


def bad_requests(port: int) -> tuple[bool, str]:
    cases = [
        ("malformed request line", b"NOT-HTTP\r\n\r\n", 400),
        ("5,000-character URL", http("GET", "/" + "a" * 5000), 414),
        ("80 headers", http("GET", "/", *(f"X-Many-{n}: y" for n in range(80))), 431),
        ("wrong Host", b"GET / HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n", 400),
        ("Host with a port trick", b"GET / HTTP/1.1\r\nHost: 127.0.0.1@evil\r\n\r\n", 400),
        ("backslash and quotes in the query", http("GET", '/?x=\\&y="'), 200),
        ("unknown method", http("BREW", "/"), 403),  # refused as an unsafe method sans token
        ("unknown session, step 999", http("GET", "/s/AAAAAAAAAAAA/step/999/"), 404),
    ]
    seen, passed = [], True
    for label, data, expected in cases:
        response = request(port, f"request: {label}", data)
        ok = response.status == expected
        passed &= ok
        seen.append(f"{label} → {response.status}{'' if ok else f' (wanted {expected})'}")
    return passed, "; ".join(seen)


def unknown_proxy(port: int) -> tuple[bool, str]:
    """The proxied server trusts 127.0.0.1; 127.0.0.2 is a hop nobody told it about."""
    untrusted = request(
        port,
        "proxy: untrusted hop",
        http("GET", "/", "X-Forwarded-Proto: https", "X-Forwarded-For: 198.51.100.1"),
        source="127.0.0.2",
    )
    trusted = request(port, "proxy: trusted", http("GET", "/", "X-Forwarded-Proto: https"))
    plain = request(port, "proxy: plain http", http("GET", "/"))
    passed = (
        untrusted.status == 400
        and trusted.status == 200
        and plain.status == 301
        and plain.headers.get("location", "").startswith("https://")
    )
    return passed, (
        f"HTTPS claimed by an unknown hop → {untrusted.status} (a redirect would loop); "
        f"through the trusted proxy → {trusted.status}; plain HTTP → {plain.status} to "
        f"{plain.headers.get('location', '?')}"
    )


def _login_form(port: int, client: str) -> tuple[str, str]:
    page = request(
        port,
        "flood: form",
        http("GET", "/admin/login/", "X-Forwarded-Proto: https", f"X-Forwarded-For: {client}"),
    )
    cookie = page.headers.get("set-cookie", "").split(";")[0]
    token = page.body.decode().split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    return cookie, token


def _sign_in(port: int, client: str, cookie: str, token: str, username: str) -> RawResponse:
    body = f"csrfmiddlewaretoken={token}&username={username}&password=guess&next=/admin/"
    return request(
        port,
        "flood: sign-in",
        http(
            "POST",
            "/admin/login/",
            "X-Forwarded-Proto: https",
            f"X-Forwarded-For: {client}",
            "Origin: https://127.0.0.1",
            f"Cookie: {cookie}",
            f"Content-Type: {FORM}",
            body=body.encode(),
        ),
    )


def login_flood(port: int, attempts: int = 30) -> tuple[bool, str]:
    """One client behind the proxy tries a fresh username each time, as fast as it can, while
    the home page is timed; then another client behind the same proxy signs in."""
    home, stop = [], threading.Event()

    def probe() -> None:
        while not stop.is_set():
            took, _ = timed(port, "flood: home", http("GET", "/", "X-Forwarded-Proto: https"))
            home.append(took)
            stop.wait(0.2)

    prober = threading.Thread(target=probe, daemon=True)
    prober.start()
    cookie, token = _login_form(port, "203.0.113.7")
    results = []
    for n in range(attempts):
        started = time.monotonic()
        response = _sign_in(port, "203.0.113.7", cookie, token, f"guess{n}")
        results.append((response.status, time.monotonic() - started))
    stop.set()
    prober.join()
    other_cookie, other_token = _login_form(port, "198.51.100.9")
    other = _sign_in(port, "198.51.100.9", other_cookie, other_token, "editor")
    first_lock = next((n for n, (status, _) in enumerate(results) if status == 429), None)
    refused = [took for status, took in results if status == 429]
    passed = (
        first_lock is not None
        and first_lock <= 5
        and all(status == 429 for status, _ in results[first_lock:])
        and statistics.median(refused) < 0.05
        and other.status == 200
        and statistics.median(home) < 0.1
    )
    checked = [took for status, took in results[:first_lock]] if first_lock else [0]
    return passed, (
        f"{attempts} sign-ins with fresh usernames from one client behind the proxy: locked "
        f"from attempt {None if first_lock is None else first_lock + 1}; before that "
        f"{ms(statistics.median(checked))} each (password hashing), after it "
        f"{ms(statistics.median(refused or [0]))} each (refused before hashing); another client "
        f"behind the same proxy → {other.status} (not locked); home page meanwhile: median "
        f"{ms(statistics.median(home))}, max {ms(max(home))} over {len(home)} requests"
    )


class RawClient:
    """A browser reduced to its cookies, sending raw requests from one address (`source`, on
    loopback) or as one address behind the trusted proxy (`forwarded`)."""

    def __init__(self, port: int, source: str | None = None, forwarded: str | None = None):
        self.port, self.source, self.cookies = port, source, {}
        self.headers = [f"X-Forwarded-For: {forwarded}", "X-Forwarded-Proto: https"]
        if forwarded is None:
            self.headers = []

    def send(self, label: str, method: str, path: str, form: dict | None = None) -> RawResponse:
        headers = [*self.headers]
        if self.cookies:
            headers.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        body = b""
        if form is not None:
            body = urllib.parse.urlencode(form, doseq=True).encode()
            headers.append(f"Content-Type: {FORM}")
            if self.headers:  # behind the HTTPS proxy: a browser's Origin
                headers.append("Origin: https://127.0.0.1")
        data = http(method, path, *headers, body=body)
        response = request(self.port, label, data, source=self.source)
        self.cookies.update(response.cookies)
        return response

    def token(self, page: RawResponse) -> str:
        return page.body.decode().split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]


def rotating_sign_in(port: int, guesses: int = 100) -> tuple[bool, str]:
    """Guesses at the editor's password from a new address behind the proxy every 4 guesses
    (under the per-address lock-out), as a botnet would: the per-username limit stops them
    after a few password checks, and the editor's own browser still signs in."""
    editor = RawClient(port, forwarded="192.0.2.50")
    form = editor.token(editor.send("rotating: form", "GET", "/admin/login/"))
    mine = {"username": EDITOR, "password": EDITOR_PASSWORD, "next": "/admin/"}
    before = editor.send(
        "rotating: editor", "POST", "/admin/login/", mine | {"csrfmiddlewaretoken": form}
    )
    answers: list[tuple[RawResponse, float]] = []  # each guess and its seconds
    for n in range(guesses):
        if n % 4 == 0:  # a new address, with the form as it would fetch it
            guesser = RawClient(port, forwarded=f"198.18.{n // 1000}.{1 + n // 4 % 250}")
            token = guesser.token(guesser.send("rotating: form", "GET", "/admin/login/"))
        guess = {"username": EDITOR, "password": f"guess {n}", "csrfmiddlewaretoken": token}
        started = time.monotonic()
        response = guesser.send("rotating: guess", "POST", "/admin/login/", guess)
        answers.append((response, time.monotonic() - started))
    editor.cookies.pop("sessionid", None)  # signed out, the device cookie kept
    form = editor.token(editor.send("rotating: form", "GET", "/admin/login/"))
    after = editor.send(
        "rotating: editor", "POST", "/admin/login/", mine | {"csrfmiddlewaretoken": form}
    )
    checked = [took for response, took in answers if response.status == 200]
    refused = [(r, took) for r, took in answers if r.status == 429]
    refused_ms = ms(statistics.median([took for _, took in refused] or [0]))
    passed = (
        before.status == 302
        and len(checked) <= 10
        and len(checked) + len(refused) == guesses
        and all(int(r.headers.get("retry-after", "0")) > 0 for r, _ in refused)
        and statistics.median([took for _, took in refused] or [1]) < 0.05  # no hashing
        and after.status == 302
    )
    return passed, (
        f"{guesses} guesses at the editor's password from {guesses // 4} addresses behind the "
        f"proxy: {len(checked)} checked ({ms(statistics.median(checked or [0]))} each), "
        f"{len(refused)} × 429 with Retry-After ({refused_ms} each, no hashing); the editor's "
        f"own browser → {before.status} before, {after.status} after"
    )


def session_flood(port: int, saves: int = 25) -> tuple[bool, str]:
    """One client saves sessions as fast as it can: refused with a 429 and Retry-After at the
    limit (10 a minute), while another client still saves."""

    def ready(address: str) -> RawClient:
        client = RawClient(port, source=address)
        page = client.send("sessions: screen", "GET", "/build/screen/")
        answered = client.send(
            "sessions: screen",
            "POST",
            "/build/screen/",
            {"csrfmiddlewaretoken": client.token(page)},
        )
        assert answered.status == 303, answered.status
        return client

    def save(client: RawClient) -> RawResponse:
        form = {
            "csrfmiddlewaretoken": client.cookies["csrftoken"],
            "performer": "self",
            "region": "upper-back",
            "minutes": "5",
        }
        return client.send("sessions: save", "POST", "/build/", form)

    flooder = ready("127.0.0.250")
    statuses = [save(flooder) for _ in range(saves)]
    other = save(ready("127.0.0.251"))
    saved = sum(r.status == 303 for r in statuses)
    refused = [r for r in statuses if r.status == 429]
    passed = (
        10 <= saved <= 20  # 10 a minute; up to twice that where two minutes meet
        and saved + len(refused) == saves
        and all(int(r.headers.get("retry-after", "0")) > 0 for r in refused)
        and all(b"a lot of sessions at once" in r.body for r in refused)
        and other.status == 303
    )
    return passed, (
        f"{saves} saves from one client: {saved} × 303, {len(refused)} × 429 with Retry-After; "
        f"another client meanwhile → {other.status}"
    )


def ratings(port: int) -> tuple[bool, str]:
    owner = Browser(f"http://127.0.0.1:{port}")
    owner.answer_screen()
    code = owner.save_session()
    token = owner.csrf()
    first = owner.request("POST", f"/s/{code}/done/", {"csrfmiddlewaretoken": token, "pain": "3"})
    again = owner.request("POST", f"/s/{code}/done/", {"csrfmiddlewaretoken": token, "pain": "0"})
    stranger = Browser(f"http://127.0.0.1:{port}")
    stranger.request("GET", "/build/screen/")  # a page with a form: the CSRF cookie
    stranger.request("GET", f"/s/{code}/")
    forged = stranger.request(
        "POST", f"/s/{code}/done/", {"csrfmiddlewaretoken": stranger.csrf(), "pain": "9"}
    )
    for label, (status, headers, _) in (("first", first), ("again", again), ("forged", forged)):
        SEEN.add(f"ratings: {label}", _as_raw(status, headers))
    passed = (first[0], again[0], forged[0]) == (303, 409, 403)
    return passed, (
        f"the owner rates → {first[0]}, rates again → {again[0]}; another browser with the "
        f"link → {forged[0]}"
    )


def _as_raw(status: int, headers: dict) -> RawResponse:
    response = RawResponse(b"HTTP/1.1 %d X\r\n\r\n" % status)
    response.headers = {name.lower(): value for name, value in headers.items()}
    return response


def static_files(port: int) -> tuple[bool, str]:
    home = request(port, "static: home", http("GET", "/"))
    paths = sorted({part.split('"')[0] for part in home.body.decode().split('"/static/')[1:]})
    statuses = [request(port, f"static: {p}", http("GET", f"/static/{p}")).status for p in paths]
    passed = bool(paths) and set(statuses) == {200}
    return passed, f"{len(paths)} static files from the home page → {sorted(set(statuses))}"


# ---- many connections at once (issue 23: 5,200 slow bodies took /healthz down) ----

SLOW_BODY_LENGTH = 4096  # a form's size: the body's total deadline is body_seconds(4096)


def _sources(count: int) -> list[str]:
    """`count` client addresses on loopback (127.0.0.2, 127.0.0.3…), if this machine lets a
    socket bind to them; else none."""
    addresses = [f"127.0.0.{n}" for n in range(2, 2 + count)]
    try:
        with socket.socket() as sock:
            sock.bind((addresses[-1], 0))
    except OSError:
        return []
    return addresses


def _slow_body_head(port: int) -> bytes:
    """A POST that Django would read: the CSRF cookie and token of a real form, the headers
    whole, the body (`SLOW_BODY_LENGTH` bytes) only begun."""
    browser = Browser(f"http://127.0.0.1:{port}")
    browser.request("GET", "/build/screen/")
    token = browser.csrf()
    return (
        "POST /build/screen/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Cookie: csrftoken={token}\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {SLOW_BODY_LENGTH}\r\n\r\ncsrfmiddlewaretoken={token}&a="
    ).encode()


def _hold_connections(
    port: int,
    sources: list[str],
    count: int,
    seconds: float,
    head: bytes,
    every: float = 3,
    reopen: bool = True,
) -> dict:
    """Open `count` connections (each from the next of `sources`, in turn), each sending
    `head` and then a body byte every `every` seconds, for `seconds`; with `reopen`, one the
    server closes is replaced at once. Returns what the server did with them."""
    selector = selectors.DefaultSelector()
    opened: dict[socket.socket, float] = {}
    answers: Counter[int] = Counter()
    firsts: dict[int, bytes] = {}  # the first answer of each status, whole head
    ages: dict[int, list[float]] = defaultdict(list)
    failed_connects = [0]
    turn = [0]

    def open_one() -> None:
        source = sources[turn[0] % len(sources)]
        turn[0] += 1
        try:
            sock = socket.create_connection(
                ("127.0.0.1", port), timeout=2, source_address=(source, 0)
            )
            sock.sendall(head)
        except OSError:
            failed_connects[0] += 1
            return
        sock.setblocking(False)
        opened[sock] = time.monotonic()
        selector.register(sock, selectors.EVENT_READ)

    def close(sock: socket.socket, status: int) -> None:
        answers[status] += 1
        ages[status].append(time.monotonic() - opened.pop(sock))
        selector.unregister(sock)
        sock.close()

    started = time.monotonic()
    while len(opened) < count and time.monotonic() - started < seconds:
        open_one()
    most_open = len(opened)
    next_byte = time.monotonic() + every
    while time.monotonic() - started < seconds:
        for key, _ in selector.select(timeout=0.2):
            try:
                data = key.fileobj.recv(4096)
            except OSError:
                data = b""
            status = int(data.split()[1]) if data.startswith(b"HTTP/1.1 ") else 0
            firsts.setdefault(status, data)
            close(key.fileobj, status)
        while reopen and len(opened) < count and time.monotonic() - started < seconds:
            open_one()
        most_open = max(most_open, len(opened))
        if time.monotonic() >= next_byte:
            for sock in list(opened):
                try:
                    sock.send(b"a")
                except OSError as error:
                    if error.errno != errno.EAGAIN:
                        close(sock, 0)
            next_byte += every
    oldest = max((time.monotonic() - t for t in opened.values()), default=0)
    for sock in list(opened):
        selector.unregister(sock)
        sock.close()
    selector.close()
    for status, data in firsts.items():
        if status:
            SEEN.add(f"held connections: {status}", RawResponse(data))
    return {
        "answers": answers,
        "ages": ages,
        "most_open": most_open,
        "failed_connects": failed_connects[0],
        "oldest": oldest,
    }


def slow_bodies(port: int, count: int = 5000, seconds: float = 30) -> tuple[bool, str]:
    """`count` connections spread over 100 client addresses, each with a CSRF cookie and its
    token, sending a body byte every 3 s: each must get a 408 within the body's deadline."""
    sources = _sources(100) or ["127.0.0.1"]
    held = _hold_connections(port, sources, count, seconds, _slow_body_head(port))
    deadline = body_seconds(SLOW_BODY_LENGTH)
    answered = held["answers"]
    # As this client sees it: up to a second or two after the server's deadline when busy.
    late = [age for age in held["ages"][408] if age > deadline + 3]
    passed = (
        set(answered) == {408}
        and answered[408] >= count
        and not late
        and held["oldest"] < deadline + 3
        and not held["failed_connects"]
        and held["most_open"] == count
    )
    return passed, (
        f"{held['most_open']} slow-body connections at once from {len(sources)} addresses "
        f"(kept at {count} for {seconds:.0f} s, {sum(answered.values())} answered in all): "
        f"answers {dict(answered)}, each after {_range(held['ages'][408])} (deadline "
        f"{deadline:.1f} s); {held['failed_connects']} connections refused; oldest still "
        f"open at the end {held['oldest']:.1f} s"
    )


def one_client_many_connections(port: int, count: int = 5000, seconds: float = 15):
    """`count` slow-body connections from one client address, opened once: each worker holds
    CONNECTIONS_PER_CLIENT of them (answered 408 at their deadline), the rest get a 429."""
    workers = WORKERS[0]
    head = _slow_body_head(port)
    held = _hold_connections(port, ["127.0.0.2"], count, seconds, head, reopen=False)
    answered = held["answers"]
    cap = CONNECTIONS_PER_CLIENT * workers
    passed = (
        set(answered) <= {408, 429}
        and answered[429] >= count - cap
        and answered[408] <= cap
        and held["oldest"] < body_seconds(SLOW_BODY_LENGTH) + 3
        and not held["failed_connects"]
    )
    return passed, (
        f"{held['most_open']} connections opened from 127.0.0.2 and kept for "
        f"{seconds:.0f} s: answers {dict(answered)} (at most {cap} held: "
        f"{CONNECTIONS_PER_CLIENT} a worker × {workers}); {held['failed_connects']} "
        f"connections refused; still open at the end: {count - sum(answered.values())}"
    )


def _range(ages: list[float]) -> str:
    if not ages:
        return "-"
    return f"{min(ages):.1f}–{max(ages):.1f} s (median {statistics.median(ages):.1f} s)"


WORKERS = [1]


class HealthProber:
    """`/healthz` on every server, four times a second, through every case: its latency as
    a load balancer sees it (from 127.0.0.1, not one of the attackers' addresses)."""

    def __init__(self, ports: list[int]):
        self.ports, self.case = ports, "start"
        self.finished = 0.0  # when the last probe to finish began
        self.samples: dict[str, list[float | None]] = defaultdict(list)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self) -> None:
        health = http("GET", "/healthz", "X-Forwarded-Proto: https")
        while not self.stop.is_set():
            for port in self.ports:
                case, started = self.case, time.monotonic()
                try:
                    ok = raw_request(port, health, timeout=5).status == 200
                except OSError:
                    ok = False
                self.samples[case].append(time.monotonic() - started if ok else None)
                self.finished = started
            self.stop.wait(0.25)

    def sampled(self, case: str) -> None:
        """Wait for a probe of every server during `case`, however short it was, and for
        every probe begun during it to end (those that end late are the slow ones)."""
        deadline = time.monotonic() + 6
        while len(self.samples[case]) < len(self.ports) and time.monotonic() < deadline:
            time.sleep(0.05)
        self.case, ended = "between cases", time.monotonic()
        while self.finished < ended and time.monotonic() < deadline:
            time.sleep(0.05)

    def verdict(self, case: str) -> tuple[bool, str]:
        samples = self.samples[case]
        times = [t for t in samples if t is not None]
        failed = len(samples) - len(times)
        passed = bool(times) and not failed and max(times) < 1.0
        return passed, (
            f"/healthz {len(times)}/{len(samples)} answered, median "
            f"{ms(statistics.median(times or [0]))}, max {ms(max(times or [0]))}"
        )


# ---- checks over everything ----


def over_everything(
    outputs: list[Path], tmpdir: Path, codes: list[str]
) -> list[tuple[bool, str, str]]:
    answered = [(label, status, headers) for label, status, headers in SEEN.answers if status]
    server_errors = [(label, status) for label, status, _ in answered if status >= 500]
    missing = [
        (label, name)
        for label, _, headers in answered
        for name in SECURITY_HEADERS
        if not headers.get(name)
    ]
    banners = {headers.get("server", "") for _, _, headers in answered}
    lines, bad_lines, errors = 0, [], []
    access_5xx = 0
    stderr = ""
    for output in outputs:
        stderr += (output / "stderr.log").read_text()
        for line in (output / "stdout.log").read_text().splitlines():
            lines += 1
            try:
                entry = json.loads(line)
            except ValueError:
                bad_lines.append(line[:120])
                continue
            access_5xx += entry.get("logger") == "gunicorn.access" and entry.get("status", 0) >= 500
            if "error" in entry:
                errors.append(entry["message"][:80])
    logs = "".join((o / "stdout.log").read_text() for o in outputs)
    proxied_log = (outputs[1] / "stdout.log").read_text().splitlines()
    behind_proxy = [_json_or_none(line) or {} for line in proxied_log]
    flood_clients = {e["client"] for e in behind_proxy if e.get("path") == "/admin/login/"}
    leaked = [code for code in codes if code in logs]
    left = list(tmpdir.iterdir())
    return [
        (
            not server_errors and not access_5xx,
            "no 5xx",
            f"{len(answered)} answers, {len(server_errors)} 5xx; access log 5xx: {access_5xx}",
        ),
        (
            not missing and banners <= {"", "Backcare"},
            "headers everywhere",
            f"{len(answered) - len({m[0] for m in missing})}/{len(answered)} answers carry CSP, "
            f"X-Frame-Options, nosniff, Referrer-Policy and Permissions-Policy"
            + (f"; missing: {missing[:5]}" if missing else "")
            + f"; Server banners: {sorted(banners)}",
        ),
        (not left, "no temp files", f"{len(left)} files left in the servers' TMPDIR"),
        (
            lines > 0
            and not bad_lines
            and not errors
            and not stderr
            and not leaked
            and {"203.0.113.7", "198.51.100.9", "192.0.2.50"} <= flood_clients
            and not any(client.startswith("127.") for client in flood_clients),
            "logs",
            f"{lines} lines on stdout, {len(bad_lines)} not JSON, {len(errors)} with a "
            f"traceback, {len(stderr)} bytes on stderr, {len(leaked)} full session codes; "
            f"sign-ins behind the proxy logged from {len(flood_clients)} forwarded client "
            f"addresses, none the proxy's own"
            + (f"; first bad: {bad_lines[0]!r}" if bad_lines else "")
            + (f"; traceback: {errors[0]!r}" if errors else ""),
        ),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    args = parser.parse_args()
    WORKERS[0] = args.workers
    raise_open_files_limit()  # thousands of connections of our own
    folder = Path(tempfile.mkdtemp(prefix="backcare-attack-"))
    tmpdir = folder / "tmp"
    tmpdir.mkdir()
    env = production_env(
        f"sqlite:///{folder / 'attack.sqlite3'}",
        DJANGO_STATIC_ROOT=str(folder / "static"),
        DJANGO_LOG_LEVEL="INFO",
        TMPDIR=str(tmpdir),
    )
    proxied_env = env | {
        "BACKCARE_TRUSTED_PROXIES": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "1",
        "DJANGO_SECURE_COOKIES": "1",
    }
    outputs = [folder / "plain", folder / "proxied"]
    for output in outputs:
        output.mkdir()
    prepare(env)
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "createsuperuser",
            "--noinput",
            "--username",
            EDITOR,
            "--email",
            "editor@example.org",
        ],
        env=env | {"DJANGO_SUPERUSER_PASSWORD": EDITOR_PASSWORD},
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    servers = [
        Server(env, free_port(), workers=args.workers, output=outputs[0]),
        Server(proxied_env, free_port(), workers=args.workers, output=outputs[1]),
    ]
    try:
        plain, proxied = (server.start() for server in servers)
        # Below the servers' CPU priority: on one machine, the attacker's own work (thousands of
        # sockets in Python) would otherwise take the CPU the servers need, which a real attacker,
        # elsewhere, does not. The prober is in this process too, so its figures are if anything
        # slower than a load balancer's.
        os.nice(10)
        print(
            f"make attack: gunicorn with backcare/server.py, {args.workers} workers each, "
            f"DEBUG off, SQLite; plain on :{plain.port}, behind a trusted proxy on "
            f":{proxied.port}\n"
        )
        codes: list[str] = []
        cases = [
            ("slow clients", lambda: slow_clients(plain.port)),
            ("big bodies", lambda: big_bodies(plain.port, tmpdir)),
            ("bad charsets", lambda: bad_charsets(plain.port)),
            ("bad requests/Host", lambda: bad_requests(plain.port)),
            ("static files", lambda: static_files(plain.port)),
            ("unknown proxy", lambda: unknown_proxy(proxied.port)),
            ("login flood", lambda: login_flood(proxied.port)),
            ("rotating sign-in", lambda: rotating_sign_in(proxied.port)),
            ("session flood", lambda: session_flood(plain.port)),
            ("ratings", lambda: ratings(plain.port)),
            ("slow bodies", lambda: slow_bodies(plain.port)),
            ("one client, 5,000", lambda: one_client_many_connections(plain.port)),
        ]
        results = []
        prober = HealthProber([plain.port, proxied.port])
        prober.thread.start()
        started = time.monotonic()
        for name, case in cases:
            prober.case = name
            passed, said = case()
            prober.sampled(name)
            healthy, health = prober.verdict(name)
            results.append(passed and healthy)
            print(
                f"{'PASS' if passed and healthy else 'FAIL'}  {name:18} {said} | {health}",
                flush=True,
            )
        prober.stop.set()
        prober.thread.join()
        every = [t for samples in prober.samples.values() for t in samples]
        times = [t for t in every if t is not None]
        healthy = bool(times) and len(times) == len(every) and max(times) < 1.0
        results.append(healthy)
        worst = max(prober.samples, key=lambda c: max(t or 9 for t in prober.samples[c]))
        print(
            f"{'PASS' if healthy else 'FAIL'}  {'healthz throughout':18} {len(times)}/"
            f"{len(every)} answered over {time.monotonic() - started:.0f} s of attack, median "
            f"{ms(statistics.median(times or [0]))}, max {ms(max(times or [0]))} (in "
            f"{worst!r}; target < 1 s)",
            flush=True,
        )
        for server in servers:
            server.stop()
        codes += _codes_in(folder / "attack.sqlite3")
        for passed, name, said in over_everything(outputs, tmpdir, codes):
            results.append(passed)
            print(f"{'PASS' if passed else 'FAIL'}  {name:18} {said}")
        print(f"\n{'ALL PASS' if all(results) else 'FAILED'}: {sum(results)}/{len(results)}")
        return 0 if all(results) else 1
    finally:
        for server in servers:
            server.stop()
        shutil.rmtree(folder, ignore_errors=True)


def _json_or_none(line: str) -> dict | None:
    try:
        return json.loads(line)
    except ValueError:
        return None


def _codes_in(database: Path) -> list[str]:
    import sqlite3

    with sqlite3.connect(database) as db:
        return [row[0] for row in db.execute("SELECT code FROM planner_caresession")]


if __name__ == "__main__":
    sys.exit(main())
