from django.urls import path, register_converter

from backcare.plans import views
from backcare.player.urls import SessionCode

register_converter(SessionCode, "plan")

app_name = "plans"
urlpatterns = [
    path("new/", views.new_plan, name="new"),
    path("<plan:code>/", views.plan_page, name="plan"),
    path("<plan:code>/plan.ics", views.plan_ics, name="ics"),
    path("<plan:code>/check-in/", views.check_in, name="check-in"),
]
