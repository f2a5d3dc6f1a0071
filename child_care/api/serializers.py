from rest_framework import serializers

from core.api.serializers import PersonalDataSerializerField
from core.models import Area
from core.personal import PersonalKind

from ..models import CategoryRecord, Person, Proposal, Visit


class PersonSerializer(serializers.ModelSerializer):
    id_number = PersonalDataSerializerField(kind=PersonalKind.ID_NUMBER, masked_source="id_number_masked")
    phone = PersonalDataSerializerField(kind=PersonalKind.PHONE, masked_source="phone_masked", required=False,
                                        allow_blank=True)
    area = serializers.SlugRelatedField(slug_field="code", queryset=Area.objects.filter(level="community"))

    class Meta:
        model = Person
        fields = ["id", "kind", "name", "id_number", "phone", "birth_date", "sex", "hukou", "area", "address",
                  "risk_tier", "report_stage", "deleted_at"]
        read_only_fields = ["birth_date", "sex", "report_stage", "deleted_at"]


class PersonUpdateSerializer(serializers.ModelSerializer):
    class Meta:
        model = Person
        fields = ["id", "name", "hukou", "address", "risk_tier"]


class CategoryRecordSerializer(serializers.ModelSerializer):
    class Meta:
        model = CategoryRecord
        fields = ["id", "person", "category", "difficulty_kind", "starts_on", "ends_on", "start_reason", "end_reason"]
        read_only_fields = ["ends_on", "end_reason"]


class ProposalSerializer(serializers.ModelSerializer):
    class Meta:
        model = Proposal
        fields = ["id", "person", "record", "action", "category", "rule", "effective_on", "reason", "status",
                  "confirmed_by", "confirmed_at", "decided_by", "decided_at", "note"]
        read_only_fields = fields


class ChildVisitSerializer(serializers.ModelSerializer):
    class Meta:
        model = Visit
        fields = ["id", "person", "visitor", "due_on", "status", "done_on", "life", "study", "safety", "guardianship",
                  "next_steps"]
        read_only_fields = fields


_VISIT_ATTRS = [(name, f"{name}_id" if name in ("person", "visitor") else name) for name in
                ChildVisitSerializer.Meta.fields]


def visit_rows(visits) -> list[dict]:
    """``ChildVisitSerializer(visits, many=True).data`` without DRF's per-field machinery (~0.1 ms a row): the
    due list is read each time a director opens the app. Same JSON (tested)."""
    return [{name: getattr(v, attr) for name, attr in _VISIT_ATTRS} for v in visits]


class VisitRecordSerializer(serializers.Serializer):
    done_on = serializers.DateField()
    life = serializers.CharField(required=False, allow_blank=True, default="")
    study = serializers.CharField(required=False, allow_blank=True, default="")
    safety = serializers.CharField(required=False, allow_blank=True, default="")
    guardianship = serializers.CharField(required=False, allow_blank=True, default="")
    next_steps = serializers.CharField(required=False, allow_blank=True, default="")


class ChildNoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ChildReasonSerializer(serializers.Serializer):
    reason = serializers.CharField()


class RevealSerializer(serializers.Serializer):
    field = serializers.ChoiceField(choices=["id_number", "phone"])
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class RevealedSerializer(serializers.Serializer):
    """A revealed value: which field and its plaintext."""

    field = serializers.CharField()
    value = serializers.CharField()


class CategoryEndSerializer(serializers.Serializer):
    ends_on = serializers.DateField()
    reason = serializers.CharField()


# --- roster, rescue, consent --------------------------------------------------------------------------
from ..models import Consent, FollowUp, RescueCase, RosterEntry, RosterImport  # noqa: E402


class RosterImportSerializer(serializers.ModelSerializer):
    class Meta:
        model = RosterImport
        fields = ["id", "area", "filename", "status", "rows", "errors", "counts", "created_at", "reconciled_at"]


class RosterEntrySerializer(serializers.ModelSerializer):
    id_number = serializers.CharField(source="id_number_masked", read_only=True)

    class Meta:
        model = RosterEntry
        fields = ["id", "roster", "line", "area", "name", "id_number", "birth_date", "sex", "school", "enrolment",
                  "roster_left_behind", "person", "match", "name_score", "bucket", "differences", "decision",
                  "decided_by", "decided_at", "note"]


class RosterDecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["same", "not_same", "dismissed"])
    note = serializers.CharField(required=False, allow_blank=True, default="")


class RescueCaseSerializer(serializers.ModelSerializer):
    id_number = serializers.CharField(write_only=True)
    # A station's staff name their station (the service refuses any other); a director types the name.
    station = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")

    class Meta:
        model = RescueCase
        fields = ["id", "person", "area", "id_number", "station", "rescue_station", "found_on", "found_place", "circumstances", "repeat",
                  "status", "handed_over_at", "accepted_by", "accepted_at", "receipt"]
        read_only_fields = ["person", "area", "repeat", "status", "handed_over_at", "accepted_by", "accepted_at",
                            "receipt"]


class RescueAcceptSerializer(serializers.Serializer):
    receipt = serializers.CharField(required=False, allow_blank=True, default="")


class FollowUpSerializer(serializers.ModelSerializer):
    class Meta:
        model = FollowUp
        fields = ["id", "case", "area", "party", "due_on", "done_on", "findings"]


class FollowUpRecordSerializer(serializers.Serializer):
    done_on = serializers.DateField()
    findings = serializers.CharField(allow_blank=True)


class ConsentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Consent
        fields = ["id", "person", "guardian", "area", "purpose", "given_on", "expires_on", "withdrawn_on"]
        read_only_fields = ["area", "withdrawn_on"]


class ConsentWithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True)
    withdrawn_on = serializers.DateField(required=False)


# --- guardianship guidance, outreach, trainings ---------------------------------------------------------
from ..models import Appointment, Guidance, Outreach, Relationship, Training  # noqa: E402


class GuidanceSerializer(serializers.ModelSerializer):
    # Any relationship id: the service refuses one not linked to this child (400, on "guardian").
    guardian = serializers.PrimaryKeyRelatedField(queryset=Relationship.objects.all())

    class Meta:
        model = Guidance
        fields = ["id", "person", "area", "guardian", "member", "done_on", "content", "follow_up_on", "recorded_by",
                  "created_at"]
        read_only_fields = ["area", "recorded_by", "created_at"]


class OutreachSerializer(serializers.ModelSerializer):
    class Meta:
        model = Outreach
        fields = ["id", "area", "held_on", "topic", "children", "guardians", "women", "cadres", "created_at"]
        read_only_fields = ["created_at"]


class TrainingSerializer(serializers.ModelSerializer):
    attendees = serializers.PrimaryKeyRelatedField(queryset=Appointment.objects.select_related("area"), many=True,
                                                   required=False, write_only=True)
    attendance = serializers.SerializerMethodField()

    class Meta:
        model = Training
        fields = ["id", "held_on", "topic", "level", "organiser", "area", "attendees", "attendance"]

    def get_attendance(self, obj) -> list:
        return [{"appointment": a.appointment_id, "attended": a.attended} for a in obj.attendances.all()]


class AttendanceMarkSerializer(serializers.Serializer):
    attended = serializers.PrimaryKeyRelatedField(queryset=Appointment.objects.select_related("area"), many=True,
                                                  required=False, default=list)
    absent = serializers.PrimaryKeyRelatedField(queryset=Appointment.objects.select_related("area"), many=True,
                                                required=False, default=list)
