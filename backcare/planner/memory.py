"""What a person's own browser remembers for them, in signed cookies — never in our database.

The safety-screen answers that still allow a session (areas to leave out, limits) last 12
hours, so a stale answer is not reused for days, and go only to the pages that read them (the
builder and the player); the props someone owns last a year. The browser that built a session
keeps a key to it, sent only to that session's pages: only that browser may rate it; and the
codes of the sessions it built, newest first, for its own list of them (/mine/), sent only to
that list and to the builder, which adds each new one; and the codes of its two-week plans,
sent to the plans' pages, that list and the builder.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from backcare.planner.models import RUN_HOURS, Run, is_code
from backcare.web import path_section

SCREEN_COOKIE, SCREEN_SALT, SCREEN_AGE = "backcare_screen", "backcare.screen", 12 * 60 * 60
PROPS_COOKIE, PROPS_SALT, PROPS_AGE = "backcare_props", "backcare.props", 365 * 24 * 60 * 60
OWNER_COOKIE, OWNER_SALT, OWNER_AGE = "backcare_owner", "backcare.owner", 365 * 24 * 60 * 60
BUILT_COOKIE, BUILT_SALT, BUILT_AGE = "backcare_built", "backcare.built", 365 * 24 * 60 * 60
FELT_COOKIE, FELT_SALT = "backcare_felt", "backcare.felt"  # lasts as long as a run (RUN_HOURS)
BUILT_LIMIT = 50  # the newest sessions this browser lists; older ones drop off the end
UNDONE_COOKIE, UNDONE_SALT = "backcare_undone", "backcare.undone"
UNDONE_AGE, UNDONE_LIMIT = 365 * 24 * 60 * 60, 50
PLANS_COOKIE, PLANS_SALT, PLANS_AGE = "backcare_plans", "backcare.plans", 365 * 24 * 60 * 60
PLANS_LIMIT = 10  # the newest two-week plans this browser keeps


@dataclass(frozen=True)
class ScreenAnswers:
    flags: tuple[str, ...]
    areas: tuple[str, ...]


Copies = tuple[tuple[str, str], ...]  # (name, path) of each copy of one remembered value


@cache
def _at(name: str) -> str:
    """The path of the page `name`: looked up once (a cookie's path is read on every request
    that reads or sets one)."""
    return reverse(name)


@cache
def _screen_cookies() -> Copies:
    """One copy for the builder's pages (/build/, the screen included) and one for the
    player's (/s/…). Two names, because a response sets each name once."""
    player = path_section(reverse("player:overview", args=["x" * 12]))
    return (SCREEN_COOKIE, _at("planner:build")), (f"{SCREEN_COOKIE}_player", player)


@cache
def _built_cookies() -> Copies:
    """One copy for the list (/mine/, forgetting included) and one for the builder, which
    adds a session as it saves it."""
    builder = (f"{BUILT_COOKIE}_build", _at("planner:build"))
    plans = (
        f"{BUILT_COOKIE}_plan",
        path_section(_at("plans:new")),
    )  # a new plan is prefilled from its own session
    return (BUILT_COOKIE, _at("planner:mine")), builder, plans


def _signed(value, salt: str) -> str:
    # URL-safe base64 (no quotes or commas to escape in a cookie), signed and timestamped, so
    # an old or altered value is refused when read.
    return signing.dumps(value, salt=salt, compress=True)


