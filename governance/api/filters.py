"""Filters the governance API builds from a viewset's ``filterset_fields``.

DRF's backend makes them from django-filter's plain ``FilterSet``, whose choice of a related record
(``?matter=``, ``?meeting=``, ``?project=``, ``?dispute=``) is every row of the table: another
district's matter then filtered to an empty page while an id that exists nowhere was refused (400),
which told the caller the other district's id exists. Built on ``ScopedFilterSet`` instead, the
choices are the records within the caller's areas, and both read as "Select a valid choice".
"""

from django_filters import rest_framework as filters
from rest_framework.settings import api_settings

from core.filtersets import ScopedFilterSet


class ScopedAPIFilterSet(ScopedFilterSet, filters.FilterSet):
    """The API's defaults (a boolean field filters as true/false) with the choices within the scope."""


class ScopedFilterBackend(filters.DjangoFilterBackend):
    filterset_base = ScopedAPIFilterSet


# The project's default backends, with the automatic filter sets scoped.
FILTER_BACKENDS = [ScopedFilterBackend if backend is filters.DjangoFilterBackend else backend
                   for backend in api_settings.DEFAULT_FILTER_BACKENDS]
