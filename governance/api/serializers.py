from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.api.serializers import ScopedModelSerializer, ScopedSerializer
from core.choices import AreaLevel
from core.models import Area
from core.querysets import within_scope_of

from ..choices import (
    AttendanceBasis,
    AttendanceMethod,
    BallotMethod,
    BodyKind,
    Capacity,
    Channel,
    DisputeOutcome,
    DisputeType,
    MemberRole,
    ParticipantCategory,
    PassBasis,
    PublicationChannel,
    PublicationKind,
    StepKind,
)
from ..models import (
    Ballot,
    BodyMember,
    CadreReview,
    Category,
    CommunitySetting,
    DecisionStep,
    Dispute,
    EvaluationRound,
    Matter,
    Meeting,
    Objection,
    PointsEntry,
    Project,
    Publication,
    QuorumRule,
    Task,
)


class StepSerializer(ScopedModelSerializer):
    class Meta:
        model = DecisionStep
        fields = ["order", "kind", "status", "merged_reason", "completed_at"]


class MatterSerializer(ScopedModelSerializer):
    area = serializers.SlugRelatedField(slug_field="code", queryset=Area.objects.all())
    category = serializers.PrimaryKeyRelatedField(queryset=Category.objects.all())
    stage_display = serializers.CharField(source="get_stage_display", read_only=True)
    supports_count = serializers.IntegerField(read_only=True)
    is_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = Matter
        fields = ["id", "ref", "area", "title", "description", "category", "location", "amount", "origin", "channel",
                  "raised_by_name", "track", "stage", "stage_display", "raised_at", "response_due", "answered_at",
                  "answer_reason", "merged_into", "referred_to", "supports_count", "is_overdue"]
        read_only_fields = ["ref", "track", "stage", "raised_at", "response_due", "answered_at", "answer_reason",
                            "merged_into", "referred_to"]


class MatterUpdateSerializer(ScopedModelSerializer):
    class Meta:
        model = Matter
        fields = ["title", "description", "location"]
        extra_kwargs = {f: {"required": False} for f in fields}


class MatterDetailSerializer(MatterSerializer):
    steps = StepSerializer(many=True, read_only=True)

    class Meta(MatterSerializer.Meta):
        fields = MatterSerializer.Meta.fields + ["steps"]


class NameSerializer(ScopedSerializer):
    name = serializers.CharField(max_length=50)


