"""Control, evidence and request owners are people of the register, not logins (see
``people.migration_owners``)."""

from django.db import migrations, models

from openisms.people.migration_owners import operations


def person(null: bool = True) -> models.ForeignKey:
    return models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, null=null, blank=null, related_name="+"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0002_people_for_members"),
        ("controls", "0002_controls_link_once"),
    ]

    operations = [
        *operations(
            "controls",
            "Control",
            {"owner": person()},
            [models.Index(fields=["organisation", "owner"], name="control_owner")],
        ),  # fmt: skip
        *operations(
            "controls",
            "Evidence",
            {"owner": person()},
            [models.Index(fields=["organisation", "owner"], name="evidence_owner")],
        ),  # fmt: skip
        *operations(
            "controls",
            "EvidenceRequest",
            {"requested_from": person(null=False)},
            [models.Index(fields=["organisation", "requested_from", "status"], name="evreq_who")],
        ),  # fmt: skip
    ]
