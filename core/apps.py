from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Territory, staff and audit")

    def ready(self):
        from django.contrib.auth.models import Group, Permission
        from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save

        from . import checks  # noqa: F401  (system checks for production settings)
        from .models import StaffGrant
        from .scope import role_permissions_changed

        # Scopes (grants and the roles' permissions) are kept per process; these changes invalidate
        # them everywhere.
        for signal, sender in [(m2m_changed, Group.permissions.through), (post_save, Group),
                               (post_delete, Group), (post_delete, Permission), (post_save, StaffGrant),
                               (post_delete, StaffGrant)]:
            signal.connect(role_permissions_changed, sender=sender, dispatch_uid=f"core-roles-{signal}-{sender}")
        post_migrate.connect(role_permissions_changed, dispatch_uid="core-roles-migrate")
