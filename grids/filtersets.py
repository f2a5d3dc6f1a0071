import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.filtersets import ScopedFilterSet
from core.models import Area

from .choices import (
    AdmissionState,
    GridType,
    OnTime,
    PostType,
    Priority,
    Source,
    State,
    TaskState,
    WindowState,
    WorkerStatus,
)
from .models import (
    AdmissionRequest,
    Certificate,
    CertificateType,
    CommunityTask,
    CommunityWorker,
    GridProfile,
    Incident,
    IncidentCategory,
    PostQuota,
    ServiceItem,
    WindowRequest,
)


def _within(queryset, value, field="area__code"):
    area = Area.objects.filter(code=value).first()
    return queryset.filter(**{f"{field}__startswith": area.prefix}) if area else queryset.none()


class WithinFilterSet(ScopedFilterSet):
    area = django_filters.CharFilter(label=_("Within area (code)"), method="filter_area")

    def filter_area(self, queryset, name, value):
        return _within(queryset, value)


class GridProfileFilterSet(WithinFilterSet):
    q = django_filters.CharFilter(label=_("Name or code"), method="search")
    grid_type = django_filters.ChoiceFilter(choices=GridType.choices, label=_("Grid type"))
    published = django_filters.BooleanFilter(label=_("Contact board published"))

    class Meta:
        model = GridProfile
        fields = ["q", "grid_type", "published", "area"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(area__name__icontains=value) | Q(area__code__startswith=value))


class WorkerFilterSet(WithinFilterSet):
    q = django_filters.CharFilter(field_name="staff__full_name", lookup_expr="icontains", label=_("Worker name"))
    post_type = django_filters.ChoiceFilter(choices=PostType.choices, label=_("Post type"))
    status = django_filters.ChoiceFilter(choices=WorkerStatus.choices, label=_("Status"))
    is_generalist = django_filters.BooleanFilter(label=_("Generalist (全科)"))

    class Meta:
        model = CommunityWorker
        fields = ["q", "post_type", "status", "is_generalist", "area"]


class QuotaFilterSet(WithinFilterSet):
    year = django_filters.NumberFilter(label=_("Quota year"))
    with_vacancies = django_filters.BooleanFilter(label=_("With vacant posts"), method="filter_vacant")

    class Meta:
        model = PostQuota
        fields = ["year", "with_vacancies", "area"]

    def filter_vacant(self, queryset, name, value):
        return queryset.filter(vacant__gt=0) if value else queryset.filter(vacant=0)


class IncidentFilterSet(WithinFilterSet):
    q = django_filters.CharFilter(label=_("Reference or text"), method="search")
    state = django_filters.ChoiceFilter(choices=State.choices, label=_("State"))
    source = django_filters.ChoiceFilter(choices=Source.choices, label=_("Source"))
    priority = django_filters.ChoiceFilter(choices=Priority.choices, label=_("Priority"))
    category = django_filters.ModelChoiceFilter(
        queryset=IncidentCategory.objects.filter(parent__isnull=False).select_related("parent"), label=_("Category"))
    on_time = django_filters.ChoiceFilter(choices=OnTime.choices, label=_("On time"), method="filter_on_time")

    class Meta:
        model = Incident
        fields = ["q", "state", "source", "priority", "category", "on_time", "area"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(ref__startswith=value) | Q(description__icontains=value) | Q(place__icontains=value))

    def filter_on_time(self, queryset, name, value):
        return queryset.with_on_time_class(timezone.localdate()).filter(on_time_class=value)


# --- one window, burden reduction, certificates ------------------------------------------------------------
class WindowFilterSet(WithinFilterSet):
    q = django_filters.CharFilter(label=_("Reference, resident or request"), method="search")
    state = django_filters.ChoiceFilter(choices=WindowState.choices, label=_("State"))
    item = django_filters.ModelChoiceFilter(queryset=ServiceItem.objects.all(), label=_("Service item"))
    overdue = django_filters.BooleanFilter(label=_("Past its target date"), method="filter_overdue")
    received_from = django_filters.DateFilter(field_name="received_at__date", lookup_expr="gte",
                                              label=_("Received from"))
    received_to = django_filters.DateFilter(field_name="received_at__date", lookup_expr="lte", label=_("Received to"))

    class Meta:
        model = WindowRequest
        fields = ["q", "state", "item", "overdue", "received_from", "received_to", "area"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(ref__startswith=value) | Q(resident_name__icontains=value)
                               | Q(request__icontains=value))

    def filter_overdue(self, queryset, name, value):
        late = Q(state=WindowState.BACK_OFFICE, target_date__lt=timezone.localdate())
        return queryset.filter(late) if value else queryset.exclude(late)


class TaskFilterSet(WithinFilterSet):
    q = django_filters.CharFilter(label=_("Department or task"), method="search")
    state = django_filters.ChoiceFilter(choices=TaskState.choices, label=_("State"))
    listed = django_filters.BooleanFilter(label=_("Cites a listed item"), method="filter_listed")

    class Meta:
        model = CommunityTask
        fields = ["q", "state", "listed", "area"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(department__icontains=value) | Q(title__icontains=value))

    def filter_listed(self, queryset, name, value):
        listed = Q(item__isnull=False) | Q(admission__state=AdmissionState.ADMITTED)
        return queryset.filter(listed) if value else queryset.exclude(listed)


class AdmissionFilterSet(WithinFilterSet):
    q = django_filters.CharFilter(label=_("Department or task"), method="search")
    state = django_filters.ChoiceFilter(choices=AdmissionState.choices, label=_("State"))

    class Meta:
        model = AdmissionRequest
        fields = ["q", "state", "area"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(department__icontains=value) | Q(title__icontains=value))


class CertificateFilterSet(WithinFilterSet):
    q = django_filters.CharFilter(label=_("Number or resident"), method="search")
    cert_type = django_filters.ModelChoiceFilter(queryset=CertificateType.objects.filter(allowed=True),
                                                 label=_("Certificate type"))
    issued_from = django_filters.DateFilter(field_name="issued_on", lookup_expr="gte", label=_("Issued from"))
    issued_to = django_filters.DateFilter(field_name="issued_on", lookup_expr="lte", label=_("Issued to"))

    class Meta:
        model = Certificate
        fields = ["q", "cert_type", "issued_from", "issued_to", "area"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(number__startswith=value) | Q(resident_name__icontains=value))
