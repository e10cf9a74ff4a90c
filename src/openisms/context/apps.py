from django.apps import AppConfig


class ContextConfig(AppConfig):
    name = "openisms.context"
    label = "context"
    verbose_name = "Context and scope"

    def ready(self) -> None:
        from openisms.context import hooks

        hooks.register()
