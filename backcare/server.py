"""How gunicorn serves Backcare in production: `gunicorn -c python:backcare.server backcare.wsgi`.

Measured with `make attack`: gunicorn's sync workers read each request themselves, so ten
clients that send a header byte every few seconds held every worker and the site stopped
answering. Here each worker is a gevent event loop: a connection costs a greenlet, not a
worker. Every deadline is a total, not a per-read timeout that a byte now and then resets:
- a client gets `HEADER_SECONDS` in all to send its request line and headers (gunicorn reads
  them under the keep-alive timeout, a gevent.Timeout around the whole parse);
- a body of known length is read whole before Django, within `policy.body_seconds(length)`;
  past it the answer is a 408 and the connection closes;
- each read or write of the socket also has `READ_SECONDS`.
One client address holds at most `CONNECTIONS_PER_CLIENT` connections in each worker (trusted
proxies excepted); more get a 429 with Retry-After and are closed.

Also set here, because gunicorn answers some requests before Django sees them:
- its own refusals (a malformed request line, a URL or headers too long) are a small page
  with the same security headers as Django's (HSTS included when Django sends it), the
  standard reason phrase, and a Server header that names no software;
- a body Django will refuse unread (too big, or of unknown length) is not read or drained:
  the connection closes;
- every log line, the access log included, is one JSON object on stdout (`backcare.logs`).

No Django import here: this module is read by gunicorn's master before Django is loaded, and
Django must first be imported in each worker after gevent has patched the standard library.
"""

import contextlib
import html
import io
import logging
import os
import resource
import socket
import sys
from collections import Counter
from datetime import datetime
from http import HTTPStatus
from types import SimpleNamespace

import gevent
from gunicorn import util
from gunicorn.glogging import Logger
from gunicorn.http import wsgi as gunicorn_wsgi
from gunicorn.http.errors import NoMoreData
from gunicorn.workers.base_async import AsyncWorker
from gunicorn.workers.ggevent import GeventWorker

from backcare.logs import JsonFormatter, redact
from backcare.policy import (
    BARE_PAGE_HEADERS,
    CONNECTIONS_PER_CLIENT,
    HEADER_SECONDS,
    MAX_BODY_BYTES,
    READ_SECONDS,
    RETRY_AFTER_SECONDS,
    WORKER_CONNECTIONS,
    body_seconds,
    hsts_header,
    is_address,
    is_in,
    trusted_proxies,
)

# ---- settings gunicorn reads from this module ----
worker_class = "backcare.server.Worker"
worker_connections = WORKER_CONNECTIONS
timeout = 30
graceful_timeout = 10
keepalive = HEADER_SECONDS  # also bounds reading each request's line and headers
limit_request_line = 4094
limit_request_fields = 60
limit_request_field_size = 8190
accesslog = "-"
errorlog = "-"
logger_class = "backcare.server.JsonLogger"
control_socket_disable = True  # no admin socket in the home directory
# The addresses of reverse proxies whose X-Forwarded-* headers are believed (the same list
# Django's ProxyMiddleware uses); none by default.
forwarded_allow_ips = os.environ.get("BACKCARE_TRUSTED_PROXIES", "").replace(" ", "")


