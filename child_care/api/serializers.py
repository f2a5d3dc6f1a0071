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
