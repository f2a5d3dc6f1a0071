"""Roles get the volunteers app's permissions; star thresholds are data with their legal source."""

from decimal import Decimal

from django.db import migrations

from core.roles import assign_permissions, crud

ALL = "view add change delete"
MODELS = ["volunteer", "team", "teammembership", "activity", "shift", "signup", "servicehourrecord",
          "correctionrequest", "trainingsession", "trainingattendance", "socialworker", "certificate", "importjob"]


def _all(actions):
    return [p for m in MODELS for p in crud("volunteers", m, actions)]


ROLE_PERMS = {
    "city_admin": _all(ALL) + crud("volunteers", "starlevel", ALL),
    "volunteer_officer": _all(ALL) + crud("volunteers", "starlevel"),
    "county_officer": _all(ALL) + crud("volunteers", "starlevel"),
    "township_officer": _all("view add change") + crud("volunteers", "starlevel"),
    "community_worker": _all("view add change") + crud("volunteers", "starlevel"),
    "grid_worker": crud("volunteers", "volunteer") + crud("volunteers", "activity") + crud("volunteers", "shift"),
    "auditor": _all("view") + crud("volunteers", "starlevel"),
}

SOURCE = "中国注册志愿者管理办法（共青团中央，2013年修订）第十六条；中国社区志愿者注册管理办法第十八条"
STARS = [(1, "100"), (2, "300"), (3, "600"), (4, "1000"), (5, "1500")]


def forwards(apps, schema_editor):
    assign_permissions(apps, ROLE_PERMS)
    StarLevel = apps.get_model("volunteers", "StarLevel")
    for level, hours in STARS:
        StarLevel.objects.update_or_create(level=level, defaults={"min_hours": Decimal(hours), "legal_source": SOURCE})


class Migration(migrations.Migration):
    dependencies = [
        ("volunteers", "0001_initial"),
        ("core", "0003_audit_append_only"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
