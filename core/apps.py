from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Territory, staff and audit")

    def ready(self):
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Group, Permission
        from django.core.signals import request_finished, request_started
        from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save
        from rest_framework.authtoken.models import Token

        from . import checks  # noqa: F401  (system checks for production settings)
        from .models import Area, StaffGrant
        from .scope import access_changed, roles_changed, user_changed
        from .scope import request_finished as scope_request_finished
        from .scope import request_started as scope_request_started

        # Scopes, the roles' permissions and API tokens' users are kept per process, and pages cache
        # what depends on the territory (area pickers, breadcrumbs) under shared versions; these
        # changes invalidate them everywhere.
        for signal, sender in [(m2m_changed, Group.permissions.through), (post_save, Group),
                               (post_delete, Group), (post_delete, Permission)]:
            signal.connect(roles_changed, sender=sender, dispatch_uid=f"core-roles-{signal}-{sender}")
        post_migrate.connect(roles_changed, dispatch_uid="core-roles-migrate")
        for signal, sender in [(post_save, StaffGrant), (post_delete, StaffGrant), (post_save, Token),
                               (post_delete, Token), (post_delete, get_user_model()), (post_save, Area),
                               (post_delete, Area)]:
            signal.connect(access_changed, sender=sender, dispatch_uid=f"core-access-{signal}-{sender}")
        post_save.connect(user_changed, sender=get_user_model(), dispatch_uid="core-access-user-saved")
        # The shared version is read once per request.
        request_started.connect(scope_request_started, dispatch_uid="core-scope-request-started")
        request_finished.connect(scope_request_finished, dispatch_uid="core-scope-request-finished")
        # Free text of the project's own models refuses control characters (see core/validators.py).
        from django.apps import apps
        from django.conf import settings

        from .validators import attach_text_validators

        base = str(settings.BASE_DIR)
        attach_text_validators(m for c in apps.get_app_configs()
                               if c.path.startswith(base) and "site-packages" not in c.path for m in c.get_models())

        self._connect_token_revocation()

    def _connect_token_revocation(self):
        """An API token dies with any change of its user's rights (core.accounts)."""
        from django.contrib.auth import get_user_model
        from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

        from . import accounts
        from .models import StaffGrant

        User = get_user_model()
        post_save.connect(accounts.grant_changed, sender=StaffGrant, dispatch_uid="core-token-grant-saved")
        post_delete.connect(accounts.grant_changed, sender=StaffGrant, dispatch_uid="core-token-grant-deleted")
        m2m_changed.connect(accounts.groups_changed, sender=User.groups.through, dispatch_uid="core-token-groups")
        pre_save.connect(accounts.user_saving, sender=User, dispatch_uid="core-token-user-saving")
        post_save.connect(accounts.user_saved, sender=User, dispatch_uid="core-token-user-saved")
