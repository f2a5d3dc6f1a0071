"""Pages of the register of assessments of communities: the list (filters, XLSX/CSV export), record
one, and the community's refusal of a department's own assessment without approval (one step)."""

import django_filters
from django import forms
from django.contrib import messages
from django.db.models import Q
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.filtersets import YearFilter
from core.generic import ScopedActionView, ScopedCreateView, ScopedListView
from core.models import Area

from . import assessment_services as services
from .assessments import ASSESSED_LEVELS, AssessmentKind, AssessmentState, CommunityAssessment
from .filtersets import WithinFilterSet
from .forms import PhoneForm, style
from .models import AdmissionRequest


class AssessmentFilterSet(WithinFilterSet):
    q = django_filters.CharFilter(label=gettext_lazy("Department or subject"), method="search")
    kind = django_filters.ChoiceFilter(choices=AssessmentKind.choices, label=gettext_lazy("Kind"))
    state = django_filters.ChoiceFilter(choices=AssessmentState.choices, label=gettext_lazy("State"))
    unified = django_filters.BooleanFilter(label=gettext_lazy("Part of the unified assessment"))
    year = YearFilter(field_name="held_on__year", label=gettext_lazy("Year"))

    class Meta:
        model = CommunityAssessment
        fields = ["q", "kind", "state", "unified", "year", "area"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(department__icontains=value) | Q(title__icontains=value))


class AssessmentForm(PhoneForm):
    area = forms.ModelChoiceField(label=gettext_lazy("Communities assessed"), queryset=None,
                                  help_text=gettext_lazy("A community, or a street or district: all its communities."))
    department = forms.CharField(label=gettext_lazy("Department"), max_length=100)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=AssessmentKind.choices)
    title = forms.CharField(label=gettext_lazy("Subject"), max_length=150)
    period = forms.CharField(label=gettext_lazy("Period assessed"), max_length=20,
                             help_text=gettext_lazy("For example 2026 or 2026-Q2."))
    held_on = forms.DateField(label=gettext_lazy("Held on"), widget=forms.DateInput(attrs={"type": "date"}))
    unified = forms.BooleanField(label=gettext_lazy("Part of the unified assessment"), required=False)
    admission = forms.ModelChoiceField(label=gettext_lazy("Approval"), queryset=None, required=False,
                                       help_text=gettext_lazy("A department's own assessment cites an admitted "
                                                              "request."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = Area.objects.filter(level__in=ASSESSED_LEVELS).order_by("code")
        self.fields["admission"].queryset = AdmissionRequest.objects.all()
        style(self)


class RefuseForm(PhoneForm):
    reason = forms.CharField(label=gettext_lazy("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=gettext_lazy("Left blank, the rule is recorded as the reason."))


class AssessmentListView(ScopedListView):
    model = CommunityAssessment
    filterset_class = AssessmentFilterSet
    template_name = "grids/assessment_list.html"
    sort_fields = ["held_on", "department", "period"]
    default_sort = "-held_on"
    export_name = "community-assessments"
    export_columns = [
        (gettext_lazy("Communities assessed"), "area.name"), (gettext_lazy("Department"), "department"),
        (gettext_lazy("Kind"), "get_kind_display"), (gettext_lazy("Subject"), "title"),
        (gettext_lazy("Period assessed"), "period"), (gettext_lazy("Held on"), "held_on"),
        (gettext_lazy("Part of the unified assessment"), "unified"),
        (gettext_lazy("Approval"), lambda a: str(a.admission or "")), (gettext_lazy("State"), "get_state_display"),
        (gettext_lazy("Refused on"), "decided_on"), (gettext_lazy("Reason"), "reason"),
    ]

    def base_queryset(self):
        return CommunityAssessment.objects.select_related("area", "admission")


class AssessmentCreateView(ScopedCreateView):
    model = CommunityAssessment
    form_class = AssessmentForm
    title = gettext_lazy("Record an assessment of communities")
    submit_label = gettext_lazy("Record")
    success_url = reverse_lazy("grids:assessment-list")

    def perform(self, form):
        return services.record_assessment(actor=self.request.user, **form.cleaned_data)

    def succeeded(self, result):
        if result.state == AssessmentState.UNAPPROVED:
            messages.warning(self.request, _("Recorded, not approved: it is not part of the unified assessment and "
                                             "cites no admitted request; the community may refuse it."))
        else:
            messages.success(self.request, _("Assessment recorded."))
        return super().succeeded(result)


class AssessmentRefuseView(ScopedActionView):
    model = CommunityAssessment
    form_class = RefuseForm
    service = services.refuse_assessment
    object_arg = "assessment"
    submit_label = gettext_lazy("Refuse: not approved")
    success_url = reverse_lazy("grids:assessment-list")

    def base_queryset(self):
        return CommunityAssessment.objects.select_related("area", "admission")

    def get_title(self):
        return f"{self.object} · {self.submit_label}"

    def succeeded(self, result):
        messages.success(self.request, _("Refused; the reason is on record."))
        return super().succeeded(result)

