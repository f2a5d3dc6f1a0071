"""Read-only admin pages: values and runs are written only by the aggregation service."""

from django.contrib import admin

from core.admin import ScopedModelAdmin

from .models import IndicatorValue, ReportRun


class ReadOnlyAdmin(ScopedModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ReportRun)
class ReportRunAdmin(ReadOnlyAdmin):
    list_display = ["id", "period", "status", "trigger", "requested_by", "requested_at", "duration_ms",
                    "values_written", "queries"]
    list_filter = ["status", "trigger", "period"]


@admin.register(IndicatorValue)
class IndicatorValueAdmin(ReadOnlyAdmin):
    list_display = ["indicator", "area", "period", "value", "numerator", "denominator", "note", "computed_at"]
    list_filter = ["period", "indicator"]
    search_fields = ["area__code", "area__name", "indicator"]
    list_select_related = ["area"]
    show_full_result_count = False
