from django.apps import AppConfig


class ProgressConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "progress"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (connect its signals)
