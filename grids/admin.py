"""Admin of grids: scoped and read-only (writes go through the pages, the API and the services)."""

from django.contrib import admin

from core.admin import ReadOnlyScopedAdmin

from .assessments import CommunityAssessment


@admin.register(CommunityAssessment)
class CommunityAssessmentAdmin(ReadOnlyScopedAdmin):
    list_display = ["title", "department", "kind", "area", "period", "held_on", "unified", "state"]
    list_filter = ["kind", "unified", "state"]
    list_select_related = ["area"]
    search_fields = ["department", "title"]
