"""Counters that every process and host share (in the database): how often something happened
in a fixed window, incremented and read back in one statement, so that two workers can never
both see "9" and both let the tenth in."""

from __future__ import annotations

import ipaddress
import time
from dataclasses import dataclass

from django.db import connection
from django.utils.crypto import salted_hmac

from backcare.planner.models import RateCount


@dataclass(frozen=True)
class Limit:
    """At most `count` in each window of `seconds`."""

    name: str
    count: int
    seconds: int


@dataclass(frozen=True)
class Tally:
    """A counter after a hit: how many so far in this window, and when the window ends."""

    count: int
    limit: Limit
    retry_after: int

    @property
    def over(self) -> bool:
        return self.count > self.limit.count


def client_key(address: str) -> str:
    """Who a client is, for limits: its address, or for IPv6 its /64 (one household or one
    server is given a whole /64, and would otherwise have 2^64 addresses to rotate through)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped:  # ::ffff:192.0.2.1 is 192.0.2.1
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def _key(limit: Limit, who: str) -> str:
    # A keyed hash (every host shares SECRET_KEY): bounded in length whatever is sent, and no
    # address or username kept in clear, nor found again by hashing all of IPv4.
    return (
        f"{limit.name}:{salted_hmac('backcare.limits', who, algorithm='sha256').hexdigest()[:40]}"
    )


_TABLE = RateCount._meta.db_table


def hit(limit: Limit, who: str, by: int = 1, now: float | None = None) -> Tally:
    """Counts `by` more for `who` and returns the new count, in one statement (an upsert that
    PostgreSQL and SQLite ≥ 3.35 both run atomically). `by=-1` takes one back."""
    now = int(time.time() if now is None else now)
    start = now - now % limit.seconds  # the window ends `limit.seconds` after it starts
    table, key, window, count, expires = (
        connection.ops.quote_name(name) for name in (_TABLE, "key", "window", "count", "expires")
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({key}, {window}, {count}, {expires}) VALUES (%s, %s, %s, %s) "
            f"ON CONFLICT ({key}, {window}) DO UPDATE SET {count} = "
            f"CASE WHEN {table}.{count} + %s < 0 THEN 0 ELSE {table}.{count} + %s END "
            f"RETURNING {count}",
            [_key(limit, who), start, max(by, 0), start + limit.seconds, by, by],
        )
        (total,) = cursor.fetchone()
    return Tally(total, limit, start + limit.seconds - now)


def prune(now: float | None = None, dry_run: bool = False) -> int:
    """Removes counters whose window is over; returns how many."""
    old = RateCount.objects.filter(expires__lt=int(time.time() if now is None else now))
    return old.count() if dry_run else old.delete()[0]
