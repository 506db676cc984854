from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save


class CatalogueConfig(AppConfig):
    name = "backcare.catalogue"

    def ready(self) -> None:
        from backcare.catalogue.version import catalogue_changed

        signals = {"post_save": post_save, "post_delete": post_delete, "m2m": m2m_changed}
        for name, signal in signals.items():
            signal.connect(catalogue_changed, dispatch_uid=f"catalogue-version-{name}")
