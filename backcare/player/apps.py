from django.apps import AppConfig
from django.core import checks


class PlayerConfig(AppConfig):
    name = "backcare.player"

    def ready(self) -> None:
        from backcare.web import origin_is_answered_here  # the card's and the .ics's links

        checks.register(origin_is_answered_here, checks.Tags.security)
