# Merge of two branches of this app's migrations (no operations).

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("leadership", "0003_soft_delete"),
        ("leadership", "0003_verbose_names"),
    ]

    operations = []
