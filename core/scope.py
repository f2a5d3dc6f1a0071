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


# One shared version covers the roles' permissions, every user's grants and the API tokens' users:
# any change to them bumps it (signals in core.apps), and each process then re-reads.
_PERMS_VERSION_KEY = "core:scope-version"
_perms_cache: dict = {"version": None, "by_roles": {}}
_scopes: dict = {"version": None, "by_user": {}}
_MAX_CACHED_SCOPES = 10_000


_request_memo = threading.local()  # the version read once per request (between the request signals)


def request_started(**kwargs) -> None:
    _request_memo.active, _request_memo.version = True, None


def request_finished(**kwargs) -> None:
    _request_memo.active, _request_memo.version = False, None


def shared_version() -> str | None:
    """The shared version of grants, roles' permissions and API tokens' users (None: the cache is
    unreachable). Read once per request; outside requests (tasks, commands) at every call."""
    memo = _request_memo.version if getattr(_request_memo, "active", False) else None
    if memo is not None:
        return memo
    from django.core.cache import cache

    try:
        version = cache.get(_PERMS_VERSION_KEY)
        if version is None:
            cache.add(_PERMS_VERSION_KEY, uuid.uuid4().hex, None)
            version = cache.get(_PERMS_VERSION_KEY)
    except Exception:  # a cache outage must not stop sign-in: read the database instead
        return None
    if getattr(_request_memo, "active", False):
        _request_memo.version = version
    return version


def access_changed(**kwargs) -> None:
    """Signal receiver: a group, its permissions, a grant, a user, a token or the schema changed;
    every process re-reads what it kept (scopes, roles' permissions, API tokens' users)."""
    from django.core.cache import cache

    _perms_cache["version"], _perms_cache["by_roles"] = None, {}
    _scopes["version"], _scopes["by_user"] = None, {}
    _request_memo.version = None
    with contextlib.suppress(Exception):  # unreachable cache: readers fall back to the database
        cache.set(_PERMS_VERSION_KEY, uuid.uuid4().hex, None)


def _group_perms(roles) -> dict[str, set[str]]:
    """The permissions of the named roles' groups, kept per process while the shared version holds.

    Every request needs them and they change only when an administrator edits a group, runs
    ``sync_roles`` or migrates (signals bump the version in the shared cache, so every worker
    re-reads). Only the named roles' groups are read: all of them would be ~1,500 rows.
    """
    version = shared_version()
    key = frozenset(roles)
    if version is not None:
        if _perms_cache["version"] != version:
            _perms_cache["version"], _perms_cache["by_roles"] = version, {}
        cached = _perms_cache["by_roles"].get(key)
        if cached is not None:
            return cached
    perms: dict[str, set[str]] = {}
    for name, app, codename in Group.objects.filter(name__in=key).values_list(
        "name", "permissions__content_type__app_label", "permissions__codename"
    ):
        if codename:
            perms.setdefault(name, set()).add(f"{app}.{codename}")
    if version is not None:
        _perms_cache["by_roles"][key] = perms
    return perms


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
        version = shared_version()
        if version is not None and _scopes["version"] != version:
            _scopes["version"], _scopes["by_user"] = version, {}
        # With the sign-up time, an id reused after a rolled-back transaction never hits.
        key = (user.pk, getattr(user, "date_joined", None))
        scope = _scopes["by_user"].get(key) if version is not None else None
        if scope is None:
            scope = _build_scope(user)
            if version is not None:
                if len(_scopes["by_user"]) >= _MAX_CACHED_SCOPES:
                    _scopes["by_user"] = {}
                _scopes["by_user"][key] = scope
    setattr(user, _CACHE_ATTR, scope)
    return scope


def _build_scope(user) -> Scope:
    scope = Scope()
    grants = list(user.grants.values_list("role", "area__code", "area__level"))
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
