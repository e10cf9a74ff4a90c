# Merge of two branches of this app's migrations (no operations).

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0002_people_for_members"),
        ("people", "0002_soft_delete"),
    ]

    operations = []
