"""Find each installed app's optional module of a given name (indicators, supervision, demo, …)."""

from functools import lru_cache
from importlib import import_module
from types import ModuleType

from django.apps import apps


def app_modules(name: str, app_names=None) -> list[tuple[str, ModuleType]]:
    """[(app name, module)] for every app (or those named, in that order) that has ``<app>.<name>``.

    A module that exists but fails to import raises: only a missing module is skipped.
    """
    names = app_names if app_names is not None else [c.name for c in apps.get_app_configs()]
    return list(_find(name, tuple(names)))


@lru_cache(maxsize=256)
def _find(name: str, names: tuple[str, ...]) -> tuple[tuple[str, ModuleType], ...]:
    # Cached: a missing module is searched for on disk each time (the navigation asks on every
    # page), and the installed apps do not change while the process runs.
    found = []
    for app in names:
        try:
            found.append((app, import_module(f"{app}.{name}")))
        except ModuleNotFoundError as exc:
            if exc.name != f"{app}.{name}":
                raise
    return tuple(found)
