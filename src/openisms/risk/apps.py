from django.apps import AppConfig


class RiskConfig(AppConfig):
    name = "openisms.risk"
    label = "risk"
    verbose_name = "Risk management"

    def ready(self) -> None:
        from openisms.risk import hooks

        hooks.register()
