"""Small HTTP helpers every app shares: htmx page-or-fragment, 303 after a POST, the designed
refusal pages, and the middleware that guards every request before Django reads it."""

import json
import logging
from collections.abc import Callable
from functools import lru_cache, wraps
from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.request import validate_host
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import get_script_prefix, reverse
from django.utils.deprecation import MiddlewareMixin
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_safe
from django_htmx.middleware import HtmxDetails

from backcare.policy import PERMISSIONS_POLICY, is_address, is_in, networks


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


@lru_cache(maxsize=4096)
def _path_to(prefix: str, name: str, args: tuple) -> str:
    return reverse(name, args=args)


def path_to(name: str, *args) -> str:
    """`reverse(name, args=args)`, kept: a URL never changes while the process runs, and the
    player's pages ask for the same few (50 µs each) on every step."""
    return _path_to(get_script_prefix(), name, args)


# The headers that choose between a page and its fragment: every response that may be either
# varies on them (a history restore is an htmx request that needs the whole page).
FRAGMENT_HEADERS = ("HX-Request", "HX-History-Restore-Request")


def wants_fragment(request: HttpRequest) -> bool:
    """Whether htmx asked for a fragment to swap in. A history-restore request (the back button
    after htmx's history cache was emptied) is sent by htmx too, but needs the whole page."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request


def page_or_fragment(request: HtmxHttpRequest, template: str, fragment: str) -> str:
    """The template to render: its `{% partialdef fragment %}` for htmx swaps, else the page."""
    return f"{template}#{fragment}" if wants_fragment(request) else template


def site_url(path: str) -> str:
    """The absolute URL of a path on this site, from settings.SITE_ORIGIN (BACKCARE_ORIGIN):
    never from the request's Host header, which the client chooses."""
    return f"{settings.SITE_ORIGIN}{path}"


