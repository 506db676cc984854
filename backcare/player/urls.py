from django.urls import path

from backcare.player import views

app_name = "player"
urlpatterns = [
    path("<str:code>/", views.overview, name="overview"),
]
