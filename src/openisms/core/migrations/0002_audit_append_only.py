from django.db import migrations

from openisms.core.db_guards import install_append_only_guard, remove_append_only_guard


def forwards(apps, schema_editor):
    install_append_only_guard(schema_editor.connection)


def backwards(apps, schema_editor):
    remove_append_only_guard(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
