"""Who sees indicator values (everyone with an area, within it) and who starts runs (administrators)."""

from django.db import migrations

from core.roles import assign_permissions
from reports.roles import ROLE_PERMS


def forwards(apps, schema_editor):
    assign_permissions(apps, ROLE_PERMS)


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_initial"),
        ("core", "0003_audit_append_only"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
