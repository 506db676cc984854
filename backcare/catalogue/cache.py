"""What is built from the catalogue, kept in Django's cache `catalogue` under the catalogue's
version (`backcare.catalogue.version`), so nothing is ever served from an older catalogue.

The version is the cache `version=` of every key, as djangoproject.com's dashboard does it: an
edit makes every older entry unreachable at once, and the least recently used go as memory
fills. By default each process keeps its own (Django's `LocMemCache`); with `REDIS_URL` set,
every process and host shares one build per edit (`RedisCache`). The key prefix carries the
release (settings.RELEASE), so a deploy never serves what older code drew.

What is kept: the browse pages (`catalogue_page`), drawn diagrams, and the snapshot (the one
read model, `backcare.catalogue.snapshot`, which also keeps the current one in front of the
cache, per process: unpickling it for every request would cost more than the request).
Nothing computed from the snapshot is kept: it is cheaper to compute again.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable, Hashable
from functools import wraps

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse, QueryDict

from backcare.catalogue.version import current
from backcare.web import wants_fragment

CACHE = "catalogue"  # settings.CACHES
_MISSING = object()
_front_resets: list[Callable[[], None]] = []  # per-process fronts (the snapshot's)


def remember[T](key: object, build: Callable[[], T]) -> T:
    """`build()`'s value for this catalogue version, built at most once per version in each
    process (or once for all, with Redis). `key` is a name, or a tuple starting with one."""
    token = current()
    if token is None:  # nothing loaded yet: nothing to key on
        return build()
    store, name = caches[CACHE], cache_key(key)
    value = store.get(name, _MISSING, version=token)
    if value is _MISSING:
        value = build()
        store.set(name, value, version=token)
    return value  # type: ignore[return-value]


def cache_key(key: object) -> str:
    """A cache key that is the same in every process: its name and a digest of the rest."""
    if isinstance(key, str):
        return key
    parts = key if isinstance(key, tuple) else (key,)
    digest = hashlib.blake2b(repr(_canonical(parts[1:])).encode(), digest_size=12).hexdigest()
    return f"{parts[0]}:{digest}"


def _canonical(value: object) -> object:
    """The same value the same way in every process (sets sorted, dataclasses by field)."""
    if isinstance(value, set | frozenset):
        return ("set", tuple(sorted((_canonical(v) for v in value), key=repr)))
    if isinstance(value, tuple | list):
        return tuple(_canonical(v) for v in value)
    if isinstance(value, dict):
        return ("dict", tuple(sorted(((repr(k), _canonical(v)) for k, v in value.items()))))
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = dataclasses.fields(value)
        return (type(value).__qualname__, *(_canonical(getattr(value, f.name)) for f in fields))
    return value


def also_forget(reset: Callable[[], None]) -> None:
    """`reset` empties a per-process front kept beside the cache: forget_all() calls it."""
    _front_resets.append(reset)


def forget_all() -> None:
    """Drop everything kept (each test starts from nothing)."""
    caches[CACHE].clear()
    for reset in _front_resets:
        reset()


def catalogue_page(
    view: Callable[..., HttpResponse] | None = None,
    *,
    reads: Callable[[QueryDict], Hashable | None] | None = None,
) -> Callable[..., HttpResponse]:
    """Keep the pages of a view made from the catalogue alone, for this catalogue version.

    Kept per path, page-or-fragment, and what the view `reads` of the query string:
    `reads(request.GET)` gives the values as the view understands them (so a junk value, or
    one sent twice, is answered from the page it makes, never keeps one of its own), or None
    for a query the view refuses (answered, never kept). Other parameters can't change the
    page. Only a GET or HEAD answered 200 is kept, headers and all; never a response that sets
    a cookie, varies on Cookie or used the CSRF token; and nothing under DEBUG, so a template
    edit shows on the next request.
    """
    if view is None:
        return lambda view: catalogue_page(view, reads=reads)

    @wraps(view)
    def keeping(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        token = current()
        if request.method not in ("GET", "HEAD") or token is None or settings.DEBUG:
            return view(request, *args, **kwargs)
        read = reads(request.GET) if reads else ()
        if read is None:
            return view(request, *args, **kwargs)
        place = (view.__module__, view.__qualname__, request.path, read, wants_fragment(request))
        store, key = caches[CACHE], cache_key(("page", *place))
        kept = store.get(key, _MISSING, version=token)
        if kept is not _MISSING:
            content, headers = kept
            return HttpResponse(content, headers=headers)
        response = view(request, *args, **kwargs)
        if _may_keep(request, response):
            store.set(key, (response.content, dict(response.items())), version=token)
        return response

    return keeping


def _may_keep(request: HttpRequest, response: HttpResponse) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "cookie" not in response.get("Vary", "").lower()
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
    )
