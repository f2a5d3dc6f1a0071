"""Navigation by role: each entry appears when the user holds its permission somewhere.

Apps add their entries in ``<app>/navigation.py`` as ``ENTRIES = [NavEntry(...)]``.
"""

from dataclasses import dataclass

from django.urls import NoReverseMatch, get_script_prefix, reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
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


_URLS: dict = {}  # (script prefix, url name) -> path, or None when it does not reverse
_MENUS: dict = {}  # (entries, language, script prefix, current page) -> the menu's HTML
_MENU_LIMIT = 2000


def _url(name: str):
    key = (get_script_prefix(), name)
    if key not in _URLS:
        try:
            _URLS[key] = reverse(name)
        except NoReverseMatch:
            _URLS[key] = None
    return _URLS[key]


class Menu(list):
    """The entries a user sees (a list of {label, url, name}), and their HTML for the page being shown,
    built once per process for each set of entries, language and page: every page renders the menu,
    and ~30 reverse() calls and lazy labels per request were a third of a light page's time."""

    def html(self, current: str | None):
        key = (tuple(item["name"] for item in self), get_language(), get_script_prefix(), current or "")
        html = _MENUS.get(key)
        if html is None:
            html = mark_safe("".join(
                format_html('<li class="nav-item"><a class="nav-link{}" href="{}">{}</a></li>',
                            " active" if item["name"] == current else "", item["url"], item["label"])
                for item in self))
            if len(_MENUS) >= _MENU_LIMIT:
                _MENUS.clear()
            _MENUS[key] = html
        return html


def navigation_for(user) -> Menu:
    scope = scope_for(user)
    out = Menu()
    for entry in _all_entries():
        if scope.has_perm_somewhere(entry.perm):
            url = _url(entry.url_name)
            if url is not None:
                out.append({"label": entry.label, "url": url, "name": entry.url_name})
    return out
