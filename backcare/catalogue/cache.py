"""What a process works out from the catalogue, kept until the catalogue changes: under the
catalogue's version (`backcare.catalogue.version`), so nothing is served from an older one."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from functools import wraps

from django.http import HttpRequest, HttpResponse

from backcare.catalogue.models import (
    Contraindication,
    Guideline,
    Muscle,
    Region,
    Technique,
    Tool,
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
        token = current()
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
