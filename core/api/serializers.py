from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ..models import Area, AuditEvent, Finding
from ..personal import VALIDATORS, PersonalValue


class PersonalDataSerializerField(serializers.CharField):
    """Reads as the masked value, writes the plaintext after the same validation as models."""

    def __init__(self, *, kind, **kwargs):
        self.kind = kind
        super().__init__(**kwargs)

    def to_representation(self, value):
        return value.masked if isinstance(value, PersonalValue) else ("" if value is None else "***")

    def to_internal_value(self, data):
        from django.core.exceptions import ValidationError

        text = super().to_internal_value(data)
        try:
            return VALIDATORS[self.kind](text)
        except ValidationError as exc:
            raise serializers.ValidationError(exc.messages)


class AreaSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", queryset=Area.objects.all(), required=False,
                                          allow_null=True)
    level_display = serializers.CharField(source="get_level_display", read_only=True)

    class Meta:
        model = Area
        fields = ["code", "name", "level", "level_display", "kind", "parent"]


class AreaUpdateSerializer(AreaSerializer):
    class Meta(AreaSerializer.Meta):
        read_only_fields = ["code", "level", "parent"]


class FindingSerializer(serializers.ModelSerializer):
    area = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Finding
        fields = ["id", "rule", "severity", "title", "detail", "target_type", "target_id", "target_label", "area",
                  "due_date", "status", "raised_at", "closed_at", "resolution"]


class FindingCloseSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["resolved", "dismissed"])
    resolution = serializers.CharField(help_text=_("What was done, or why it is dismissed."))


class AuditEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditEvent
        fields = ["id", "created_at", "actor_label", "action", "target_type", "target_id", "target_label",
                  "area_code", "changes", "request_id", "reason"]


class RevealSerializer(serializers.Serializer):
    reason = serializers.CharField(min_length=4)
