# Merge of two branches of this app's migrations (no operations).

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("risk", "0003_owners_are_people"),
        ("risk", "0004_merge_20261208_0005"),
    ]

    operations = []
