"""What a process works out from the catalogue, kept until the catalogue changes: under the
catalogue's version (`backcare.catalogue.version`), so nothing is served from an older one."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from backcare.catalogue.models import (
    Contraindication,
    Guideline,
    Muscle,
    Prop,
    Region,
    Technique,
)
from backcare.catalogue.version import current

MAX_ITEMS = 256  # per process: catalogue look-ups, diagrams and pages (a few MB at most)


class _Store:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.token: str | None = None
        self.items: OrderedDict[Hashable, object] = OrderedDict()


_store = _Store()
_MISSING = object()


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


def forget_all() -> None:
    """Drop everything this process keeps (each test starts from nothing)."""
    with _store.lock:
        _store.token, _store.items = None, OrderedDict()


def remember[T](key: Hashable, build: Callable[[], T]) -> T:
    """`build()`'s value for this catalogue version, built at most once per process.

    The value is shared by every request: treat it as read-only.
    """
    token = current()
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


def props() -> list[Prop]:
    return remember("props", lambda: list(Prop.objects.all()))


def guidelines() -> dict[str, Guideline]:
    """The planner's guidelines (how long hands last, usual session lengths) by slug."""
    return remember("guidelines", lambda: {g.slug: g for g in Guideline.objects.all()})


def contraindications() -> list[Contraindication]:
    """Every screening question, in order, with the families each one rules out."""
    return remember(
        "contraindications",
        lambda: list(Contraindication.objects.prefetch_related("excluded_families")),
    )


def rows_by_id[M: Technique | Muscle | Region | Prop](model: type[M]) -> dict[int, M]:
    """Every technique (with its family), muscle, region or prop by id."""

    def load() -> dict[int, M]:
        rows = model.objects.all()
        if model is Technique:
            rows = rows.select_related("family")
        return rows.in_bulk()

    return remember(("rows", model), load)


def ids_by_slug(model: type[Technique | Muscle | Region | Prop]) -> dict[str, int]:
    """Each row's id by its slug (what saving a session needs)."""
    return remember(("ids", model), lambda: {row.slug: pk for pk, row in rows_by_id(model).items()})


def catalogue_page(
    view: Callable[..., HttpResponse] | None = None, *, reads: tuple[str, ...] = ()
) -> Callable[..., HttpResponse]:
    """Keep the pages of a view made from the catalogue alone, for this catalogue version.

    Kept per path, the query parameters the view `reads` (the only ones it may read: others
    can't change the page, so they are answered from the same kept page and never keep one
    of their own), and page-or-fragment. Only a GET or HEAD answered 200 is kept, headers and
    all; never a response that sets a cookie, varies on Cookie or used the CSRF token; and
    nothing under DEBUG, so a template edit shows on the next request.
    """
    if view is None:
        return lambda view: catalogue_page(view, reads=reads)

    @wraps(view)
    def keeping(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        token = current()
        if request.method not in ("GET", "HEAD") or token is None or settings.DEBUG:
            return view(request, *args, **kwargs)
        key = _page_key(view, request, reads)
        kept = _recall(token, key)
        if kept is not _MISSING:
            content, headers = kept  # type: ignore[misc]
            return HttpResponse(content, headers=headers)
        response = view(request, *args, **kwargs)
        if _may_keep(request, response):
            _keep(token, key, (response.content, dict(response.items())))
        return response

    return keeping


def _page_key(view: Callable, request: HttpRequest, reads: tuple[str, ...]) -> tuple:
    htmx = getattr(request, "htmx", None)
    fragment = bool(htmx) and not htmx.history_restore_request
    params = tuple((name, tuple(request.GET.getlist(name))) for name in reads)
    return ("page", view.__module__, view.__qualname__, request.path, params, fragment)


def _may_keep(request: HttpRequest, response: HttpResponse) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "cookie" not in response.get("Vary", "").lower()
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
    )
