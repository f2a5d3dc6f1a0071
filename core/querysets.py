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
