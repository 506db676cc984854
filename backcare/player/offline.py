"""Following a session with the network gone: the service worker, at the site's root, keeps
the app shell and the pages of the sessions a person opened (templates/pwa/sw.js)."""

import hashlib
import json

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from backcare.planner.memory import SCREEN_AGE
from backcare.planner.models import CODE_PATTERN

SHELL = (
    "css/backcare.css",
    "js/backcare.js",
    "js/player.js",
    "django_htmx/htmx-2.min.js",
    "django_htmx/django-htmx.js",
    "img/favicon.svg",
    "img/icon.svg",
)


@require_safe
@never_cache
def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker, at the site's root so that it may keep the session pages; its
    cache is named after the app shell's files (their names change with their content)."""
    shell = [static(path) for path in SHELL]
    version = hashlib.sha256("\n".join(shell).encode()).hexdigest()[:12]
    context = {
        "shell": json.dumps(shell),
        "version": version,
        "code": CODE_PATTERN,
        "screen": reverse("planner:screen"),
        "answers_age": SCREEN_AGE,
    }
    return render(request, "pwa/sw.js", context, content_type="text/javascript")
