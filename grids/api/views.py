"""API for the grids' registries and every incident transition (409 with the reason when refused)."""

from django.core.exceptions import ValidationError
from rest_framework import viewsets

from core.api.pagination import CursorPagination
from core.api.viewsets import (
    ScopedCreateListRetrieveViewSet,
    ScopedModelViewSet,
    ScopedReadOnlyViewSet,
    Transition,
)

from .. import services
from ..filtersets import (
    AdmissionFilterSet,
    CertificateFilterSet,
    GridProfileFilterSet,
    IncidentFilterSet,
    QuotaFilterSet,
    TaskFilterSet,
    WindowFilterSet,
    WorkerFilterSet,
)
from ..models import (
    AdmissionRequest,
    Certificate,
    CertificateType,
    CommunityTask,
    CommunityWorker,
    GridProfile,
    HandlingUnit,
    Incident,
    PatrolVisit,
    Pilot,
    PostQuota,
    ServiceItem,
    WindowRequest,
    WorkItem,
)
from . import serializers as s


class GridProfileViewSet(ScopedModelViewSet):
    queryset = GridProfile.objects.all()
    serializer_class = s.GridProfileSerializer
    filterset_class = GridProfileFilterSet
    http_method_names = ["get", "post", "patch", "head", "options"]

    def base_queryset(self):
        return GridProfile.objects.select_related("area")

    def get_serializer_class(self):
        return s.GridProfileUpdateSerializer if self.action in ("update", "partial_update") else s.GridProfileSerializer

    def create_object(self, data):
        area = data.pop("area")
        return services.save_grid_profile(actor=self.request.user, area=area, **data)

    def update_object(self, instance, data):
        return services.save_grid_profile(actor=self.request.user, area=instance.area, **data)


class WorkerViewSet(ScopedReadOnlyViewSet):
    queryset = CommunityWorker.objects.select_related("area", "staff")
    serializer_class = s.WorkerSerializer
    filterset_class = WorkerFilterSet

    def get_serializer_class(self):
        return s.WorkerDetailSerializer if self.action == "retrieve" else s.WorkerSerializer


class QuotaViewSet(ScopedReadOnlyViewSet):
    queryset = PostQuota.objects.select_related("area")
    serializer_class = s.QuotaSerializer
    filterset_class = QuotaFilterSet


class PilotViewSet(ScopedReadOnlyViewSet):
    queryset = Pilot.objects.select_related("area")
    serializer_class = s.PilotSerializer


class VisitViewSet(ScopedReadOnlyViewSet):
    queryset = PatrolVisit.objects.select_related("area")
    serializer_class = s.PatrolVisitSerializer


def _not_responsible(*, actor, incident, reason, unit=None):
    """The unit says the incident is not theirs; the unit it names instead must be one the caller sees."""
    if unit is not None and not HandlingUnit.objects.restrict(actor, "view").filter(pk=unit.pk).exists():
        raise ValidationError({"unit": "No such unit."})
    return services.not_responsible(actor=actor, incident=incident, reason=reason, unit=unit)


def _duplicate(*, actor, incident, of):
    """Marked a duplicate of the incident with reference ``of``, found within the caller's scope."""
    original = Incident.objects.restrict(actor, "view").filter(ref=of.strip()).first()
    if original is None:
        raise ValidationError({"of": "No incident with this reference."})
    return services.mark_duplicate(actor=actor, incident=incident, of=original)


class IncidentViewSet(ScopedCreateListRetrieveViewSet):
    """Incidents: filing routes at once; each step is a POST on the incident. A city files a million a
    year: pages by cursor (newest first), without a COUNT(*) of everything in scope (bench/grids_incidents.py)."""

    queryset = Incident.objects.all()
    pagination_class = CursorPagination
    serializer_class = s.IncidentSerializer
    filterset_class = IncidentFilterSet
    transitions = {
        "start": Transition(services.start_incident, input=s.IncidentNoteSerializer, object_arg="incident"),
        "resolve": Transition(services.resolve_incident, input=s.RequiredNoteSerializer, object_arg="incident"),
        "verify": Transition(services.verify_incident, input=s.IncidentNoteSerializer, object_arg="incident"),
        "close": Transition(services.close_incident, input=s.CloseSerializer, object_arg="incident"),
        "not_responsible": Transition(_not_responsible, input=s.NotResponsibleSerializer, object_arg="incident",
                                      url_path="not-responsible"),
        "duplicate": Transition(_duplicate, input=s.DuplicateSerializer, object_arg="incident"),
        "unable": Transition(services.mark_unable, input=s.IncidentReasonSerializer, object_arg="incident"),
        "reopen": Transition(services.reopen_incident, input=s.IncidentReasonSerializer, object_arg="incident"),
    }

    def base_queryset(self):
        return Incident.objects.select_related("area", "category", "unit").defer("photo", "visit", "external_ref")

    def create_object(self, data):
        return services.file_incident(actor=self.request.user, **data)

    def list(self, request, *args, **kwargs):
        # Rows as plain values (no model instances, no serializer fields): bench/grids_incidents.py
        queryset = self.filter_queryset(self.get_queryset()).values(*s.IncidentSerializer.LIST_COLUMNS)
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(s.IncidentSerializer.list_rows(page))


