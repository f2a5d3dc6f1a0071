"""Filters the API builds from a viewset's ``filterset_fields`` (the default filter backend of every API view).

DRF's backend makes them from django-filter's plain ``FilterSet``, whose choice of a related record
(``?matter=``, ``?meeting=``, ``?project=``, ``?dispute=``) is every row of the table: another
district's matter then filtered to an empty page while an id that exists nowhere was refused (400),
which told the caller the other district's id exists. Built on ``ScopedFilterSet`` instead, the
choices are the records within the caller's areas, and both read as "Select a valid choice".
"""

from django_filters import rest_framework as filters

from core.filtersets import ScopedFilterSet


class ScopedAPIFilterSet(ScopedFilterSet, filters.FilterSet):
    """The API's defaults (a boolean field filters as true/false) with the choices within the scope."""


class ScopedFilterBackend(filters.DjangoFilterBackend):
    filterset_base = ScopedAPIFilterSet

