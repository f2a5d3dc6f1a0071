"""Admin of the social-organisations app: scoped and read-only (writes go through the pages and
the API, which call the services); the rule values are edited here by the city, each change
through a service that audits it."""

from django.contrib import admin

from core.admin import ReadOnlyScopedAdmin

from . import services
from .models import CreditListing, CreditRule, Organisation, UsccAllowance


@admin.register(Organisation)
class OrganisationAdmin(ReadOnlyScopedAdmin):
    list_display = ["name", "uscc", "org_type", "area", "status", "founded_on"]
    list_filter = ["org_type", "status", "kind"]
    list_select_related = ["area"]
    search_fields = ["name", "uscc"]
    exclude = ["legal_rep_id_number_index"]


@admin.register(CreditListing)
class CreditListingAdmin(ReadOnlyScopedAdmin):
    list_display = ["organisation", "list_type", "reason", "listed_on", "escalates_on", "status"]
    list_filter = ["list_type", "status", "reason"]
    list_select_related = ["organisation"]


@admin.register(CreditRule)
class CreditRuleAdmin(admin.ModelAdmin):
    """Rule values with their legal source; a change is audited (services.set_credit_rule)."""

    list_display = ["key", "value", "unit", "description", "legal_source"]
    readonly_fields = ["key", "unit", "description"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        services.set_credit_rule(actor=request.user, key=obj.key, value=obj.value, legal_source=obj.legal_source)


@admin.register(UsccAllowance)
class UsccAllowanceAdmin(admin.ModelAdmin):
    list_display = ["code", "reason", "added_by", "created_at"]
    fields = ["code", "reason"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        saved = services.allow_legacy_code(actor=request.user, code=obj.code, reason=obj.reason)
        obj.pk = saved.pk
