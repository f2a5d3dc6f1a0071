import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.filtersets import ScopedFilterSet, YearFilter
from core.models import Area

from .choices import Category, PersonKind, ProposalStatus, ReportStage, RiskTier
from .models import CategoryRecord, Person, Proposal


def _within(queryset, value, field="area__code"):
    area = Area.objects.filter(code=value).first()
    return queryset.filter(**{f"{field}__startswith": area.prefix}) if area else queryset.none()


class PersonFilterSet(ScopedFilterSet):
    q = django_filters.CharFilter(label=_("Name"), method="search")
    kind = django_filters.ChoiceFilter(choices=PersonKind.choices, label=_("Kind"))
    category = django_filters.ChoiceFilter(choices=Category.choices, label=_("Current category"),
                                           method="filter_category")
    risk_tier = django_filters.ChoiceFilter(choices=RiskTier.choices, label=_("Risk tier"))
    report_stage = django_filters.ChoiceFilter(choices=ReportStage.choices, label=_("Reporting stage"))
    area = django_filters.CharFilter(label=_("Within area (code)"), method="filter_area")
    deleted = django_filters.BooleanFilter(label=_("Deleted"), method="filter_deleted")

    class Meta:
        model = Person
        fields = ["q", "kind", "category", "risk_tier", "report_stage", "area", "deleted"]

    def search(self, queryset, name, value):
        return queryset.filter(name__icontains=value)

    def filter_category(self, queryset, name, value):
        current = CategoryRecord.objects.filter(category=value).in_force_on(timezone.localdate())
        return queryset.filter(pk__in=current.values("person"))

    def filter_area(self, queryset, name, value):
        return _within(queryset, value)

    def filter_deleted(self, queryset, name, value):
        return queryset.filter(deleted_at__isnull=not value)

    @property
    def qs(self):
        qs = super().qs
        if self.form.is_bound and self.form.is_valid() and self.form.cleaned_data.get("deleted") is not None:
            return qs
        return qs.filter(deleted_at__isnull=True)  # deleted records only on request


class ProposalFilterSet(ScopedFilterSet):
    status = django_filters.ChoiceFilter(choices=ProposalStatus.choices, label=_("Status"))
    person = django_filters.NumberFilter(field_name="person_id", label=_("Person"))
    area = django_filters.CharFilter(label=_("Within area (code)"), method="filter_area")

    class Meta:
        model = Proposal
        fields = ["status", "person", "area"]

    def filter_area(self, queryset, name, value):
        return _within(queryset, value)


class RecordFilterSet(ScopedFilterSet):
    category = django_filters.ChoiceFilter(choices=Category.choices, label=_("Category"))
    person = django_filters.NumberFilter(field_name="person_id", label=_("Person"))
    in_force_on = django_filters.DateFilter(label=_("In force on"), method="filter_day")

    class Meta:
        model = CategoryRecord
        fields = ["category", "person", "in_force_on"]

    def filter_day(self, queryset, name, value):
        return queryset.filter(pk__in=CategoryRecord.objects.in_force_on(value).values("pk"))


class VisitFilterSet(ScopedFilterSet):
    overdue = django_filters.BooleanFilter(label=_("Overdue"), method="filter_overdue")
    mine = django_filters.BooleanFilter(label=_("Mine"), method="filter_mine")

    class Meta:
        from .models import Visit

        model = Visit
        fields = ["status", "overdue", "mine"]

    def filter_overdue(self, queryset, name, value):
        late = Q(status="planned", due_on__lt=timezone.localdate())
        return queryset.filter(late) if value else queryset.exclude(late)

    def filter_mine(self, queryset, name, value):
        user = getattr(self.request, "user", None)
        return queryset.filter(visitor=user) if value else queryset


# --- roster comparisons, rescue cases, consents -----------------------------------------------------
from .choices import Bucket, ConsentPurpose, Decision, MatchMethod, RescueStatus  # noqa: E402
from .models import Consent, RescueCase, RosterEntry, RosterImport  # noqa: E402


