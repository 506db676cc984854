from django.urls import path, register_converter

from backcare.planner.models import CODE_PATTERN
from backcare.player import views


class SessionCode:
    """A saved session's code: anything else is a 404 before any query is made."""

    regex = CODE_PATTERN

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(SessionCode, "code")

app_name = "player"
urlpatterns = [
    path("<code:code>/", views.overview, name="overview"),
    path("<code:code>/step/<int:number>/", views.step, name="step"),
    path("<code:code>/stop/", views.stop, name="stop"),
    path("<code:code>/done/", views.done, name="done"),
    path("<code:code>/card/", views.card, name="card"),
    path("<code:code>/reminder.ics", views.reminder, name="reminder"),
]
