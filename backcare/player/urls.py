from django.urls import path

from backcare.player import views

app_name = "player"
urlpatterns = [
    path("<str:code>/", views.overview, name="overview"),
    path("<str:code>/step/<int:number>/", views.step, name="step"),
    path("<str:code>/stop/", views.stop, name="stop"),
    path("<str:code>/done/", views.done, name="done"),
]
