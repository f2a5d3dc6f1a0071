"""Account security: API tokens (issued, expired, revoked), password changes, authenticator enrolment.

A token is the user's rights at the moment it was issued, so it lives no longer than
``PORTAL_TOKEN_TTL_SECONDS`` and dies with any change of those rights: a grant added, changed or
removed, a change of the user's groups, a deactivation, a password change, being made (or no
longer) a superuser or staff. The receivers below are connected in ``core.apps``; each
revocation writes one ``core.token.revoke`` audit event (never the key: ``str(token)`` *is* the
key, so the user is the event's record).
"""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from rest_framework.authtoken.models import Token

from . import audit
from .models import IssuedToken

# Causes of a revocation, as written in the audit event's changes.
SIGNED_OUT, GRANT_CHANGED, GROUPS_CHANGED, PASSWORD_CHANGED, ACCOUNT_CHANGED = (
    "signed_out", "grant_changed", "groups_changed", "password_changed", "account_changed")

# A change of these columns of a user ends their token (a sign-in's last_login stamp does not).
_WATCHED_USER_FIELDS = ("password", "is_active", "is_superuser", "is_staff")


def token_lifetime() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.PORTAL_TOKEN_TTL_SECONDS)


def _label(user) -> str:
    return user.get_username()


def issue_token(*, actor, second_factor: bool) -> Token:
    """A fresh token for ``actor`` (already authenticated by the caller); the previous one, if
    any, stops working. ``second_factor``: a one-time code was verified for this issue."""
    with transaction.atomic():
        replaced = Token.objects.filter(user=actor).delete()[0] > 0
        token = Token.objects.create(user=actor)
        issued = IssuedToken(token=token, second_factor=second_factor)
        issued.full_clean(validate_unique=False)
        issued.save(force_insert=True)
        audit.record(actor=actor, action="core.token.issue", target=actor, label=_label(actor), changes={
            "second_factor": second_factor, "expires": token.created + token_lifetime(), "replaced": replaced})
    return token


def revoke_token(*, actor, user_id, cause: str) -> bool:
    """End the token of the user ``user_id``, if they have one; True if there was one."""
    with transaction.atomic():
        token = Token.objects.select_related("user").filter(user_id=user_id).first()
        if token is None:
            return False
        user = token.user
        token.delete()
        audit.record(actor=actor, action="core.token.revoke", target=user, label=_label(user),
                     changes={"cause": cause})
    return True


def change_password(*, actor, password: str) -> None:
    """The signed-in user changes their own password (the form has checked the old one and the
    validators). Their API token ends with it (``user_saved`` below)."""
    with transaction.atomic():
        revoke_token(actor=actor, user_id=actor.pk, cause=PASSWORD_CHANGED)  # by the user, not "system"
        actor.set_password(password)
        actor.save()
        audit.record(actor=actor, action="core.user.password_change", target=actor, label=_label(actor))


def enrol_authenticator(*, actor, device) -> None:
    """Confirm the user's TOTP device after its first correct code. The audit event names the
    device, never its key."""
    if device.user_id != actor.pk:
        raise ValueError("a user enrols only their own authenticator")
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        audit.record(actor=actor, action="core.totp.enrol", target=actor, label=_label(actor),
                     changes={"device": device.name})


# --- Signal receivers (connected in core.apps) ---------------------------------------------------

def grant_changed(sender, instance, raw=False, **kwargs) -> None:
    """post_save / post_delete of a StaffGrant."""
    if not raw:
        revoke_token(actor=None, user_id=instance.user_id, cause=GRANT_CHANGED)


def groups_changed(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    """m2m_changed of User.groups, from either side."""
    if action in ("post_add", "post_remove", "post_clear") and not reverse:
        revoke_token(actor=None, user_id=instance.pk, cause=GROUPS_CHANGED)
    elif action in ("post_add", "post_remove") and reverse:
        for user_id in pk_set or ():
            revoke_token(actor=None, user_id=user_id, cause=GROUPS_CHANGED)
    elif action == "pre_clear" and reverse:  # a group emptied: its members are known only before
        for user_id in instance.user_set.values_list("pk", flat=True):
            revoke_token(actor=None, user_id=user_id, cause=GROUPS_CHANGED)


def user_saving(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    """pre_save of a user: note whether the save changes what the token stood for."""
    if raw or instance._state.adding or instance.pk is None:
        return
    fields = [f for f in _WATCHED_USER_FIELDS if update_fields is None or f in update_fields]
    if not fields:
        return  # a sign-in's last_login stamp, a name change …
    if getattr(instance, "_password", None) is not None:  # set_password() since the last save
        instance._portal_token_cause = PASSWORD_CHANGED
        return
    before = get_user_model()._default_manager.filter(pk=instance.pk).values(*fields).first()
    if before is None:
        return
    changed = {f for f in fields if before[f] != getattr(instance, f)}
    if changed == {"password"} and update_fields is not None and set(update_fields) == {"password"}:
        return  # check_password() re-hashing the same password with a newer hasher
    if changed:
        instance._portal_token_cause = PASSWORD_CHANGED if "password" in changed else ACCOUNT_CHANGED


def user_saved(sender, instance, raw=False, **kwargs) -> None:
    cause = instance.__dict__.pop("_portal_token_cause", None)
    if cause and not raw:
        revoke_token(actor=None, user_id=instance.pk, cause=cause)
