from django.apps import AppConfig


class CareersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "careers"

    def ready(self) -> None:
        from .signals import connect_content_signals

        connect_content_signals()
