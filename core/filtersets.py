import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field

from .choices import AreaKind, AreaLevel, FindingStatus, Severity
from .models import Area, AuditEvent, Finding, StaffProfile, prefix_of_code, significant_prefix

FIRST_YEAR, LAST_YEAR = 1900, 2100


@extend_schema_field({"type": "integer", "minimum": FIRST_YEAR, "maximum": LAST_YEAR})
class YearFilter(django_filters.Filter):
    """A year (of a year field, or of a date field through ``field_name="…__year"`` / ``lookup_expr="year"``):
    a whole number in [FIRST_YEAR, LAST_YEAR], else 400 with the field's message. A NumberFilter would pass
    0.5 or -3e16 on to a date's year lookup, which cannot even become SQL (a 500)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, min_value=FIRST_YEAR, max_value=LAST_YEAR, **kwargs)

# A name matching more areas than this ("社区") narrows to the first ones by level (the widest).
NAME_MATCH_LIMIT = 200
WITHIN_LABEL = _("Within area (code, code prefix or name)")


class AreaWithinFilter(django_filters.CharFilter):
    """Rows within an area, given as a 12/15-digit code, a code prefix ("340302") or an area name
    (exact, else contained: "龙子湖" finds 龙子湖区), looked up only among the areas within the
    user's scope: a name or code from elsewhere simply finds nothing, with no error.

    ``field_name`` is the lookup path to the row's area code (``area__code``, ``code`` for areas
    themselves, ``area_code`` for audit events).
    """

    def __init__(self, field_name="area__code", label=None, **kwargs):
        super().__init__(field_name=field_name, label=label or WITHIN_LABEL, **kwargs)

    def _user(self):
        return getattr(getattr(self, "parent", None), "request", None) and self.parent.request.user

    def prefixes(self, value: str) -> list[str]:
        """The code prefixes the value stands for, within the user's scope (empty: nothing)."""
        areas = Area.objects.restrict(self._user(), "view")
        if value.isdigit():
            if len(value) in (12, 15):
                prefix = prefix_of_code(value)
                found = prefix is not None and areas.filter(code=value).exists()
                return [prefix] if found else []
            # A bare prefix: only as much of it as lies within the scope is read (the rows are scoped too).
            return [value] if len(value) <= 15 else []
        exact = list(areas.filter(name=value).values_list("code", "level")[:NAME_MATCH_LIMIT])
        found = exact or list(areas.filter(name__icontains=value).order_by("code")
                              .values_list("code", "level")[:NAME_MATCH_LIMIT])
        prefixes = sorted({significant_prefix(code, level) for code, level in found}, key=len)
        kept: list[str] = []
        for prefix in prefixes:  # a district found with its streets: the district's prefix covers them
            if not any(prefix.startswith(k) for k in kept):
                kept.append(prefix)
        return kept

    def filter(self, qs, value):
        value = (value or "").strip()
        if not value:
            return qs
        prefixes = self.prefixes(value)
        if not prefixes:
            return qs.none()
        q = Q()
        for prefix in prefixes:
            q |= Q(**{f"{self.field_name}__startswith": prefix})
        return qs.filter(q)


def _lazy_label(model, field_name, lookup_expr):
    from django.utils.functional import lazy
    from django_filters.utils import label_for_filter

    return lazy(lambda: label_for_filter(model, field_name, lookup_expr), str)()


class ScopedFilterSet(django_filters.FilterSet):
    """Choices of model filters (areas, teams, …) are limited to the user's scope too.

    A filter built from a model field without a label of its own gets a lazy one: django-filter
    caches the first label it renders, in the language of whichever request came first, so a
    Chinese page could show "Join mode" after an English one had been served."""

    @classmethod
    def filter_for_field(cls, field, field_name, lookup_expr=None):
        found = super().filter_for_field(field, field_name, lookup_expr)
        if found._label is None:
            found.label = _lazy_label(cls._meta.model, field_name, found.lookup_expr)
        return found

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        user = getattr(request, "user", None)
        for f in self.filters.values():
            qs = getattr(f, "queryset", None)
            if qs is not None and hasattr(qs, "restrict"):
                f.queryset = qs.restrict(user, "view")


class AreaFilterSet(ScopedFilterSet):
    q = django_filters.CharFilter(label=_("Name or code"), method="search")
    parent = django_filters.CharFilter(field_name="parent__code", label=_("Parent code"))
    level = django_filters.ChoiceFilter(choices=AreaLevel.choices, label=_("Level"))
    kind = django_filters.ChoiceFilter(choices=AreaKind.choices, label=_("Urban/rural"))
    within = AreaWithinFilter(field_name="code")

    class Meta:
        model = Area
        fields = ["q", "parent", "level", "kind", "within"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(code__startswith=value))



class FindingFilterSet(ScopedFilterSet):
    status = django_filters.ChoiceFilter(choices=FindingStatus.choices, label=_("Status"))
    severity = django_filters.ChoiceFilter(choices=Severity.choices, label=_("Severity"))
    rule = django_filters.CharFilter(label=_("Rule"))
    area = AreaWithinFilter()
    overdue = django_filters.BooleanFilter(label=_("Overdue"), method="filter_overdue")

    class Meta:
        model = Finding
        fields = ["status", "severity", "rule", "area", "overdue"]


    def filter_overdue(self, queryset, name, value):
        from django.utils import timezone

        today = timezone.localdate()
        overdue = Q(status=FindingStatus.OPEN, due_date__lt=today)
        return queryset.filter(overdue) if value else queryset.exclude(overdue)


def _record_types():
    """Every model of the portal's own apps, by its name in the reader's language."""
    from django.apps import apps

    own = {"core", "governance", "volunteers", "reports", "grids", "social_orgs", "child_care"}
    models = [m for m in apps.get_models() if m._meta.app_label in own]
    return sorted(((m._meta.label_lower, str(m._meta.verbose_name)) for m in models), key=lambda c: c[1])


DATE_PICKER = django_filters.widgets.forms.DateInput(attrs={"type": "date"})


class AuditEventFilterSet(ScopedFilterSet):
    actor = django_filters.CharFilter(field_name="actor_label", lookup_expr="icontains", label=_("Person"))
    actor_id = django_filters.NumberFilter(field_name="actor_id", widget=django_filters.widgets.forms.HiddenInput)
    target_type = django_filters.ChoiceFilter(choices=_record_types, label=_("Record type"))
    record = django_filters.CharFilter(field_name="target_label", lookup_expr="icontains", label=_("Record"))
    target_id = django_filters.CharFilter(label=_("Record number"))
    action = django_filters.CharFilter(lookup_expr="startswith", label=_("Action code"))
    area = AreaWithinFilter(field_name="area_code")
    since = django_filters.DateFilter(field_name="created_at", lookup_expr="date__gte", label=_("From"),
                                      widget=DATE_PICKER)
    until = django_filters.DateFilter(field_name="created_at", lookup_expr="date__lte", label=_("To"),
                                      widget=DATE_PICKER)
    request_id = django_filters.CharFilter(label=_("Request id"))

    class Meta:
        model = AuditEvent
        fields = ["actor", "actor_id", "target_type", "record", "target_id", "action", "area", "since", "until",
                  "request_id"]


class StaffFilterSet(ScopedFilterSet):
    q = django_filters.CharFilter(label=_("Name or username"), method="search")
    area = AreaWithinFilter()

    class Meta:
        model = StaffProfile
        fields = ["q", "area"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(full_name__icontains=value) | Q(user__username__icontains=value))

