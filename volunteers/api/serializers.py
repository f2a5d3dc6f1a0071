from django.contrib.auth import get_user_model
from rest_framework import serializers

from core.api.serializers import LeanReadMixin, PersonalDataSerializerField, ScopedModelSerializer, ScopedSerializer
from core.models import Area
from core.personal import PersonalKind

from ..models import (
    Activity,
    Certificate,
    CorrectionRequest,
    ImportJob,
    ServiceHourRecord,
    Shift,
    SocialWorker,
    Team,
    TrainingSession,
    Volunteer,
)


def area_field(**kwargs):
    return serializers.SlugRelatedField(slug_field="code", queryset=Area.objects.all(), **kwargs)


class VolunteerSerializer(LeanReadMixin, ScopedModelSerializer):
    id_number = PersonalDataSerializerField(kind=PersonalKind.ID_NUMBER, masked_source="id_number_masked")
    phone = PersonalDataSerializerField(kind=PersonalKind.PHONE, masked_source="phone_masked", required=False,
                                        allow_blank=True)
    area = area_field()

    lean_static_fields = True  # nothing here depends on the request

    class Meta:
        model = Volunteer
        fields = ["id", "name", "id_number", "phone", "sex", "birth_date", "area", "registered_on", "skills",
                  "service_fields", "status", "guardian_name", "guardian_consent_on", "approved_hours", "star_level"]
        read_only_fields = ["sex", "birth_date", "approved_hours", "star_level"]


class VolunteerUpdateSerializer(VolunteerSerializer):
    class Meta(VolunteerSerializer.Meta):
        read_only_fields = [*VolunteerSerializer.Meta.read_only_fields, "id_number"]


class TeamSerializer(ScopedModelSerializer):
    area = area_field()

    class Meta:
        model = Team
        fields = ["id", "name", "area", "organisation_name", "organisation_uscc", "join_mode", "description"]


class ActivitySerializer(ScopedModelSerializer):
    area = area_field(required=False)

    class Meta:
        model = Activity
        fields = ["id", "team", "area", "title", "service_field", "description"]


class ShiftSerializer(ScopedModelSerializer):
    class Meta:
        model = Shift
        fields = ["id", "activity", "place", "starts_at", "ends_at", "quota", "checkin_code"]
        read_only_fields = ["checkin_code"]


class HourRecordSerializer(ScopedModelSerializer):
    class Meta:
        model = ServiceHourRecord
        fields = ["id", "volunteer", "team", "activity", "shift", "service_date", "hours", "description", "source",
                  "status", "recorded_by", "recorded_at", "approved_by", "approved_at", "reverses", "chain_seq",
                  "record_hash"]
        read_only_fields = ["source", "status", "recorded_by", "recorded_at", "approved_by", "approved_at",
                            "reverses", "chain_seq", "record_hash"]
        extra_kwargs = {"service_date": {"required": False}}


class HourRecordUpdateSerializer(HourRecordSerializer):
    class Meta(HourRecordSerializer.Meta):
        read_only_fields = [*HourRecordSerializer.Meta.read_only_fields, "volunteer", "team", "activity", "shift"]


class HourReasonSerializer(ScopedSerializer):
    reason = serializers.CharField()


class HourCorrectionSerializer(ScopedModelSerializer):
    class Meta:
        model = CorrectionRequest
        fields = ["id", "record", "volunteer", "requested_hours", "reason", "status", "answer", "answered_at",
                  "created_at"]
        read_only_fields = ["volunteer", "status", "answer", "answered_at", "created_at"]


class AnswerSerializer(ScopedSerializer):
    accept = serializers.BooleanField()
    answer = serializers.CharField()


class TrainingSessionSerializer(ScopedModelSerializer):
    area = area_field()

    class Meta:
        model = TrainingSession
        fields = ["id", "title", "topic", "area", "held_on", "organiser", "with_civilisation_office"]


class SocialWorkerSerializer(ScopedModelSerializer):
    id_number = PersonalDataSerializerField(kind=PersonalKind.ID_NUMBER)
    area = area_field()

    class Meta:
        model = SocialWorker
        fields = ["id", "name", "id_number", "level", "certificate_no", "certified_year", "employer", "area"]


class SocialWorkerUpdateSerializer(SocialWorkerSerializer):
    class Meta(SocialWorkerSerializer.Meta):
        read_only_fields = ["id_number"]


class CertificateSerializer(ScopedModelSerializer):
    class Meta:
        model = Certificate
        fields = ["id", "number", "verify_code", "volunteer", "team", "hours", "records", "period_start",
                  "period_end", "chain_head", "status", "issued_at"]


class ImportJobSerializer(ScopedModelSerializer):
    file = serializers.FileField(write_only=True)
    team = serializers.PrimaryKeyRelatedField(queryset=Team.objects.all(), required=False, allow_null=True)

    class Meta:
        model = ImportJob
        fields = ["id", "kind", "team", "file", "filename", "status", "processed", "created", "updated", "unchanged",
                  "error_count", "errors", "message", "created_at", "finished_at"]
        read_only_fields = ["filename", "status", "processed", "created", "updated", "unchanged", "error_count",
                            "errors", "message", "created_at", "finished_at"]


class ImportApprovalSerializer(ScopedSerializer):
    id = serializers.IntegerField(read_only=True)
    approved = serializers.IntegerField(read_only=True, help_text="records approved by this step")


class TeamStaffSerializer(ScopedSerializer):
    """Appoint a staff user (by user name) as the team's manager or recorder."""

    user = serializers.SlugRelatedField(slug_field="username", queryset=get_user_model().objects.filter(is_active=True))
    role = serializers.ChoiceField(choices=[("manager", "manager"), ("recorder", "recorder")])

    class Meta:
        # Only people who hold a role within the caller's areas can be named: another district's
        # user name reads as one that exists nowhere (no existence oracle over accounts).
        scoped_relations = {"user": lambda queryset, user: queryset.filter(
            grants__area__in=Area.objects.restrict(user, "view")).distinct()}


class TeamStaffMembershipSerializer(ScopedSerializer):
    id = serializers.IntegerField()
    team = serializers.IntegerField(source="team_id")
    user = serializers.CharField(source="user.username")
    role = serializers.CharField()
    status = serializers.CharField()