class ReasonSerializer(ScopedSerializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class RequiredReasonSerializer(ScopedSerializer):
    reason = serializers.CharField(help_text=_("Shown to the resident."))


class MergeSerializer(ScopedSerializer):
    into = serializers.PrimaryKeyRelatedField(queryset=Matter.objects.all())
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class ReferSerializer(ScopedSerializer):
    to = serializers.CharField(max_length=100)
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class ScheduleMeetingSerializer(ScopedSerializer):
    body_kind = serializers.ChoiceField(choices=BodyKind.choices)
    scheduled_at = serializers.DateTimeField()
    location = serializers.CharField(max_length=100)
    agenda = serializers.CharField()
    step_kind = serializers.ChoiceField(choices=StepKind.choices, required=False, allow_null=True, default=None)
    eligible = serializers.IntegerField(min_value=1, required=False, allow_null=True, default=None)
    eligible_reason = serializers.CharField(required=False, allow_blank=True, default="")


class PartnerSerializer(ScopedSerializer):
    name = serializers.CharField(max_length=100)
    category = serializers.ChoiceField(choices=ParticipantCategory.choices, required=False, default="other")
    role = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")


class StartImplementationSerializer(ScopedSerializer):
    title = serializers.CharField(max_length=200)
    lead_body = serializers.CharField(max_length=100)
    partners = PartnerSerializer(many=True)
    budget = serializers.DecimalField(max_digits=12, decimal_places=2, required=False, allow_null=True, default=None)


class PostPublicationSerializer(ScopedSerializer):
    kind = serializers.ChoiceField(choices=PublicationKind.choices)
    content = serializers.CharField()
    photo_taken_at = serializers.DateTimeField()
    channel = serializers.ChoiceField(choices=PublicationChannel.choices, default=PublicationChannel.BULLETIN_BOARD)


class OpenEvaluationSerializer(ScopedSerializer):
    closes_at = serializers.DateTimeField()
    threshold = serializers.DecimalField(max_digits=3, decimal_places=2, min_value=1, max_value=5, default="3.5")
    min_responses = serializers.IntegerField(min_value=1, default=5)
    grids = serializers.SlugRelatedField(
        slug_field="code", many=True, required=False, queryset=Area.objects.filter(level=AreaLevel.GRID),
        help_text=_("Codes of the grids the matter affects; omitted: the whole community."))


class ObjectionTextSerializer(ScopedSerializer):
    text = serializers.CharField()


class MeetingSerializer(ScopedModelSerializer):
    present = serializers.IntegerField(read_only=True, source="present_count")
    step = serializers.SlugRelatedField(slug_field="kind", read_only=True)

    class Meta:
        model = Meeting
        fields = ["id", "matter", "step", "body_kind", "scheduled_at", "location", "agenda", "notice_sent_at",
                  "eligible", "eligible_households", "roster_eligible", "eligible_reason", "present", "cancelled_at"]


class AttendanceSerializer(ScopedSerializer):
    name = serializers.CharField(max_length=50)
    category = serializers.ChoiceField(choices=ParticipantCategory.choices)
    household = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    method = serializers.ChoiceField(choices=AttendanceMethod.choices, default=AttendanceMethod.STAFF_ENTRY)


class SpeakerSerializer(ScopedSerializer):
    name = serializers.CharField(max_length=50)
    category = serializers.CharField(required=False, allow_blank=True, default="")
    opinion = serializers.CharField()


class MinutesSerializer(ScopedSerializer):
    speakers = SpeakerSerializer(many=True, required=False, default=list)
    consensus = serializers.CharField(required=False, allow_blank=True, default="")
    dissent = serializers.CharField(required=False, allow_blank=True, default="")


class SignSerializer(ScopedSerializer):
    signed_by = serializers.CharField(max_length=200)


class OpenBallotSerializer(ScopedSerializer):
    motion = serializers.CharField()
    method = serializers.ChoiceField(choices=BallotMethod.choices, default=BallotMethod.SHOW_OF_HANDS)


class BallotSerializer(ScopedModelSerializer):
    """Counts of a secret ballot read as null until it closes."""

    class Meta:
        model = Ballot
        fields = ["id", "meeting", "motion", "method", "votes_for", "votes_against", "abstentions", "opened_at",
                  "closed_at", "present", "quorate", "passed"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if not instance.results_visible:
            data.update(votes_for=None, votes_against=None, abstentions=None)
        return data


class TallySerializer(ScopedSerializer):
    votes_for = serializers.IntegerField(min_value=0, default=0)
    votes_against = serializers.IntegerField(min_value=0, default=0)
    abstentions = serializers.IntegerField(min_value=0, default=0)


class CorrectionSerializer(TallySerializer):
    reason = serializers.CharField()


class PublicationSerializer(ScopedModelSerializer):
    is_late = serializers.BooleanField(read_only=True)

    class Meta:
        model = Publication
        fields = ["id", "matter", "kind", "content", "channel", "due_on", "posted_at", "photo_taken_at",
                  "countersigned_at", "is_late"]


class TaskSerializer(ScopedModelSerializer):
    class Meta:
        model = Task
        fields = ["id", "project", "title", "assignee", "due_on", "weight", "is_rectification", "done_at", "evidence"]
        read_only_fields = ["project", "is_rectification", "done_at", "evidence"]


class EvidenceSerializer(ScopedSerializer):
    evidence = serializers.CharField()


class MilestoneInputSerializer(ScopedSerializer):
    date = serializers.DateField()
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")


class ProjectSerializer(ScopedModelSerializer):
    class Meta:
        model = Project
        fields = ["id", "matter", "title", "lead_body", "partners", "budget", "started_at"]


class EvaluationRoundSerializer(ScopedModelSerializer):
    grids = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = EvaluationRound
        fields = ["id", "matter", "opened_at", "closes_at", "threshold", "min_responses", "grids", "closed_at",
                  "responses_count", "satisfaction", "accepted"]


class ResponseInputSerializer(ScopedSerializer):
    respondent = serializers.CharField(max_length=50)
    grid = serializers.SlugRelatedField(
        slug_field="code", required=False, allow_null=True, queryset=Area.objects.filter(level=AreaLevel.GRID),
        help_text=_("Code of the grid the respondent lives in; required when the round is limited to grids."))
    score = serializers.IntegerField(min_value=1, max_value=5)
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class ObjectionSerializer(ScopedModelSerializer):
    class Meta:
        model = Objection
        fields = ["id", "matter", "text", "raised_at", "response_due", "response", "responded_at"]


class ResponseTextSerializer(ScopedSerializer):
    response = serializers.CharField()


class BodyMemberSerializer(ScopedModelSerializer):
    area = serializers.SlugRelatedField(slug_field="code", queryset=Area.objects.all())
    capacity = serializers.ChoiceField(choices=Capacity.choices)
    role = serializers.ChoiceField(choices=MemberRole.choices, default=MemberRole.MEMBER)

    class Meta:
        model = BodyMember
        fields = ["id", "area", "capacity", "name", "role", "user", "term_start", "term_end", "relative_of"]
        # Accounts have no area of their own: a member's account is one granted or based within the caller's areas.
        scoped_relations = {"user": within_scope_of("governance.view_bodymember", "grants__area__code",
                                                    "profile__area__code")}


class PointsEntrySerializer(ScopedModelSerializer):
    class Meta:
        model = PointsEntry
        fields = ["id", "subject_kind", "subject", "points", "event", "matter", "dispute", "reverses", "created_at"]


class DisputeSerializer(ScopedModelSerializer):
    area = serializers.SlugRelatedField(slug_field="code", queryset=Area.objects.all())
    dispute_type = serializers.ChoiceField(choices=DisputeType.choices)
    channel = serializers.ChoiceField(choices=Channel.choices, default=Channel.IN_PERSON)
    outcome = serializers.ChoiceField(choices=DisputeOutcome.choices, default=DisputeOutcome.PENDING)
    effectively_resolved = serializers.BooleanField(read_only=True)

    class Meta:
        model = Dispute
        fields = ["id", "area", "parties", "dispute_type", "channel", "mediator", "received_on", "outcome",
                  "resolved_on", "agreement", "follow_up", "reopened_on", "effectively_resolved"]
        read_only_fields = ["reopened_on"]


class DisputeUpdateSerializer(DisputeSerializer):
    area = serializers.SlugRelatedField(slug_field="code", read_only=True)  # a dispute stays where it was registered

    class Meta(DisputeSerializer.Meta):
        read_only_fields = ["area", "reopened_on"]


class CadreReviewSerializer(ScopedModelSerializer):
    member_name = serializers.CharField(source="member.name", read_only=True)

    class Meta:
        model = CadreReview
        fields = ["id", "member", "member_name", "year", "report", "verdict", "concluded_at"]


class RatingInputSerializer(ScopedSerializer):
    rater_group = serializers.CharField(max_length=50)
    competent = serializers.IntegerField(min_value=0, default=0)
    basically = serializers.IntegerField(min_value=0, default=0)
    incompetent = serializers.IntegerField(min_value=0, default=0)


# --- reference data and community settings --------------------------------------------------------
class GovernanceCategorySerializer(ScopedModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "name", "response_days", "is_major", "major_amount", "publication_days"]


class GovernanceQuorumRuleSerializer(ScopedModelSerializer):
    body_kind = serializers.ChoiceField(choices=BodyKind.choices)
    attendance_basis = serializers.ChoiceField(choices=AttendanceBasis.choices, default=AttendanceBasis.MEMBERS)
    pass_basis = serializers.ChoiceField(choices=PassBasis.choices, default=PassBasis.PRESENT)

    class Meta:
        model = QuorumRule
        fields = ["id", "body_kind", "province", "notice_days", "attendance_basis", "attendance_num",
                  "attendance_den", "attendance_strict", "household_num", "household_den", "household_strict",
                  "pass_basis", "pass_num", "pass_den", "pass_strict", "source"]
        # (body, province) is unique: the service's full_clean reports a duplicate as a 400 on the fields.
        validators = []
        extra_kwargs = {"attendance_den": {"min_value": 1}, "pass_den": {"min_value": 1},
                        "household_den": {"min_value": 1}}


class GovernanceCommunitySettingSerializer(ScopedModelSerializer):
    # Declared, not derived, so the one-to-one's uniqueness is checked by the service after the
    # scope check (a setting outside one's area does not exist for the caller).
    area = serializers.SlugRelatedField(slug_field="code", queryset=Area.objects.all())

    class Meta:
        model = CommunitySetting
        fields = ["id", "area", "adults", "households", "representatives", "party_members", "committee_members",
                  "secretary_is_director"]


class GovernanceCommunitySettingUpdateSerializer(GovernanceCommunitySettingSerializer):
    area = serializers.SlugRelatedField(slug_field="code", read_only=True)  # a setting belongs to its community

    class Meta(GovernanceCommunitySettingSerializer.Meta):
        read_only_fields = ["area"]
