from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    name = "openisms.catalogue"
    label = "catalogue"
    verbose_name = "Frameworks and controls catalogue"
