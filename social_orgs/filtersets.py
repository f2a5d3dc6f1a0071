import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from core.filtersets import (
    ScopedFilterSet,
    YearFilter,
)
from core.models import Area

from .choices import (
    ApplicationStatus,
    InspectionKind,
    InspectionMethod,
    ListingReason,
    ListingStatus,
    ListType,
    OrgKind,
    OrgStatus,
    OrgType,
    PlanLevel,
    PlanStatus,
)
from .models import CreditListing, Inspection, InspectionPlan, Organisation, VentureApplication, VentureRound


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


class PlanFilterSet(ScopedFilterSet):
    year = YearFilter(label=_("Year"))
    level = django_filters.ChoiceFilter(label=_("Level"), choices=PlanLevel.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=PlanStatus.choices)
    area = django_filters.CharFilter(label=_("Within area (code)"), method="filter_area")

    class Meta:
        model = InspectionPlan
        fields = ["year", "level", "status", "area"]

    def filter_area(self, queryset, name, value):
        return _within(queryset, "area", value)


class InspectionFilterSet(ScopedFilterSet):
    q = django_filters.CharFilter(label=_("Social organisation"), field_name="organisation__name",
                                  lookup_expr="contains")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=InspectionKind.choices)
    method = django_filters.ChoiceFilter(label=_("Inspection method"), choices=InspectionMethod.choices)
    year = YearFilter(label=_("Year"), field_name="inspected_on", lookup_expr="year")
    area = django_filters.CharFilter(label=_("Within area (code)"), method="filter_area")

    class Meta:
        model = Inspection
        fields = ["q", "kind", "method", "year", "area"]

    def filter_area(self, queryset, name, value):
        return _within(queryset, "organisation__area", value)


class VentureFilterSet(ScopedFilterSet):
    q = django_filters.CharFilter(label=_("Project or applicant"), method="search")
    venture_round = django_filters.ModelChoiceFilter(label=_("Venture-philanthropy round"),
                                                     queryset=VentureRound.objects.all())
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ApplicationStatus.choices)
    year = YearFilter(label=_("Year"), field_name="venture_round__year")

    class Meta:
        model = VentureApplication
        fields = ["q", "venture_round", "status", "year"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(title__contains=value) | Q(organisation__name__contains=value)
                               | Q(applicant_name__contains=value) | Q(host__name__contains=value))


class FeeInspectionFilterSet(ScopedFilterSet):
    from .choices import FeeViolation

    q = django_filters.CharFilter(label=_("Social organisation"), field_name="organisation__name",
                                  lookup_expr="contains")
    year = YearFilter(label=_("Year"), field_name="inspected_on", lookup_expr="year")
    violation = django_filters.ChoiceFilter(label=_("Violation found"), choices=FeeViolation.choices)
    rectification = django_filters.ChoiceFilter(
        label=_("Rectification"), method="filter_rectification",
        choices=[("none", _("Nothing to rectify")), ("open", _("Rectification open")),
                 ("done", _("Rectification verified"))])
    area = django_filters.CharFilter(label=_("Within area (code)"), method="filter_area")

    class Meta:
        model = Inspection
        fields = ["q", "year", "violation", "rectification", "area"]

    def filter_rectification(self, queryset, name, value):
        if value == "none":
            return queryset.filter(violation="")
        if value == "open":
            return queryset.exclude(violation="").filter(rectified_on__isnull=True)
        return queryset.filter(rectified_on__isnull=False)

    def filter_area(self, queryset, name, value):
        return _within(queryset, "organisation__area", value)


class LotteryFundFilterSet(ScopedFilterSet):
    year = YearFilter(label=_("Year"))
    area = django_filters.CharFilter(label=_("Within area (code)"), method="filter_area")

    class Meta:
        from .models import LotteryFund

        model = LotteryFund
        fields = ["year", "area"]

    def filter_area(self, queryset, name, value):
        return _within(queryset, "area", value)


class CentreFilterSet(ScopedFilterSet):
    q = django_filters.CharFilter(label=_("Name"), field_name="name", lookup_expr="contains")
    area = django_filters.CharFilter(label=_("Within area (code)"), method="filter_area")

    class Meta:
        from .models import IncubationCentre

        model = IncubationCentre
        fields = ["q", "area"]

    def filter_area(self, queryset, name, value):
        return _within(queryset, "area", value)


class LotteryAllocationFilterSet(ScopedFilterSet):
    year = YearFilter(label=_("Year"))

    class Meta:
        from .models import SupportGrant

        model = SupportGrant
        fields = ["fund", "year"]


class IncubationFilterSet(ScopedFilterSet):
    class Meta:
        from .models import Incubation

        model = Incubation
        fields = ["centre", "status"]
