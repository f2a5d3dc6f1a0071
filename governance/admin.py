"""Administrators edit the reference data (categories, quorum rules per province) here; the
procedure's records are changed through the pages and the API, so they are read-only here."""

from django.contrib import admin

from core.admin import ReadOnlyScopedAdmin

from . import services
from .models import BodyMember, Category, CommunitySetting, Dispute, Matter, QuorumRule


class ReferenceAdmin(admin.ModelAdmin):
    def save_model(self, request, obj, form, change):
        services.save_reference(actor=request.user, instance=obj)

    def has_delete_permission(self, request, obj=None):
        return False  # matters and meetings refer to them; retire by editing instead


@admin.register(Category)
class CategoryAdmin(ReferenceAdmin):
    list_display = ["name", "response_days", "is_major", "major_amount", "publication_days"]


@admin.register(QuorumRule)
class QuorumRuleAdmin(ReferenceAdmin):
    list_display = ["body_kind", "province", "notice_days", "attendance_num", "attendance_den", "attendance_strict",
                    "pass_basis", "pass_num", "pass_den", "source"]
    list_filter = ["body_kind", "province"]



@admin.register(Matter)
class MatterAdmin(ReadOnlyScopedAdmin):
    list_display = ["ref", "title", "area", "category", "stage", "response_due"]
    list_filter = ["stage", "track", "category"]
    search_fields = ["ref", "title"]


@admin.register(Dispute)
class DisputeAdmin(ReadOnlyScopedAdmin):
    list_display = ["area", "dispute_type", "received_on", "outcome", "resolved_on"]
    list_filter = ["outcome", "dispute_type"]


@admin.register(BodyMember)
class BodyMemberAdmin(ReadOnlyScopedAdmin):
    list_display = ["name", "area", "capacity", "role", "term_start", "term_end"]


@admin.register(CommunitySetting)
class CommunitySettingAdmin(ReadOnlyScopedAdmin):
    list_display = ["area", "adults", "households", "representatives", "party_members", "secretary_is_director"]
