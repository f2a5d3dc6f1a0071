from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import ImportKind
from .models import Team


class RecordHoursForm(forms.Form):
    hours = forms.DecimalField(label=_("Hours"), min_value=Decimal("0.01"), max_digits=6, decimal_places=2,
                               help_text=_("Actual service only, travel excluded."))
    description = forms.CharField(label=_("Service content"), max_length=300, required=False)


class CheckInForm(forms.Form):
    """The volunteer's own check-in or check-out by the shift's code (typed, or from the QR code's page)."""

    code = forms.CharField(label=_("Shift code"), max_length=20)
    via = forms.CharField(widget=forms.HiddenInput, required=False)  # "qr": the QR code's page, shown again

    def clean_code(self):
        return "".join(self.cleaned_data["code"].split()).upper()


class CorrectionForm(forms.Form):
    requested_hours = forms.DecimalField(label=_("Correct hours"), min_value=Decimal("0.01"), max_digits=6,
                                         decimal_places=2)
    reason = forms.CharField(label=_("What is wrong"), widget=forms.Textarea(attrs={"rows": 2}))


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("What the file holds"), choices=ImportKind.choices)
    team = forms.ModelChoiceField(label=_("Organising team (for service hours)"), queryset=Team.objects.none(),
                                  required=False)
    file = forms.FileField(label=_("CSV or XLSX file"))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.restrict(user, "view")

    def clean(self):
        data = super().clean()
        if data.get("kind") == ImportKind.SERVICE_HOURS and not data.get("team"):
            self.add_error("team", _("Choose the team that recorded these hours."))
        name = getattr(data.get("file"), "name", "").lower()
        if name and not name.endswith((".csv", ".xlsx")):
            self.add_error("file", _("Use a CSV or XLSX file."))
        return data


class StepReasonForm(forms.Form):
    """A step on a service-hour record: the reason (rejecting and reversing need one) and where to go back."""

    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)
    next = forms.CharField(widget=forms.HiddenInput, required=False)


class CorrectionAnswerForm(forms.Form):
    accept = forms.TypedChoiceField(label=_("Decision"), choices=[("1", _("Accept")), ("0", _("Reject"))],
                                    coerce=lambda value: value == "1")
    answer = forms.CharField(label=_("Answer"), max_length=500, required=False)
