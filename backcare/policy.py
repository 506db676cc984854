"""The limits and headers that every layer applies, with no Django import, so gunicorn's
configuration (`backcare.server`, loaded before Django and before gevent patches anything) and
the settings read the same numbers."""

import ipaddress
import os
from collections.abc import Iterable, Mapping

# No form of Backcare takes more than a few kilobytes; the admin's technique page with all its
# step lines is the largest, at about 20 KB. Anything over this is refused unread (413).
MAX_BODY_BYTES = 256 * 1024
MAX_FORM_FIELDS = 1000

# Seconds a client has, in all, to send a request's line and headers (slow-header attacks),
# and to send each piece of a body or take each piece of an answer before the connection is
# closed. The whole body has its own total deadline: `body_seconds`.
HEADER_SECONDS = 5
READ_SECONDS = 20

# A body is read whole before Django sees the request, within 10 s plus 1 s for each 8 KiB:
# a phone on a poor line sends our largest form (~20 KB) in time, while a client that sends a
# byte every few seconds is answered 408 and closed in seconds, not held for hours.
BODY_BASE_SECONDS = 10
BODY_BYTES_PER_SECOND = 8 * 1024


def body_seconds(length: int) -> float:
    """The total time a client has to send a body of `length` bytes."""
    return BODY_BASE_SECONDS + length / BODY_BYTES_PER_SECOND


# Open connections one client address may hold in each worker (a browser opens about six);
# more are answered 429 and closed, so one client can't take the worker's connections from
# everyone else. Trusted proxies (BACKCARE_TRUSTED_PROXIES) carry many people: never capped.
CONNECTIONS_PER_CLIENT = 50
RETRY_AFTER_SECONDS = 5
# Connections each gunicorn worker holds at once: idle or slow ones cost a greenlet each.
WORKER_CONNECTIONS = 4000


Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def networks(addresses: Iterable[str]) -> list[Network]:
    """Addresses or networks ("10.0.0.1", "10.0.0.0/8") as networks; blanks skipped."""
    return [ipaddress.ip_network(a.strip(), strict=False) for a in addresses if a.strip()]


def is_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def is_in(address: str, found: Iterable[Network]) -> bool:
    """Whether `address` is an IP address in one of the networks `found` (trusted proxies)."""
    return is_address(address) and any(ipaddress.ip_address(address) in n for n in found)


def trusted_proxies(environ: Mapping[str, str] = os.environ) -> list[Network]:
    """BACKCARE_TRUSTED_PROXIES (addresses or networks, comma-separated) as networks: the same
    list settings.TRUSTED_PROXIES reads for Django (web.ProxyMiddleware)."""
    return networks(environ.get("BACKCARE_TRUSTED_PROXIES", "").split(","))


def _flag(environ: Mapping[str, str], name: str, default: str) -> bool:
    return environ.get(name, default).strip().lower() in {"1", "true", "yes", "on"}


def hsts_header(environ: Mapping[str, str] = os.environ) -> str | None:
    """The Strict-Transport-Security value Django's SecurityMiddleware sends, from the same
    variables and defaults as the settings (none while debugging or with DJANGO_HSTS_SECONDS=0),
    for the pages gunicorn draws itself."""
    if _flag(environ, "DJANGO_DEBUG", "1"):
        return None
    seconds = int(environ.get("DJANGO_HSTS_SECONDS", "31536000"))
    if seconds <= 0:
        return None
    value = f"max-age={seconds}"
    if _flag(environ, "DJANGO_HSTS_INCLUDE_SUBDOMAINS", "1"):
        value += "; includeSubDomains"
    if _flag(environ, "DJANGO_HSTS_PRELOAD", "1"):
        value += "; preload"
    return value


# Only what the player needs (screen wake lock); everything else powerful is off.
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), screen-wake-lock=(self)"
)

# Pages drawn without Django (gunicorn's own refusals) carry these; Django's responses get
# the same through SecurityMiddleware, the CSP middleware and web.PermissionsPolicyMiddleware.
BARE_PAGE_HEADERS = (
    (
        "Content-Security-Policy",
        "default-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'",
    ),
    ("X-Frame-Options", "DENY"),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
    ("Permissions-Policy", PERMISSIONS_POLICY),
    ("Cache-Control", "no-store"),
)
