"""Sign-in backend: Django's ModelBackend, with the signed-in user's row kept per process.

Every page request of a signed-in user reads their row (``ModelBackend.get_user``). The row is
kept per process under ``core.scope.shared_version``, which any save or deletion of a user bumps
(except a sign-in's ``last_login`` stamp), so a deactivation or a password change (which ends the
user's sessions through the session hash) applies from the next request in every process. Each
request still gets its own fresh ``User`` object.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db import DEFAULT_DB_ALIAS

from .scope import Kept, shared_version

_users = Kept()


def model_row(instance) -> tuple[list[str], list]:
    """The instance's column values, to rebuild it later with ``Model.from_db``."""
    fields = [f.attname for f in instance._meta.concrete_fields]
    return fields, [getattr(instance, name) for name in fields]


class KeptUserBackend(ModelBackend):
    def get_user(self, user_id):
        User = get_user_model()

        def load():
            user = User._default_manager.filter(pk=user_id).first()
            return None if user is None else model_row(user)

        kept = _users.get(shared_version(), str(user_id), load)
        if kept is None:
            return None
        user = User.from_db(DEFAULT_DB_ALIAS, *kept)
        return user if self.user_can_authenticate(user) else None
