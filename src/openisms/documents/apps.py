from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "openisms.documents"
    label = "documents"
    verbose_name = "Documented information"

    def ready(self) -> None:
        from openisms.documents import hooks

        hooks.register()
