from rest_framework import serializers

from core.api.serializers import ScopedModelSerializer, ScopedSerializer

from ..models import IndicatorValue, ReportRun
from ..registry import REGISTRY, Unit


class IndicatorSerializer(ScopedSerializer):
    """An indicator as declared in an app's indicators.py."""

    code = serializers.CharField()
    name = serializers.CharField()
    unit = serializers.CharField()
    unit_label = serializers.SerializerMethodField()
    lowest_level = serializers.CharField()
    target = serializers.SerializerMethodField()
    has_denominator = serializers.SerializerMethodField()
    source = serializers.CharField()
    description = serializers.CharField()

    def get_unit_label(self, ind) -> str:
        return str(Unit(ind.unit).label)

    def get_target(self, ind) -> dict | None:
        return {"op": ind.target.op, "value": ind.target.value} if ind.target else None

    def get_has_denominator(self, ind) -> bool:
        return ind.denominator is not None


class IndicatorValueSerializer(ScopedModelSerializer):
    area = serializers.CharField(source="area.code", read_only=True)
    area_name = serializers.CharField(source="area.name", read_only=True)
    area_level = serializers.CharField(source="area.level", read_only=True)
    target_met = serializers.SerializerMethodField()

    class Meta:
        model = IndicatorValue
        fields = ["id", "indicator", "area", "area_name", "area_level", "period", "numerator", "denominator",
                  "value", "note", "target_met", "computed_at", "run"]

    def get_target_met(self, obj) -> bool | None:
        ind = REGISTRY.get(obj.indicator)
        if ind is None or ind.target is None or obj.value is None:
            return None
        return ind.target.met(float(obj.value))


class ReportRunSerializer(ScopedModelSerializer):
    duration_ms = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = ReportRun
        fields = ["id", "period", "status", "trigger", "requested_at", "started_at", "finished_at", "duration_ms",
                  "indicators", "areas", "values_written", "queries", "timings", "message"]
        read_only_fields = [f for f in fields if f != "period"]


class RunCreateSerializer(ScopedSerializer):
    period = serializers.CharField(help_text="2020, 2020Q3 or 2020-07")
