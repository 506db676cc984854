"""The catalogue's version: a random token, replaced in the writer's transaction.

Between deploys the catalogue changes only through saves (the admin, `seed_catalogue`,
`update_catalogue`, `loaddata`), and every save gives `CatalogueVersion` a new random token in
the same transaction (`catalogue_changed`, connected to every catalogue model's signals). A
request uses one token throughout (`CatalogueVersionMiddleware`); whatever is built from the
catalogue is kept under it (`backcare.catalogue.cache`).

Each process remembers the token it last read for `CATALOGUE_RECHECK_SECONDS` (2 s by
default), so a kept page costs no query at all: under a burst, most requests never touch the
database. An edit shows at once in the process that made it (a save here forgets the token),
and in every other process and host within the recheck interval.

The token is random, not a counter: a rolled-back change (a failed admin save, a test) can
never bring back a token that another state of the catalogue was kept under.

Writes that send no signals (`QuerySet.update()`, `bulk_create()`, raw SQL) must call `bump()`.
A load bumps once for the whole load (our `loaddata` command, `shipping.apply`), not once per
row.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import HttpRequest, HttpResponse

from backcare.catalogue.models import CatalogueVersion, ShippedRow

ROW = 1  # the one CatalogueVersion row

_UNREAD = object()
# Inside a request: the token read for it (or _UNREAD). Outside one (None): read every time.
_request_token: ContextVar[object] = ContextVar("catalogue_token", default=None)
# While a fixture loads: rows arrive by the hundred, and the load bumps once at its end.
_loading: ContextVar[bool] = ContextVar("catalogue_loading", default=False)
# This process's last read: (monotonic time of the read, token). Greenlets and threads share it.
_remembered: tuple[float, str] | None = None


def forget() -> None:
    """The next request reads the token from the database (after a save, and between tests)."""
    global _remembered
    _remembered = None


def _recent() -> str:
    """The token this process read less than CATALOGUE_RECHECK_SECONDS ago, else read now."""
    global _remembered
    now = time.monotonic()
    remembered = _remembered
    if remembered and now - remembered[0] < settings.CATALOGUE_RECHECK_SECONDS:
        return remembered[1]
    token = _read() or ""
    _remembered = (now, token) if token else None
    return token


def _read() -> str | None:
    table = connections[DEFAULT_DB_ALIAS].ops.quote_name(CatalogueVersion._meta.db_table)
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(f"SELECT token FROM {table} WHERE id = %s", [ROW])
        row = cursor.fetchone()
    return row[0] if row else None


def current() -> str | None:
    """The catalogue's version, or None before anything was loaded (then nothing is kept)."""
    seen = _request_token.get()
    if seen is None:
        return _read()
    if seen is _UNREAD:
        seen = _recent()
        _request_token.set(seen)
    return seen or None


def bump(using: str = DEFAULT_DB_ALIAS) -> str:
    """Give the catalogue a new version (in the caller's transaction, if there is one)."""
    token = uuid.uuid4().hex
    versions = CatalogueVersion.objects.using(using)
    if not versions.filter(pk=ROW).update(token=token):
        versions.update_or_create(pk=ROW, defaults={"token": token})
    forget()  # not remembered yet: the transaction may still roll back
    if _request_token.get() is not None:  # this request changed the catalogue: use the new one
        _request_token.set(token)
    return token


@contextmanager
def loading(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Saves inside don't bump one by one; the catalogue gets one new version at the end (in
    the same transaction, when the caller has one)."""
    reset = _loading.set(True)
    try:
        yield
    finally:
        _loading.reset(reset)
    bump(using)


def catalogue_changed(sender, using: str = DEFAULT_DB_ALIAS, action: str = "", **kwargs) -> None:
    """Receiver for post_save, post_delete and m2m_changed of every catalogue model."""
    bookkeeping = sender in (CatalogueVersion, ShippedRow)
    if sender._meta.app_label != "catalogue" or bookkeeping or _loading.get():
        return
    if action and not action.startswith("post_"):
        return  # m2m_changed also fires before each change
    bump(using)


class CatalogueVersionMiddleware:
    """One catalogue version per request: read on first use, or this process's recent read."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        reset = _request_token.set(_UNREAD)
        try:
            return self.get_response(request)
        finally:
            _request_token.reset(reset)
