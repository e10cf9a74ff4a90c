from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "openisms.people"
    label = "people"
    verbose_name = "People, competence and awareness"

    def ready(self) -> None:
        from openisms.people import hooks

        hooks.register()
