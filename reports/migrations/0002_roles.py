"""Who sees indicator values (everyone with an area, within it) and who starts runs (administrators)."""

from django.db import migrations

from core.roles import assign_permissions, crud

VIEW_VALUES = crud("reports", "indicatorvalue")
REPORTS_ROLE_PERMS = {
    "city_admin": VIEW_VALUES + crud("reports", "reportrun", "view add"),
    "auditor": VIEW_VALUES + crud("reports", "reportrun"),
    **dict.fromkeys(["county_officer", "township_officer", "community_worker", "grid_worker", "org_registrar", "volunteer_officer", "child_supervisor", "child_director"], VIEW_VALUES),
}


def forwards(apps, schema_editor):
    assign_permissions(apps, REPORTS_ROLE_PERMS)


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_initial"),
        ("core", "0003_audit_append_only"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
