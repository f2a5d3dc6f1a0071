"""Roles get the permissions of the venture-philanthropy projects and their tranches."""

from django.db import migrations

from core.roles import assign_permissions


def forwards(apps, schema_editor):
    from social_orgs.roles import ROLE_PERMS, existing

    assign_permissions(apps, existing(apps, ROLE_PERMS))  # the current map, less models added later


class Migration(migrations.Migration):
    dependencies = [("social_orgs", "0003_draw_results_and_venture_projects")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
