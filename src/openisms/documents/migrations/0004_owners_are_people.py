"""A document's owner and reviewer are people of the register, not logins (see
``people.migration_owners``); the designated approver stays a login (a sign-off)."""

from django.db import migrations, models

from openisms.people.migration_owners import operations


def person(null: bool = True) -> models.ForeignKey:
    return models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, null=null, blank=null, related_name="+"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0002_people_for_members"),
        ("documents", "0003_controls_link_once"),
    ]

    operations = [
        *operations(
            "documents",
            "Document",
            {"owner": person(null=False), "reviewer": person()},
            [models.Index(fields=["organisation", "owner"], name="document_owner")],
        ),  # fmt: skip
    ]
