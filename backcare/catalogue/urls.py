from django.urls import path

from backcare.catalogue import views

app_name = "catalogue"
urlpatterns = [
    path("", views.home, name="home"),
    path("muscles/", views.muscle_list, name="muscles"),
    path("muscles/<slug:slug>/", views.muscle_detail, name="muscle"),
    path("techniques/", views.technique_list, name="techniques"),
    path("techniques/<slug:slug>/", views.technique_detail, name="technique"),
    path("movements/", views.movement_list, name="movements"),
    path("movements/<slug:slug>/", views.movement_detail, name="movement"),
    path("props/", views.prop_list, name="props"),
    path("props/<slug:slug>/", views.prop_detail, name="prop"),
    path("safety/", views.safety, name="safety"),
    path("where-it-hurts/", views.where_it_hurts, name="where-it-hurts"),
]