class RosterImportFilterSet(ScopedFilterSet):
    status = django_filters.ChoiceFilter(choices=RosterImport._meta.get_field("status").choices, label=_("Status"))

    class Meta:
        model = RosterImport
        fields = ["status"]


class RosterEntryFilterSet(ScopedFilterSet):
    roster = django_filters.NumberFilter(field_name="roster_id", label=_("School roster"))
    bucket = django_filters.ChoiceFilter(choices=Bucket.choices, label=_("Result"))
    decision = django_filters.ChoiceFilter(choices=Decision.choices, label=_("Decision"))
    match = django_filters.ChoiceFilter(choices=MatchMethod.choices, label=_("Matched on"))
    q = django_filters.CharFilter(label=_("Name"), method="search")

    class Meta:
        model = RosterEntry
        fields = ["roster", "bucket", "decision", "match", "q"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(person__name__icontains=value))

    @property
    def qs(self):
        # Rows of no bearing (a roster child we neither know nor was flagged) only on request.
        qs = super().qs
        if self.form.is_bound and self.form.is_valid() and self.form.cleaned_data.get("bucket"):
            return qs
        return qs.exclude(bucket="")


class RescueCaseFilterSet(ScopedFilterSet):
    status = django_filters.ChoiceFilter(choices=RescueStatus.choices, label=_("Status"))
    repeat = django_filters.BooleanFilter(label=_("Found again (屡救屡返)"))
    area = django_filters.CharFilter(label=_("Within area (code)"), method="filter_area")

    class Meta:
        model = RescueCase
        fields = ["status", "repeat", "area"]

    def filter_area(self, queryset, name, value):
        return _within(queryset, value)


class ConsentFilterSet(ScopedFilterSet):
    purpose = django_filters.ChoiceFilter(choices=ConsentPurpose.choices, label=_("Purpose"))
    person = django_filters.NumberFilter(field_name="person_id", label=_("Person"))
    expiring = django_filters.BooleanFilter(label=_("Expiring within 30 days"), method="filter_expiring")

    class Meta:
        model = Consent
        fields = ["purpose", "person", "expiring"]

    def filter_expiring(self, queryset, name, value):
        import datetime

        today = timezone.localdate()
        soon = Q(withdrawn_on__isnull=True, expires_on__gte=today, expires_on__lte=today + datetime.timedelta(days=30))
        return queryset.filter(soon) if value else queryset.exclude(soon)


# --- guardianship guidance, outreach, trainings ---------------------------------------------------------
from .choices import TrainingLevel  # noqa: E402
from .models import Guidance, Outreach, Training  # noqa: E402


class GuidanceFilterSet(ScopedFilterSet):
    person = django_filters.NumberFilter(field_name="person_id", label=_("Person"))
    follow_up_due = django_filters.BooleanFilter(label=_("Follow-up due"), method="filter_due")
    area = django_filters.CharFilter(label=_("Within area (code)"), method="filter_area")

    class Meta:
        model = Guidance
        fields = ["person", "follow_up_due", "area"]

    def filter_due(self, queryset, name, value):
        due = Q(follow_up_on__lte=timezone.localdate())
        return queryset.filter(due) if value else queryset.exclude(due)

    def filter_area(self, queryset, name, value):
        return _within(queryset, value)


class OutreachFilterSet(ScopedFilterSet):
    year = YearFilter(field_name="held_on__year", label=_("Year"))
    area = django_filters.CharFilter(label=_("Within area (code)"), method="filter_area")

    class Meta:
        model = Outreach
        fields = ["year", "area"]

    def filter_area(self, queryset, name, value):
        return _within(queryset, value)


class TrainingFilterSet(ScopedFilterSet):
    year = YearFilter(field_name="held_on__year", label=_("Year"))
    level = django_filters.ChoiceFilter(choices=TrainingLevel.choices, label=_("Level"))

    class Meta:
        model = Training
        fields = ["year", "level"]
