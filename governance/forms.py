from django import forms
from django.utils.translation import gettext_lazy as _

from core.models import Area
from core.validators import DOCUMENT_TYPES, IMAGE_TYPES, FileTypeValidator, upload_help

from .choices import (
    BallotMethod,
    BodyKind,
    Channel,
    DisputeOutcome,
    DisputeType,
    ParticipantCategory,
    PublicationKind,
    StepKind,
)
from .models import Category


class PhoneForm(forms.Form):
    """Bootstrap classes on every widget, so the forms fill a phone's width."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)


def style(form):
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.HiddenInput):
            continue
        css = "form-select" if isinstance(widget, forms.Select) else "form-control"
        widget.attrs["class"] = css
    return form


DT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
D = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MatterForm(PhoneForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.all())
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    location = forms.CharField(label=_("Location in the community"), max_length=100, required=False)
    amount = forms.DecimalField(label=_("Amount involved (yuan)"), required=False, min_value=0)
    raised_by_name = forms.CharField(label=_("Raised by (resident)"), max_length=50)
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)


class NameForm(PhoneForm):
    name = forms.CharField(label=_("Resident"), max_length=50)


class NoteForm(PhoneForm):
    reason = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReasonForm(PhoneForm):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class ReferForm(PhoneForm):
    to = forms.CharField(label=_("Referred to"), max_length=100)
    reason = forms.CharField(label=_("Reason"), required=False)


class MergeForm(PhoneForm):
    into = forms.CharField(label=_("Reference of the matter to merge into"), max_length=30)
    reason = forms.CharField(label=_("Reason"), required=False)


class MeetingForm(PhoneForm):
    body_kind = forms.ChoiceField(label=_("Body"), choices=BodyKind.choices)
    step_kind = forms.ChoiceField(label=_("Decision step"), required=False,
                                  choices=[("", "—")] + list(StepKind.choices)[:4])
    scheduled_at = forms.DateTimeField(label=_("Time"), widget=DT)
    location = forms.CharField(label=_("Place"), max_length=100)
    agenda = forms.CharField(label=_("Agenda"), widget=forms.Textarea(attrs={"rows": 2}))
    eligible = forms.IntegerField(label=_("Invited participants"), min_value=1, required=False,
                                  help_text=_("For a consultation council; assemblies use the recorded roster."))
    eligible_reason = forms.CharField(label=_("Reason for a number other than the roster's"), required=False,
                                      widget=forms.Textarea(attrs={"rows": 2}),
                                      help_text=_("Only when the number differs from the roster; it is audited."))

    def for_matter(self, matter):
        """Start on the body that holds this matter's next meeting (the first choice would be refused)."""
        from .choices import DELIBERATION_STEPS, Track
        from .services import STEP_BODIES

        if matter.track == Track.FOUR_DELIBERATIONS:
            done = {s.kind for s in matter.steps.all() if s.done}
            step = next((k for k in DELIBERATION_STEPS if k not in done), None)
            if step is not None:
                self.initial.setdefault("body_kind", STEP_BODIES[step][0])
                self.initial.setdefault("step_kind", step)
        else:
            self.initial.setdefault("body_kind", BodyKind.CONSULTATION_COUNCIL)
        return self


class AttendanceForm(PhoneForm):
    name = forms.CharField(label=_("Name"), max_length=50)
    category = forms.ChoiceField(label=_("Participant category"), choices=ParticipantCategory.choices)
    household = forms.CharField(label=_("Household"), max_length=50, required=False)


