"""One link between documents and controls: ``Document.controls`` (to catalogue requirements)
is folded into ``controls.Control.documents``, which documents now reach as ``controls``."""

from django.db import migrations

from openisms.controls import migration_links


def forward(apps, schema_editor):
    migration_links.merge(apps, "documents", "Document", "documents")


def backward(apps, schema_editor):
    migration_links.split(apps, "documents", "Document", "documents")


class Migration(migrations.Migration):
    dependencies = [
        ("catalogue", "0001_initial"),
        ("controls", "0001_initial"),
        ("documents", "0002_initial"),
    ]

    operations = [
        migrations.RunPython(forward, backward, elidable=False),
        migrations.RemoveField(model_name="document", name="controls"),
    ]
