"""Token sign-in for the API, with the token's user kept per process between requests.

DRF's ``TokenAuthentication`` reads the token and its user from the database on every request:
a fifth of a volunteer list page's time in the web worker (measured with py-spy). Here the
token's row, its user's row and whether it was issued with a second factor are kept per process
while the shared version of ``core.scope.shared_version`` holds. Anything that could change the
answer bumps that version in every process: a token created or deleted, a user saved
(deactivated, made superuser, password changed …) or deleted, a grant or a role's permissions
changed. Each request still gets its own fresh ``User`` object, built from the kept row exactly as
the database would build it, and the active check is DRF's own.

A token also ends by itself ``PORTAL_TOKEN_TTL_SECONDS`` after it was issued, and one issued
without a verified one-time code does not work for a user who needs a second factor (a role
gained since, or the requirement switched on): both are decided from the kept values, without a
query. Revocation when the user's rights change is ``core.accounts``.
"""

from django.contrib.auth import get_user_model
from django.db import DEFAULT_DB_ALIAS
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token

from ..accounts import token_lifetime
from ..backends import model_row
from ..middleware import requires_second_factor
from ..models import IssuedToken
from ..scope import Kept, shared_version

_tokens = Kept()


class CachedTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key):
        def load():
            token = Token.objects.select_related("user", "issued").filter(key=key).first()
            if token is None:
                return None
            try:
                second_factor = token.issued.second_factor
            except IssuedToken.DoesNotExist:  # made in the admin or a shell: no code was verified
                second_factor = False
            return model_row(token), model_row(token.user), second_factor

        kept = _tokens.get(shared_version(), key, load)
        if kept is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        token = Token.from_db(DEFAULT_DB_ALIAS, *kept[0])
        user = get_user_model().from_db(DEFAULT_DB_ALIAS, *kept[1])
        token.user = user
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        if token.created + token_lifetime() <= timezone.now():
            raise exceptions.AuthenticationFailed(_("The token has expired; request a new one."),
                                                  code="token_expired")
        if not kept[2] and requires_second_factor(user):
            raise exceptions.AuthenticationFailed(
                _("This token was issued without a one-time code; request a new one with your code."),
                code="second_factor_required")
        return user, token
