from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .choices import FindingStatus


class PersonalDataFormField(forms.CharField):
    """Plaintext input validated like the model field; never pre-filled with the stored value."""

    def __init__(self, *, kind, **kwargs):
        self.kind = kind
        kwargs.setdefault("max_length", 30)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return ""  # a stored value is never sent back to the browser

    def clean(self, value):
        from .personal import VALIDATORS

        value = super().clean(value)
        if not value:
            return value
        try:
            return VALIDATORS[self.kind](value)
        except ValidationError as exc:
            raise ValidationError(f"{self.label}: {exc.messages[0]}", code=exc.code)


class RevealForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), min_length=4, max_length=200,
                             widget=forms.TextInput(attrs={"placeholder": _("Why do you need to see it?")}))


class FindingCloseForm(forms.Form):
    status = forms.ChoiceField(label=_("Outcome"), choices=[
        (FindingStatus.RESOLVED, FindingStatus.RESOLVED.label),
        (FindingStatus.DISMISSED, FindingStatus.DISMISSED.label),
    ])
    resolution = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 3}))


class OTPForm(forms.Form):
    code = forms.CharField(label=_("One-time code"), max_length=8,
                           widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric",
                                                         "autofocus": True}))
