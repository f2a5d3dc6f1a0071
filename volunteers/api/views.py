"""API of the volunteers app: DRF viewsets on the same services and scoped querysets as the pages."""

from django.db.models.expressions import RawSQL
from rest_framework.parsers import FormParser, MultiPartParser

from core.api.pagination import CursorPagination
from core.api.transitions import Transition
from core.api.viewsets import ScopedCreateListRetrieveViewSet, ScopedModelViewSet, ScopedReadOnlyViewSet

from .. import services
from ..filtersets import (
    ActivityFilterSet,
    HourRecordFilterSet,
    SocialWorkerFilterSet,
    TeamFilterSet,
    VolunteerFilterSet,
)
from ..models import (
    Activity,
    Certificate,
    CorrectionRequest,
    ImportJob,
    ServiceHourRecord,
    Shift,
    SocialWorker,
    Team,
    TrainingSession,
    Volunteer,
)
from ..querysets import newest_ids_sql
from . import serializers as s


class VolunteerViewSet(ScopedModelViewSet):
    """Real-name volunteers. Cursor-paginated (a million rows): no page counts the whole table.
    DELETE cancels the registration (the record and its hours stay)."""

    queryset = Volunteer.objects.select_related("area")
    filterset_class = VolunteerFilterSet
    pagination_class = CursorPagination
    filter_backends = [f for f in ScopedModelViewSet.filter_backends if "Ordering" not in f.__name__]

    # Query parameters that the per-area narrowing below leaves exact; any other filter falls back
    # to the plain query.
    NARROWABLE_PARAMS = {"area", "cursor", "page_size", "format"}

    def list(self, request, *args, **kwargs):
        """Rows read as dicts of exactly the shown columns (the stored masked copies, never the
        encrypted values; the community's code): no model objects, same output as the serializer."""
        serializer = self.get_serializer()
        columns = serializer.values_columns()
        queryset = self.filter_queryset(self.get_queryset())
        if columns is None:  # a field that needs an object: the ordinary way
            return super().list(request, *args, **kwargs)
        page = self.paginate_queryset(queryset.values(*columns))
        return self.get_paginated_response([serializer.represent_values(row) for row in page])

    def get_serializer_class(self):
        return s.VolunteerUpdateSerializer if self.action in ("update", "partial_update") else s.VolunteerSerializer

    def filter_queryset(self, queryset):
        # A page narrowed per area below is already exactly the area (within the scope) that the
        # filter set would select: the filter set, its form and its area lookup would add nothing.
        if self._narrowing_prefixes():
            return queryset
        return super().filter_queryset(queryset)

    def paginate_queryset(self, queryset):
        """A street's or district's newest-first page through ``newest_ids_sql`` (PostgreSQL).

        The page's rows are then read through the same scoped, filtered queryset, so the
        narrowing can only make the query cheaper, never show more."""
        prefixes = self._narrowing_prefixes()
        if prefixes:
            paginator = self.paginator
            cursor = paginator.decode_cursor(self.request)
            before = int(cursor.position) if cursor and cursor.position is not None else None  # checked digits
            if not (cursor and cursor.reverse):
                limit = (cursor.offset if cursor else 0) + paginator.get_page_size(self.request) + 1
                query = newest_ids_sql(prefixes, before=before, limit=limit)
                # One statement: the page's ids as a subquery of the page's (scoped) read.
                queryset = queryset.filter(pk__in=RawSQL(*query)) if query else queryset.none()
        return super().paginate_queryset(queryset)

    def _narrowing_prefixes(self):
        if not hasattr(self, "_narrowed"):
            self._narrowed = self._find_narrowing_prefixes()
        return self._narrowed

    def _find_narrowing_prefixes(self):
        from django.db import connection

        from core.models import prefix_of_code
        from core.scope import scope_for

        if connection.vendor != "postgresql" or self.action != "list":
            return None
        if set(self.request.query_params) - self.NARROWABLE_PARAMS:
            return None
        scoped = scope_for(self.request.user).prefixes_for("volunteers.view_volunteer")
        wanted = None
        if self.request.query_params.get("area"):
            prefix = prefix_of_code(self.request.query_params["area"])
            if prefix is None:
                return None
            wanted = {prefix}
        if scoped is None:
            prefixes = wanted
        elif wanted is None:
            prefixes = set(scoped)
        else:  # both hold: the longer of two nested prefixes
            prefixes = {a if a.startswith(b) else b for a in wanted for b in scoped if a.startswith(b) or b.startswith(a)}
        # The whole city (a 4-digit prefix): the primary key walked backwards is already the best plan.
        return prefixes if prefixes and all(len(p) > 4 for p in prefixes) else None

    def create_object(self, data):
        return services.register_volunteer(actor=self.request.user, **data)

    def update_object(self, instance, data):
        return services.update_volunteer(actor=self.request.user, volunteer=instance, **data)

    def delete_object(self, instance):
        services.cancel_volunteer(actor=self.request.user, volunteer=instance)


