from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import PersonalDataFormField
from core.models import Area
from core.personal import PersonalKind

from .choices import Hukou, PersonKind, RiskTier


def style(form):
    """Bootstrap's classes on a form's widgets (the kit's page renders the fields as they are)."""
    for field in form.fields.values():
        widget = field.widget
        if not isinstance(widget, forms.HiddenInput):
            widget.attrs.setdefault("class", "form-select" if isinstance(widget, forms.Select) else "form-control")
    return form


class PersonForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=PersonKind.choices)
    name = forms.CharField(label=_("Name"), max_length=50)
    id_number = PersonalDataFormField(kind=PersonalKind.ID_NUMBER, label=_("Resident ID number"))
    phone = PersonalDataFormField(kind=PersonalKind.PHONE, label=_("Phone"), required=False)
    hukou = forms.ChoiceField(label=_("Household registration"), choices=[("", "—")] + Hukou.choices, required=False)
    area = forms.ModelChoiceField(label=_("Village/community"), queryset=Area.objects.none())
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    risk_tier = forms.ChoiceField(label=_("Risk tier"), choices=RiskTier.choices, initial=RiskTier.LOW)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        from core.scope import scope_for

        prefixes = scope_for(user).prefixes_for("child_care.add_person")
        qs = Area.objects.filter(level="community").order_by("code")
        if prefixes is not None:
            from django.db.models import Q

            q = Q(pk__in=[])
            for p in prefixes:
                q |= Q(code__startswith=p)
            qs = qs.filter(q)
        self.fields["area"].queryset = qs


