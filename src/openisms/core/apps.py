from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "openisms.core"
    label = "core"
    verbose_name = "OpenISMS core"

    def ready(self) -> None:
        from openisms.core import auditing

        auditing.connect_signals()
        # Every app's record types (``<app>/records.py``) are declared once, up front, so the
        # kit's registry (Recently deleted labels, the inbox hooks) is complete in any process.
        # The API first: its routers import the record types they mount (no import cycle).
        from django.utils.module_loading import autodiscover_modules

        import openisms.api  # noqa: F401

        autodiscover_modules("records")
