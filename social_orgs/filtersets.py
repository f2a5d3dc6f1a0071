import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from core.filtersets import ScopedFilterSet
from core.models import Area

from .choices import ListingReason, ListingStatus, ListType, OrgKind, OrgStatus, OrgType
from .models import CreditListing, Organisation


def _within(queryset, path, value):
    area = Area.objects.filter(code=value).only("code", "level").first()
    return queryset.filter(**{f"{path}__code__startswith": area.prefix}) if area else queryset.none()


class OrganisationFilterSet(ScopedFilterSet):
    q = django_filters.CharFilter(label=_("Name or code"), method="search")
    org_type = django_filters.ChoiceFilter(label=_("Type"), choices=OrgType.choices)
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=OrgKind.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=OrgStatus.choices)
    area = django_filters.CharFilter(label=_("Within area (code)"), method="filter_area")
    listed = django_filters.ChoiceFilter(label=_("On a credit list"), choices=ListType.choices, method="filter_listed")

    class Meta:
        model = Organisation
        fields = ["q", "org_type", "kind", "status", "area", "listed"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__contains=value) | Q(uscc__startswith=value.upper()))

    def filter_area(self, queryset, name, value):
        return _within(queryset, "area", value)

    def filter_listed(self, queryset, name, value):
        return queryset.filter(Exists(CreditListing.objects.filter(organisation=OuterRef("pk"), list_type=value,
                                                                   status=ListingStatus.LISTED)))


class ListingFilterSet(ScopedFilterSet):
    q = django_filters.CharFilter(label=_("Social organisation"), field_name="organisation__name", lookup_expr="contains")
    list_type = django_filters.ChoiceFilter(label=_("List"), choices=ListType.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ListingStatus.choices)
    reason = django_filters.ChoiceFilter(label=_("Ground"), choices=ListingReason.choices)
    area = django_filters.CharFilter(label=_("Within area (code)"), method="filter_area")

    class Meta:
        model = CreditListing
        fields = ["q", "list_type", "status", "reason", "area"]

    def filter_area(self, queryset, name, value):
        return _within(queryset, "organisation__area", value)
