from rest_framework import serializers

from core.models import Area

from ..models import (
    CommunityWorker,
    GridProfile,
    HandlingUnit,
    Incident,
    IncidentCategory,
    PatrolVisit,
    Pilot,
    PostQuota,
)


class GridProfileSerializer(serializers.ModelSerializer):
    area = serializers.SlugRelatedField(slug_field="code", queryset=Area.objects.all())

    class Meta:
        model = GridProfile
        fields = ["id", "area", "grid_type", "households", "residents", "buildings", "stationed_units",
                  "party_organisations", "party_members", "former_grids", "extent", "contact_name", "service_phone",
                  "complaints_phone", "published"]


class GridProfileUpdateSerializer(GridProfileSerializer):
    class Meta(GridProfileSerializer.Meta):
        read_only_fields = ["area"]
        extra_kwargs = {f: {"required": False} for f in GridProfileSerializer.Meta.fields}


class WorkerSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="staff.full_name", read_only=True)
    area = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = CommunityWorker
        fields = ["id", "name", "area", "post_type", "grade", "grade_since", "monthly_pay", "is_generalist",
                  "qualification", "status", "hired_on", "left_on"]


class QuotaSerializer(serializers.ModelSerializer):
    area = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = PostQuota
        fields = ["id", "area", "year", "approved", "filled", "vacant", "vacant_since", "decided_by"]


class PilotSerializer(serializers.ModelSerializer):
    area = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Pilot
        fields = ["id", "area", "year", "kind", "service_model", "note"]


class PatrolVisitSerializer(serializers.ModelSerializer):
    area = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = PatrolVisit
        fields = ["id", "plan", "area", "started_at", "ended_at", "objects_visited", "answers", "notes"]


class IncidentSerializer(serializers.ModelSerializer):
    area = serializers.SlugRelatedField(slug_field="code", queryset=Area.objects.all())
    category = serializers.SlugRelatedField(slug_field="code", queryset=IncidentCategory.objects.all())
    unit = serializers.StringRelatedField(read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    is_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = Incident
        fields = ["id", "ref", "area", "source", "category", "place", "description", "priority", "reporter_name",
                  "state", "state_display", "unit", "filed_at", "due_on", "closed_on", "duplicate_of", "reason",
                  "reopened_count", "satisfaction", "is_overdue"]
        read_only_fields = ["ref", "state", "unit", "filed_at", "due_on", "closed_on", "duplicate_of", "reason",
                            "reopened_count", "satisfaction"]


class IncidentNoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class RequiredNoteSerializer(serializers.Serializer):
    note = serializers.CharField()


class IncidentReasonSerializer(serializers.Serializer):
    reason = serializers.CharField()


class CloseSerializer(serializers.Serializer):
    satisfaction = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=5, default=None)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class NotResponsibleSerializer(serializers.Serializer):
    reason = serializers.CharField()
    unit = serializers.PrimaryKeyRelatedField(queryset=HandlingUnit.objects.all(), required=False, allow_null=True,
                                              default=None)


class DuplicateSerializer(serializers.Serializer):
    of = serializers.CharField(help_text="reference of the original incident")
