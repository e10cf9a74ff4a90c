"""One link between requirements of the register and controls: ``Obligation.controls`` (to
catalogue requirements) is folded into ``controls.Control.obligations``, which requirements now
reach as ``controls``."""

from django.db import migrations

from openisms.controls import migration_links


def forward(apps, schema_editor):
    migration_links.merge(apps, "context", "Obligation", "obligations")


def backward(apps, schema_editor):
    migration_links.split(apps, "context", "Obligation", "obligations")


class Migration(migrations.Migration):
    dependencies = [
        ("catalogue", "0001_initial"),
        ("context", "0001_initial"),
        ("controls", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(forward, backward, elidable=False),
        migrations.RemoveField(model_name="obligation", name="controls"),
    ]
