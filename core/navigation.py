"""Navigation by role: each entry appears when the user holds its permission somewhere.

Apps add their entries in ``<app>/navigation.py`` as ``ENTRIES = [NavEntry(...)]``.
"""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from .discovery import app_modules
from .scope import scope_for


@dataclass(frozen=True)
class NavEntry:
    label: str
    url_name: str
    perm: str
    order: int = 100


CORE_ENTRIES = [
    NavEntry(_("Areas"), "area-list", "core.view_area", 10),
    NavEntry(_("Findings"), "finding-list", "core.view_finding", 90),
    NavEntry(_("Staff"), "staff-list", "core.view_staffprofile", 95),
    NavEntry(_("Audit log"), "audit-list", "core.view_auditevent", 99),
]


def _all_entries():
    entries = list(CORE_ENTRIES)
    for _app, module in app_modules("navigation"):
        entries.extend(getattr(module, "ENTRIES", []))
    return sorted(entries, key=lambda e: e.order)


def navigation_for(user):
    scope = scope_for(user)
    out = []
    for entry in _all_entries():
        if scope.has_perm_somewhere(entry.perm):
            try:
                out.append({"label": entry.label, "url": reverse(entry.url_name), "name": entry.url_name})
            except NoReverseMatch:
                continue
    return out
