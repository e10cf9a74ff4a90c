"""``Control.documents`` and ``Control.obligations`` are now the only links between controls and
documents / requirements; the other side reaches them as ``controls``."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("context", "0002_controls_link_once"),
        ("controls", "0001_initial"),
        ("documents", "0003_controls_link_once"),
    ]

    operations = [
        migrations.AlterField(
            model_name="control",
            name="documents",
            field=models.ManyToManyField(
                blank=True,
                help_text="documents that describe or support the control",
                related_name="controls",
                to="documents.document",
            ),
        ),
        migrations.AlterField(
            model_name="control",
            name="obligations",
            field=models.ManyToManyField(
                blank=True,
                help_text="requirements of the register the control addresses",
                related_name="controls",
                to="context.obligation",
            ),
        ),
    ]
