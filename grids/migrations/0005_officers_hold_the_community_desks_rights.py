"""County and township officers hold the rights of the community desk that community workers got in
0004 (window requests, certificates, seal log, tasks): core.grants refuses to let anyone grant a role
whose rights they do not hold, so without them no officer could appoint a community worker."""

from django.db import migrations

from core.roles import assign_permissions

DESK = ["windowrequest", "certificate", "sealuse", "communitytask"]


def forwards(apps, schema_editor):
    perms = [f"grids.{a}_{m}" for m in DESK for a in ("view", "add", "change")]
    assign_permissions(apps, {"county_officer": perms, "township_officer": perms})


class Migration(migrations.Migration):
    dependencies = [("grids", "0004_roles_window_certificates")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
