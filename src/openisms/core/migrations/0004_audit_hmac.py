"""Key the audit chain: entries record their hash algorithm, existing chains get a switch-over.

Entries written so far keep "sha256"; each existing chain is sealed by one HMAC-SHA-256
switch-over entry under the configured audit key (``OPENISMS_AUDIT_KEY`` or
``OPENISMS_HOME/audit_key``): run this migration with the key the app servers use. Also refuses
TRUNCATE of the trail on PostgreSQL.
"""

from django.db import migrations, models

from openisms.core.audit_chain import switch_over_all
from openisms.core.db_guards import install_append_only_guard, remove_truncate_guard


def seal_chains(apps, schema_editor):
    switch_over_all(apps.get_model("core", "AuditEntry"), apps.get_model("core", "AuditChainHead"))


def guard(apps, schema_editor):
    install_append_only_guard(schema_editor.connection)


def unguard(apps, schema_editor):
    remove_truncate_guard(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("core", "0003_sequence")]

    operations = [
        migrations.AddField(
            model_name="auditentry",
            name="algorithm",
            field=models.CharField(
                choices=[("sha256", "SHA-256 (before keying)"), ("hmac-sha256", "HMAC-SHA-256")],
                default="sha256",
                max_length=16,
            ),
            preserve_default=False,
        ),
        # Switch-over entries are inserts: the append-only triggers allow them. Not reversible
        # without deleting entries, so going back leaves them (they verify as keyed entries).
        migrations.RunPython(seal_chains, migrations.RunPython.noop),
        # Again for every database: SQLite rebuilt the table for the new column, dropping its
        # triggers; PostgreSQL gains the TRUNCATE trigger.
        migrations.RunPython(guard, unguard),
    ]
