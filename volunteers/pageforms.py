"""Forms of the pages that do the whole job in the browser (issue 16): each feeds one service."""

from decimal import Decimal

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import Area

from .choices import MemberRole, MembershipStatus
from .models import Team, Volunteer

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _home_areas():
    return Area.objects.filter(level__in=("community", "grid")).order_by("code")


class _Bootstrap:
    """Bootstrap classes on every widget (the kit's form partial renders fields as they come)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            css = "form-check-input" if isinstance(widget, forms.CheckboxInput) else (
                "form-select" if isinstance(widget, forms.Select) else "form-control")
            widget.attrs.setdefault("class", css)


class VolunteerEditForm(_Bootstrap, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=50)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    area = forms.ModelChoiceField(label=_("Home community"), queryset=_home_areas())
    skills = forms.CharField(label=_("Skills"), max_length=200, required=False)
    service_fields = forms.CharField(label=_("Service fields"), max_length=200, required=False)
    guardian_name = forms.CharField(label=_("Guardian"), max_length=50, required=False,
                                    help_text=_("For a volunteer aged 14–18."))
    guardian_consent_on = forms.DateField(label=_("Guardian consent recorded on"), required=False, widget=DATE)


class VolunteerForm(VolunteerEditForm):
    id_number = forms.CharField(label=_("Resident ID number"), max_length=18)
    registered_on = forms.DateField(label=_("Registration date"), widget=DATE, initial=timezone.localdate)
    field_order = ["name", "id_number", "phone", "area", "registered_on"]


class ReasonForm(_Bootstrap, forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)


class AccountForm(_Bootstrap, forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150,
                               help_text=_("The volunteer signs in with it; the first password is shown once."))


class TeamForm(_Bootstrap, forms.ModelForm):
    class Meta:
        model = Team
        fields = ["name", "area", "organisation_name", "organisation_uscc", "join_mode", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def validate_unique(self):  # the service answers a clash in the user's words
        pass


class StaffForm(_Bootstrap, forms.Form):
    user = forms.CharField(label=_("User name of the staff member"), max_length=150)
    role = forms.ChoiceField(label=_("Role in the team"),
                             choices=[(MemberRole.MANAGER, MemberRole.MANAGER.label),
                                      (MemberRole.RECORDER, MemberRole.RECORDER.label)])

    def clean_user(self):
        User = get_user_model()
        user = User.objects.filter(**{User.USERNAME_FIELD: self.cleaned_data["user"].strip()},
                                   is_active=True).first()
        if user is None:
            raise forms.ValidationError(_("No such active user."))
        return user


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=[("approve", _("Approve")), ("reject", _("Reject"))])


class ActivityForm(_Bootstrap, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    service_field = forms.CharField(label=_("Service field"), max_length=100, required=False)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ShiftForm(_Bootstrap, forms.Form):
    place = forms.CharField(label=_("Place"), max_length=200)
    starts_at = forms.DateTimeField(label=_("Starts"), widget=DATETIME)
    ends_at = forms.DateTimeField(label=_("Ends"), widget=DATETIME)
    quota = forms.IntegerField(label=_("Quota"), min_value=1, max_value=5000)


def _members(team):
    return (Volunteer.objects.filter(memberships__team=team, memberships__status=MembershipStatus.APPROVED)
            .order_by("name"))


class MemberChoiceForm(_Bootstrap, forms.Form):
    """A volunteer chosen among the team's approved members (the team passes itself in)."""

    volunteer = forms.ModelChoiceField(label=_("Volunteer"), queryset=Volunteer.objects.none())

    def __init__(self, *args, team=None, **kwargs):
        super().__init__(*args, **kwargs)
        if team is not None:
            self.fields["volunteer"].queryset = _members(team)


class TeamHoursForm(MemberChoiceForm):
    service_date = forms.DateField(label=_("Service date"), widget=DATE)
    hours = forms.DecimalField(label=_("Hours"), min_value=Decimal("0.01"), max_digits=6, decimal_places=2,
                               help_text=_("Actual service only, travel excluded."))
    description = forms.CharField(label=_("Service content"), max_length=300, required=False)