# --- one window, burden reduction, certificates ---------------------------------------------------------
class WindowRequestViewSet(ScopedCreateListRetrieveViewSet):
    """The one window's requests (一窗受理): recorded by the community's generalist, closed on the spot or
    completed by the back office, then the resident is told. Paged by cursor, newest first."""

    queryset = WindowRequest.objects.all()
    pagination_class = CursorPagination
    serializer_class = s.WindowRequestSerializer
    filterset_class = WindowFilterSet
    transitions = {
        "complete": Transition(services.complete_window_request, input=s.WindowResultSerializer,
                               object_arg="window_request"),
        "notify": Transition(services.notify_resident, input=s.WindowNotifySerializer, object_arg="window_request"),
    }

    def base_queryset(self):
        return WindowRequest.objects.select_related("area", "item")

    def create_object(self, data):
        return services.receive_window_request(actor=self.request.user, **data)


class AdmissionViewSet(ScopedCreateListRetrieveViewSet):
    """Admission requests (准入) for tasks not on the two lists, decided within 15 working days."""

    queryset = AdmissionRequest.objects.all()
    pagination_class = CursorPagination
    serializer_class = s.AdmissionSerializer
    filterset_class = AdmissionFilterSet
    transitions = {
        "decide": Transition(services.decide_admission, input=s.AdmissionDecisionSerializer, object_arg="admission"),
    }

    def base_queryset(self):
        return AdmissionRequest.objects.select_related("area")

    def create_object(self, data):
        return services.apply_for_admission(actor=self.request.user, **data)


class TaskViewSet(ScopedCreateListRetrieveViewSet):
    """Departments' tasks pushed to communities: accepted when they cite a listed item or an admitted
    request, refused in one step (409 with the rule when the other step is asked for)."""

    queryset = CommunityTask.objects.all()
    pagination_class = CursorPagination
    serializer_class = s.GridTaskSerializer
    filterset_class = TaskFilterSet
    transitions = {
        "accept": Transition(services.accept_task, object_arg="task"),
        "refuse": Transition(services.refuse_task, object_arg="task"),
    }

    def base_queryset(self):
        return CommunityTask.objects.select_related("area", "item", "admission")

    def create_object(self, data):
        return services.push_task(actor=self.request.user, **data)


class CertificateViewSet(ScopedCreateListRetrieveViewSet):
    """Certificates communities issue (社区出具证明), each with its seal-use entry."""

    queryset = Certificate.objects.all()
    pagination_class = CursorPagination
    serializer_class = s.GridCertificateSerializer
    filterset_class = CertificateFilterSet

    def base_queryset(self):
        return Certificate.objects.select_related("area", "cert_type", "seal_use")

    def create_object(self, data):
        return services.issue_certificate(actor=self.request.user, **data)


# --- the city-wide reference lists --------------------------------------------------------------------------
class _ReferenceViewSet(viewsets.ReadOnlyModelViewSet):
    """City-wide reference data, the same for every area: whoever holds its view permission (every grids
    role) reads it, anonymous callers get 401 and users without a grids role 403 (core's
    ScopedModelPermissions). The city changes it in the admin; nothing is written here."""

    filterset_fields: list[str] = []


class ServiceItemViewSet(_ReferenceViewSet):
    """The one window's catalogue (一窗受理): legal basis, owning department, time limit, same day or not."""

    queryset = ServiceItem.objects.all()
    serializer_class = s.ServiceItemSerializer
    filterset_fields = ["active", "same_day"]


class WorkItemViewSet(_ReferenceViewSet):
    """The two lists of community work (依法履职, 协助政府) a department's task must cite."""

    queryset = WorkItem.objects.all()
    serializer_class = s.WorkItemSerializer
    filterset_fields = ["work_list", "active"]


class CertificateTypeViewSet(_ReferenceViewSet):
    """Certificates a community may issue and the 民发〔2020〕20号 negative list, with the owning department."""

    queryset = CertificateType.objects.all()
    serializer_class = s.CertificateTypeSerializer
    filterset_fields = ["allowed"]
