import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.filtersets import AreaWithinFilter, ScopedFilterSet

from .choices import DisputeOutcome, DisputeType, Stage, Track
from .models import Category, Dispute, Matter


class MatterFilterSet(ScopedFilterSet):
    q = django_filters.CharFilter(label=_("Title or reference"), method="search")
    stage = django_filters.ChoiceFilter(choices=Stage.choices, label=_("Stage"))
    track = django_filters.ChoiceFilter(choices=Track.choices, label=_("Track"))
    category = django_filters.ModelChoiceFilter(queryset=Category.objects.all(), label=_("Category"))
    area = AreaWithinFilter()
    overdue = django_filters.BooleanFilter(label=_("Answer overdue"), method="filter_overdue")

    class Meta:
        model = Matter
        fields = ["q", "stage", "track", "category", "area", "overdue"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(ref__startswith=value))

    def filter_overdue(self, queryset, name, value):
        overdue = Q(stage=Stage.RAISED, response_due__lt=timezone.localdate())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)


class DisputeFilterSet(ScopedFilterSet):
    dispute_type = django_filters.ChoiceFilter(choices=DisputeType.choices, label=_("Type"))
    outcome = django_filters.ChoiceFilter(choices=DisputeOutcome.choices, label=_("Outcome"))
    year = django_filters.NumberFilter(field_name="received_on", lookup_expr="year", label=_("Year received"))
    area = AreaWithinFilter()

    class Meta:
        model = Dispute
        fields = ["dispute_type", "outcome", "year", "area"]
