from django import forms
from django.utils.translation import gettext_lazy as _

from core.validators import IMAGE_TYPES, FileTypeValidator, upload_help

from .choices import Answer, NotifyChannel, Priority, Source
from .models import HandlingUnit, IncidentCategory

DT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def style(form):
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, (forms.HiddenInput, forms.CheckboxInput)):
            continue
        widget.attrs["class"] = "form-select" if isinstance(widget, forms.Select) else "form-control"
    return form


class PhoneForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)


def camera_field(label):
    """A photo taken with the phone's camera; checked like every upload (core.validators)."""
    return forms.FileField(label=label, required=False, validators=[FileTypeValidator(IMAGE_TYPES)],
                           help_text=upload_help(IMAGE_TYPES),
                           widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}))


class IncidentForm(PhoneForm):
    area = forms.ModelChoiceField(label=_("Grid"), queryset=None)
    category = forms.ModelChoiceField(label=_("Category"),
                                      queryset=IncidentCategory.objects.filter(parent__isnull=False)
                                      .select_related("parent"))
    source = forms.ChoiceField(label=_("Source"), choices=Source.choices)
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices)
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}))
    reporter_name = forms.CharField(label=_("Reporter"), max_length=50, required=False)
    photo = camera_field(_("Photo"))


class VisitForm(PhoneForm):
    """A patrol on the phone: start and end, objects, one answer per checklist item, a photo, findings."""

    started_at = forms.DateTimeField(label=_("Started"), widget=DT)
    ended_at = forms.DateTimeField(label=_("Ended"), widget=DT)
    objects_visited = forms.CharField(label=_("Objects visited"), required=False,
                                      widget=forms.Textarea(attrs={"rows": 2}))
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    photo = camera_field(_("Photo"))
    finding_category = forms.ModelChoiceField(
        label=_("Finding: category"), required=False,
        queryset=IncidentCategory.objects.filter(parent__isnull=False).select_related("parent"))
    finding_description = forms.CharField(label=_("Finding: what was found"), required=False,
                                          widget=forms.Textarea(attrs={"rows": 2}))
    finding_place = forms.CharField(label=_("Finding: place"), required=False, max_length=200)

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(plan.items.all())
        for item in self.items:
            self.fields[f"item_{item.code}"] = forms.ChoiceField(label=item.label, choices=Answer.choices,
                                                                 initial=Answer.OK, widget=forms.RadioSelect)

    def answers(self):
        return {item.code: self.cleaned_data[f"item_{item.code}"] for item in self.items}

    def findings(self):
        d = self.cleaned_data
        if d.get("finding_category") and d.get("finding_description"):
            return [{"category": d["finding_category"], "description": d["finding_description"],
                     "place": d.get("finding_place", "")}]
        return []

    def clean(self):
        d = super().clean()
        if bool(d.get("finding_category")) != bool(d.get("finding_description")):
            raise forms.ValidationError(_("A finding needs both its category and what was found."))
        return d


class NoteForm(PhoneForm):
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class RequiredNoteForm(PhoneForm):
    note = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 2}))


class ReasonForm(PhoneForm):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class CloseForm(PhoneForm):
    satisfaction = forms.TypedChoiceField(label=_("Reporter's satisfaction"), required=False, coerce=int,
                                          empty_value=None, choices=[("", "—")] + [(i, str(i)) for i in range(1, 6)])
    note = forms.CharField(label=_("Note"), required=False)


class NotResponsibleForm(PhoneForm):
    reason = forms.CharField(label=_("Explanation"), widget=forms.Textarea(attrs={"rows": 2}))
    unit = forms.ModelChoiceField(label=_("Route to"), queryset=HandlingUnit.objects.none(), required=False,
                                  help_text=_("Empty: by the routing rules, else the community."))


class DuplicateForm(PhoneForm):
    of = forms.CharField(label=_("Reference of the original incident"), max_length=24)


