"""A user's grants, resolved once per request: which area prefixes each permission reaches.

A grant of a role at an area covers the area and all its descendants (codes starting with the
area's significant prefix). A grant at the city covers everything, including records with no
area (audit events of user management, for instance).
"""

import contextlib
import threading
import uuid
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
        return self.by_perm.get(perm, frozenset())

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


# Two shared versions in the cache, read together once per request: the roles' permissions (bumped
# when a group or its permissions change, or on migrate) and access (bumped when a grant, a user, an
# API token or an area changes). Each process keeps the roles' permissions under the first, and
# scopes, tokens' users and territory-dependent page fragments under both (signals in core.apps).
_ROLES_KEY = "core:roles-version"
_ACCESS_KEY = "core:access-version"


class Kept:
    """Values kept in this process while a shared version holds: ``get`` returns the kept value,
    or loads it (``load()``) and keeps it unless it is None; a new version starts afresh. Bounded: when full, it is
    emptied rather than grown. With no version (the cache is unreachable) nothing is kept."""

    def __init__(self, limit: int = 10_000):
        self.limit, self.version, self.values = limit, None, {}

    def get(self, version, key, load):
        if version is None:
            return load()
        if self.version != version:
            self.version, self.values = version, {}
        value = self.values.get(key)
        if value is None:
            value = load()
            if value is None:  # nothing found: found again next time, never kept
                return None
            if len(self.values) >= self.limit:
                self.values = {}
            self.values[key] = value
        return value

    def clear(self) -> None:
        self.version, self.values = None, {}


_perms_cache = Kept()  # the roles' permissions, under the roles version
_scopes = Kept()  # users' scopes, under both versions


_request_memo = threading.local()  # the versions read once per request (between the request signals)


def request_started(**kwargs) -> None:
    _request_memo.active, _request_memo.versions = True, None


def request_finished(**kwargs) -> None:
    _request_memo.active, _request_memo.versions = False, None


def _versions() -> tuple[str, str] | None:
    """(roles version, access version), or None when the cache is unreachable. Read once per
    request; outside requests (tasks, commands) at every call."""
    active = getattr(_request_memo, "active", False)
    if active and _request_memo.versions is not None:
        return _request_memo.versions
    from django.core.cache import cache

    try:
        found = cache.get_many([_ROLES_KEY, _ACCESS_KEY])
        for key in (_ROLES_KEY, _ACCESS_KEY):
            if key not in found:
                cache.add(key, uuid.uuid4().hex, None)
                found[key] = cache.get(key)
        versions = (found[_ROLES_KEY], found[_ACCESS_KEY])
    except Exception:  # a cache outage must not stop sign-in: read the database instead
        return None
    if None in versions:
        return None
    if active:
        _request_memo.versions = versions
    return versions


def shared_version() -> str | None:
    """The version under which scopes, API tokens' users and territory-dependent fragments are kept
    (None: the cache is unreachable, keep nothing)."""
    versions = _versions()
    return None if versions is None else f"{versions[0]}:{versions[1]}"


def _bump(key: str) -> None:
    from django.core.cache import cache

    _scopes.clear()
    _request_memo.versions = None
    with contextlib.suppress(Exception):  # unreachable cache: readers fall back to the database
        cache.set(key, uuid.uuid4().hex, None)


def roles_changed(**kwargs) -> None:
    """Signal receiver: a group, its permissions or the schema changed; every process re-reads
    the roles' permissions and everything built from them."""
    _perms_cache.clear()
    _bump(_ROLES_KEY)


def access_changed(**kwargs) -> None:
    """Signal receiver: a grant, a user, an API token or an area changed; every process re-reads
    scopes, tokens' users and the page fragments that depend on the territory."""
    _bump(_ACCESS_KEY)


def _group_perms(roles) -> dict[str, set[str]]:
    """The permissions of the named roles' groups, kept per process while the shared version holds.

    Every request needs them and they change only when an administrator edits a group, runs
    ``sync_roles`` or migrates (signals bump the version in the shared cache, so every worker
    re-reads). Only the named roles' groups are read: all of them would be ~1,500 rows.
    """
    versions = _versions()
    key = frozenset(roles)

    def load():
        perms: dict[str, set[str]] = {}
        for name, app, codename in Group.objects.filter(name__in=key).values_list(
            "name", "permissions__content_type__app_label", "permissions__codename"
        ):
            if codename:
                perms.setdefault(name, set()).add(f"{app}.{codename}")
        return perms

    return _perms_cache.get(None if versions is None else versions[0], key, load)


def scope_for(user) -> Scope:
    """The user's scope, kept on the user object for the request and per process while the shared
    version holds (a grant or a role's permissions changed anywhere: every process re-reads).
    Whether the user is active or a superuser is read from the user row of this request."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Scope()
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    if user.is_superuser:
        scope = Scope(unrestricted=True)
    else:
        # With the sign-up time, an id reused after a rolled-back transaction never hits; with the
        # date, a grant whose term ends (or starts) at midnight changes the scope without any save.
        today = local_today()
        key = (user.pk, getattr(user, "date_joined", None), today)
        scope = _scopes.get(shared_version(), key, lambda: _build_scope(user, today))
    setattr(user, _CACHE_ATTR, scope)
    return scope


def local_today():
    """Today in the portal's time zone (Asia/Shanghai): the date grant terms are read against."""
    from django.utils import timezone

    return timezone.localdate(timezone=timezone.get_default_timezone())


def grants_in_force(queryset, today):
    """The grants of ``queryset`` whose term (starts_on..ends_on, inclusive, open when null) holds today."""
    from django.db.models import Q

    return queryset.filter(Q(starts_on__isnull=True) | Q(starts_on__lte=today),
                           Q(ends_on__isnull=True) | Q(ends_on__gte=today))


def _build_scope(user, today=None) -> Scope:
    scope = Scope()
    grants = list(grants_in_force(user.grants.all(), today or local_today())
                  .values_list("role", "area__code", "area__level"))
    group_perms = _group_perms({role for role, _code, _level in grants}) if grants else {}
    by_perm: dict[str, set[str]] = {}
    for role, code, level in grants:
        prefix = code[: LEVEL_PREFIX[level]]
        scope.roles.setdefault(role, []).append((prefix, level, code))
        for perm in group_perms.get(role, ()):
            if level == AreaLevel.CITY:
                scope.city_perms.add(perm)
            else:
                by_perm.setdefault(perm, set()).add(prefix)
    # Shared between requests: the prefix sets are frozen so no caller can change another's scope.
    scope.by_perm = {perm: frozenset(prefixes) for perm, prefixes in by_perm.items()}
    return scope


def forget_scope(user) -> None:
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def user_changed(sender, update_fields=None, **kwargs) -> None:
    """A saved user may have been deactivated or had their rights changed; a sign-in only
    stamps ``last_login``, which changes nothing kept."""
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return
    access_changed()