class TrainingForm(_Bootstrap, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    topic = forms.ChoiceField(label=_("Topic"))
    area = forms.ModelChoiceField(label=_("Area"), queryset=Area.objects.order_by("code"))
    held_on = forms.DateField(label=_("Held on"), widget=DATE)
    organiser = forms.CharField(label=_("Organiser"), max_length=100, required=False)
    with_civilisation_office = forms.BooleanField(label=_("Jointly with the civilisation office"), required=False)

    def __init__(self, *args, **kwargs):
        from .choices import TrainingTopic

        super().__init__(*args, **kwargs)
        self.fields["topic"].choices = TrainingTopic.choices


class AttendanceForm(_Bootstrap, forms.Form):
    id_numbers = forms.CharField(label=_("ID numbers of the volunteers who attended"),
                                 widget=forms.Textarea(attrs={"rows": 4}), help_text=_("One per line."))


class SocialWorkerEditForm(_Bootstrap, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=50)
    level = forms.ChoiceField(label=_("Qualification"))
    certificate_no = forms.CharField(label=_("Certificate number"), max_length=40)
    certified_year = forms.IntegerField(label=_("Year obtained"), min_value=2008, max_value=2100)
    employer = forms.CharField(label=_("Employer"), max_length=100, required=False)
    area = forms.ModelChoiceField(label=_("Area"), queryset=Area.objects.order_by("code"))

    def __init__(self, *args, **kwargs):
        from .choices import SocialWorkLevel

        super().__init__(*args, **kwargs)
        self.fields["level"].choices = SocialWorkLevel.choices


class SocialWorkerForm(SocialWorkerEditForm):
    id_number = forms.CharField(label=_("Resident ID number"), max_length=18)
    field_order = ["name", "id_number"]


# --- residents' own registration (issue 16) -----------------------------------------------------------------
# The national registry's service categories (中国志愿服务网 服务类别), the applicant's intentions.
SERVICE_INTENTIONS = [
    ("community", _("Community service")), ("elderly", _("Help for the elderly and the disabled")),
    ("children", _("Care for children")), ("education", _("Teaching and tutoring")),
    ("health", _("Health")), ("environment", _("Environmental protection")),
    ("culture", _("Culture and the arts")), ("emergency", _("Emergency relief")),
    ("law", _("Legal aid")), ("events", _("Large events")), ("civility", _("Civic civility")),
]


def community_choices():
    """Communities and villages grouped under their street or township (the picker's groups)."""
    groups: dict[str, list] = {}
    today = timezone.localdate()
    for area in (Area.objects.valid_on(today).filter(level="community").select_related("parent")
                 .order_by("parent__code", "code")):
        street = area.parent.name if area.parent_id else ""
        groups.setdefault(street, []).append((area.pk, area.name))
    return [("", "——")] + list(groups.items())


class SelfRegistrationForm(_Bootstrap, forms.Form):
    name = forms.CharField(label=_("Real name"), max_length=50)
    id_number = forms.CharField(label=_("Resident ID number"), max_length=18,
                                widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"}))
    phone = forms.CharField(label=_("Mobile phone"), max_length=20,
                            widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}))
    area = forms.TypedChoiceField(label=_("Community you will serve in"), coerce=int, choices=())
    service_fields = forms.MultipleChoiceField(label=_("What you would like to do"), choices=SERVICE_INTENTIONS,
                                               widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}))
    skills = forms.CharField(label=_("Skills (optional)"), max_length=200, required=False)
    guardian_name = forms.CharField(label=_("Guardian's name (aged 14–17)"), max_length=50, required=False)
    guardian_consent = forms.BooleanField(label=_("My guardian consents to my volunteering (aged 14–17)"),
                                          required=False)
    data_consent = forms.BooleanField(
        label=_("I consent to the civil affairs bureau keeping and using my name, ID number and phone to register "
                "and manage my volunteer service"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = community_choices()

    def clean_area(self):
        return Area.objects.filter(pk=self.cleaned_data["area"]).first()

    def clean_service_fields(self):
        labels = dict(SERVICE_INTENTIONS)
        return "、".join(str(labels[key]) for key in self.cleaned_data["service_fields"])


class ApplicationDecisionForm(_Bootstrap, forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=[("approve", _("Approve: register the volunteer")),
                                                                ("refuse", _("Refuse"))])
    reason = forms.CharField(label=_("Reason (needed to refuse)"), max_length=300, required=False)
    username = forms.CharField(label=_("User name of their own account (optional)"), max_length=150, required=False,
                               help_text=_("Given on approval: the volunteer signs in to "
                                           "“my service”; the first password is shown once."))
