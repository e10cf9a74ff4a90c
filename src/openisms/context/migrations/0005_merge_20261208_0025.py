# Merge of two branches of this app's migrations (no operations).

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("context", "0003_owners_are_people"),
        ("context", "0004_merge_0003_soft_delete_0003_verbose_names"),
    ]

    operations = []