# --- one window, burden reduction, certificates ------------------------------------------------------------
def _communities():
    from core.choices import AreaLevel
    from core.models import Area

    return Area.objects.filter(level=AreaLevel.COMMUNITY).order_by("code")


class WindowForm(PhoneForm):
    """The desk on the phone or at the counter: who asks what; closed on the spot or to the back office."""

    area = forms.ModelChoiceField(label=_("Community"), queryset=_communities())
    item = forms.ModelChoiceField(label=_("Service item"), queryset=None)
    resident_name = forms.CharField(label=_("Resident"), max_length=50)
    request = forms.CharField(label=_("What the resident asks"), widget=forms.Textarea(attrs={"rows": 2}))
    on_the_spot = forms.BooleanField(label=_("Closed on the spot"), required=False)
    result = forms.CharField(label=_("Result given"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    back_office = forms.CharField(label=_("Back office"), max_length=100, required=False)
    target_date = forms.DateField(label=_("Target date"), required=False,
                                  widget=forms.DateInput(attrs={"type": "date"}),
                                  help_text=_("Empty: the item's time limit."))

    def __init__(self, *args, **kwargs):
        from .models import ServiceItem

        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = ServiceItem.objects.filter(active=True)


class ResultForm(PhoneForm):
    result = forms.CharField(label=_("Result"), widget=forms.Textarea(attrs={"rows": 2}))


class NotifyForm(PhoneForm):
    channel = forms.ChoiceField(label=_("Told how"), choices=NotifyChannel.choices)
    note = forms.CharField(label=_("Note"), required=False, max_length=200)


class TaskForm(PhoneForm):
    area = forms.ModelChoiceField(label=_("Community"), queryset=_communities())
    department = forms.CharField(label=_("Department"), max_length=100)
    title = forms.CharField(label=_("Task"), max_length=150)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    item = forms.ModelChoiceField(label=_("Listed item"), queryset=None, required=False)
    admission = forms.ModelChoiceField(label=_("Admission request"), queryset=None, required=False)

    def __init__(self, *args, **kwargs):
        from .models import AdmissionRequest, WorkItem

        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = WorkItem.objects.filter(active=True)
        self.fields["admission"].queryset = AdmissionRequest.objects.all()


class EmptyStepForm(PhoneForm):
    pass


class CertificateForm(PhoneForm):
    area = forms.ModelChoiceField(label=_("Community"), queryset=_communities())
    cert_type = forms.ModelChoiceField(label=_("Certificate type"), queryset=None,
                                       help_text=_("Types of the negative list are shown so that a refusal names "
                                                   "the department to turn to."))
    resident_name = forms.CharField(label=_("Resident"), max_length=50)
    purpose = forms.CharField(label=_("Purpose"), max_length=200)

    def __init__(self, *args, **kwargs):
        from .models import CertificateType

        super().__init__(*args, **kwargs)
        self.fields["cert_type"].queryset = CertificateType.objects.all()


class AdmissionForm(PhoneForm):
    area = forms.ModelChoiceField(label=_("Area"), queryset=None)
    department = forms.CharField(label=_("Requesting department"), max_length=100)
    title = forms.CharField(label=_("Task"), max_length=150)
    legal_basis = forms.CharField(label=_("Legal basis"), max_length=300)
    funds_follow = forms.BooleanField(label=_("Funds follow the task"), required=False)
    starts_on = forms.DateField(label=_("Task starts on"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        from core.choices import AreaLevel
        from core.models import Area

        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = Area.objects.filter(level__in=[AreaLevel.CITY, AreaLevel.COUNTY]) \
            .order_by("code")


class DecideForm(PhoneForm):
    admit = forms.TypedChoiceField(label=_("Decision"), coerce=lambda v: v == "1",
                                   choices=[("1", _("Admit")), ("0", _("Reject"))])
    note = forms.CharField(label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 2}))
