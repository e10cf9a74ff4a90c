# Merge of two branches of this app's migrations (no operations).

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("risk", "0003_soft_delete"),
        ("risk", "0003_verbose_names_needs_mapping"),
    ]

    operations = []
