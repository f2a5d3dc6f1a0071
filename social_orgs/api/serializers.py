from decimal import Decimal

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.models import Area

from ..choices import ListingReason, OrgKind, OrgType, RegistrationLevel, RevocationGround
from ..models import (
    AnnualReport,
    CommunityOrg,
    CreditListing,
    Incubation,
    IncubationCentre,
    Inspection,
    InspectionPlan,
    LotteryFund,
    Organisation,
    SupportGrant,
)


def area_field(**kwargs):
    return serializers.SlugRelatedField(slug_field="code", queryset=Area.objects.all(), **kwargs)


@extend_schema_field(OpenApiTypes.INT)
class ScopedOrganisationField(serializers.PrimaryKeyRelatedField):
    """An organisation the caller may change: one outside their areas does not exist, as a wrong id."""

    scope_action = "change"

    def get_queryset(self):
        return Organisation.objects.restrict(self.context["request"].user, self.scope_action)


class ScopedParentField(ScopedOrganisationField):
    scope_action = "view"


class OrganisationSerializer(serializers.ModelSerializer):
    area = area_field()
    legal_rep_id_number = serializers.CharField(source="legal_rep_id_number_masked", read_only=True)
    org_type = serializers.ChoiceField(choices=OrgType.choices)
    registration_level = serializers.ChoiceField(choices=RegistrationLevel.choices)
    kind = serializers.ChoiceField(choices=OrgKind.choices, required=False)
    parent = ScopedParentField(required=False, allow_null=True)

    class Meta:
        model = Organisation
        fields = ["id", "name", "uscc", "org_type", "kind", "parent", "registration_level", "area", "sponsor_unit",
                  "is_industry_association", "legal_rep_name", "legal_rep_id_number", "founded_on", "purpose",
                  "business_scope", "address", "status", "first_activity_on", "party_commitment", "party_members",
                  "has_party_org", "full_time_staff", "ended_on"]
        # Party figures and staff are reported later (update); name approval takes none of them.
        read_only_fields = ["uscc", "founded_on", "status", "first_activity_on", "party_commitment", "ended_on",
                            "party_members", "has_party_org", "full_time_staff"]


class OrganisationUpdateSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "address", "purpose", "business_scope", "full_time_staff", "party_members", "has_party_org",
                  "is_industry_association", "kind"]


class EstablishSerializer(serializers.Serializer):
    uscc = serializers.CharField(max_length=20)
    founded_on = serializers.DateField()
    party_commitment = serializers.BooleanField()
    party_members = serializers.IntegerField(min_value=0, default=0)
    legal_rep_id_number = serializers.CharField(max_length=18, required=False, allow_blank=True, default="")
    on_behalf_of = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


class StepSerializer(serializers.Serializer):
    on = serializers.DateField(required=False)
    on_behalf_of = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


class RevokeSerializer(StepSerializer):
    ground = serializers.ChoiceField(choices=RevocationGround.choices)
    reason = serializers.CharField()


class DeregisterSerializer(serializers.Serializer):
    on = serializers.DateField(required=False)
    reason = serializers.CharField()


class ReportSerializer(serializers.ModelSerializer):
    class Meta:
        model = AnnualReport
        fields = ["id", "organisation", "year", "sponsor_submitted_on", "sponsor_opinion", "submitted_on",
                  "audit_report", "charter_party_clause", "result", "result_reason", "graded_on"]
        read_only_fields = ["organisation", "sponsor_opinion", "result", "result_reason", "graded_on"]


def organisation_field():
    return ScopedOrganisationField()


class FileReportSerializer(serializers.Serializer):
    organisation = organisation_field()
    year = serializers.IntegerField(min_value=1990, max_value=2100)
    submitted_on = serializers.DateField()
    sponsor_submitted_on = serializers.DateField(required=False, allow_null=True, default=None)
    audit_report = serializers.BooleanField(default=False)
    charter_party_clause = serializers.BooleanField(default=False)


class ListSerializer(serializers.Serializer):
    organisation = organisation_field()
    reason = serializers.ChoiceField(choices=ListingReason.choices)
    on = serializers.DateField(required=False)
    reason_text = serializers.CharField()
    basis_ref = serializers.CharField(max_length=80, required=False, allow_blank=True, default="")
    on_behalf_of = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


class ListingSerializer(serializers.ModelSerializer):
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)

    class Meta:
        model = CreditListing
        fields = ["id", "organisation", "organisation_name", "list_type", "reason", "reason_text", "basis_ref",
                  "listed_on", "clock_from", "events", "restart_count", "rectifiable", "escalates_on", "auto_exit_on",
                  "earliest_exit_on", "on_behalf_of", "rectified_on", "rectification_note", "exit_due_by", "status",
                  "exited_on", "exit_reason", "exit_note", "escalated_to"]
        read_only_fields = fields


class VerifySerializer(serializers.Serializer):
    on = serializers.DateField(required=False)
    note = serializers.CharField()


class RemoveSerializer(serializers.Serializer):
    on = serializers.DateField(required=False)
    note = serializers.CharField(required=False, allow_blank=True, default="")
    correction = serializers.BooleanField(default=False)


class CommunityOrgSerializer(serializers.ModelSerializer):
    area = area_field()

    class Meta:
        model = CommunityOrg
        fields = ["id", "name", "area", "field", "mode", "filed_on", "organisation"]
        read_only_fields = ["organisation"]


class InspectorSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=50)
    conflicts = serializers.ListField(child=serializers.CharField(max_length=18), required=False, default=list)


