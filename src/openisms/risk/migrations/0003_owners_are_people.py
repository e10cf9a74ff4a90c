"""Owners are people of the register, not logins; an ISMS role may stand as an asset's owner
(see ``people.migration_owners``)."""

from django.db import migrations, models

from openisms.people.migration_owners import operations


def person(null: bool = True) -> models.ForeignKey:
    return models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, null=null, blank=null, related_name="+"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("leadership", "0002_initial"),
        ("people", "0002_people_for_members"),
        ("risk", "0002_imported_acceptance"),
    ]

    operations = [
        *operations(
            "risk",
            "Asset",
            {"owner": person(), "custodian": person()},
            [models.Index(fields=["organisation", "owner"], name="asset_owner")],
        ),  # fmt: skip
        *operations(
            "risk",
            "Risk",
            {"owner": person()},
            [models.Index(fields=["organisation", "owner"], name="risk_owner")],
        ),  # fmt: skip
        *operations(
            "risk",
            "TreatmentAction",
            {"owner": person()},
            [models.Index(fields=["organisation", "owner"], name="action_owner")],
        ),  # fmt: skip
        migrations.AddField(
            "asset",
            "owner_role",
            models.ForeignKey(
                "leadership.IsmsRole",
                on_delete=models.PROTECT,
                null=True,
                blank=True,
                related_name="+",
            ),
        ),  # fmt: skip
        migrations.AddConstraint(
            "asset",
            models.CheckConstraint(
                condition=models.Q(owner__isnull=True) | models.Q(owner_role__isnull=True),
                name="asset_one_owner",
            ),
        ),
    ]
