"""How gunicorn serves Backcare in production: `gunicorn -c python:backcare.server backcare.wsgi`.

Measured with `make attack`: gunicorn's sync workers read each request themselves, so ten
clients that send a header byte every few seconds held every worker and the site stopped
answering. Here each worker is a gevent event loop: a connection costs a greenlet, not a
worker, and a client gets `HEADER_SECONDS` to send its request line and headers (gunicorn runs
each read of a request under the keep-alive timeout) and `READ_SECONDS` for each later read.

Also set here, because gunicorn answers some requests before Django sees them:
- its own refusals (a malformed request line, a URL or headers too long) are a small page
  with the same security headers as Django's, and the Server header names no software;
- a body Django will refuse unread (too big, or of unknown length) is not drained afterwards:
  the connection closes;
- every log line, the access log included, is one JSON object on stdout (`backcare.logs`).

No Django import here: this module is read by gunicorn's master before Django is loaded, and
Django must first be imported in each worker after gevent has patched the standard library.
"""

import html
import logging
import os
import sys

from gunicorn import util
from gunicorn.glogging import Logger
from gunicorn.http import wsgi as gunicorn_wsgi
from gunicorn.workers.ggevent import GeventWorker

from backcare.logs import JsonFormatter, redact
from backcare.policy import BARE_PAGE_HEADERS, HEADER_SECONDS, MAX_BODY_BYTES, READ_SECONDS

# ---- settings gunicorn reads from this module ----
worker_class = "backcare.server.Worker"
worker_connections = 1000
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


def on_starting(server):
    """Tell each worker how many there are, before they fork: a worker's share of the host's
    database connections is BACKCARE_DB_CONNECTIONS / workers (backcare.settings)."""
    os.environ["BACKCARE_WORKERS"] = str(server.cfg.workers)


def worker_int(worker):
    """Ctrl-C (SIGINT, and the SIGQUIT the master then sends): gunicorn would `sys.exit(0)`
    inside a greenlet, and gevent prints that SystemExit as a traceback, the one non-JSON
    thing in the log. The worker is already marked not alive: ending this greenlet quietly
    lets it stop as on SIGTERM, after the requests in flight (within graceful_timeout)."""
    import gevent

    raise gevent.GreenletExit


class Worker(GeventWorker):
    """gevent's worker, with a time limit on every read and write of a connection."""

    def handle(self, listener, client, addr):
        client.settimeout(READ_SECONDS)
        super().handle(listener, client, addr)


def pre_request(worker, req):
    """Close the connection after answering a body Django will refuse without reading it,
    instead of reading (and throwing away) gigabytes to find the next request."""
    length = next((value for name, value in req.headers if name == "CONTENT-LENGTH"), "0")
    chunked = any(name == "TRANSFER-ENCODING" for name, _ in req.headers)
    if chunked or not length.isdigit() or int(length) > MAX_BODY_BYTES:
        req.must_close = True


def write_error(sock, status_int, reason, mesg):
    """gunicorn's own refusal page (it is called before any application code): the reason,
    nothing of the server, and the headers every Backcare page carries."""
    page = (
        '<!doctype html><html lang="en"><meta charset="utf-8">'
        f"<title>{html.escape(reason)} · Backcare</title>"
        f"<h1>{html.escape(reason)}</h1>"
        "<p>Backcare could not read that request. Check the address and try again.</p>"
        '<p><a href="/">Go to the home page</a></p></html>'
    ).encode()
    head = [
        f"HTTP/1.1 {status_int} {reason}",
        "Connection: close",
        "Content-Type: text/html; charset=utf-8",
        f"Content-Length: {len(page)}",
        *(f"{name}: {value}" for name, value in BARE_PAGE_HEADERS),
    ]
    util.write_nonblock(sock, ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + page)


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
                    if isinstance(handler, logging.StreamHandler) and not isinstance(
                        handler, logging.FileHandler
                    ):
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
