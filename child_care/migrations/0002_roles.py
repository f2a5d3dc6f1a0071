"""Roles get the child-care app's permissions (a frozen copy of child_care/roles.py at 0002)."""

from django.db import migrations

from core.roles import assign_permissions, crud

RECORDS = ["person", "household", "relationship", "categoryrecord", "survey", "visit"]


def _records(actions):
    return [p for m in RECORDS for p in crud("child_care", m, actions)]


COUNTS = ["child_care.view_statistics"]

ROLE_PERMS = {
    "child_director": _records("view add change") + crud("child_care", "proposal", "view change")
    + crud("child_care", "appointment") + COUNTS + ["child_care.confirm_proposal", "core.reveal_personal_data"],
    "child_supervisor": _records("view add change") + crud("child_care", "person", "delete")
    + crud("child_care", "proposal", "view change") + crud("child_care", "appointment") + COUNTS
    + ["child_care.confirm_proposal", "child_care.approve_proposal", "child_care.review_report",
       "child_care.submit_report", "core.reveal_personal_data"],
    "city_admin": COUNTS + crud("child_care", "appointment", "view add change delete"),
    "county_officer": COUNTS + crud("child_care", "appointment", "view add change"),
    "township_officer": COUNTS + crud("child_care", "appointment"),
    "auditor": COUNTS + crud("child_care", "appointment"),
}


def forwards(apps, schema_editor):
    assign_permissions(apps, ROLE_PERMS)


class Migration(migrations.Migration):
    dependencies = [
        ("child_care", "0001_initial"),
        ("core", "0006_issued_token"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
