"""Create the roles (groups) and give them the core permissions; apps add theirs likewise."""

from django.db import migrations

from core.roles import ROLE_PERMS, assign_permissions


def forwards(apps, schema_editor):
    assign_permissions(apps, ROLE_PERMS)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
