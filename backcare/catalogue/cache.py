"""What a process works out from the catalogue, kept until the catalogue changes.

Between deploys the catalogue changes only through saves (the admin, `loaddata`), and every
save gives `CatalogueVersion` a new random token in the same transaction (the signal receivers
below). A request reads the token once (one small query, memoised by
`CatalogueVersionMiddleware`); `remember()` then returns what this process already built for
that token, or builds it and keeps it. So every process sees an admin edit on its next
request, and nothing is ever served from an older catalogue.

The token is random, not a counter: a rolled-back change (a failed admin save, a test) can
never bring back a token that another state of the catalogue was kept under.

Writes that send no signals (`QuerySet.update()`, `bulk_create()`, raw SQL) must call `bump()`.
"""

from __future__ import annotations

import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable, Hashable
from contextvars import ContextVar
from functools import wraps

from django.db import DEFAULT_DB_ALIAS, connections
from django.http import HttpRequest, HttpResponse

from backcare.catalogue.models import (
    CatalogueVersion,
    Contraindication,
    Guideline,
    Muscle,
    Region,
    Technique,
    Tool,
)

MAX_ITEMS = 256  # per process: catalogue look-ups, diagrams and pages (a few MB at most)
ROW = 1  # the one CatalogueVersion row

_UNREAD = object()
# Inside a request: the token read for it (or _UNREAD). Outside one (None): read every time.
_request_token: ContextVar[object] = ContextVar("catalogue_token", default=None)


class _Store:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.token: str | None = None
        self.items: OrderedDict[Hashable, object] = OrderedDict()


_store = _Store()
_MISSING = object()


def _read_token() -> str | None:
    table = connections[DEFAULT_DB_ALIAS].ops.quote_name(CatalogueVersion._meta.db_table)
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(f"SELECT token FROM {table} WHERE id = %s", [ROW])
        row = cursor.fetchone()
    return row[0] if row else None


def current_token() -> str | None:
    """The catalogue's version, or None before anything was loaded (then nothing is kept)."""
    seen = _request_token.get()
    if seen is None:
        return _read_token()
    if seen is _UNREAD:
        seen = _read_token() or ""
        _request_token.set(seen)
    return seen or None


def _recall(token: str, key: Hashable) -> object:
    with _store.lock:
        if _store.token != token:
            _store.token, _store.items = token, OrderedDict()
            return _MISSING
        value = _store.items.get(key, _MISSING)
        if value is not _MISSING:
            _store.items.move_to_end(key)
        return value


def _keep(token: str, key: Hashable, value: object) -> None:
    with _store.lock:
        if _store.token == token:
            _store.items[key] = value
            if len(_store.items) > MAX_ITEMS:
                _store.items.popitem(last=False)


def remember[T](key: Hashable, build: Callable[[], T]) -> T:
    """`build()`'s value for this catalogue version, built at most once per process.

    The value is shared by every request: treat it as read-only.
    """
    token = current_token()
    if token is None:
        return build()
    value = _recall(token, key)
    if value is _MISSING:
        value = build()
        _keep(token, key, value)
    return value  # type: ignore[return-value]


# ---------- Look-ups many requests share (read-only model instances) ----------
def regions() -> list[Region]:
    return remember("regions", lambda: list(Region.objects.all()))


def tools() -> list[Tool]:
    return remember("tools", lambda: list(Tool.objects.all()))


def guidelines() -> dict[str, Guideline]:
    """The planner's guidelines (how long hands last, usual session lengths) by slug."""
    return remember("guidelines", lambda: {g.slug: g for g in Guideline.objects.all()})


def contraindications() -> list[Contraindication]:
    """Every screening question, in order, with the families each one rules out."""
    return remember(
        "contraindications",
        lambda: list(Contraindication.objects.prefetch_related("excluded_families")),
    )


def rows_by_id[M: Technique | Muscle | Region | Tool](model: type[M]) -> dict[int, M]:
    """Every technique (with its family), muscle, region or prop by id."""

    def load() -> dict[int, M]:
        rows = model.objects.all()
        if model is Technique:
            rows = rows.select_related("family")
        return rows.in_bulk()

    return remember(("rows", model), load)


def ids_by_slug(model: type[Technique | Muscle | Region | Tool]) -> dict[str, int]:
    """Each row's id by its slug (what saving a session needs)."""
    return remember(("ids", model), lambda: {row.slug: pk for pk, row in rows_by_id(model).items()})


def catalogue_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Keep the pages of a view made from the catalogue alone, per URL and page-or-fragment.

    Only for views whose response depends on nothing but the path, the query string and
    whether htmx asked for a fragment (no cookies, no user, no CSRF token): a GET that
    answers 200 is kept; anything else (404s included) is worked out every time.
    """

    @wraps(view)
    def keeping(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        token = current_token()
        if request.method not in ("GET", "HEAD") or token is None:
            return view(request, *args, **kwargs)
        htmx = getattr(request, "htmx", None)
        fragment = bool(htmx) and not htmx.history_restore_request
        key = ("page", view.__module__, view.__qualname__, request.get_full_path(), fragment)
        kept = _recall(token, key)
        if kept is _MISSING:
            response = view(request, *args, **kwargs)
            if response.status_code != 200 or response.streaming:
                return response
            _keep(token, key, (response.content, response["Content-Type"]))
            return response
        content, content_type = kept  # type: ignore[misc]
        return HttpResponse(content, content_type=content_type)

    return keeping


def bump(using: str = DEFAULT_DB_ALIAS) -> str:
    """Give the catalogue a new version (in the caller's transaction, if there is one)."""
    token = uuid.uuid4().hex
    versions = CatalogueVersion.objects.using(using)
    if not versions.filter(pk=ROW).update(token=token):
        versions.update_or_create(pk=ROW, defaults={"token": token})
    if _request_token.get() is not None:  # this request changed the catalogue: use the new one
        _request_token.set(token)
    return token


def catalogue_changed(sender, using: str = DEFAULT_DB_ALIAS, action: str = "", **kwargs) -> None:
    """Receiver for post_save, post_delete and m2m_changed of every catalogue model."""
    if sender._meta.app_label != "catalogue" or sender is CatalogueVersion:
        return
    if action and not action.startswith("post_"):
        return  # m2m_changed also fires before each change
    bump(using)


class CatalogueVersionMiddleware:
    """Reads the catalogue's version at most once per request (on first use)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        reset = _request_token.set(_UNREAD)
        try:
            return self.get_response(request)
        finally:
            _request_token.reset(reset)
