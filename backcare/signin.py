"""The admin's sign-in, limited per username and across the whole site as well as per address.

django-axes locks out an address after a few failures; someone with many addresses gets round
that, so failures are also counted (backcare.limits, shared by every process) per username and
for the whole site, and over either limit a sign-in is refused before any password is hashed.
A stranger could fill those counters on purpose to keep an editor out: a browser an editor
has signed in from before carries a signed cookie naming them, and is exempt from both (the
address limit still holds). Every refusal is the same designed 429 page.
"""

from __future__ import annotations

import unicodedata

from axes.handlers.proxy import AxesProxyHandler
from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters

from backcare.limits import Limit, hit
from backcare.web import too_many

DEVICE_COOKIE = "backcare_editor"
DEVICE_SALT = "backcare.signin.device"
DEVICE_DAYS = 365
SITE = "site"


class SignInForm(AdminAuthenticationForm):
    """The admin's form, refusing a username longer than any account's before it goes further
    (Django sets the field's max_length after building it, so nothing checked it, and axes
    then failed to record the attempt on PostgreSQL: a 500)."""

    def clean_username(self) -> str:
        username = self.cleaned_data["username"]
        longest = get_user_model()._meta.get_field("username").max_length
        if len(username) > longest:
            raise forms.ValidationError(
                f"A username has at most {longest} characters.", code="max_length"
            )
        return username


def _limits() -> tuple[Limit, Limit]:
    return (
        Limit("sign-in-username", settings.SIGN_IN_FAILURES_PER_USERNAME, 60 * 60),
        Limit("sign-in-site", settings.SIGN_IN_FAILURES_PER_MINUTE, 60),
    )


def _trusted(request: HttpRequest, username: str) -> bool:
    """Whether this browser signed in as `username` before (its device cookie says so)."""
    signed = request.get_signed_cookie(
        DEVICE_COOKIE, default=None, salt=DEVICE_SALT, max_age=DEVICE_DAYS * 24 * 60 * 60
    )
    return bool(username) and signed == username


@sensitive_post_parameters()
@csrf_protect
@never_cache
def sign_in(request: HttpRequest) -> HttpResponse:
    """/admin/login/: the admin's own view, after the limits."""
    if request.method != "POST":
        return admin.site.login(request)
    username = unicodedata.normalize("NFKC", request.POST.get("username", "")[:1000])
    if not AxesProxyHandler.is_allowed(request, {"username": username}):
        return locked_out(request)  # already locked: not counted again, for anyone's limit
    counted: list[tuple[Limit, str]] = []
    if not _trusted(request, username):
        for limit, who in zip(_limits(), (username, SITE), strict=True):
            tally = hit(limit, who)
            counted.append((limit, who))
            if tally.over:
                return _refuse(request, tally.retry_after, limit)
    response = admin.site.login(request)
    if request.user.is_authenticated and response.status_code == 302:
        for limit, who in counted:  # counted as a failure in advance: it wasn't one
            hit(limit, who, by=-1)
        response.set_signed_cookie(
            DEVICE_COOKIE,
            request.user.get_username(),
            salt=DEVICE_SALT,
            max_age=DEVICE_DAYS * 24 * 60 * 60,
            path="/admin/",
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )
    return response


def _refuse(request: HttpRequest, retry_after: int, limit: Limit | None = None) -> HttpResponse:
    """The one refusal page: over a `limit`, or (None) an address axes has locked out."""
    explanation, why = "", "sign-in address lock-out"
    if limit:
        wait = "a minute" if limit.seconds <= 60 else "up to an hour"
        explanation = (
            f"For safety, signing in is paused for {wait}. If you're an editor, you can still "
            "sign in from a browser you have signed in from before; or ask another administrator."
        )
        why = f"sign-in limit ({limit.name})"
    return too_many(request, retry_after, "Too many attempts", explanation, why, "403_locked.html")


def locked_out(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: an address's lock-out is the same page, with its Retry-After."""
    return _refuse(request, int(settings.AXES_COOLOFF_TIME * 60 * 60))


class PBKDF2InThreadHasher(PBKDF2PasswordHasher):
    """Django's default hasher (same algorithm name: every stored password still works), with
    the deliberately slow key derivation run in one of gevent's native threads when gevent
    serves: hashlib lets go of the GIL for it, so the worker's other requests go on meanwhile
    instead of waiting half a second behind each sign-in attempt."""

    def encode(self, password: str, salt: str, iterations: int | None = None) -> str:
        from gevent import get_hub, monkey  # a dependency; imported once a worker has patched

        if not monkey.is_module_patched("threading"):  # not served by gevent
            return super().encode(password, salt, iterations)
        return get_hub().threadpool.apply(super().encode, (password, salt, iterations))
