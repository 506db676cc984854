"""Backcare's URLs: one include per app, in the order people meet them."""

from django.contrib import admin
from django.urls import include, path

from backcare.player.offline import service_worker
from backcare.signin import SignInForm, sign_in
from backcare.web import healthz, manifest

admin.site.login_form = SignInForm

urlpatterns = [
    path("", include("backcare.catalogue.urls")),
    path("", include("backcare.planner.urls")),
    path("s/", include("backcare.player.urls")),
    path("plan/", include("backcare.plans.urls")),
    path("admin/login/", sign_in, name="sign-in"),  # the admin's, after backcare.signin's limits
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("manifest.webmanifest", manifest, name="manifest"),
    path("sw.js", service_worker, name="service-worker"),
]
