"""Give the roles their permissions on consultation records.

Community workers enter and move matters of their community (the two committees' and the
supervision committee's own acts are further limited to their members by the services);
street/district officers and the city see and may correct; auditors read.
"""

from django.db import migrations

from core.roles import assign_permissions, crud

MODELS = ["matter", "support", "decisionstep", "meeting", "participant", "minutes", "ballot", "ballotcorrection",
          "publication", "project", "task", "milestone", "evaluationround", "evaluationresponse", "objection",
          "pointsentry", "dispute", "bodymember", "communitysetting"]
REFERENCE = ["category", "quorumrule"]


def perms(actions, models=MODELS):
    return [p for m in models for p in crud("governance", m, actions)]


ROLE_PERMS = {
    "city_admin": perms("view add change delete") + perms("view add change", REFERENCE),
    "county_officer": perms("view add change") + perms("view", REFERENCE),
    "township_officer": perms("view add change") + perms("view", REFERENCE),
    "community_worker": perms("view add change") + perms("view", REFERENCE),
    "grid_worker": crud("governance", "matter", "view add") + crud("governance", "dispute", "view add")
    + perms("view", REFERENCE),
    "auditor": perms("view") + perms("view", REFERENCE),
}


def forwards(apps, schema_editor):
    assign_permissions(apps, ROLE_PERMS)


class Migration(migrations.Migration):
    dependencies = [("governance", "0002_statutory_defaults"), ("core", "0003_audit_append_only")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
