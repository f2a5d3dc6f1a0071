"""Roles are Django groups named by their slug, with model permissions.

Each app's data migration calls ``assign_permissions`` with its own part of the map, so an app
adds its permissions to the roles without touching core.
"""

from django.contrib.auth.management import create_permissions


def assign_permissions(apps, role_perms: dict[str, list[str]]) -> None:
    """Give each role (group) the listed "app_label.codename" permissions; creates missing groups."""
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, perms in role_perms.items():
        group, _ = Group.objects.get_or_create(name=role)
        for perm in perms:
            app_label, codename = perm.split(".")
            group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))


def crud(app_label: str, model: str, actions: str = "view") -> list[str]:
    """``crud("core", "area", "view add change")`` → ["core.view_area", ...]."""
    return [f"{app_label}.{action}_{model}" for action in actions.split()]
