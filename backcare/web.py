"""Small HTTP helpers every app shares: htmx page-or-fragment, and 303 after a POST."""

import json
import logging
from collections.abc import Callable

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def page_or_fragment(request: HtmxHttpRequest, template: str, fragment: str) -> str:
    """The template to render: its `{% partialdef fragment %}` for htmx swaps, else the page.

    A history-restore request (the back button after the cache was emptied) needs the page.
    """
    if request.htmx and not request.htmx.history_restore_request:
        return f"{template}#{fragment}"
    return template


class SeeOther(HttpResponseRedirect):
    """303: after a POST, the browser GETs the next page (and a reload can't repost)."""

    status_code = 303


class PermissionsPolicyMiddleware:
    """Adds the Permissions-Policy header (Django has a setting for every other one)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message (and the error, if any)."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        status = getattr(record, "status_code", None)
        if status is not None:
            entry["status"] = status
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


@require_safe
@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """For load balancers: 200 "ok" once the database answers a trivial query, else 503."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logging.getLogger("backcare.health").exception("health check: database unreachable")
        return HttpResponse("database unavailable", status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")
