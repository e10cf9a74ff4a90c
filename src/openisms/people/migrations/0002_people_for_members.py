"""Every member who may own records has a person in the register (owners are people now; see
``people.migration_owners``). Auditors and viewers get none: they cannot own anything."""

from django.db import migrations

from openisms.people.migration_owners import people_for_logins

READ_ONLY = ("auditor", "viewer")


def forward(apps, schema_editor):
    Membership = apps.get_model("core", "Membership")
    pairs = Membership._base_manager.exclude(role__in=READ_ONLY).values_list(
        "organisation_id", "user_id"
    )
    people_for_logins(apps, set(pairs))


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_audit_hmac"),
        ("people", "0001_initial"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop, elidable=False)]
