"""Following a saved session: its overview, each step, stopping and finishing."""

from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from backcare.htmx import HtmxHttpRequest
from backcare.planner.models import CareSession, CareStep


def _session(code: str) -> CareSession:
    steps = CareStep.objects.select_related("technique", "muscle", "region")
    return get_object_or_404(
        CareSession.objects.prefetch_related(Prefetch("steps", queryset=steps), "props"),
        code=code,
    )


@require_GET
def overview(request: HtmxHttpRequest, code: str) -> HttpResponse:
    session = _session(code)
    return render(request, "player/overview.html", {"session": session, "nav": "build"})