class PlanSerializer(serializers.ModelSerializer):
    area = area_field()
    inspectors = InspectorSerializer(many=True, write_only=True)
    items = serializers.ListField(child=serializers.CharField(max_length=100))

    class Meta:
        model = InspectionPlan
        fields = ["id", "year", "level", "area", "items", "inspectors", "min_ratio_pct", "org_pool", "inspector_pool",
                  "pools_hash", "sample_size", "seed", "drawn_at", "draw", "status"]
        read_only_fields = ["min_ratio_pct", "org_pool", "inspector_pool", "pools_hash", "sample_size", "seed",
                            "drawn_at", "draw", "status"]


class SeedSerializer(serializers.Serializer):
    seed = serializers.CharField(max_length=200)


# --- fee inspections, welfare-lottery funds, incubation (the pages' services) ---------------------------
class ScopedViewOrganisationField(ScopedOrganisationField):
    """An organisation the caller may see (the service checks it against the fund's or centre's area)."""

    scope_action = "view"


class FeeInspectionSerializer(serializers.ModelSerializer):
    """A fee inspection of an industry association or chamber (涉企收费检查), entered on the inspectors' behalf."""

    organisation = organisation_field()
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    inspectors = serializers.ListField(child=serializers.CharField(max_length=50), min_length=2, write_only=True)
    inspector_names = serializers.CharField(source="inspectors", read_only=True)

    class Meta:
        model = Inspection
        fields = ["id", "organisation", "organisation_name", "method", "inspected_on", "inspectors", "inspector_names",
                  "findings", "violation", "rectification_deadline", "refund_yuan", "rectified_on",
                  "rectification_note", "published"]
        read_only_fields = ["rectified_on", "rectification_note"]


class FeeInspectionUpdateSerializer(serializers.ModelSerializer):
    """Findings, refunds and the verified rectification of a fee inspection."""

    class Meta:
        model = Inspection
        fields = ["id", "findings", "violation", "rectification_deadline", "refund_yuan", "rectified_on",
                  "rectification_note", "published"]


class LotteryAllocationSerializer(serializers.ModelSerializer):
    """What an allocation of welfare-lottery funds pays for, and to which organisation (if one)."""

    fund = serializers.PrimaryKeyRelatedField(queryset=LotteryFund.objects.all())
    organisation = ScopedViewOrganisationField(required=False, allow_null=True)
    organisation_name = serializers.CharField(source="organisation.name", read_only=True, default="")
    area = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = SupportGrant
        fields = ["id", "fund", "title", "organisation", "organisation_name", "amount", "granted_on", "area", "year"]
        read_only_fields = ["area", "year"]

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None:  # a fund the caller may change; one outside their areas does not exist
            fields["fund"].queryset = LotteryFund.objects.restrict(request.user, "change")
        return fields


class LotteryFundSerializer(serializers.ModelSerializer):
    """A year's welfare-lottery funds (福彩公益金) put into support, what is allocated and what is left."""

    area = area_field()
    allocated = serializers.SerializerMethodField()
    left = serializers.SerializerMethodField()
    allocations = LotteryAllocationSerializer(many=True, read_only=True)

    class Meta:
        model = LotteryFund
        fields = ["id", "area", "year", "amount", "source_ref", "note", "allocated", "left", "allocations"]

    @extend_schema_field(OpenApiTypes.DECIMAL)
    def get_allocated(self, fund):
        return str(sum((a.amount for a in fund.allocations.all()), Decimal(0)))

    @extend_schema_field(OpenApiTypes.DECIMAL)
    def get_left(self, fund):
        return str(fund.amount - sum((a.amount for a in fund.allocations.all()), Decimal(0)))


class LotteryFundUpdateSerializer(serializers.ModelSerializer):
    class Meta:
        model = LotteryFund
        fields = ["id", "amount", "source_ref", "note"]


class IncubationCentreSerializer(serializers.ModelSerializer):
    """The city's social-organisation service centre or a county's incubation centre (孵化基地)."""

    area = area_field()
    operator = ScopedViewOrganisationField(required=False, allow_null=True)
    incubating = serializers.IntegerField(read_only=True)
    graduated = serializers.IntegerField(read_only=True)

    class Meta:
        model = IncubationCentre
        fields = ["id", "name", "area", "operator", "address", "space_sqm", "opened_on", "services", "incubating",
                  "graduated"]


class IncubationCentreUpdateSerializer(serializers.ModelSerializer):
    area = area_field()
    operator = ScopedViewOrganisationField(required=False, allow_null=True)

    class Meta:
        model = IncubationCentre
        fields = ["id", "name", "area", "operator", "address", "space_sqm", "opened_on", "services"]


class IncubationSerializer(serializers.ModelSerializer):
    """An organisation's term at a centre: the space and services given, and how it ended."""

    centre = serializers.PrimaryKeyRelatedField(queryset=IncubationCentre.objects.all())
    organisation = ScopedViewOrganisationField(required=False, allow_null=True)

    class Meta:
        model = Incubation
        fields = ["id", "centre", "organisation", "applicant_name", "started_on", "term_until", "space_sqm",
                  "services_given", "status", "ended_on", "outcome_note"]
        read_only_fields = ["status", "ended_on", "outcome_note"]

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None:  # a centre the caller may change; one outside their areas does not exist
            fields["centre"].queryset = IncubationCentre.objects.restrict(request.user, "change")
        return fields


class EndIncubationSerializer(serializers.Serializer):
    graduated = serializers.BooleanField(help_text="true: graduated (出壳); false: left before the term's end")
    ended_on = serializers.DateField()
    note = serializers.CharField()
