"""Scoped reads: one queryset method turns a user's grants into one ``Q`` (after NetBox).

Where a row lies is declared once, on the model: ``scope_field`` is the path to the row's
``core.Area`` (default ``"area"``; ``"team__area"`` for a row that lies where its team lies; ``""``
for an area itself; ``None`` for a city-wide model). ``restrict`` below and the recorded writes
(core.recorded) read the same declaration through ``area_path``/``code_path``. A queryset that
still declares its own ``scope_field`` (the lookup to the area *code*) is honoured as before.
"""

from django.db import models

from .scope import scope_for


def perm_name(model, action: str) -> str:
    """``app.action_model``: the permission for ``action`` ("view", "add", "change", "delete") on ``model``."""
    return f"{model._meta.app_label}.{action}_{model._meta.model_name}"

DEFAULT_SCOPE_FIELD = "area"
_UNSET = object()


def code_path(model, queryset_class=None):
    """The lookup from a row of ``model`` to its area's 12/15-digit code (None: city-wide)."""
    declared = getattr(model, "scope_field", _UNSET)
    if declared is not _UNSET:
        if declared is None:
            return None
        return f"{declared}__code" if declared else "code"
    if queryset_class is None:
        queryset_class = getattr(model._default_manager, "_queryset_class", None)
    declared = getattr(queryset_class, "scope_field", _UNSET)
    return f"{DEFAULT_SCOPE_FIELD}__code" if declared is _UNSET else declared


def area_path(model):
    """The path from a row of ``model`` to its ``core.Area`` ("" for an area itself; None when the
    row has no area: city-wide, or scoped by a bare code)."""
    path = code_path(model)
    if path is None:
        return None
    if path == "code":
        return ""
    return path[: -len("__code")] if path.endswith("__code") else None


class RestrictedQuerySet(models.QuerySet):
    """A queryset whose rows belong to places.

    ``restrict(user, action)`` keeps the rows within the areas where the user holds a role with
    the model permission for ``action``; the rows' area is the model's ``scope_field`` (above).
    """

    scope_field = "area__code"  # legacy: a queryset-level lookup to the area code; the model's declaration wins

    def restrict(self, user, action: str = "view"):
        scope = scope_for(user)
        perm = perm_name(self.model, action)
        prefixes = scope.prefixes_for(perm)
        if prefixes is None:  # unrestricted: superuser or a city-level grant
            return self.all()
        if not prefixes:
            return self.none()
        path = code_path(self.model, type(self))
        if path is None:  # a city-wide model: only unrestricted holders see its rows
            return self.none()
        q = models.Q()
        for prefix in prefixes:
            q |= models.Q(**{f"{path}__startswith": prefix})
        return self.filter(q)


def restrict_related(queryset, user, action: str = "view"):
    """The rows of ``queryset`` the user may pick as a related object: its model's own scope when it
    has one (``restrict``); a model without an area scope (a category, a quorum rule) is left whole."""
    if hasattr(queryset, "restrict"):
        return queryset.restrict(user, action)
    return queryset


def within_scope_of(perm: str, *code_lookups: str):
    """A declared restriction for a related model without an area scope of its own (user accounts,
    for instance): keep the rows one of whose ``code_lookups`` (paths to an area code) lies within
    the areas where the user holds ``perm``. Returns ``restrict(queryset, user)``."""

    def restrict(queryset, user):
        prefixes = scope_for(user).prefixes_for(perm)
        if prefixes is None:
            return queryset
        q = models.Q()
        for lookup in code_lookups:
            for prefix in prefixes:
                q |= models.Q(**{f"{lookup}__startswith": prefix})
        return queryset.filter(q).distinct() if q else queryset.none()

    return restrict


def require_visible(actor, *objects, action: str = "view") -> None:
    """Every object a service is handed (a team, a volunteer, a shift…) lies within the actor's
    scope for ``action`` on its model, or it does not exist for the actor (404, the same answer as
    an unknown id). ``None`` entries (optional relations) and models without an area scope pass;
    ``actor=None`` (system jobs) passes."""
    if actor is None:
        return
    from django.utils.translation import gettext as _

    from .exceptions import OutOfScope

    by_model: dict[type, set] = {}
    for obj in objects:
        if obj is not None:
            by_model.setdefault(type(obj), set()).add(obj.pk)
    for model, pks in by_model.items():  # one query per model, however many objects
        manager = model._default_manager
        if not hasattr(manager.get_queryset(), "restrict"):
            continue
        if manager.restrict(actor, action).filter(pk__in=pks).count() != len(pks):
            raise OutOfScope(_("No such record."))
