import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.filtersets import AreaWithinFilter, ScopedFilterSet
from core.filtersets import YearFilter as CoreYearFilter

from .choices import CadreRating, Capacity, DisputeOutcome, DisputeType, PointsSubject, Stage, Track
from .models import BodyMember, CadreReview, Category, CommunitySetting, Dispute, Matter, PointsEntry

POINTS_EVENTS = [("attendance", _("Attendance")), ("task_done", _("Task done")),
                 ("answered_on_time", _("Answered on time")), ("dispute_resolved", _("Dispute resolved"))]


class YearFilter(CoreYearFilter):
    """core's YearFilter on a date field: the calendar year of the date."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("lookup_expr", "year")
        super().__init__(*args, **kwargs)


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
    year = YearFilter(field_name="received_on", label=_("Year received"))
    area = AreaWithinFilter()

    class Meta:
        model = Dispute
        fields = ["dispute_type", "outcome", "year", "area"]


# --- the bodies' records: cadre reviews, points, rosters, settings, supervision committees ---------------
class CadreReviewFilterSet(ScopedFilterSet):
    year = django_filters.NumberFilter(label=_("Year"))
    verdict = django_filters.ChoiceFilter(choices=CadreRating.choices, label=_("Verdict"))
    area = AreaWithinFilter()

    class Meta:
        model = CadreReview
        fields = ["year", "verdict", "area"]


class PointsFilterSet(ScopedFilterSet):
    q = django_filters.CharFilter(field_name="subject", lookup_expr="icontains", label=_("Subject"))
    subject_kind = django_filters.ChoiceFilter(choices=PointsSubject.choices, label=_("Subject type"))
    event = django_filters.ChoiceFilter(choices=POINTS_EVENTS, label=_("Event"))
    year = YearFilter(field_name="created_at", label=_("Year"))
    area = AreaWithinFilter()

    class Meta:
        model = PointsEntry
        fields = ["q", "subject_kind", "event", "year", "area"]


class BodyMemberFilterSet(ScopedFilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("Name"))
    capacity = django_filters.ChoiceFilter(choices=Capacity.choices, label=_("Body"))
    current = django_filters.BooleanFilter(label=_("In office today"), method="filter_current")
    area = AreaWithinFilter()

    class Meta:
        model = BodyMember
        fields = ["q", "capacity", "current", "area"]

    def filter_current(self, queryset, name, value):
        today = timezone.localdate()
        current = Q(term_start__lte=today) & (Q(term_end__isnull=True) | Q(term_end__gte=today))
        return queryset.filter(current) if value else queryset.exclude(current)


class CommunitySettingFilterSet(ScopedFilterSet):
    secretary_is_director = django_filters.BooleanFilter(label=_("Secretary is also director (一肩挑)"))
    area = AreaWithinFilter()

    class Meta:
        model = CommunitySetting
        fields = ["secretary_is_director", "area"]