class TeamViewSet(ScopedModelViewSet):
    queryset = Team.objects.select_related("area")
    serializer_class = s.TeamSerializer
    filterset_class = TeamFilterSet
    ordering_fields = ["name", "id"]
    transitions = {
        # POST /teams/{id}/staff/ {"user": "<user name>", "role": "manager" | "recorder"}
        "staff": Transition(services.appoint_team_staff, input=s.TeamStaffSerializer,
                            output=s.TeamStaffMembershipSerializer, status=201,
                            summary="Appoint a manager or recorder of the team"),
    }

    def create_object(self, data):
        return services.create_team(actor=self.request.user, **data)

    def update_object(self, instance, data):
        return services.update_team(actor=self.request.user, team=instance, **data)

    def delete_object(self, instance):
        services.delete_team(actor=self.request.user, team=instance)


class ActivityViewSet(ScopedCreateListRetrieveViewSet):
    queryset = Activity.objects.select_related("area", "team")
    serializer_class = s.ActivitySerializer
    filterset_class = ActivityFilterSet

    def create_object(self, data):
        return services.create_activity(actor=self.request.user, **data)


class ShiftViewSet(ScopedCreateListRetrieveViewSet):
    queryset = Shift.objects.select_related("activity")
    serializer_class = s.ShiftSerializer
    filterset_fields = ["activity"]

    def create_object(self, data):
        return services.create_shift(actor=self.request.user, **data)


class HourRecordViewSet(ScopedModelViewSet):
    """The service-hours ledger. Records are entered by the organising team and approved by its
    manager; an approved record is final (reverse it instead)."""

    queryset = ServiceHourRecord.objects.all()
    filterset_class = HourRecordFilterSet
    pagination_class = CursorPagination
    filter_backends = [f for f in ScopedModelViewSet.filter_backends if "Ordering" not in f.__name__]
    http_method_names = ["get", "post", "patch", "head", "options"]
    transitions = {
        "approve": Transition(services.approve_record, output=s.HourRecordSerializer, object_arg="record",
                              summary="Approve a record awaiting approval (the team's manager, not its recorder)"),
        # The answer is the reversing record (201), not the reversed one.
        "reverse": Transition(services.reverse_record, input=s.HourReasonSerializer, output=s.HourRecordSerializer,
                              status=201, object_arg="record", summary="Reverse an approved record"),
    }

    def get_serializer_class(self):
        return s.HourRecordUpdateSerializer if self.action == "partial_update" else s.HourRecordSerializer

    def create_object(self, data):
        return services.record_hours(actor=self.request.user, **data)

    def update_object(self, instance, data):
        return services.update_record(actor=self.request.user, record=instance, **data)


class CorrectionViewSet(ScopedCreateListRetrieveViewSet):
    queryset = CorrectionRequest.objects.select_related("record")
    serializer_class = s.HourCorrectionSerializer
    filterset_fields = ["status"]
    transitions = {"answer": Transition(services.answer_correction, input=s.AnswerSerializer,
                                        output=s.HourCorrectionSerializer, object_arg="correction",
                                        summary="The team's manager answers a volunteer's correction request")}

    def create_object(self, data):
        return services.request_correction(actor=self.request.user, **data)


class TrainingSessionViewSet(ScopedCreateListRetrieveViewSet):
    queryset = TrainingSession.objects.select_related("area")
    serializer_class = s.TrainingSessionSerializer
    filterset_fields = ["topic"]

    def create_object(self, data):
        return services.create_training(actor=self.request.user, **data)


class SocialWorkerViewSet(ScopedModelViewSet):
    queryset = SocialWorker.objects.select_related("area")
    filterset_class = SocialWorkerFilterSet
    ordering_fields = ["id", "certified_year"]

    def get_serializer_class(self):
        return s.SocialWorkerUpdateSerializer if self.action in ("update", "partial_update") else s.SocialWorkerSerializer

    def create_object(self, data):
        return services.register_social_worker(actor=self.request.user, **data)

    def update_object(self, instance, data):
        return services.update_social_worker(actor=self.request.user, worker=instance, **data)

    def delete_object(self, instance):
        services.delete_social_worker(actor=self.request.user, worker=instance)


class CertificateViewSet(ScopedReadOnlyViewSet):
    queryset = Certificate.objects.all()
    serializer_class = s.CertificateSerializer
    filterset_fields = ["status", "team", "volunteer"]


def _approve_import(*, actor, job):
    from ..imports import approve_import

    return approve_import(actor=actor, job=job)


class ImportJobViewSet(ScopedCreateListRetrieveViewSet):
    """Upload a CSV/XLSX export (multipart); it is imported by a Celery task. Poll the job for
    progress, then read its per-row error report (line, column, reason)."""

    queryset = ImportJob.objects.all()
    serializer_class = s.ImportJobSerializer
    parser_classes = [MultiPartParser, FormParser]

    # The team's manager approves an import someone else ran: seeing the job is enough to ask, the
    # service checks the manager's role and recorder ≠ approver.
    transitions = {"approve": Transition(_approve_import, output=s.ImportApprovalSerializer, perm="view",
                                         object_arg="job", respond=lambda view, job, count: {"id": job.pk,
                                                                                             "approved": count},
                                         summary="Approve every record of this hours import still awaiting "
                                                 "approval (409 when there is none)")}

    def get_queryset(self):
        if self.action == "approve":  # the team's manager approves an import someone else ran
            from ..imports import jobs_visible_to

            return super().get_queryset() & jobs_visible_to(self.request.user)
        return super().get_queryset().filter(created_by=self.request.user)

    def create_object(self, data):
        return services.start_import(actor=self.request.user, kind=data["kind"], upload=data["file"],
                                     team=data.get("team"))

