from django.urls import path

from backcare.planner import views

app_name = "planner"
urlpatterns = [
    path("build/", views.build, name="build"),
    path("build/screen/", views.screen_view, name="screen"),
    path("mine/", views.mine, name="mine"),
    path("mine/forget/", views.forget, name="forget"),
    path("mine/forget/all/", views.forget_all, name="forget_all"),
    path("mine/export.csv", views.export, name="export"),
    path("mine/summary/", views.summary_page, name="summary"),
]