def _set(response: HttpResponse, name: str, value, salt: str, max_age: int, path: str) -> None:
    response.set_cookie(
        name,
        _signed(value, salt),
        max_age=max_age,
        path=path,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


def _get(request: HttpRequest, name: str, salt: str, max_age: int):
    try:
        return signing.loads(request.COOKIES[name], salt=salt, max_age=max_age)
    except (KeyError, signing.BadSignature, ValueError):
        return None


def _set_copies(response: HttpResponse, copies: Copies, value, salt: str, max_age: int) -> None:
    for name, path in copies:
        _set(response, name, value, salt, max_age, path)


def _get_copy(request: HttpRequest, copies: Copies, salt: str, max_age: int):
    """The value of the copy sent to this page (the one whose path it is under)."""
    name = next((n for n, path in copies if request.path.startswith(path)), "")
    return _get(request, name, salt, max_age)


def remember_screen(response: HttpResponse, answers: ScreenAnswers) -> None:
    value = {"flags": list(answers.flags), "areas": list(answers.areas)}
    _set_copies(response, _screen_cookies(), value, SCREEN_SALT, SCREEN_AGE)


def recall_screen(request: HttpRequest) -> ScreenAnswers | None:
    """The answers, or None when there are none, they were tampered with, or they expired."""
    value = _get_copy(request, _screen_cookies(), SCREEN_SALT, SCREEN_AGE)
    if not isinstance(value, dict):
        return None
    flags, areas = value.get("flags"), value.get("areas")
    if not (isinstance(flags, list) and isinstance(areas, list)):
        return None
    return ScreenAnswers(tuple(map(str, flags)), tuple(map(str, areas)))


def _forget_copies(response: HttpResponse, copies: Copies) -> None:
    for name, path in copies:
        response.delete_cookie(name, path=path, samesite="Lax")


def forget_screen(response: HttpResponse) -> None:
    _forget_copies(response, _screen_cookies())


def remember_props(response: HttpResponse, props: list[str]) -> None:
    _set(response, PROPS_COOKIE, sorted(props), PROPS_SALT, PROPS_AGE, _at("planner:build"))


def recall_props(request: HttpRequest) -> list[str]:
    value = _get(request, PROPS_COOKIE, PROPS_SALT, PROPS_AGE)
    return [str(v) for v in value] if isinstance(value, list) else []


def remember_undone(response: HttpResponse, keys) -> None:
    """The lessons of this browser's history (`planner.learning`) a person undid in the
    builder, by key: sent only to the builder."""
    kept = sorted(str(key)[:100] for key in keys)[:UNDONE_LIMIT]
    _set(response, UNDONE_COOKIE, kept, UNDONE_SALT, UNDONE_AGE, _at("planner:build"))


def recall_undone(request: HttpRequest) -> frozenset[str]:
    value = _get(request, UNDONE_COOKIE, UNDONE_SALT, UNDONE_AGE)
    return frozenset(map(str, value)) if isinstance(value, list) else frozenset()


def forget_choices(response: HttpResponse) -> None:
    """The builder's own memory: the props ticked and the lessons undone."""
    _forget_copies(response, ((PROPS_COOKIE, _at("planner:build")),))
    _forget_copies(response, ((UNDONE_COOKIE, _at("planner:build")),))


def owner_key(code: str) -> str:
    """The owner cookie's value for the session `code`."""
    return _signed(code, OWNER_SALT)


def remember_owner(response: HttpResponse, session_url: str, code: str) -> None:
    """This browser built the session at `session_url`: a key sent to that session's pages."""
    _set(response, OWNER_COOKIE, code, OWNER_SALT, OWNER_AGE, session_url)


def is_owner(request: HttpRequest, code: str) -> bool:
    return _get(request, OWNER_COOKIE, OWNER_SALT, OWNER_AGE) == code


def remember_built(response: HttpResponse, codes: list[str]) -> None:
    """The codes of the sessions this browser built, newest first: the newest BUILT_LIMIT,
    each once, in every copy."""
    kept = list(dict.fromkeys(code for code in codes if is_code(code)))[:BUILT_LIMIT]
    _set_copies(response, _built_cookies(), kept, BUILT_SALT, BUILT_AGE)


def forget_built(response: HttpResponse) -> None:
    _forget_copies(response, _built_cookies())


def recall_built(request: HttpRequest) -> list[str]:
    """The codes this browser keeps, newest first; none when the cookie is missing, altered
    or expired, and only what has a code's form."""
    value = _get_copy(request, _built_cookies(), BUILT_SALT, BUILT_AGE)
    if not isinstance(value, list):
        return []
    codes = (code for code in value if isinstance(code, str) and is_code(code))
    return list(dict.fromkeys(codes))[:BUILT_LIMIT]


def remember_felt(request: HttpRequest, response: HttpResponse, run: Run, taps: dict) -> None:
    """What this browser tapped on the steps of today's run of a session (`taps`: {step number:
    Felt}, added to what it tapped before in that run), sent only to that session's pages: the
    player shows the pressed buttons from it without a query. The database keeps the taps
    themselves (StepFeedback); this copy only draws them, and goes with the run."""
    session_url = run.session.get_absolute_url()
    kept = _get(request, FELT_COOKIE, FELT_SALT, RUN_HOURS * 60 * 60)
    felt = kept.get("felt", {}) if isinstance(kept, dict) and kept.get("run") == run.pk else {}
    value = {"run": run.pk, "felt": felt | {str(n): v for n, v in taps.items()}}
    _set(response, FELT_COOKIE, value, FELT_SALT, RUN_HOURS * 60 * 60, session_url)


def recall_felt(request: HttpRequest) -> dict[int, str]:
    """{step number: what was felt} this browser tapped in its session's run of today."""
    value = _get(request, FELT_COOKIE, FELT_SALT, RUN_HOURS * 60 * 60)
    felt = value.get("felt") if isinstance(value, dict) else None
    if not isinstance(felt, dict):
        return {}
    return {int(n): str(v) for n, v in felt.items() if str(n).isascii() and str(n).isdigit()}


def forget_sessions(response: HttpResponse, session_urls: list[str]) -> None:
    """What each of these sessions' pages kept: the steps tapped today, and the key that made
    this browser its owner."""
    for path in session_urls:
        _forget_copies(response, ((FELT_COOKIE, path), (OWNER_COOKIE, path)))


@cache
def _plans_cookies() -> Copies:
    """The codes of this browser's two-week plans: for the plans' pages (only this browser may
    see them), its list (/mine/), and the builder, which records a plan's session as done."""
    return (
        (PLANS_COOKIE, path_section(_at("plans:new"))),
        (f"{PLANS_COOKIE}_mine", _at("planner:mine")),
        (f"{PLANS_COOKIE}_build", _at("planner:build")),
    )


def remember_plans(response: HttpResponse, codes: list[str]) -> None:
    """This browser's plans, newest first: the newest PLANS_LIMIT, each once."""
    kept = list(dict.fromkeys(code for code in codes if is_code(code)))[:PLANS_LIMIT]
    _set_copies(response, _plans_cookies(), kept, PLANS_SALT, PLANS_AGE)


def forget_plan_list(response: HttpResponse) -> None:
    _forget_copies(response, _plans_cookies())


def recall_plans(request: HttpRequest) -> list[str]:
    """The plan codes this browser keeps, newest first (none if missing, altered or expired)."""
    value = _get_copy(request, _plans_cookies(), PLANS_SALT, PLANS_AGE)
    if not isinstance(value, list):
        return []
    return list(dict.fromkeys(c for c in value if isinstance(c, str) and is_code(c)))[:PLANS_LIMIT]
