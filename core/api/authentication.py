"""Token sign-in for the API, with the token's user kept per process between requests.

DRF's ``TokenAuthentication`` reads the token and its user from the database on every request:
a fifth of a volunteer list page's time in the web worker (measured with py-spy). Here the
token's row and its user's row are kept per process while the shared version of
``core.scope.shared_version`` holds. Anything that could change the answer bumps that version in
every process: a token created or deleted, a user saved (deactivated, made superuser, password
changed …) or deleted, a grant or a role's permissions changed. Each request still gets its own
fresh ``User`` object, built from the kept row exactly as the database would build it, and the
active check is DRF's own.
"""

from django.contrib.auth import get_user_model
from django.db import DEFAULT_DB_ALIAS
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token

from ..backends import model_row
from ..scope import Kept, shared_version

_tokens = Kept()


class CachedTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key):
        def load():
            token = Token.objects.select_related("user").filter(key=key).first()
            return None if token is None else (model_row(token), model_row(token.user))

        kept = _tokens.get(shared_version(), key, load)
        if kept is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        token = Token.from_db(DEFAULT_DB_ALIAS, *kept[0])
        user = get_user_model().from_db(DEFAULT_DB_ALIAS, *kept[1])
        token.user = user
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return user, token
