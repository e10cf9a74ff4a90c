from django.apps import AppConfig


class ControlsConfig(AppConfig):
    name = "openisms.controls"
    label = "controls"
    verbose_name = "Controls, evidence and the Statement of Applicability"

    def ready(self) -> None:
        from openisms.controls import hooks

        hooks.register()
