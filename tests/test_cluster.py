"""Beyond one machine: three app processes (as on three hosts) sharing one PostgreSQL and one
Redis behind a round-robin proxy keep nothing in one process that another needs.

Run by `make test-cluster` (tests/with_postgres.sh + tests/with_redis.sh); skipped without
both. Each visitor's requests are sent to a chosen process, one after another, so every
step of a flow is proved to work on a process that did not see the one before.
"""

from __future__ import annotations

import http.client
import itertools
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.serving import ROOT, Browser, Server, free_port, prepare, production_env

pytestmark = [pytest.mark.slow, pytest.mark.cluster]
RECHECK_SECONDS = 1
SESSIONS_A_DAY = 6  # per client; the module's other tests save two
EDITOR, PASSWORD = "editor", "a long editor password 7"


class RoundRobin(ThreadingHTTPServer):
    """The smallest reverse proxy: each request to the next process in turn."""

    daemon_threads = True

    def __init__(self, ports: list[int]):
        self.ports = itertools.cycle(ports)
        self.served: list[int] = []
        self.lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), _Forward)

    def next_port(self) -> int:
        with self.lock:
            port = next(self.ports)
            self.served.append(port)
            return port


class _Forward(BaseHTTPRequestHandler):
    def _forward(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        upstream = http.client.HTTPConnection("127.0.0.1", self.server.next_port(), timeout=30)
        headers = {k: v for k, v in self.headers.items() if k.lower() != "connection"}
        upstream.request(self.command, self.path, body or None, headers)
        answer = upstream.getresponse()
        content = answer.read()
        self.send_response_only(answer.status, answer.reason)
        for name, value in answer.getheaders():
            if name.lower() not in {"connection", "transfer-encoding", "content-length"}:
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(content)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(content)
        upstream.close()
        self.close_connection = True

    do_GET = do_POST = _forward

    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def cluster():
    database, redis = os.environ.get("DATABASE_URL", ""), os.environ.get("REDIS_URL", "")
    if not database.startswith("postgres") or not redis:
        pytest.fail("needs DATABASE_URL=postgres://… and REDIS_URL: run it with make test-cluster")
    folder = Path(tempfile.mkdtemp(prefix="backcare-cluster-"))
    env = production_env(
        database,
        REDIS_URL=redis,
        DJANGO_STATIC_ROOT=str(folder / "static"),
        BACKCARE_CATALOGUE_RECHECK_SECONDS=str(RECHECK_SECONDS),
        DJANGO_SUPERUSER_PASSWORD=PASSWORD,
        BACKCARE_SESSIONS_PER_DAY=str(SESSIONS_A_DAY),
    )
    prepare(env)
    editor = ["--username", EDITOR, "--email", "editor@example.org"]
    subprocess.run(
        [sys.executable, "manage.py", "createsuperuser", "--noinput", *editor],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    servers = [Server(env, free_port(), workers=1) for _ in range(3)]
    proxy = RoundRobin([server.port for server in servers])
    threading.Thread(target=proxy.serve_forever, daemon=True).start()
    try:
        for server in servers:
            server.start()
        yield servers, proxy
    finally:
        proxy.shutdown()
        for server in servers:
            server.stop()
        shutil.rmtree(folder, ignore_errors=True)


def via(browser: Browser, server: Server) -> Browser:
    """The same browser (its cookies), sending its next requests to `server`."""
    browser.base = server.url
    return browser


def test_a_session_built_via_one_process_is_played_and_rated_via_the_others(cluster):
    (a, b, c), _ = cluster
    owner = Browser(a.url)
    owner.answer_screen()  # answers kept in the session (the database), CSRF cookie from a
    code = via(owner, b).save_session(regions=("upper-back",))  # a's CSRF cookie works on b
    status, _, html = via(owner, c).request("GET", f"/s/{code}/")
    assert status == 200 and f"/s/{code}/step/1/" in html
    assert via(owner, a).request("GET", f"/s/{code}/step/2/")[0] == 200
    rating = {"csrfmiddlewaretoken": owner.csrf(), "pain": "3"}
    assert via(owner, b).request("POST", f"/s/{code}/done/", rating)[0] == 303
    again = via(owner, c).request("POST", f"/s/{code}/done/", rating | {"pain": "1"})
    assert again[0] == 409  # already given, whichever process asks


class _Form(HTMLParser):
    """The fields of a page's form as a browser would send them."""

    def __init__(self):
        super().__init__()
        self.fields: list[tuple[str, str]] = []
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in {"submit", "button", "file"}:
            if attrs.get("type") not in {"checkbox", "radio"} or "checked" in attrs:
                self.fields.append((name, attrs.get("value") or ""))
        elif tag == "select":
            self._select = name
        elif tag == "option" and self._select and "selected" in attrs:
            self.fields.append((self._select, attrs.get("value") or ""))
        elif tag == "textarea":
            self._textarea = name
            self.fields.append((name, ""))

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            name, value = self.fields[-1]
            self.fields[-1] = (name, value + data)


def test_an_admin_edit_via_one_process_shows_via_another_within_the_recheck_interval(cluster):
    (a, b, c), _ = cluster
    visitor = Browser(c.url)
    for server in (a, b, c):  # every process has the page, and remembers the version
        assert "Rhomboids" in via(visitor, server).request("GET", "/muscles/")[2]
    editor = Browser(a.url)
    editor.request("GET", "/admin/login/")
    signed_in = editor.request(
        "POST",
        "/admin/login/?next=/admin/",
        {"csrfmiddlewaretoken": editor.csrf(), "username": EDITOR, "password": PASSWORD},
    )
    assert signed_in[0] == 302, signed_in[0]
    # The session cookie from a, and the change form, on b.
    status, _, page = via(editor, b).request("GET", "/admin/catalogue/muscle/")
    assert status == 200
    change = re.search(r'href="(/admin/catalogue/muscle/\d+/change/)[^"]*">Rhomboids<', page)
    _, _, form_page = editor.request("GET", change.group(1))
    form = _Form()
    form.feed(form_page[form_page.index('id="muscle_form"') :])
    fields = [(k, "Rhomboid pair" if k == "name" else v) for k, v in form.fields]
    saved = via(editor, c).request("POST", change.group(1), dict_list(fields))
    assert saved[0] == 302, saved[2][:2000]
    edited = time.monotonic()
    for server in (a, b, c):  # every process shows it within the interval
        while "Rhomboid pair" not in via(visitor, server).request("GET", "/muscles/")[2]:
            assert time.monotonic() - edited < RECHECK_SECONDS + 1, f"not on :{server.port}"
            time.sleep(0.1)


def dict_list(fields: list[tuple[str, str]]) -> dict[str, list[str]]:
    data: dict[str, list[str]] = {}
    for name, value in fields:
        data.setdefault(name, []).append(value)
    return data


def test_a_visitor_behind_the_round_robin_proxy_meets_every_process_and_sees_no_seam(cluster):
    servers, proxy = cluster
    proxy.served.clear()
    visitor = Browser(f"http://127.0.0.1:{proxy.server_address[1]}")
    visitor.answer_screen()  # GET on one process, POST (CSRF, session) on the next
    code = visitor.save_session(regions=("lower-back",))
    pages = [visitor.request("GET", f"/s/{code}/step/{n}/")[0] for n in (1, 2, 3)]
    assert pages == [200, 200, 200]
    assert set(proxy.served) == {server.port for server in servers}


def test_the_limit_on_new_sessions_counts_a_clients_saves_on_every_process(cluster):
    """Counted per process, SESSIONS_A_DAY + 1 saves spread over three processes (with the
    module's other two) would never reach any one process's limit; counted in the shared
    database, the client is refused at the limit, whichever process it reaches."""
    servers, _ = cluster
    client = Browser(servers[0].url)
    client.answer_screen()
    answers = []
    for server in itertools.islice(itertools.cycle(servers), SESSIONS_A_DAY + 1):
        data = {"csrfmiddlewaretoken": client.csrf(), "performer": "self"}
        status, headers, _ = via(client, server).request(
            "POST", "/build/", data | {"region": ["upper-back"], "minutes": "5"}
        )
        answers.append(status)
        if status == 429:
            assert int(headers["Retry-After"]) > 0
            break
    assert answers[-1] == 429, answers
    assert set(answers[:-1]) <= {303} and len(answers) > 1, answers
