"""The app's URLs plus the floor: a bare view returning a constant, to compare pages with."""

from django.http import HttpResponse
from django.urls import include, path


def floor(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/floor", floor), path("", include("backcare.urls"))]
