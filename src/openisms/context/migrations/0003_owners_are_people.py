"""A requirement's owner is a person of the register, not a login (see
``people.migration_owners``)."""

from django.db import migrations, models

from openisms.people.migration_owners import operations


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0002_people_for_members"),
        ("context", "0002_controls_link_once"),
    ]

    operations = [
        *operations(
            "context",
            "Obligation",
            {
                "owner": models.ForeignKey(
                    "people.Person",
                    on_delete=models.PROTECT,
                    null=True,
                    blank=True,
                    related_name="+",
                )
            },
        ),  # fmt: skip
    ]
