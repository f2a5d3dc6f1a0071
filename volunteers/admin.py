"""Read-only admin views of the volunteers app, scoped like every page: writes go through the
pages and the API, which call the services (and the ledger's rules)."""

from django.contrib import admin

from core.admin import ReadOnlyScopedAdmin

from .models import Certificate, ServiceHourRecord, SocialWorker, StarLevel, Team, Volunteer


@admin.register(Volunteer)
class VolunteerAdmin(ReadOnlyScopedAdmin):
    list_display = ["name", "id_number", "area", "registered_on", "status", "approved_hours", "star_level"]
    list_filter = ["status", "star_level"]
    list_select_related = ["area"]
    exclude = ["id_number_index", "phone_index"]


@admin.register(Team)
class TeamAdmin(ReadOnlyScopedAdmin):
    list_display = ["name", "area", "join_mode", "organisation_name"]
    list_select_related = ["area"]
    search_fields = ["name"]


@admin.register(ServiceHourRecord)
class ServiceHourRecordAdmin(ReadOnlyScopedAdmin):
    list_display = ["volunteer", "team", "service_date", "hours", "status", "chain_seq"]
    list_filter = ["status", "source"]
    list_select_related = ["volunteer", "team"]


@admin.register(SocialWorker)
class SocialWorkerAdmin(ReadOnlyScopedAdmin):
    list_display = ["name", "level", "certificate_no", "certified_year", "area"]
    list_filter = ["level"]
    list_select_related = ["area"]
    exclude = ["id_number_index"]


@admin.register(Certificate)
class CertificateAdmin(ReadOnlyScopedAdmin):
    list_display = ["number", "volunteer", "team", "hours", "status", "issued_at"]
    list_select_related = ["volunteer", "team"]


@admin.register(StarLevel)
class StarLevelAdmin(admin.ModelAdmin):
    """Thresholds change by data migration, with their legal source; here they are only shown."""

    list_display = ["level", "min_hours", "legal_source"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
