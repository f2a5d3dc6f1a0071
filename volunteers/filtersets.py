import django_filters
from django import forms
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from core.filtersets import AreaWithinFilter, ScopedFilterSet

from .choices import ApplicationStatus, RecordStatus, SocialWorkLevel, TrainingTopic, VolunteerStatus
from .models import (
    Activity,
    ServiceHourRecord,
    SocialWorker,
    Team,
    TeamMembership,
    TrainingAttendance,
    TrainingSession,
    Volunteer,
    VolunteerApplication,
)


class VolunteerFilterSet(ScopedFilterSet):
    q = django_filters.CharFilter(label=_("Name, ID number or phone"), method="filter_q")
    area = AreaWithinFilter()
    team = extend_schema_field(OpenApiTypes.INT)(
        django_filters.ModelChoiceFilter(label=_("Team"), queryset=Team.objects.all(), method="filter_team"))
    status = django_filters.ChoiceFilter(label=_("Status"), choices=VolunteerStatus.choices)
    stars = django_filters.NumberFilter(label=_("Stars"), field_name="star_level")
    has_hours = django_filters.BooleanFilter(label=_("Has approved hours"), method="filter_has_hours")
    trained = django_filters.BooleanFilter(label=_("Trained"), method="filter_trained")

    class Meta:
        model = Volunteer
        fields = ["q", "area", "team", "status", "stars", "has_hours", "trained"]

    def filter_q(self, queryset, name, value):
        from .services import search_volunteers

        return search_volunteers(queryset, value)

    def filter_team(self, queryset, name, value):
        return queryset.filter(Exists(TeamMembership.objects.filter(team=value, volunteer=OuterRef("pk"))))

    def filter_has_hours(self, queryset, name, value):
        return queryset.filter(approved_hours__gt=0) if value else queryset.filter(approved_hours=0)

    def filter_trained(self, queryset, name, value):
        trained = Exists(TrainingAttendance.objects.filter(volunteer=OuterRef("pk")))
        return queryset.filter(trained) if value else queryset.exclude(trained)


class TeamFilterSet(ScopedFilterSet):
    q = django_filters.CharFilter(label=_("Name"), field_name="name", lookup_expr="icontains")
    area = AreaWithinFilter()

    class Meta:
        model = Team
        fields = ["q", "area", "join_mode"]


class ActivityFilterSet(ScopedFilterSet):
    area = AreaWithinFilter()

    class Meta:
        model = Activity
        fields = ["area", "team"]


class HourRecordFilterSet(ScopedFilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=RecordStatus.choices)
    area = AreaWithinFilter()

    class Meta:
        model = ServiceHourRecord
        fields = ["status", "team", "volunteer", "area"]


class SocialWorkerFilterSet(ScopedFilterSet):
    area = AreaWithinFilter()

    class Meta:
        model = SocialWorker
        fields = ["level", "area"]


class TrainingFilterSet(ScopedFilterSet):
    q = django_filters.CharFilter(label=_("Title"), field_name="title", lookup_expr="icontains")
    area = AreaWithinFilter()
    topic = django_filters.ChoiceFilter(label=_("Topic"), choices=TrainingTopic.choices)
    held_from = django_filters.DateFilter(label=_("Held from"), field_name="held_on", lookup_expr="gte",
                                          widget=forms.DateInput(attrs={"type": "date"}))
    held_to = django_filters.DateFilter(label=_("Held until"), field_name="held_on", lookup_expr="lte",
                                        widget=forms.DateInput(attrs={"type": "date"}))
    with_civilisation_office = django_filters.BooleanFilter(label=_("Jointly with the civilisation office"))

    class Meta:
        model = TrainingSession
        fields = ["q", "area", "topic", "held_from", "held_to", "with_civilisation_office"]


class SocialWorkerPageFilterSet(ScopedFilterSet):
    q = django_filters.CharFilter(label=_("Name"), field_name="name", lookup_expr="icontains")
    area = AreaWithinFilter()
    level = django_filters.ChoiceFilter(label=_("Qualification"), choices=SocialWorkLevel.choices)
    year_from = django_filters.NumberFilter(label=_("Obtained from (year)"), field_name="certified_year",
                                            lookup_expr="gte")
    year_to = django_filters.NumberFilter(label=_("Obtained until (year)"), field_name="certified_year",
                                          lookup_expr="lte")

    class Meta:
        model = SocialWorker
        fields = ["q", "area", "level", "year_from", "year_to"]


class ApplicationFilterSet(ScopedFilterSet):
    q = django_filters.CharFilter(label=_("Name"), field_name="name", lookup_expr="icontains")
    area = AreaWithinFilter()
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ApplicationStatus.choices)

    class Meta:
        model = VolunteerApplication
        fields = ["q", "area", "status"]
