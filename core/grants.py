"""The ceiling of granting: who may give (or take away) which role at which area.

Granting is itself a permission with a ceiling, one rule for every path (admin, API, pages,
``manage.py add_staff``), enforced by ``services.grant_role`` / ``revoke_role`` / ``add_staff``
and offered by forms through ``grantable_roles``:

- the actor holds ``core.add_staffgrant`` (to revoke: ``core.delete_staffgrant``) covering the area;
- nobody grants above their own: every permission of the role must be one the actor holds
  covering that area (so a district officer cannot hand out the city administrator's or the
  auditor's permissions, nor any role at the city, whose reach he does not hold);
- the roles that need a second factor (city administrator, auditor) are given only by someone
  who holds one of them at an area covering it;
- nobody grants to, or revokes from, themselves; a superuser's grants are a superuser's business;
- except that a role in ``APPOINTED_BY`` is given by a holder of one of its appointing roles at an
  area covering it, *without* holding the role's permissions: the children's roles are approved by
  civil-affairs officers who must not themselves open children's records (least privilege and
  approval of staff access, 未成年人网络保护条例 Art. 36).

``actor=None`` (the system: commands, the demo loader, migrations) and superusers may do
everything. The roles' permissions are read from their groups (``core.scope``), so a role
extended by an app, or edited in the admin, is judged by what it actually allows.
"""

from django.utils.translation import gettext as _

from .choices import SECOND_FACTOR_ROLES, Role
from .scope import role_permissions as _role_permissions
from .scope import scope_for

ADD = "core.add_staffgrant"
DELETE = "core.delete_staffgrant"

# Roles given by appointment: role -> the roles whose holders appoint to it (within their own area).
# The bureau approves a rescue station's staff (stations are at the city or a county); the district's
# civil-affairs office and the bureau appoint township supervisors (督导员) and village/community child
# directors (儿童主任). None of the appointers sees a child's record.
APPOINTED_BY: dict[str, set[str]] = {
    Role.RESCUE_STAFF: {Role.CITY_ADMIN},
    Role.CHILD_SUPERVISOR: {Role.CITY_ADMIN, Role.COUNTY_OFFICER},
    Role.CHILD_DIRECTOR: {Role.CITY_ADMIN, Role.COUNTY_OFFICER},
}


class Refusal:
    """Why a grant is refused: ``out_of_scope`` refusals are reported as "not found" (404)."""

    def __init__(self, message: str, out_of_scope: bool = False):
        self.message, self.out_of_scope = message, out_of_scope

    def __str__(self):
        return self.message


def _is_system(actor) -> bool:
    return actor is None or (actor.is_active and actor.is_superuser)


def role_permissions(role: str) -> set[str]:
    return set(_role_permissions(role))


def refusal(actor, role: str, area, *, user=None, action: str = ADD) -> Refusal | None:
    """None if ``actor`` may give ``role`` at ``area`` (to ``user``), else why not.
    ``action`` is ``grants.ADD`` or ``grants.DELETE`` (revoking follows the same ceiling)."""
    if _is_system(actor):
        return None
    scope = scope_for(actor)
    if not scope.covers(action, area.code):
        return Refusal(_("No such record."), out_of_scope=True)
    if user is not None and user.pk == actor.pk:
        return Refusal(_("Nobody may change their own roles; ask another administrator."))
    if user is not None and user.is_superuser:
        return Refusal(_("Only a superuser may change a superuser's roles."))
    if role not in Role.values:
        return Refusal(_("Unknown role %(role)s.") % {"role": role})
    if _appoints(scope, role, area):
        return None
    missing = [perm for perm in role_permissions(role) if not scope.covers(perm, area.code)]
    if missing:
        return Refusal(_("You may not grant %(role)s at %(area)s: it reaches further than your own roles.")
                       % {"role": Role(role).label, "area": area})
    if role in SECOND_FACTOR_ROLES and not _holds_at(scope, SECOND_FACTOR_ROLES, area):
        return Refusal(_("Only a city administrator may grant %(role)s.") % {"role": Role(role).label})
    return None


def _holds_at(scope, roles, area) -> bool:
    """The actor holds one of ``roles`` at an area covering ``area``."""
    return any(area.code.startswith(prefix) for held in roles for prefix, _level, _code in scope.roles.get(held, ()))


def _appoints(scope, role: str, area) -> bool:
    return role in APPOINTED_BY and _holds_at(scope, APPOINTED_BY[role], area)


def can_grant(actor, role: str, area, *, user=None) -> bool:
    return refusal(actor, role, area, user=user) is None


def can_revoke(actor, grant) -> bool:
    return refusal(actor, grant.role, grant.area, user=grant.user, action=DELETE) is None


def require(actor, role: str, area, *, user=None, action: str = ADD) -> None:
    """Raise what ``refusal`` found: ``OutOfScope`` (404) outside the actor's areas, else
    ``NoPermission`` (403) with the reason."""
    from .exceptions import NoPermission, OutOfScope

    found = refusal(actor, role, area, user=user, action=action)
    if found is None:
        return
    raise (OutOfScope if found.out_of_scope else NoPermission)(found.message)


def may_manage_user(actor, user) -> bool:
    """Whether ``actor`` may change ``user``'s account (password, real-name profile): only a user
    none of whose grants is above the actor's ceiling, never a superuser, never oneself (a
    profile may be edited by its owner: see ``services.save_staff_profile``)."""
    if _is_system(actor):
        return True
    if user.pk == actor.pk or user.is_superuser:
        return False
    return all(
        refusal(actor, grant.role, grant.area, action=ADD) is None
        for grant in user.grants.select_related("area")
    )


def grantable_roles(actor, area=None) -> list[str]:
    """The roles ``actor`` may grant at ``area``, or at some area when ``area`` is None (form choices)."""
    if _is_system(actor):
        return list(Role.values)
    if area is not None:
        return [role for role in Role.values if refusal(actor, role, area) is None]
    from .models import Area

    own = [code for grants in scope_for(actor).roles.values() for _p, _l, code in grants]
    areas = list(Area.objects.filter(code__in=own))
    # Coverage only narrows downwards, so the actor's own grant areas are where most is grantable.
    return [role for role in Role.values if any(refusal(actor, role, a) is None for a in areas)]
