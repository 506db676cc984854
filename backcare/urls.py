"""Backcare's URLs: one include per app, in the order people meet them."""

from django.contrib import admin
from django.urls import include, path

from backcare.web import healthz

urlpatterns = [
    path("", include("backcare.catalogue.urls")),
    path("", include("backcare.planner.urls")),
    path("s/", include("backcare.player.urls")),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
]
