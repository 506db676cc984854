"""Backcare's URLs: one include per app, in the order people meet them."""

from django.contrib import admin
from django.urls import include, path

from backcare.web import healthz, manifest, service_worker

urlpatterns = [
    path("", include("backcare.catalogue.urls")),
    path("", include("backcare.planner.urls")),
    path("s/", include("backcare.player.urls")),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("manifest.webmanifest", manifest, name="manifest"),
    path("sw.js", service_worker, name="service-worker"),
]