def raise_open_files_limit() -> None:
    """Each connection is a file descriptor: let this process (and the workers it forks) have
    as many as the system allows it, not the usual soft limit of 1,024."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = hard if hard != resource.RLIM_INFINITY else 1 << 20
    if soft != resource.RLIM_INFINITY and soft < wanted:
        # If refused, the limit stays as it was: fewer connections, nothing worse.
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))


raise_open_files_limit()  # in the master, as gunicorn reads this module; workers inherit it


def on_starting(server):
    """Tell each worker how many there are, before they fork: a worker's share of the host's
    database connections is BACKCARE_DB_CONNECTIONS / workers (backcare.settings)."""
    os.environ["BACKCARE_WORKERS"] = str(server.cfg.workers)


def worker_int(worker):
    """Ctrl-C (SIGINT, and the SIGQUIT the master then sends): gunicorn would `sys.exit(0)`
    inside a greenlet, and gevent prints that SystemExit as a traceback, the one non-JSON
    thing in the log. The worker is already marked not alive: ending this greenlet quietly
    lets it stop as on SIGTERM, after the requests in flight (within graceful_timeout)."""
    raise gevent.GreenletExit


class Worker(GeventWorker):
    """gevent's worker, with total deadlines and a cap on each client's connections."""

    def init_process(self):
        self.trusted = trusted_proxies()
        self.clients: Counter[str] = Counter()
        self.over_cap: set[str] = set()  # clients refused since they were last under the cap
        super().init_process()

    def _capped(self, host: str) -> bool:
        # Not a Unix socket (whatever is in front of it), nor a trusted proxy.
        return is_address(host) and not is_in(host, self.trusted)

    def handle(self, listener, client, addr):
        host = addr[0] if isinstance(addr, tuple) else ""
        capped = self._capped(host)
        if capped and self.clients[host] >= CONNECTIONS_PER_CLIENT:
            if host not in self.over_cap:  # one line a flood, not one a connection
                self.over_cap.add(host)
                self.log.warning("Too many connections from %s: refused with 429", host)
            _refuse_and_close(client, 429, [("Retry-After", str(RETRY_AFTER_SECONDS))])
            return
        if capped:
            self.clients[host] += 1
        try:
            # GeventWorker.handle would make the socket blocking, dropping any timeout: skip it.
            client.settimeout(READ_SECONDS)
            AsyncWorker.handle(self, listener, client, addr)
        finally:
            if capped:
                self.clients[host] -= 1
                if not self.clients[host]:
                    del self.clients[host]
                    self.over_cap.discard(host)

    def handle_request(self, listener_name, req, sock, addr):
        """Read the body whole, within its total deadline, before the application runs."""
        length = 0 if _refused_unread(req) else int(_content_length(req))
        if length:
            started = datetime.now()
            if req._expected_100_continue:
                sock.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
                req._expected_100_continue = False
            body, too_slow = b"", True  # unless the read ends before the deadline
            with gevent.Timeout(body_seconds(length), False):
                try:
                    body = req.body.read()
                    too_slow = False
                except TimeoutError:
                    pass  # one read waited READ_SECONDS
                except (OSError, NoMoreData):
                    too_slow = False  # the client has gone: nobody to answer
            if too_slow:  # answered 408, and that answer logged like any other
                response = SimpleNamespace(status_code=408, sent=_refuse(sock, 408))
                self.log.access(response, req, {"REMOTE_ADDR": addr[0]}, datetime.now() - started)
            if too_slow or len(body) < length:
                raise StopIteration()  # AsyncWorker.handle closes the connection
            req.body = io.BytesIO(body)
        return super().handle_request(listener_name, req, sock, addr)


def _content_length(req) -> str:
    return next((value for name, value in req.headers if name == "CONTENT-LENGTH"), "0")


def _refused_unread(req) -> bool:
    """Django refuses this body before reading it (web.RequestLimitsMiddleware): chunked, of
    unknown length, or over MAX_BODY_BYTES."""
    length = _content_length(req)
    chunked = any(name == "TRANSFER-ENCODING" for name, _ in req.headers)
    return chunked or not length.isdigit() or int(length) > MAX_BODY_BYTES


def pre_request(worker, req):
    """Close the connection after answering a body Django will refuse without reading it,
    instead of reading (and throwing away) gigabytes to find the next request."""
    if _refused_unread(req):
        req.must_close = True


EXPLANATIONS = {
    408: "Backcare stopped waiting: the request took too long to arrive. Check your "
    "connection and try again.",
    429: "Too many connections from your address at once. Wait a few seconds and try again.",
}


def _refuse(sock, status: int, extra_headers=()) -> int:
    """Write a refusal page gunicorn draws itself (no application code has run): the standard
    reason phrase, nothing of the server, and the headers every Backcare page carries.
    Returns the body's length."""
    reason = HTTPStatus(status).phrase
    explanation = EXPLANATIONS.get(
        status, "Backcare could not read that request. Check the address and try again."
    )
    page = (
        '<!doctype html><html lang="en"><meta charset="utf-8">'
        f"<title>{html.escape(reason)} · Backcare</title>"
        f"<h1>{html.escape(reason)}</h1>"
        f"<p>{html.escape(explanation)}</p>"
        '<p><a href="/">Go to the home page</a></p></html>'
    ).encode()
    hsts = hsts_header()
    head = [
        f"HTTP/1.1 {status} {reason}",
        "Connection: close",
        "Content-Type: text/html; charset=utf-8",
        f"Content-Length: {len(page)}",
        *(f"{name}: {value}" for name, value in BARE_PAGE_HEADERS),
        *([f"Strict-Transport-Security: {hsts}"] if hsts else []),
        *(f"{name}: {value}" for name, value in extra_headers),
    ]
    with contextlib.suppress(OSError):  # the client may have gone
        util.write_nonblock(sock, ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + page)
    return len(page)


def _refuse_and_close(sock, status: int, extra_headers=()) -> None:
    """Answer before reading the request, then take (and drop) for a moment what the client
    still sends, so that closing doesn't reset the connection before it reads the answer."""
    try:
        sock.settimeout(1)
        _refuse(sock, status, extra_headers)
        sock.shutdown(socket.SHUT_WR)
        with gevent.Timeout(1, False):
            while sock.recv(65536):
                pass
    except OSError:
        pass
    finally:
        util.close(sock)


def write_error(sock, status_int, reason, mesg):
    """gunicorn's own refusal page (gunicorn's reason is not used: it says "Bad Request" for
    a 501, for one)."""
    _refuse(sock, status_int)


util.write_error = write_error  # gunicorn's workers call util.write_error(...) by name
gunicorn_wsgi.SERVER = "Backcare"  # the Server header: no software, no version


class JsonLogger(Logger):
    """gunicorn's error and access logs as JSON lines on stdout, like Django's."""

    def setup(self, cfg):
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                if getattr(handler, "_gunicorn", False):
                    handler.setFormatter(JsonFormatter())
                    if type(handler) is logging.StreamHandler:  # the console's, not a file's
                        handler.setStream(sys.stdout)

    def access(self, resp, req, environ, request_time):
        if not self.access_log_enabled:
            return
        path = redact(getattr(req, "path", "") or "")
        fields = {
            "method": getattr(req, "method", ""),
            "path": path,  # never the query string
            "status": getattr(resp, "status_code", None),
            "bytes": getattr(resp, "sent", 0),
            "ms": round(request_time.total_seconds() * 1000, 1),
            # ProxyMiddleware rewrites this (request.META is this environ) through a trusted proxy
            "client": environ.get("REMOTE_ADDR", ""),
        }
        self.access_log.info("%s %s", fields["method"], path, extra={"http": fields})