def origin_is_answered_here(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """A system check: off DEBUG, a BACKCARE_ORIGIN whose host isn't in ALLOWED_HOSTS (most
    likely left at its loopback default) would put links that lead elsewhere on every printed
    card and calendar file."""
    host = urlsplit(settings.SITE_ORIGIN).hostname or ""
    if settings.DEBUG or validate_host(host, settings.ALLOWED_HOSTS):
        return []
    return [
        checks.Warning(
            f"BACKCARE_ORIGIN is {settings.SITE_ORIGIN}, whose host this site doesn't answer "
            "to (DJANGO_ALLOWED_HOSTS): printed cards and calendar files would link there.",
            hint="Set BACKCARE_ORIGIN to the site's public address, e.g. https://backcare.example",
            id="backcare.W001",
        )
    ]


def path_section(path: str) -> str:
    """The first part of a path, where a cookie for that part of the site goes:
    "/mine/forget/" -> "/mine/", "/s/AbCd/step/2/" -> "/s/", "/" -> "/"."""
    first = path.lstrip("/").split("/", 1)[0]
    return f"/{first}/" if first else "/"


class SeeOther(HttpResponseRedirect):
    """303: after a POST, the browser GETs the next page (and a reload can't repost)."""

    status_code = 303


def refuse(
    request: HttpRequest,
    status: int,
    heading: str,
    explanation: str,
    why: str = "",
    template: str = "error.html",
    onward: tuple[str, str] | None = None,
) -> HttpResponse:
    """A designed error page (templates/error.html, or one that extends it) with one log line
    that says why (`why`, for the log only, when the heading isn't enough). `onward`, a link
    (label, URL) to where the person was going, comes before the home page's."""
    context = {"status": status, "heading": heading, "explanation": explanation}
    response = render(request, template, context | {"onward": onward}, status=status)
    logging.getLogger("django.request").warning(
        "%s: %s %s (%s)",
        response.reason_phrase,
        request.method,
        request.path,
        why or heading,
        extra={"status_code": status},
    )
    response._has_been_logged = True  # Django's own "Bad Request: /path" line would repeat it
    return response


def not_allowed(request: HttpRequest, allow: str, heading: str, explanation: str) -> HttpResponse:
    """405: the designed page, saying what the address is for, with the Allow header."""
    response = refuse(request, 405, heading, explanation)
    response["Allow"] = allow
    return response


def post_only(request: HttpRequest, heading: str, explanation: str) -> HttpResponse:
    """405 for a GET (or HEAD) of an address that only takes a form's POST, saying where the
    form is."""
    return not_allowed(request, "POST", heading, explanation)


def read_only(heading: str, explanation: str):
    """A view that answers GET and HEAD only; any other method gets the designed 405 page
    (require_safe's own is a blank page)."""

    def decorate(view):
        @wraps(view)
        def checked(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.method in ("GET", "HEAD"):
                return view(request, *args, **kwargs)
            return not_allowed(request, "GET, HEAD", heading, explanation)

        return checked

    return decorate


def too_many(request: HttpRequest, retry_after: int, *args, **kwargs) -> HttpResponse:
    """`refuse(request, 429, …)` with a Retry-After (seconds). An htmx request gets the whole
    page swapped in, the way a link would show it (base.html's htmx config lets a 429 swap)."""
    response = refuse(request, 429, *args, **kwargs)
    response["Retry-After"] = str(max(1, retry_after))
    if request.headers.get("HX-Request") == "true":
        response["HX-Retarget"] = "body"
        response["HX-Reswap"] = "innerHTML"
    return response


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: Django's default page names its settings and is unstyled under our
    CSP. The reason goes to the log, never to the page."""
    return refuse(
        request,
        403,
        "This form has expired",
        "For your safety, Backcare only accepts a form from the page that showed it, and only "
        "for a while. Go back, reload the page and send it again.",
        why=f"CSRF: {reason}",
    )


class ProxyMiddleware:
    """Believes X-Forwarded-For and X-Forwarded-Proto only from BACKCARE_TRUSTED_PROXIES.

    Through a trusted proxy, REMOTE_ADDR becomes the client's address (the last one the proxies
    didn't add themselves), so the admin's lock-out and the logs see people, not the proxy.
    From anyone else the headers are removed; and when such a request claims HTTPS while we
    redirect to HTTPS, it is refused with a page that says so, rather than redirected round a
    loop that never ends.
    """

    FORWARDED = ("HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_HOST")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.trusted = networks(settings.TRUSTED_PROXIES)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        meta = request.META
        if is_in(meta.get("REMOTE_ADDR", ""), self.trusted):
            hops = [hop.strip() for hop in meta.get("HTTP_X_FORWARDED_FOR", "").split(",")]
            client = next((hop for hop in reversed(hops) if not is_in(hop, self.trusted)), "")
            if is_address(client):
                meta["REMOTE_ADDR"] = client
            return self.get_response(request)
        claims_https = meta.get("HTTP_X_FORWARDED_PROTO", "").lower() == "https"
        for header in self.FORWARDED:
            meta.pop(header, None)
        if claims_https and settings.SECURE_SSL_REDIRECT and not request.is_secure():
            return refuse(
                request,
                400,
                "This proxy isn't one Backcare trusts",
                "The request came through a proxy that Backcare has not been told about, so "
                "it can't tell whether the connection is secure. If you run this site, add "
                "the proxy's address to BACKCARE_TRUSTED_PROXIES.",
            )
        return self.get_response(request)


def client_address(request: HttpRequest) -> str:
    """The client's address (after ProxyMiddleware): AXES_CLIENT_IP_CALLABLE."""
    return request.META.get("REMOTE_ADDR", "")


class RequestLimitsMiddleware(MiddlewareMixin):
    """Refuses, before anything reads the body, what no form of Backcare sends: bodies over
    policy.MAX_BODY_BYTES or of unknown length, and forms in a charset other than UTF-8 (which
    Django would refuse anyway, but only after the CSRF check had read the body). Files in a
    form are dropped unread (settings.FILE_UPLOAD_HANDLERS is empty)."""

    def process_request(self, request: HttpRequest) -> HttpResponse | None:
        meta = request.META
        if "HTTP_TRANSFER_ENCODING" in meta:
            return refuse(
                request,
                411,
                "Send the length of the form",
                "Backcare needs to know how long a form is before it reads it.",
            )
        length = meta.get("CONTENT_LENGTH") or "0"
        if not length.isdigit() or int(length) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
            return refuse(
                request,
                413,
                "That was far too much to send",
                "No form of Backcare sends more than a few kilobytes. Go back and try again.",
            )
        charset = request.content_params.get("charset", "utf-8").lower().replace("_", "-")
        if charset not in ("utf-8", "utf8"):
            return refuse(
                request,
                400,
                "That form was in an unknown character set",
                "Backcare reads forms written in UTF-8, which every browser sends. Go back and "
                "send the form again.",
            )
        return None


class PermissionsPolicyMiddleware(MiddlewareMixin):
    """Adds the Permissions-Policy header (Django has a setting for every other one)."""

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


def database_busy(error: BaseException) -> bool:
    """Whether `error` is a wait for a pooled database connection that ran out of time."""
    while error is not None:
        if type(error).__name__ == "PoolTimeout":  # psycopg_pool's; installed with PostgreSQL
            return True
        error = error.__cause__
    return False


class DatabaseBusyMiddleware(MiddlewareMixin):
    """A burst that has every pooled database connection in use, and a request that waited
    DB_WAIT_SECONDS for one: a designed 503 with Retry-After, not a server error."""

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not database_busy(exception):
            return None
        response = refuse(
            request,
            503,
            "Backcare is very busy just now",
            "Many people are using Backcare at once. Wait a few seconds and try again: "
            "nothing you saved is lost.",
            why="no database connection free in time",
        )
        response["Retry-After"] = "5"
        return response


@require_safe
@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """For load balancers: 200 "ok" once the database answers a trivial query; 200 "busy" when
    every pooled connection is in use for longer than the wait (the server is up and working
    through a burst: taking it out of rotation would only push the burst onto the others);
    503 when the database is unreachable. A probe never queues behind the burst it reports."""
    pool = getattr(connection, "pool", None)  # PostgreSQL's, when pooled
    if pool is not None and connection.connection is None:
        stats = pool.get_stats()
        if stats.get("requests_waiting") and not stats.get("pool_available"):
            return HttpResponse("busy", content_type="text/plain")
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        if database_busy(error):
            return HttpResponse("busy", content_type="text/plain")
        logging.getLogger("backcare.health").exception("health check: database unreachable")
        return HttpResponse("database unavailable", status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")


# ---------- Installable ----------
@require_safe
@cache_control(public=True, max_age=3600)
def manifest(request: HttpRequest) -> HttpResponse:
    """The web app manifest: Backcare can be installed, and opens where a session is built."""
    icon = static("img/icon.svg")
    data = {
        "name": "Backcare",
        "short_name": "Backcare",
        "description": "Back-care sessions built from what you own, followed step by step.",
        "start_url": reverse("catalogue:home"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#fbf6ef",
        "theme_color": "#0f6e6e",
        "icons": [
            {"src": icon, "sizes": "any", "type": "image/svg+xml", "purpose": "any"},
            {"src": icon, "sizes": "512x512", "type": "image/svg+xml", "purpose": "maskable"},
        ],
    }
    return HttpResponse(json.dumps(data), content_type="application/manifest+json")
