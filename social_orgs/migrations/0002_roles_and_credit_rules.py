"""Roles get the social-organisations app's permissions; the credit-list and deadline rule
values are data with their legal source (social_orgs.rules.RULES)."""

from django.db import migrations

from core.roles import assign_permissions


def forwards(apps, schema_editor):
    from social_orgs.roles import ROLE_PERMS, existing
    from social_orgs.rules import RULES

    assign_permissions(apps, existing(apps, ROLE_PERMS))
    CreditRule = apps.get_model("social_orgs", "CreditRule")
    for key, (value, unit, description, source) in RULES.items():
        CreditRule.objects.update_or_create(key=key, defaults={"value": value, "unit": unit,
                                                               "description": description, "legal_source": source})


class Migration(migrations.Migration):
    dependencies = [
        ("social_orgs", "0001_initial"),
        ("core", "0003_audit_append_only"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
