"""API of the social-organisations app: the same services and scoped querysets as the pages.
Each step of an organisation's life is a POST action; a refused step answers 409 with the reason."""

from django.db.models import Count, Prefetch, Q
from rest_framework import mixins, status
from rest_framework.response import Response

from core.api.viewsets import ScopedCreateListRetrieveViewSet, Transition

from .. import services
from ..choices import IncubationStatus, InspectionKind, SupportKind
from ..filtersets import (
    CentreFilterSet,
    FeeInspectionFilterSet,
    IncubationFilterSet,
    ListingFilterSet,
    LotteryAllocationFilterSet,
    LotteryFundFilterSet,
    OrganisationFilterSet,
)
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
from . import serializers as s


class OrganisationViewSet(mixins.UpdateModelMixin, ScopedCreateListRetrieveViewSet):
    """Organisations. POST creates the name approval; PATCH corrects non-registration data; the
    registration steps are actions."""

    queryset = Organisation.objects.select_related("area").defer("legal_rep_id_number", "legal_rep_id_number_index")
    filterset_class = OrganisationFilterSet
    transitions = {
        "preparation": Transition(services.start_preparation, input=s.StepSerializer, output=s.OrganisationSerializer,
                                  object_arg="org"),
        "establish": Transition(services.establish, input=s.EstablishSerializer, output=s.OrganisationSerializer,
                                object_arg="org"),
        "revoke": Transition(services.revoke, input=s.RevokeSerializer, output=s.OrganisationSerializer,
                             object_arg="org", perm="delete"),
        "deregister": Transition(services.deregister, input=s.DeregisterSerializer, output=s.OrganisationSerializer,
                                 object_arg="org", perm="delete"),
    }

    def get_serializer_class(self):
        return s.OrganisationUpdateSerializer if self.action in ("update", "partial_update") else s.OrganisationSerializer

    def create_object(self, data):
        return services.approve_name(actor=self.request.user, **data)

    def perform_update(self, serializer):
        serializer.instance = services.update_organisation(actor=self.request.user, org=serializer.instance,
                                                           **serializer.validated_data)


class ListingViewSet(ScopedCreateListRetrieveViewSet):
    """Credit-list entries with their computed dates. POST enters an organisation on the list its
    ground belongs to (a new event restarts an open entry's clock); verify and remove are actions."""

    queryset = CreditListing.objects.select_related("organisation")
    serializer_class = s.ListingSerializer
    filterset_class = ListingFilterSet
    transitions = {
        "verify": Transition(services.verify_rectification, input=s.VerifySerializer, output=s.ListingSerializer,
                             object_arg="listing"),
        "remove": Transition(services.remove_listing, input=s.RemoveSerializer, output=s.ListingSerializer,
                             object_arg="listing"),
    }

    def get_serializer_class(self):
        return s.ListSerializer if self.action == "create" else s.ListingSerializer

    def create(self, request, *args, **kwargs):
        body = s.ListSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        listing = services.list_organisation(actor=request.user, org=data.pop("organisation"), **data)
        return Response(s.ListingSerializer(listing).data, status=status.HTTP_201_CREATED)


class AnnualReportViewSet(ScopedCreateListRetrieveViewSet):
    """Annual reports; POST files one (the organisation must be in the caller's areas)."""

    queryset = AnnualReport.objects.all()
    serializer_class = s.ReportSerializer
    filterset_fields = ["organisation", "year", "result"]

    def get_serializer_class(self):
        return s.FileReportSerializer if self.action == "create" else s.ReportSerializer

    def create(self, request, *args, **kwargs):
        body = s.FileReportSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        report = services.file_annual_report(actor=request.user, org=data.pop("organisation"), **data)
        return Response(s.ReportSerializer(report).data, status=status.HTTP_201_CREATED)


class CommunityOrgViewSet(ScopedCreateListRetrieveViewSet):
    queryset = CommunityOrg.objects.select_related("area")
    serializer_class = s.CommunityOrgSerializer
    filterset_fields = ["field", "mode"]

    def create_object(self, data):
        return services.file_community_org(actor=self.request.user, **data)


class InspectionPlanViewSet(ScopedCreateListRetrieveViewSet):
    """Random-inspection plans: POST freezes the pools (their hash is published); ``draw`` draws
    from the published seed, once."""

    queryset = InspectionPlan.objects.select_related("area")
    serializer_class = s.PlanSerializer
    filterset_fields = ["year", "level", "status"]
    transitions = {
        "draw": Transition(services.draw_plan, input=s.SeedSerializer, output=s.PlanSerializer, object_arg="plan"),
    }

    def create_object(self, data):
        return services.create_plan(actor=self.request.user, **data)


