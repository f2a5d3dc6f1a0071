"""Create the roles (groups) and give them the core permissions; apps add theirs likewise."""

from django.db import migrations

from core.roles import assign_permissions, crud

ALL = "view add change delete"

CORE_ROLE_PERMS = {
    "city_admin": crud("core", "area", ALL) + crud("core", "areapopulation", ALL) + crud("core", "staffgrant", ALL)
    + crud("core", "staffprofile", ALL) + crud("core", "finding", "view change") + crud("core", "auditevent")
    + ["core.reveal_personal_data"],
    "county_officer": crud("core", "area", ALL) + crud("core", "areapopulation", "view add change")
    + crud("core", "staffgrant", "view add delete") + crud("core", "staffprofile", "view change")
    + crud("core", "finding", "view change") + ["core.reveal_personal_data"],
    "township_officer": crud("core", "area", "view add change") + crud("core", "areapopulation", "view add change")
    + crud("core", "staffgrant") + crud("core", "staffprofile") + crud("core", "finding", "view change")
    + ["core.reveal_personal_data"],
    "community_worker": crud("core", "area") + crud("core", "areapopulation") + crud("core", "finding", "view change"),
    "grid_worker": crud("core", "area") + crud("core", "finding"),
    "org_registrar": crud("core", "area") + crud("core", "areapopulation") + crud("core", "finding", "view change")
    + ["core.reveal_personal_data"],
    "volunteer_officer": crud("core", "area") + crud("core", "areapopulation")
    + crud("core", "finding", "view change") + ["core.reveal_personal_data"],
    "child_supervisor": crud("core", "area") + crud("core", "areapopulation")
    + crud("core", "finding", "view change") + ["core.reveal_personal_data"],
    "child_director": crud("core", "area") + crud("core", "finding"),
    "auditor": crud("core", "area") + crud("core", "areapopulation") + crud("core", "staffgrant")
    + crud("core", "staffprofile") + crud("core", "finding") + crud("core", "auditevent"),
}


def forwards(apps, schema_editor):
    assign_permissions(apps, CORE_ROLE_PERMS)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
