from django.apps import AppConfig


class PlayerConfig(AppConfig):
    name = "backcare.player"
    default_auto_field = "django.db.models.BigAutoField"