# --- fee inspections, welfare-lottery funds, incubation ------------------------------------------------
class _UpdateViaService(mixins.UpdateModelMixin, ScopedCreateListRetrieveViewSet):
    """Create, list, retrieve and PATCH/PUT, each write through a service (no delete)."""

    update_serializer_class = None

    def get_serializer_class(self):
        if self.action in ("update", "partial_update"):
            return self.update_serializer_class
        return super().get_serializer_class()

    def perform_update(self, serializer):
        serializer.instance = self.update_object(serializer.instance, serializer.validated_data)


class FeeInspectionViewSet(_UpdateViaService):
    """Fee inspections of industry associations and chambers (涉企收费检查): POST records one (two
    inspectors at least, an association only); PATCH enters findings, refunds and the verified
    rectification."""

    queryset = Inspection.objects.filter(kind=InspectionKind.FEE).select_related("organisation")
    serializer_class = s.FeeInspectionSerializer
    update_serializer_class = s.FeeInspectionUpdateSerializer
    filterset_class = FeeInspectionFilterSet

    def create_object(self, data):
        data = dict(data)
        return services.record_fee_inspection(actor=self.request.user, org=data.pop("organisation"), **data)

    def update_object(self, instance, data):
        return services.update_fee_inspection(actor=self.request.user, inspection=instance, **data)


class LotteryFundViewSet(_UpdateViaService):
    """Welfare-lottery funds (福彩公益金), a fund per area and year, with their allocations; PATCH
    changes the amount (never below what is allocated), the budget document and remarks."""

    queryset = LotteryFund.objects.select_related("area").prefetch_related(
        Prefetch("allocations", queryset=SupportGrant.objects.select_related("organisation", "area")
                 .order_by("granted_on", "pk")))
    serializer_class = s.LotteryFundSerializer
    update_serializer_class = s.LotteryFundUpdateSerializer
    filterset_class = LotteryFundFilterSet

    def create_object(self, data):
        return services.create_lottery_fund(actor=self.request.user, **data)

    def update_object(self, instance, data):
        return services.update_lottery_fund(actor=self.request.user, fund=instance, **data)


class LotteryAllocationViewSet(ScopedCreateListRetrieveViewSet):
    """Allocations of welfare-lottery funds: POST allocates from a fund the caller may change (what
    it pays for, to which organisation), refused beyond what is left or outside the fund's year."""

    queryset = SupportGrant.objects.filter(kind=SupportKind.LOTTERY, fund__isnull=False).select_related(
        "organisation", "area")
    serializer_class = s.LotteryAllocationSerializer
    filterset_class = LotteryAllocationFilterSet

    def create_object(self, data):
        return services.allocate_lottery_fund(actor=self.request.user, **data)


class IncubationCentreViewSet(_UpdateViaService):
    """The city's social-organisation service centre and the county incubation centres (孵化基地)."""

    queryset = IncubationCentre.objects.select_related("area", "operator").annotate(
        incubating=Count("incubations", filter=Q(incubations__status=IncubationStatus.INCUBATING)),
        graduated=Count("incubations", filter=Q(incubations__status=IncubationStatus.GRADUATED)))
    serializer_class = s.IncubationCentreSerializer
    update_serializer_class = s.IncubationCentreUpdateSerializer
    filterset_class = CentreFilterSet

    def create_object(self, data):
        return services.create_centre(actor=self.request.user, **data)

    def update_object(self, instance, data):
        return services.update_centre(actor=self.request.user, centre=instance, **data)


class IncubationViewSet(ScopedCreateListRetrieveViewSet):
    """Incubated organisations: POST admits one to a centre the caller may change (within its free
    space); ``end`` closes the term — graduated (出壳) or left before — with what happened."""

    queryset = Incubation.objects.select_related("centre", "organisation")
    serializer_class = s.IncubationSerializer
    filterset_class = IncubationFilterSet
    transitions = {
        "end": Transition(services.end_incubation, input=s.EndIncubationSerializer, output=s.IncubationSerializer),
    }

    def create_object(self, data):
        return services.admit_to_centre(actor=self.request.user, **data)