class MinutesForm(PhoneForm):
    speaker = forms.CharField(label=_("Speaker"), max_length=50, required=False)
    speaker_category = forms.ChoiceField(label=_("Participant category"), choices=ParticipantCategory.choices,
                                         required=False)
    opinion = forms.CharField(label=_("Opinion"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    consensus = forms.CharField(label=_("Consensus"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    dissent = forms.CharField(label=_("Dissent"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class SignForm(PhoneForm):
    signed_by = forms.CharField(label=_("Signed by"), max_length=200)


class BallotForm(PhoneForm):
    motion = forms.CharField(label=_("Motion"), widget=forms.Textarea(attrs={"rows": 2}))
    method = forms.ChoiceField(label=_("Method"), choices=BallotMethod.choices)


class TallyForm(PhoneForm):
    votes_for = forms.IntegerField(label=_("For"), min_value=0, initial=0)
    votes_against = forms.IntegerField(label=_("Against"), min_value=0, initial=0)
    abstentions = forms.IntegerField(label=_("Abstain"), min_value=0, initial=0)


class PublicationForm(PhoneForm):
    kind = forms.ChoiceField(label=_("Publication"), choices=PublicationKind.choices)
    content = forms.CharField(label=_("Content"), widget=forms.Textarea(attrs={"rows": 3}))
    photo = forms.FileField(label=_("Photo of the posting"), required=False,
                            validators=[FileTypeValidator(IMAGE_TYPES)], help_text=upload_help(IMAGE_TYPES))
    photo_taken_at = forms.DateTimeField(label=_("Photo taken"), widget=DT)


class ProjectForm(PhoneForm):
    title = forms.CharField(label=_("Project title"), max_length=200)
    lead_body = forms.CharField(label=_("Lead body"), max_length=100)
    partners = forms.CharField(label=_("Partners (one per line)"), widget=forms.Textarea(attrs={"rows": 2}))
    budget = forms.DecimalField(label=_("Budget (yuan)"), required=False, min_value=0)


class TaskForm(PhoneForm):
    title = forms.CharField(label=_("Task"), max_length=200)
    assignee = forms.CharField(label=_("Assignee"), max_length=100)
    due_on = forms.DateField(label=_("Due"), widget=D)
    weight = forms.IntegerField(label=_("Weight"), min_value=1, initial=1)


class EvidenceForm(PhoneForm):
    task = forms.IntegerField(widget=forms.HiddenInput)
    evidence = forms.CharField(label=_("Evidence"), max_length=500)


class EvaluationForm(PhoneForm):
    closes_at = forms.DateTimeField(label=_("Closes"), widget=DT)
    threshold = forms.DecimalField(label=_("Satisfaction needed"), min_value=1, max_value=5, initial=3.5)
    min_responses = forms.IntegerField(label=_("Responses needed"), min_value=1, initial=5)
    grids = forms.ModelMultipleChoiceField(label=_("Grids affected"), queryset=Area.objects.none(), required=False,
                                           help_text=_("None chosen: the whole community evaluates."))

    def for_matter(self, matter):
        from .services import community_grids

        self.fields["grids"].queryset = community_grids(matter.area).order_by("code")
        return self


class ResponseForm(PhoneForm):
    respondent = forms.CharField(label=_("Resident"), max_length=50)
    grid = forms.ModelChoiceField(label=_("Grid"), queryset=Area.objects.none(), required=False)
    score = forms.TypedChoiceField(label=_("Satisfaction"), coerce=int, choices=[(i, i) for i in range(5, 0, -1)])
    comment = forms.CharField(label=_("Comment"), required=False)

    def for_matter(self, matter):
        """Any grid of the community is offered; the service refuses one outside a limited round
        with the reason, shown as a message on the page."""
        from .services import community_grids

        self.fields["grid"].queryset = community_grids(matter.area).order_by("code")
        return self


class ObjectionForm(PhoneForm):
    text = forms.CharField(label=_("Objection"), widget=forms.Textarea(attrs={"rows": 2}))


class AttachmentForm(PhoneForm):
    title = forms.CharField(label=_("Title"), max_length=100)
    file = forms.FileField(label=_("File"), validators=[FileTypeValidator(DOCUMENT_TYPES)],
                           help_text=upload_help(DOCUMENT_TYPES))


class ObjectionAnswerForm(PhoneForm):
    objection = forms.IntegerField(widget=forms.HiddenInput)
    response = forms.CharField(label=_("Response"), max_length=1000)


class DisputeForm(PhoneForm):
    parties = forms.CharField(label=_("Parties"), widget=forms.Textarea(attrs={"rows": 2}))
    dispute_type = forms.ChoiceField(label=_("Type"), choices=DisputeType.choices)
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)
    mediator = forms.CharField(label=_("Mediator"), max_length=50)
    received_on = forms.DateField(label=_("Received"), widget=D)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=DisputeOutcome.choices)
    resolved_on = forms.DateField(label=_("Resolved"), widget=D, required=False)
    agreement = forms.CharField(label=_("Agreement"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    follow_up = forms.CharField(label=_("Follow-up"), required=False)


class DisputeResolveForm(PhoneForm):
    resolved_on = forms.DateField(label=_("Resolved"), widget=D, required=False,
                                  help_text=_("Empty: today."))
    agreement = forms.CharField(label=_("Agreement"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    follow_up = forms.CharField(label=_("Follow-up"), required=False)


# --- the bodies' records on pages -----------------------------------------------------------------------
def _communities():
    from core.choices import AreaLevel

    return Area.objects.filter(level=AreaLevel.COMMUNITY).order_by("code")


class CadreReviewForm(PhoneForm):
    member = forms.ModelChoiceField(label=_("Reviewed member"), queryset=None)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    report = forms.CharField(label=_("Report (述职)"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, **kwargs):
        from .choices import Capacity
        from .models import BodyMember

        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = BodyMember.objects.filter(
            capacity=Capacity.TWO_COMMITTEES).select_related("area").order_by("area__code", "name")
        self.fields["member"].label_from_instance = lambda m: f"{m.area.name} · {m.name} ({m.get_role_display()})"
        style(self)


class RatingForm(PhoneForm):
    rater_group = forms.CharField(label=_("Rater group"), max_length=50,
                                  help_text=_("e.g. party members, villagers' representatives, township"))
    competent = forms.IntegerField(label=_("Competent"), min_value=0, initial=0)
    basically = forms.IntegerField(label=_("Basically competent"), min_value=0, initial=0)
    incompetent = forms.IntegerField(label=_("Incompetent"), min_value=0, initial=0)


class BodyMemberForm(PhoneForm):
    area = forms.ModelChoiceField(label=_("Community/village"), queryset=None)
    capacity = forms.ChoiceField(label=_("Body"), choices=[])
    name = forms.CharField(label=_("Name"), max_length=50)
    role = forms.ChoiceField(label=_("Role"), choices=[])
    term_start = forms.DateField(label=_("Term start"), widget=D)
    term_end = forms.DateField(label=_("Term end"), widget=D, required=False)

    def __init__(self, *args, **kwargs):
        from .choices import Capacity, MemberRole

        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = _communities()
        self.fields["capacity"].choices = Capacity.choices
        self.fields["role"].choices = MemberRole.choices
        self.fields["role"].initial = MemberRole.MEMBER
        style(self)


class SettingFieldsForm(PhoneForm):
    adults = forms.IntegerField(label=_("Adult residents"), min_value=0)
    households = forms.IntegerField(label=_("Households"), min_value=0)
    representatives = forms.IntegerField(label=_("Representatives"), min_value=0)
    party_members = forms.IntegerField(label=_("Party members"), min_value=0)
    committee_members = forms.IntegerField(label=_("Members of the two committees"), min_value=0, initial=0,
                                           help_text=_("Empty (0) counts the members recorded on the two "
                                                       "committees."))
    secretary_is_director = forms.BooleanField(label=_("Secretary is also director (一肩挑)"), required=False)

    def __init__(self, *args, instance=None, **kwargs):
        if instance is not None:
            kwargs.setdefault("initial", {})
            kwargs["initial"] = {**{f: getattr(instance, f) for f in self.base_fields}, **kwargs["initial"]}
        super().__init__(*args, **kwargs)


class SettingForm(SettingFieldsForm):
    area = forms.ModelChoiceField(label=_("Community/village"), queryset=None)

    field_order = ["area"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = _communities()
        style(self)