class VisitForm(forms.Form):
    done_on = forms.DateField(label=_("Visited on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    life = forms.CharField(label=_("Life"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    study = forms.CharField(label=_("Study"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    safety = forms.CharField(label=_("Safety"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    guardianship = forms.CharField(label=_("Guardianship"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    next_steps = forms.CharField(label=_("Next steps"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500)


class RevealForm(forms.Form):
    field = forms.ChoiceField(label=_("Field"), choices=[("id_number", _("Resident ID number")), ("phone", _("Phone"))])
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)


class SummaryForm(forms.Form):
    area = forms.CharField(label=_("Area (code)"), required=False)
    day = forms.DateField(label=_("As of"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))


# --- roster, rescue, consent --------------------------------------------------------------------------
class RosterUploadForm(forms.Form):
    area = forms.ModelChoiceField(label=_("Area the roster covers"), queryset=Area.objects.none())
    file = forms.FileField(label=_("Roster (CSV or XLSX, the education bureau's Chinese headers)"))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        from django.db.models import Q

        from core.scope import scope_for

        prefixes = scope_for(user).prefixes_for("child_care.add_rosterimport")
        qs = Area.objects.filter(level__in=["county", "township", "community"]).order_by("code")
        if prefixes is not None:
            q = Q(pk__in=[])
            for prefix in prefixes:
                q |= Q(code__startswith=prefix)
            qs = qs.filter(q)
        self.fields["area"].queryset = qs


class DecisionForm(forms.Form):
    from .choices import Decision

    decision = forms.ChoiceField(label=_("Decision"), choices=[c for c in Decision.choices if c[0] != "open"])
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class HandoverForm(forms.Form):
    """The station's handover slip. The station's own staff pick their station (one of the stations at
    their grants' areas); a child director types the station's name from a paper slip."""

    id_number = forms.CharField(label=_("Child's resident ID number"), max_length=18)
    station = forms.CharField(label=_("Rescue station"), max_length=100)
    rescue_station = forms.ModelChoiceField(label=_("Rescue station"), queryset=None, required=False)
    found_on = forms.DateField(label=_("Found on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    found_place = forms.CharField(label=_("Where found"), max_length=200, required=False)
    circumstances = forms.CharField(label=_("Circumstances"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, user=None, **kwargs):
        from .models import RescueStation
        from .querysets import station_area_codes

        super().__init__(*args, **kwargs)
        codes = station_area_codes(user) if user is not None else set()
        stations = RescueStation.objects.select_related("area")
        stations = stations.all() if codes is None else stations.filter(area__code__in=sorted(codes or ()))
        if codes is None:  # a superuser: either way, the service asks for one of them
            self.fields["station"].required = False
            self.fields["rescue_station"].queryset = stations
        elif not codes:
            del self.fields["rescue_station"]  # a child director: the station by name
        else:
            del self.fields["station"]
            field = self.fields["rescue_station"]
            field.queryset, field.required, field.empty_label = stations, True, None
        self.order_fields(["rescue_station", "id_number"])
        style(self)


class AcceptForm(forms.Form):
    receipt = forms.CharField(label=_("Acceptance receipt number (blank: numbered for you)"), max_length=40,
                              required=False)


class FollowUpForm(forms.Form):
    done_on = forms.DateField(label=_("Done on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    findings = forms.CharField(label=_("Findings"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class ConsentForm(forms.Form):
    from .choices import ConsentPurpose

    guardian = forms.ModelChoiceField(label=_("Guardian who consented"), queryset=None)
    purpose = forms.ChoiceField(label=_("Purpose"), choices=ConsentPurpose.choices)
    given_on = forms.DateField(label=_("Given on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    expires_on = forms.DateField(label=_("Expires on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def __init__(self, *args, person=None, **kwargs):
        super().__init__(*args, **kwargs)
        from .models import Person

        ids = person.relatives.values("relative") if person is not None else []
        self.fields["guardian"].queryset = Person.objects.filter(pk__in=ids).defer("id_number", "phone")


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Who withdrew it and how"), max_length=500, required=False)


# --- guardianship guidance, outreach, trainings ---------------------------------------------------------
_DATE = {"widget": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


class GuidanceForm(forms.Form):
    """The guardian among the child's linked relatives; a guardian not linked to the child is refused by the
    service beside the kept input (the API takes any relationship id)."""

    guardian = forms.IntegerField(label=_("Guardian addressed"), widget=forms.Select)
    member = forms.CharField(label=_("Village committee member"), max_length=50)
    done_on = forms.DateField(label=_("Guided on"), **_DATE)
    content = forms.CharField(label=_("What was urged or guided"), widget=forms.Textarea(attrs={"rows": 3}))
    follow_up_on = forms.DateField(label=_("Follow up on"), required=False, **_DATE)

    def __init__(self, *args, person=None, **kwargs):
        super().__init__(*args, **kwargs)
        links = person.relatives.select_related("relative").defer("relative__id_number", "relative__phone") \
            if person is not None else []
        self.fields["guardian"].widget.choices = [("", "---------")] + [
            (link.pk, f"{link.relative.name}（{link.get_relation_display()}）") for link in links]


class OutreachForm(forms.ModelForm):
    class Meta:
        from .models import Outreach

        model = Outreach
        fields = ["area", "held_on", "topic", "children", "guardians", "women", "cadres"]
        widgets = {"held_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = Area.objects.filter(level="community").order_by("code")


class TrainingForm(forms.ModelForm):
    attendees = forms.ModelMultipleChoiceField(label=_("Attendees (child directors and supervisors)"),
                                               queryset=None, required=False,
                                               widget=forms.CheckboxSelectMultiple)

    class Meta:
        from .models import Training

        model = Training
        fields = ["held_on", "topic", "level", "organiser", "area"]
        widgets = {"held_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from .models import Appointment

        self.fields["area"].queryset = Area.objects.filter(level__in=["city", "county", "township"]).order_by("code")
        self.fields["attendees"].queryset = Appointment.objects.select_related("area").order_by("area__code", "name")


class AttendanceForm(forms.Form):
    attended = forms.ModelMultipleChoiceField(label=_("Attended"), queryset=None, required=False,
                                              widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, training=None, **kwargs):
        super().__init__(*args, **kwargs)
        from .models import Appointment

        ids = training.attendances.values("appointment") if training is not None else []
        self.fields["attended"].queryset = Appointment.objects.filter(pk__in=ids).order_by("name")
        if training is not None:
            self.initial.setdefault("attended", list(training.attendances.filter(attended=True)
                                                      .values_list("appointment", flat=True)))
