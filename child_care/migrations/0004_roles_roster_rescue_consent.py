"""Child directors and supervisors get the roster comparisons, rescue follow-ups and consents (a frozen
copy of the additions to child_care/roles.py; sync_roles applies the whole map)."""

from django.db import migrations

from core.roles import assign_permissions, crud

CARE = (crud("child_care", "rosterentry", "view change") + crud("child_care", "rosterimport", "view")
        + crud("child_care", "rescuecase", "view add change") + crud("child_care", "followup", "view change")
        + crud("child_care", "consent", "view add change") + crud("child_care", "notsameperson", "view"))

ROLE_PERMS = {
    "child_director": CARE,
    "child_supervisor": CARE + crud("child_care", "rosterimport", "add change"),
}


def forwards(apps, schema_editor):
    assign_permissions(apps, ROLE_PERMS)


class Migration(migrations.Migration):
    dependencies = [
        ("child_care", "0003_roster_rescue_consent"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
