from django.urls import path, register_converter
from django.urls.converters import StringConverter

from backcare.planner.models import CODE_PATTERN
from backcare.player import views


class SessionCode(StringConverter):
    """A saved session's code: anything else is a 404 before any query is made."""

    regex = CODE_PATTERN


register_converter(SessionCode, "code")

app_name = "player"
urlpatterns = [
    path("<code:code>/", views.overview, name="overview"),
    path("<code:code>/step/<int:number>/", views.step, name="step"),
    path("<code:code>/step/<int:number>/feedback/", views.feedback, name="feedback"),
    path("<code:code>/stop/", views.stop, name="stop"),
    path("<code:code>/done/", views.done, name="done"),
    path("<code:code>/card/", views.card, name="card"),
    path("<code:code>/reminder.ics", views.reminder, name="reminder"),
]
