"""Phone-sized forms of the registry's daily jobs; each one feeds one service."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import (
    CHANGEABLE_LABELS,
    FeeViolation,
    InspectionMethod,
    ListingReason,
    OrgKind,
    OrgType,
    PlanLevel,
    ProjectGrade,
    RegistrationLevel,
    ReportResult,
    RevocationGround,
    SponsorOpinion,
)

D = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def style(form):
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.HiddenInput):
            continue
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs["class"] = "form-check-input"
        else:
            widget.attrs["class"] = "form-select" if isinstance(widget, forms.Select) else "form-control"
    return form


ON_BEHALF = {"label": _("Decided by (on whose behalf)"), "required": False, "max_length": 100,
                 "help_text": _("The sponsor unit or inspectors whose decision you enter.")}


class NameApprovalForm(forms.Form):
    name = forms.CharField(label=_("Organisation name"), max_length=100)
    org_type = forms.ChoiceField(label=_("Type"), choices=OrgType.choices)
    kind = forms.ChoiceField(label=_("Kind"), choices=OrgKind.choices, initial=OrgKind.ORDINARY)
    registration_level = forms.ChoiceField(label=_("Registration authority"), choices=RegistrationLevel.choices)
    area = forms.ModelChoiceField(label=_("Area"), queryset=None)
    sponsor_unit = forms.CharField(label=_("Sponsor unit (业务主管单位)"), max_length=100, required=False)
    legal_rep_name = forms.CharField(label=_("Legal representative"), max_length=50)
    purpose = forms.CharField(label=_("Purpose (宗旨)"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    business_scope = forms.CharField(label=_("Business scope"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    is_industry_association = forms.BooleanField(label=_("Industry association or chamber"), required=False)


class DateStepForm(forms.Form):
    on = forms.DateField(label=_("Date"), widget=D)
    on_behalf_of = forms.CharField(**ON_BEHALF)


class EstablishForm(forms.Form):
    uscc = forms.CharField(label=_("Unified social credit code"), max_length=20)
    founded_on = forms.DateField(label=_("Certificate date"), widget=D)
    legal_rep_id_number = forms.CharField(label=_("Legal representative's ID number"), max_length=18, required=False)
    party_commitment = forms.BooleanField(label=_("Party-building commitment letter filed"), required=False)
    party_members = forms.IntegerField(label=_("Party members"), min_value=0, initial=0)
    on_behalf_of = forms.CharField(**ON_BEHALF)


class ChangeForm(forms.Form):
    field = forms.ChoiceField(label=_("Registration item"), choices=CHANGEABLE_LABELS)
    value = forms.CharField(label=_("New value"), max_length=200)
    on = forms.DateField(label=_("Date"), widget=D)


class DecideChangeForm(forms.Form):
    approve = forms.TypedChoiceField(label=_("Decision"), coerce=lambda v: v == "1",
                                     choices=[("1", _("Approve the change")), ("0", _("Refuse the change"))])
    on = forms.DateField(label=_("Date"), widget=D)
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    on_behalf_of = forms.CharField(**ON_BEHALF)


class DeregisterForm(forms.Form):
    on = forms.DateField(label=_("Date"), widget=D)
    reason = forms.CharField(label=_("Liquidation report / reason"), widget=forms.Textarea(attrs={"rows": 2}))


class RevokeForm(forms.Form):
    ground = forms.ChoiceField(label=_("Ground"), choices=RevocationGround.choices)
    on = forms.DateField(label=_("Date"), widget=D)
    reason = forms.CharField(label=_("Facts"), widget=forms.Textarea(attrs={"rows": 2}))
    on_behalf_of = forms.CharField(**ON_BEHALF)


class ReportForm(forms.Form):
    year = forms.IntegerField(label=_("Report year"), min_value=1990, max_value=2100)
    sponsor_submitted_on = forms.DateField(label=_("Filed with the sponsor on"), widget=D, required=False)
    submitted_on = forms.DateField(label=_("Filed with the registration authority on"), widget=D)
    audit_report = forms.BooleanField(label=_("Audit report attached"), required=False)
    charter_party_clause = forms.BooleanField(label=_("Charter carries the party-building clause"), required=False)


class GradeReportForm(forms.Form):
    report = forms.ModelChoiceField(label=_("Report"), queryset=None)
    result = forms.ChoiceField(label=_("Result"), choices=ReportResult.choices)
    reason = forms.CharField(label=_("Reasons"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class SponsorOpinionForm(forms.Form):
    report = forms.ModelChoiceField(label=_("Report"), queryset=None)
    opinion = forms.ChoiceField(label=_("Sponsor's opinion"), choices=SponsorOpinion.choices)
    note = forms.CharField(label=_("Remarks"), required=False)
    on_behalf_of = forms.CharField(label=_("Sponsor unit"), max_length=100)


MANUAL_REASONS = [(k, v) for k, v in ListingReason.choices if k not in ("two_years_abnormal", "revoked")]


class ListForm(forms.Form):
    reason = forms.ChoiceField(label=_("Ground"), choices=MANUAL_REASONS)
    on = forms.DateField(label=_("Date"), widget=D)
    reason_text = forms.CharField(label=_("Facts"), widget=forms.Textarea(attrs={"rows": 2}))
    basis_ref = forms.CharField(label=_("Basis"), max_length=80, required=False)
    on_behalf_of = forms.CharField(**ON_BEHALF)


class PartyForwardForm(forms.Form):
    on = forms.DateField(label=_("Forwarded on"), widget=D)


class ActivityForm(forms.Form):
    on = forms.DateField(label=_("Date"), widget=D)
    what = forms.CharField(label=_("Activity"), max_length=200)


class VerifyForm(forms.Form):
    on = forms.DateField(label=_("Verified on"), widget=D)
    note = forms.CharField(label=_("What was rectified and how it was verified"),
                           widget=forms.Textarea(attrs={"rows": 2}))


class RemoveForm(forms.Form):
    on = forms.DateField(label=_("Date"), widget=D)
    note = forms.CharField(label=_("Remarks"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    correction = forms.BooleanField(label=_("The listing was wrong (objection upheld)"), required=False)


# --- random-inspection plans (双随机一公开) -------------------------------------------------------------
class PlanForm(forms.Form):
    """A regular plan: the authority's area, the item list and the inspector pool, one per line."""

    area = forms.ModelChoiceField(label=_("Registration authority's area"), queryset=None)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    level = forms.ChoiceField(label=_("Level"), choices=PlanLevel.choices)
    items = forms.CharField(label=_("Inspection items (一单), one per line"), widget=forms.Textarea(attrs={"rows": 4}))
    inspectors = forms.CharField(
        label=_("Inspector pool (一库), one per line"), widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("A name, then after a colon the codes of the organisations the inspector has a conflict "
                    "with, e.g. 张明：51340300MJ0000011X"))

    def __init__(self, *args, **kwargs):
        from core.models import Area

        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = Area.objects.filter(level__in=["city", "county"]).order_by("code")
        style(self)

    def clean_items(self):
        return [line.strip() for line in self.cleaned_data["items"].splitlines() if line.strip()]

    def clean_inspectors(self):
        from .uscc import compact, uscc_problem

        pool, errors = [], []
        for number, line in enumerate(self.cleaned_data["inspectors"].splitlines(), 1):
            if not line.strip():
                continue
            name, _sep, rest = line.replace("：", ":").partition(":")
            codes = [compact(c) for c in rest.replace("，", ",").replace("、", ",").split(",") if c.strip()]
            if not name.strip():
                errors.append(_("Line %(n)s: the inspector's name is missing.") % {"n": number})
            for code in codes:
                problem = uscc_problem(code)
                if problem:
                    errors.append(_("Line %(n)s: %(code)s: %(problem)s") % {"n": number, "code": code,
                                                                             "problem": problem})
            pool.append({"name": name.strip(), "conflicts": codes})
        if errors:
            raise forms.ValidationError(errors)
        return pool


