"""Pages for browsing what Backcare knows."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from backcare.catalogue.models import Contraindication, Muscle, Region, Technique, Tool


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    counts = {
        "regions": Region.objects.count(),
        "muscles": Muscle.objects.count(),
        "techniques": Technique.objects.count(),
        "props": Tool.objects.count(),
    }
    red_flags = Contraindication.objects.by_effect(Contraindication.Effect.REFER_URGENTLY)
    return render(request, "catalogue/home.html", {"counts": counts, "red_flags": red_flags})
