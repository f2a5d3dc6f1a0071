"""A user's grants, resolved once per request: which area prefixes each permission reaches.

A grant of a role at an area covers the area and all its descendants (codes starting with the
area's significant prefix). A grant at the city covers everything, including records with no
area (audit events of user management, for instance).
"""

from dataclasses import dataclass, field

from django.contrib.auth.models import Group

from .choices import LEVEL_PREFIX, AreaLevel

_CACHE_ATTR = "_portal_scope"


@dataclass
class Scope:
    unrestricted: bool = False
    # permission "app.codename" -> set of code prefixes
    by_perm: dict[str, set[str]] = field(default_factory=dict)
    # role slug -> list of (prefix, area level, area code)
    roles: dict[str, list[tuple[str, str, str]]] = field(default_factory=dict)
    city_perms: set[str] = field(default_factory=set)

    def prefixes_for(self, perm: str):
        """None means unrestricted for this permission; an empty set means nowhere."""
        if self.unrestricted or perm in self.city_perms:
            return None
        return self.by_perm.get(perm, set())

    def has_perm_somewhere(self, perm: str) -> bool:
        return self.unrestricted or perm in self.city_perms or bool(self.by_perm.get(perm))

    def covers(self, perm: str, code: str) -> bool:
        prefixes = self.prefixes_for(perm)
        return prefixes is None or any(code.startswith(p) for p in prefixes)

    @property
    def role_slugs(self) -> set[str]:
        return set(self.roles)

    @property
    def area_codes(self) -> list[str]:
        return sorted({code for grants in self.roles.values() for _, _, code in grants})


def _group_perms(roles) -> dict[str, set[str]]:
    """The permissions of the named roles' groups (only those: every group's would be ~1,500 rows)."""
    perms: dict[str, set[str]] = {}
    for name, app, codename in Group.objects.filter(name__in=roles).values_list(
        "name", "permissions__content_type__app_label", "permissions__codename"
    ):
        if codename:
            perms.setdefault(name, set()).add(f"{app}.{codename}")
    return perms


def scope_for(user) -> Scope:
    if user is None or not user.is_authenticated or not user.is_active:
        return Scope()
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    if user.is_superuser:
        scope = Scope(unrestricted=True)
    else:
        scope = Scope()
        grants = list(user.grants.values_list("role", "area__code", "area__level"))
        group_perms = _group_perms({role for role, _code, _level in grants}) if grants else {}
        for role, code, level in grants:
            prefix = code[: LEVEL_PREFIX[level]]
            scope.roles.setdefault(role, []).append((prefix, level, code))
            for perm in group_perms.get(role, ()):
                if level == AreaLevel.CITY:
                    scope.city_perms.add(perm)
                else:
                    scope.by_perm.setdefault(perm, set()).add(prefix)
    setattr(user, _CACHE_ATTR, scope)
    return scope


def forget_scope(user) -> None:
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)
