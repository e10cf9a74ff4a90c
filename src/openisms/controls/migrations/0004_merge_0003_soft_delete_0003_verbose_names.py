# Merge of two branches of this app's migrations (no operations).

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("controls", "0003_soft_delete"),
        ("controls", "0003_verbose_names"),
    ]

    operations = []
