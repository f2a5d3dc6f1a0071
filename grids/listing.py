"""What keeps the incident list fast at a city's million incidents (bench/grids_incidents.py).

- The on-time counters above the list are one grouped query over everything the list's filters match
  (50 ms for a street's 27,000 incidents, 150 ms for a district's 270,000): they are kept in the cache
  under the versions of the areas of the user's scope. Any change of an incident (``post_save`` /
  ``post_delete``, after commit) gives its grid, community, street, district and city a new version, so
  a user never sees counters older than the last change within their scope; the pending classes depend
  on the day, which is part of the key; an entry lives ``COUNTERS_TTL`` at most (a change that bypasses
  the model, such as a bulk update, shows within that time). Their sum is the list's count, so the page
  makes no ``COUNT(*)`` of its own.
"""

import hashlib
import uuid

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from core.choices import LEVEL_PREFIX

COUNTERS_TTL = 600
_VERSION = "grids:incidents:v:"


def _prefixes_of(code: str) -> set[str]:
    """The scope prefixes that contain an area's code (every level's, and "" for the unrestricted)."""
    return {""} | {code[:n] for n in LEVEL_PREFIX.values() if n <= len(code)}


def changed(area_code: str) -> None:
    """An incident of ``area_code`` changed: new versions for every scope that contains it, after commit."""
    keys = [_VERSION + p for p in _prefixes_of(area_code)]

    def bump():
        token = uuid.uuid4().hex
        cache.set_many(dict.fromkeys(keys, token), timeout=None)

    transaction.on_commit(bump)


def _versions(prefixes) -> list[str]:
    keys = [_VERSION + p for p in sorted(prefixes)]
    found = cache.get_many(keys)
    for key in keys:
        if key not in found:  # never changed since the cache was emptied: a fresh version, kept
            cache.add(key, uuid.uuid4().hex, timeout=None)
            found[key] = cache.get(key) or ""
    return [found[k] for k in keys]


def cached_counts(prefixes, params, compute) -> dict:
    """``compute()`` (a dict of counts) for a scope (None: unrestricted) and the list's filter ``params`` (a
    QueryDict),
    from the cache while no incident of the scope has changed today."""
    scope = [""] if prefixes is None else sorted(prefixes)
    if not scope:
        return compute()
    filters = sorted((k, tuple(v)) for k, v in params.lists() if k not in ("page", "sort", "export"))
    raw = repr((scope, _versions(scope), filters, timezone.localdate().isoformat()))
    key = "grids:incidents:counters:" + hashlib.sha256(raw.encode()).hexdigest()
    counts = cache.get(key)
    if counts is None:
        counts = compute()
        cache.set(key, counts, timeout=COUNTERS_TTL)
    return counts


def _incident_saved(sender, instance, **kwargs):
    from core.models import Area

    code = instance.area.code if "area" in instance._state.fields_cache else (
        Area.objects.filter(pk=instance.area_id).values_list("code", flat=True).first() or "")
    changed(code)


def connect():
    from django.db.models.signals import post_delete, post_save

    from .models import Incident

    post_save.connect(_incident_saved, sender=Incident, dispatch_uid="grids.incident_counters")
    post_delete.connect(_incident_saved, sender=Incident, dispatch_uid="grids.incident_counters_delete")
