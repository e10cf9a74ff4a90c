from django.apps import AppConfig


class LeadershipConfig(AppConfig):
    name = "openisms.leadership"
    label = "leadership"
    verbose_name = "Leadership"

    def ready(self) -> None:
        from openisms.leadership import hooks

        hooks.register()