class SeedForm(forms.Form):
    seed = forms.CharField(label=_("Published seed"), max_length=200,
                           help_text=_("A public value fixed after the pools were published, e.g. the welfare-lottery "
                                       "draw of a named date."))


class DrawResultForm(forms.Form):
    organisation = forms.TypedChoiceField(label=_("Social organisation"), coerce=int, choices=())
    method = forms.ChoiceField(label=_("Inspection method"), choices=InspectionMethod.choices)
    inspected_on = forms.DateField(label=_("Inspected on"), widget=D)
    findings = forms.CharField(label=_("Inspection findings"), required=False,
                               widget=forms.Textarea(attrs={"rows": 2}))
    rectification_deadline = forms.DateField(label=_("Rectify by"), widget=D, required=False)
    published = forms.BooleanField(label=_("Publish the result"), required=False, initial=True)


# --- venture-philanthropy projects (公益创投) -------------------------------------------------------
class ApplicationForm(forms.Form):
    venture_round = forms.ModelChoiceField(label=_("Venture-philanthropy round"), queryset=None)
    title = forms.CharField(label=_("Project"), max_length=100)
    organisation = forms.ModelChoiceField(label=_("Applicant (registered)"), queryset=None, required=False)
    applicant_name = forms.CharField(label=_("Or: unregistered community organisation"), max_length=100,
                                     required=False)
    host = forms.ModelChoiceField(label=_("Its registered host (依托单位)"), queryset=None, required=False)
    requested = forms.DecimalField(label=_("Requested (yuan)"), max_digits=12, decimal_places=2)
    applied_on = forms.DateField(label=_("Applied on"), widget=D)
    summary = forms.CharField(label=_("Project summary"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        from .models import Organisation, VentureRound

        super().__init__(*args, **kwargs)
        self.fields["venture_round"].queryset = VentureRound.objects.select_related("area")
        registered = Organisation.objects.registered().only("pk", "name")
        self.fields["organisation"].queryset = registered
        self.fields["host"].queryset = registered
        style(self)


class ReviewForm(forms.Form):
    score = forms.IntegerField(label=_("Review score"), min_value=0, max_value=100)
    panel = forms.CharField(label=_("Review panel"), max_length=100)


class DecideApplicationForm(forms.Form):
    approve = forms.TypedChoiceField(label=_("Decision"), coerce=lambda v: v == "1",
                                     choices=[("1", _("Grant the project")), ("0", _("Do not grant it"))])
    amount = forms.DecimalField(label=_("Amount granted (yuan)"), max_digits=12, decimal_places=2, required=False)
    on = forms.DateField(label=_("Date"), widget=D)
    note = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class TrancheForm(forms.Form):
    amount = forms.DecimalField(label=_("Amount (yuan)"), max_digits=12, decimal_places=2)
    paid_on = forms.DateField(label=_("Paid on"), widget=D)
    note = forms.CharField(label=_("Remarks"), max_length=200, required=False)


class ProjectGradeForm(forms.Form):
    stage = forms.ChoiceField(label=_("Evaluation"), choices=[("midterm", _("Mid-term")), ("final", _("Final"))])
    grade = forms.ChoiceField(label=_("Grade"), choices=ProjectGrade.choices)
    note = forms.CharField(label=_("Remarks"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


# --- fee inspections, welfare-lottery funds, incubation centres ------------------------------------
def _levels(form, name, levels=("city", "county")):
    field = form.fields[name]
    field.queryset = field.queryset.filter(level__in=levels).order_by("code")


class FeeInspectionForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Industry association or chamber"), queryset=None)
    method = forms.ChoiceField(label=_("Inspection method"), choices=InspectionMethod.choices)
    inspected_on = forms.DateField(label=_("Inspected on"), widget=D)
    inspectors = forms.CharField(label=_("Inspectors (one per line)"), widget=forms.Textarea(attrs={"rows": 2}))
    findings = forms.CharField(label=_("Inspection findings"), widget=forms.Textarea(attrs={"rows": 3}),
                               required=False)
    violation = forms.ChoiceField(label=_("Violation found"), choices=[("", "—"), *FeeViolation.choices],
                                  required=False)
    rectification_deadline = forms.DateField(label=_("Rectify by"), widget=D, required=False)
    refund_yuan = forms.DecimalField(label=_("Fees refunded (yuan)"), min_value=0, initial=0, decimal_places=2)
    published = forms.BooleanField(label=_("Publish the result"), required=False, initial=True)

    def __init__(self, *args, **kwargs):
        from .models import Organisation

        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.registered().filter(
            is_industry_association=True).order_by("name")
        style(self)

    def clean_inspectors(self):
        return [line.strip() for line in self.cleaned_data["inspectors"].splitlines() if line.strip()]


class FeeUpdateForm(forms.ModelForm):
    class Meta:
        from .models import Inspection

        model = Inspection
        fields = ["findings", "violation", "rectification_deadline", "refund_yuan", "rectified_on",
                  "rectification_note", "published"]
        widgets = {"rectification_deadline": D, "rectified_on": D, "findings": forms.Textarea(attrs={"rows": 3}),
                   "rectification_note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)


class LotteryFundForm(forms.ModelForm):
    class Meta:
        from .models import LotteryFund

        model = LotteryFund
        fields = ["area", "year", "amount", "source_ref", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "area" in self.fields:
            _levels(self, "area")
        style(self)


class LotteryFundUpdateForm(LotteryFundForm):
    class Meta(LotteryFundForm.Meta):
        fields = ["amount", "source_ref", "note"]


class AllocationForm(forms.Form):
    title = forms.CharField(label=_("What it pays for"), max_length=200)
    organisation = forms.ModelChoiceField(label=_("Organisation (if one receives it)"), queryset=None, required=False)
    amount = forms.DecimalField(label=_("Amount (yuan)"), min_value=0, decimal_places=2)
    granted_on = forms.DateField(label=_("Granted on"), widget=D)

    def __init__(self, *args, **kwargs):
        from .models import Organisation

        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.registered().order_by("name")
        style(self)


class CentreForm(forms.ModelForm):
    class Meta:
        from .models import IncubationCentre

        model = IncubationCentre
        fields = ["name", "area", "operator", "address", "space_sqm", "opened_on", "services"]
        widgets = {"opened_on": D, "services": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        from .models import Organisation

        super().__init__(*args, **kwargs)
        _levels(self, "area")
        self.fields["operator"].queryset = Organisation.objects.registered().order_by("name")
        style(self)


class AdmitForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Organisation (registered)"), queryset=None, required=False)
    applicant_name = forms.CharField(label=_("Organisation (not yet registered)"), max_length=100, required=False)
    started_on = forms.DateField(label=_("Incubated from"), widget=D)
    term_until = forms.DateField(label=_("Term ends on"), widget=D)
    space_sqm = forms.IntegerField(label=_("Space given (m²)"), min_value=0, initial=0)
    services_given = forms.CharField(label=_("Services given"), widget=forms.Textarea(attrs={"rows": 2}),
                                     required=False)

    def __init__(self, *args, **kwargs):
        from .models import Organisation

        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.exclude(
            status__in=["deregistered", "revoked"]).order_by("name")
        style(self)


class EndIncubationForm(forms.Form):
    graduated = forms.TypedChoiceField(label=_("Outcome"), coerce=lambda v: v == "yes",
                                       choices=[("yes", _("Graduated")), ("no", _("Left before graduating"))])
    ended_on = forms.DateField(label=_("Ended on"), widget=D)
    note = forms.CharField(label=_("Outcome"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["note"].label = _("What happened")
        style(self)
