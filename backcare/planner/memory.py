"""What a person's own browser remembers for them, in signed cookies — never in our database.

The safety-screen answers that still allow a session (areas to leave out, limits) last 12
hours, so a stale answer is not reused for days; the props someone owns last a year.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse

SCREEN_COOKIE, SCREEN_SALT, SCREEN_AGE = "backcare_screen", "backcare.screen", 12 * 60 * 60
PROPS_COOKIE, PROPS_SALT, PROPS_AGE = "backcare_props", "backcare.props", 365 * 24 * 60 * 60


@dataclass(frozen=True)
class ScreenAnswers:
    flags: tuple[str, ...]
    areas: tuple[str, ...]


def _set(response: HttpResponse, name: str, value, salt: str, max_age: int) -> None:
    # signing.dumps gives URL-safe base64 (no quotes or commas to escape in a cookie), signed
    # and timestamped, so an old or altered value is refused when read.
    response.set_cookie(
        name,
        signing.dumps(value, salt=salt, compress=True),
        max_age=max_age,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


def _get(request: HttpRequest, name: str, salt: str, max_age: int):
    try:
        return signing.loads(request.COOKIES[name], salt=salt, max_age=max_age)
    except (KeyError, signing.BadSignature, ValueError):
        return None


def remember_screen(response: HttpResponse, answers: ScreenAnswers) -> None:
    _set(
        response,
        SCREEN_COOKIE,
        {"flags": list(answers.flags), "areas": list(answers.areas)},
        SCREEN_SALT,
        SCREEN_AGE,
    )


def recall_screen(request: HttpRequest) -> ScreenAnswers | None:
    """The answers, or None when there are none, they were tampered with, or they expired."""
    value = _get(request, SCREEN_COOKIE, SCREEN_SALT, SCREEN_AGE)
    if not isinstance(value, dict):
        return None
    flags, areas = value.get("flags"), value.get("areas")
    if not (isinstance(flags, list) and isinstance(areas, list)):
        return None
    return ScreenAnswers(tuple(map(str, flags)), tuple(map(str, areas)))


def forget_screen(response: HttpResponse) -> None:
    response.delete_cookie(SCREEN_COOKIE, samesite="Lax")


def remember_props(response: HttpResponse, props: list[str]) -> None:
    _set(response, PROPS_COOKIE, sorted(props), PROPS_SALT, PROPS_AGE)


def recall_props(request: HttpRequest) -> list[str]:
    value = _get(request, PROPS_COOKIE, PROPS_SALT, PROPS_AGE)
    return [str(v) for v in value] if isinstance(value, list) else []
