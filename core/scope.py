"""A user's grants, resolved once per request: which area prefixes each permission reaches.

A grant of a role at an area covers the area and all its descendants (codes starting with the
area's significant prefix). A grant at the city covers everything, including records with no
area (audit events of user management, for instance).
"""

import functools
import logging
import threading
import uuid
import weakref
from dataclasses import dataclass, field

from django.contrib.auth.models import Group
from django.db import DEFAULT_DB_ALIAS, connections, transaction

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
    or loads it (``load()``) and keeps it unless it is None; a new version starts afresh. Bounded:
    when full, it is emptied rather than grown. Safe to share between threads (gthread workers).

    Nothing is kept when there is no version (the cache is unreachable: what was kept is dropped,
    since a change made meanwhile could not bump the version), nor while the database connection is
    inside a transaction: the rows read there may be uncommitted and rolled back, and a change made
    in it bumps the shared version only once it commits (``transaction.on_commit``)."""

    _instances: "weakref.WeakSet[Kept]" = weakref.WeakSet()

    def __init__(self, limit: int = 10_000):
        self.limit, self.version, self.values = limit, None, {}
        self._lock = threading.Lock()
        Kept._instances.add(self)

    @classmethod
    def instances(cls) -> list["Kept"]:
        return list(cls._instances)

    def get(self, version, key, load):
        if version is None:
            self.clear()
            return load()
        if in_transaction():
            return load()
        with self._lock:
            if self.version == version:
                value = self.values.get(key)
                if value is not None:
                    return value
        value = load()
        if value is None:  # nothing found: found again next time, never kept
            return None
        with self._lock:
            if self.version != version:
                self.version, self.values = version, {}
            if len(self.values) >= self.limit:
                self.values = {}
            self.values[key] = value
        return value

    def clear(self) -> None:
        with self._lock:
            self.version, self.values = None, {}


def in_transaction(using=DEFAULT_DB_ALIAS) -> bool:
    """Whether the connection is inside an atomic block of the application (a test case's own
    wrapping transaction stands for committed data and does not count)."""
    conn = connections[using]
    return any(not getattr(block, "_from_testcase", False) for block in conn.atomic_blocks)


def _clear_local() -> None:
    for kept in Kept.instances():
        kept.clear()
    _request_memo.versions = None


_perms_cache = Kept()  # the roles' permissions, under the roles version
_scopes = Kept()  # users' scopes, under both versions


_request_memo = threading.local()  # the versions read once per request (between the request signals)
log = logging.getLogger(__name__)


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
        if _pending:
            _retry_pending_bumps(cache)
        found = cache.get_many([_ROLES_KEY, _ACCESS_KEY])
        for key in (_ROLES_KEY, _ACCESS_KEY):
            if key not in found:
                cache.add(key, uuid.uuid4().hex, None)
                found[key] = cache.get(key)
        versions = (found[_ROLES_KEY], found[_ACCESS_KEY])
    except Exception:  # a cache outage must not stop sign-in: read the database instead
        log.debug("shared versions unreadable: kept values are not used", exc_info=True)
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


_pending: set[str] = set()  # versions whose bump did not reach the cache, retried on the next read
_pending_lock = threading.Lock()


def _write_version(key: str) -> None:
    """A new value for the shared version ``key``; if the cache does not take it (unreachable),
    the bump is retried before this process next reads the versions: a lost bump would let other
    processes keep what they kept before the outage."""
    from django.core.cache import cache

    new = uuid.uuid4().hex
    try:
        cache.set(key, new, None)
        written = cache.get(key) == new
    except Exception:
        written = False
    with _pending_lock:
        (_pending.discard if written else _pending.add)(key)


def _retry_pending_bumps(cache) -> None:
    with _pending_lock:
        keys = list(_pending)
    for key in keys:
        _write_version(key)


def _bump(key: str) -> None:
    """A change that invalidates what is kept under the shared version ``key``.

    This process drops what it keeps at once (its own reads in the writing transaction must see the
    change). The shared version is bumped now and again once the transaction commits: a process
    that reloads before the commit still reads the old rows (the change is not visible to it yet),
    and only the bump after the commit makes it read again. A rolled-back change bumps once,
    harmlessly; nothing read inside the transaction was kept (``Kept``)."""
    _clear_local()
    _write_version(key)

    def after_commit():
        _clear_local()
        _write_version(key)

    if in_transaction():
        transaction.on_commit(after_commit, robust=True)


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


def role_permissions(role: str) -> frozenset[str]:
    """The permissions ("app.codename") a role's group holds now: the public way for apps to ask what a
    role allows (kept per process under the roles' version, like the rest of the scope)."""
    return frozenset(_group_perms({role}).get(role, ()))


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
                by_perm.setdefault(perm, set()).add(prefix[: _reach(perm)])
    # Shared between requests: the prefix sets are frozen so no caller can change another's scope.
    scope.by_perm = {perm: frozenset(prefixes) for perm, prefixes in by_perm.items()}
    return scope


@functools.cache
def _reach(perm: str) -> int:
    """How many digits of a grant's prefix count for ``perm``: all of them, unless the permission's
    model declares ``grants_reach_up_to = AreaLevel.X`` (its records lie at that level: a matter lies
    at a community), in which case a grant at a finer area (a grid) covers the records of the X that
    contains it, and nothing beyond. Only that model's permissions are affected."""
    from django.apps import apps

    app_label, _dot, codename = perm.partition(".")
    _action, _sep, model_name = codename.partition("_")
    try:
        model = apps.get_model(app_label, model_name)
    except (LookupError, ValueError):
        return max(LEVEL_PREFIX.values())
    level = getattr(model, "grants_reach_up_to", None)
    return LEVEL_PREFIX[level] if level else max(LEVEL_PREFIX.values())


def forget_scope(user) -> None:
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def user_changed(sender, update_fields=None, **kwargs) -> None:
    """A saved user may have been deactivated or had their rights changed; a sign-in only
    stamps ``last_login``, which changes nothing kept."""
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return
    access_changed()
