from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import PersonalDataFormField
from core.models import Area
from core.personal import PersonalKind

from .choices import Hukou, PersonKind, RiskTier


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
    done_on = forms.DateField(label=_("Visited on"), widget=forms.DateInput(attrs={"type": "date"}))
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
    day = forms.DateField(label=_("As of"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
