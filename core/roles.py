"""Roles are Django groups named by their slug, with model permissions.

Each app declares its part of the map in ``<app>/roles.py`` as ``ROLE_PERMS`` and applies it in a
data migration with ``assign_permissions``, so an app adds its permissions to the roles without
touching core. ``sync_all_roles`` re-applies every app's map (``manage.py sync_roles``; tests
after a database flush).
"""

from django.contrib.auth.management import create_permissions


def assign_permissions(apps, role_perms: dict[str, list[str]]) -> None:
    """Give each role (group) the listed "app_label.codename" permissions; creates missing groups."""
    for app_config in apps.get_app_configs():
        # In a migration the app configs are stubs without models_module, which makes
        # create_permissions skip them; the real registry's value must be left as it was.
        original = getattr(app_config, "models_module", None)
        app_config.models_module = original or True
        try:
            create_permissions(app_config, apps=apps, verbosity=0)
        finally:
            app_config.models_module = original
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


# --- core's own part of the map ------------------------------------------------------------------
ALL = "view add change delete"

ROLE_PERMS = {
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


def sync_all_roles() -> None:
    """Apply every installed app's ``ROLE_PERMS`` to the groups (idempotent)."""
    from django.apps import apps as global_apps

    from .discovery import app_modules

    combined: dict[str, list[str]] = {}
    for _app, module in app_modules("roles"):
        for name in sorted(n for n in vars(module) if n == "ROLE_PERMS" or n.startswith("ROLE_PERMS_")):
            for role, perms in getattr(module, name).items():
                combined.setdefault(role, []).extend(perms)
    assign_permissions(global_apps, combined)


# --- working-day overrides, re-divisions, finding escalations (migration 0005) ---------------------
# Permissions of models added after 0002 live in their own map (``ROLE_PERMS_<migration>``), applied
# by that migration: 0002's map must only name models that exist at 0002. Only the city
# administrator edits the working-day calendar; it is city-wide.
ROLE_PERMS_0005 = {
    "city_admin": crud("core", "workdayoverride", ALL) + crud("core", "areasuccession")
    + crud("core", "findingescalation"),
    "county_officer": crud("core", "areasuccession") + crud("core", "findingescalation"),
    "township_officer": crud("core", "areasuccession") + crud("core", "findingescalation"),
    "community_worker": crud("core", "findingescalation"),
    "grid_worker": crud("core", "findingescalation"),
    "org_registrar": crud("core", "findingescalation"),
    "volunteer_officer": crud("core", "findingescalation"),
    "child_supervisor": crud("core", "findingescalation"),
    "child_director": crud("core", "findingescalation"),
    "auditor": crud("core", "workdayoverride") + crud("core", "areasuccession") + crud("core", "findingescalation"),
}
