"""Scoped reads: one queryset method turns a user's grants into one ``Q`` (after NetBox)."""

from django.db import models

from .scope import scope_for


class RestrictedQuerySet(models.QuerySet):
    """A queryset whose rows belong to places.

    ``scope_field`` is the lookup path to the 12/15-digit code of the row's area; the default
    follows an ``area`` foreign key. ``restrict(user, action)`` keeps the rows within the areas
    where the user holds a role with the model permission for ``action``.
    """

    scope_field = "area__code"

    def restrict(self, user, action: str = "view"):
        scope = scope_for(user)
        perm = f"{self.model._meta.app_label}.{action}_{self.model._meta.model_name}"
        prefixes = scope.prefixes_for(perm)
        if prefixes is None:  # unrestricted: superuser or a city-level grant
            return self.all()
        if not prefixes:
            return self.none()
        q = models.Q()
        for prefix in prefixes:
            q |= models.Q(**{f"{self.scope_field}__startswith": prefix})
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
