import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import AreaKind, AreaLevel, FindingStatus, Severity
from .models import Area, AuditEvent, Finding, StaffProfile


class ScopedFilterSet(django_filters.FilterSet):
    """Choices of model filters (areas, teams, …) are limited to the user's scope too."""

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
    within = django_filters.CharFilter(label=_("Within area (code)"), method="filter_within")

    class Meta:
        model = Area
        fields = ["q", "parent", "level", "kind", "within"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(code__startswith=value))

    def filter_within(self, queryset, name, value):
        area = Area.objects.filter(code=value).first()
        return queryset.filter(code__startswith=area.prefix) if area else queryset.none()


class FindingFilterSet(ScopedFilterSet):
    status = django_filters.ChoiceFilter(choices=FindingStatus.choices, label=_("Status"))
    severity = django_filters.ChoiceFilter(choices=Severity.choices, label=_("Severity"))
    rule = django_filters.CharFilter(label=_("Rule"))
    area = django_filters.CharFilter(label=_("Within area (code)"), method="filter_area")
    overdue = django_filters.BooleanFilter(label=_("Overdue"), method="filter_overdue")

    class Meta:
        model = Finding
        fields = ["status", "severity", "rule", "area", "overdue"]

    def filter_area(self, queryset, name, value):
        area = Area.objects.filter(code=value).first()
        return queryset.filter(area__code__startswith=area.prefix) if area else queryset.none()

    def filter_overdue(self, queryset, name, value):
        from django.utils import timezone

        today = timezone.localdate()
        overdue = Q(status=FindingStatus.OPEN, due_date__lt=today)
        return queryset.filter(overdue) if value else queryset.exclude(overdue)


class AuditEventFilterSet(ScopedFilterSet):
    action = django_filters.CharFilter(lookup_expr="startswith", label=_("Action"))
    actor = django_filters.CharFilter(field_name="actor_label", lookup_expr="icontains", label=_("Actor"))
    target_type = django_filters.CharFilter(label=_("Record type"))
    target_id = django_filters.CharFilter(label=_("Record id"))
    area = django_filters.CharFilter(field_name="area_code", lookup_expr="startswith", label=_("Area code"))
    since = django_filters.DateFilter(field_name="created_at", lookup_expr="date__gte", label=_("From"))
    until = django_filters.DateFilter(field_name="created_at", lookup_expr="date__lte", label=_("To"))
    request_id = django_filters.CharFilter(label=_("Request id"))

    class Meta:
        model = AuditEvent
        fields = ["action", "actor", "target_type", "target_id", "area", "since", "until", "request_id"]


class StaffFilterSet(ScopedFilterSet):
    q = django_filters.CharFilter(label=_("Name or username"), method="search")
    area = django_filters.CharFilter(label=_("Within area (code)"), method="filter_area")

    class Meta:
        model = StaffProfile
        fields = ["q", "area"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(full_name__icontains=value) | Q(user__username__icontains=value))

    def filter_area(self, queryset, name, value):
        area = Area.objects.filter(code=value).first()
        return queryset.filter(area__code__startswith=area.prefix) if area else queryset.none()
