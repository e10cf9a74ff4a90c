# Merge of two branches of this app's migrations (no operations).

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0004_owners_are_people"),
        ("documents", "0004_soft_delete"),
    ]

    operations = []
