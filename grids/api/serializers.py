from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field, inline_serializer
from rest_framework import serializers

from core.api.serializers import ScopedModelSerializer
from core.models import Area

from ..choices import NotifyChannel
from ..models import (
    AdmissionRequest,
    Certificate,
    CertificateType,
    CommunityTask,
    CommunityWorker,
    GridProfile,
    HandlingUnit,
    Incident,
    IncidentCategory,
    PatrolVisit,
    Pilot,
    PostQuota,
    ServiceItem,
    WindowRequest,
    WorkItem,
)


class GridProfileSerializer(serializers.ModelSerializer):
    area = serializers.SlugRelatedField(slug_field="code", queryset=Area.objects.all())

    class Meta:
        model = GridProfile
        fields = ["id", "area", "grid_type", "households", "residents", "buildings", "stationed_units",
                  "party_organisations", "party_members", "former_grids", "extent", "contact_name", "service_phone",
                  "complaints_phone", "published"]


class GridProfileUpdateSerializer(GridProfileSerializer):
    class Meta(GridProfileSerializer.Meta):
        read_only_fields = ["area"]
        extra_kwargs = {f: {"required": False} for f in GridProfileSerializer.Meta.fields}


class WorkerSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="staff.full_name", read_only=True)
    area = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = CommunityWorker
        fields = ["id", "name", "area", "post_type", "grade", "grade_since", "monthly_pay", "is_generalist",
                  "qualification", "status", "hired_on", "left_on"]


class WorkerDetailSerializer(WorkerSerializer):
    """A worker's detail: the staff record's ID number and phone masked, and the person's seats on the
    community bodies and social-work qualification where the reader may see them (grids.people)."""

    id_number = serializers.SerializerMethodField()
    phone = serializers.SerializerMethodField()
    seats = serializers.SerializerMethodField()
    social_work = serializers.SerializerMethodField()

    class Meta(WorkerSerializer.Meta):
        fields = WorkerSerializer.Meta.fields + ["id_number", "phone", "seats", "social_work"]

    def _linked(self, worker):
        from grids.people import linked_records

        if getattr(self, "_linked_for", None) != worker.pk:
            self._linked_for, self._linked_records = worker.pk, linked_records(worker, self.context["request"].user)
        return self._linked_records

    @extend_schema_field(OpenApiTypes.STR)
    def get_id_number(self, worker):
        return worker.staff.id_number.masked if worker.staff.id_number else ""

    @extend_schema_field(OpenApiTypes.STR)
    def get_phone(self, worker):
        return worker.staff.phone.masked if worker.staff.phone else ""

    @extend_schema_field(inline_serializer("GridWorkerSeat", many=True, fields={
        "area": serializers.CharField(), "body": serializers.CharField(), "role": serializers.CharField(),
        "term_start": serializers.DateField(), "term_end": serializers.DateField(allow_null=True)}))
    def get_seats(self, worker):
        return [{"area": m.area.code, "body": m.capacity, "role": m.role, "term_start": m.term_start,
                 "term_end": m.term_end} for m in self._linked(worker)["seats"]]

    @extend_schema_field(inline_serializer("GridWorkerSocialWork", allow_null=True, fields={
        "level": serializers.CharField(), "certified_year": serializers.IntegerField(allow_null=True),
        "area": serializers.CharField()}))
    def get_social_work(self, worker):
        sw = self._linked(worker)["social_worker"]
        return None if sw is None else {"level": sw.level, "certified_year": sw.certified_year, "area": sw.area.code}


class QuotaSerializer(serializers.ModelSerializer):
    area = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = PostQuota
        fields = ["id", "area", "year", "approved", "filled", "vacant", "vacant_since", "decided_by"]


class PilotSerializer(serializers.ModelSerializer):
    area = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Pilot
        fields = ["id", "area", "year", "kind", "service_model", "note"]


class PatrolVisitSerializer(serializers.ModelSerializer):
    area = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = PatrolVisit
        fields = ["id", "plan", "area", "started_at", "ended_at", "objects_visited", "answers", "notes"]


class IncidentSerializer(serializers.ModelSerializer):
    area = serializers.SlugRelatedField(slug_field="code", queryset=Area.objects.all())
    category = serializers.SlugRelatedField(slug_field="code", queryset=IncidentCategory.objects.all())
    unit = serializers.StringRelatedField(read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    is_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = Incident
        fields = ["id", "ref", "area", "source", "category", "place", "description", "priority", "reporter_name",
                  "state", "state_display", "unit", "filed_at", "due_on", "closed_on", "duplicate_of", "reason",
                  "reopened_count", "satisfaction", "is_overdue"]
        read_only_fields = ["ref", "state", "unit", "filed_at", "due_on", "closed_on", "duplicate_of", "reason",
                            "reopened_count", "satisfaction"]

    # The list reads these columns only (``values()``, no model instances) and builds each row with
    # ``list_row``: the same output as ``to_representation`` below, at a fraction of the cost.
    LIST_COLUMNS = ("id", "ref", "area__code", "source", "category__code", "place", "description", "priority",
                    "reporter_name", "state", "unit__name", "unit_id", "filed_at", "due_on", "closed_on",
                    "duplicate_of_id", "reason", "reopened_count", "satisfaction")

    @classmethod
    def list_rows(cls, rows) -> list[dict]:
        from django.utils import timezone

        from ..choices import ENDED_STATES, State

        labels = {value: str(label) for value, label in State.choices}
        stamp = serializers.DateTimeField()
        today = timezone.localdate()
        out = []
        for r in rows:
            state, due, closed = r["state"], r["due_on"], r["closed_on"]
            overdue = bool(closed and closed > due) if state in ENDED_STATES else today > due
            out.append({
                "id": r["id"], "ref": r["ref"], "area": r["area__code"], "source": r["source"],
                "category": r["category__code"], "place": r["place"], "description": r["description"],
                "priority": r["priority"], "reporter_name": r["reporter_name"], "state": state,
                "state_display": labels.get(state, state), "unit": r["unit__name"] if r["unit_id"] else None,
                "filed_at": stamp.to_representation(r["filed_at"]) if r["filed_at"] else None,
                "due_on": due.isoformat() if due else None, "closed_on": closed.isoformat() if closed else None,
                "duplicate_of": r["duplicate_of_id"], "reason": r["reason"], "reopened_count": r["reopened_count"],
                "satisfaction": r["satisfaction"], "is_overdue": overdue,
            })
        return out

    def to_representation(self, instance):
        """The same output as the fields above, read straight from the row: DRF's generic path (a callable
        check and a choices lookup per field and row) was 60% of a list page's time at 50 rows."""
        labels = self._state_labels()
        fields = self.fields
        i = instance
        return {
            "id": i.pk, "ref": i.ref, "area": i.area.code, "source": i.source, "category": i.category.code,
            "place": i.place, "description": i.description, "priority": i.priority, "reporter_name": i.reporter_name,
            "state": i.state, "state_display": labels.get(i.state, i.state),
            "unit": str(i.unit) if i.unit_id else None,
            "filed_at": fields["filed_at"].to_representation(i.filed_at) if i.filed_at else None,
            "due_on": fields["due_on"].to_representation(i.due_on) if i.due_on else None,
            "closed_on": fields["closed_on"].to_representation(i.closed_on) if i.closed_on else None,
            "duplicate_of": i.duplicate_of_id, "reason": i.reason, "reopened_count": i.reopened_count,
            "satisfaction": i.satisfaction, "is_overdue": i.is_overdue,
        }

    def _state_labels(self) -> dict:
        from django.utils.translation import get_language

        from ..choices import State

        root = self.root
        cache = root.__dict__.setdefault("_state_labels", {})
        language = get_language()
        if language not in cache:
            cache[language] = {value: str(label) for value, label in State.choices}
        return cache[language]


class IncidentNoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class RequiredNoteSerializer(serializers.Serializer):
    note = serializers.CharField()


class IncidentReasonSerializer(serializers.Serializer):
    reason = serializers.CharField()


class CloseSerializer(serializers.Serializer):
    satisfaction = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=5, default=None)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class NotResponsibleSerializer(serializers.Serializer):
    reason = serializers.CharField()
    unit = serializers.PrimaryKeyRelatedField(queryset=HandlingUnit.objects.all(), required=False, allow_null=True,
                                              default=None)


class DuplicateSerializer(serializers.Serializer):
    of = serializers.CharField(help_text="reference of the original incident")


# --- one window, burden reduction, certificates ---------------------------------------------------------
class WindowRequestSerializer(ScopedModelSerializer):
    """A resident's request at the one window. Recording it either closes it on the spot
    (``on_the_spot`` with the ``result``) or hands it to the ``back_office`` by a ``target_date``
    within the item's time limit (the latest allowed when left out)."""

    area = serializers.SlugRelatedField(slug_field="code", queryset=Area.objects.all())
    item = serializers.SlugRelatedField(slug_field="code", queryset=ServiceItem.objects.filter(active=True))
    on_the_spot = serializers.BooleanField(write_only=True, default=False)
    target_date = serializers.DateField(required=False, allow_null=True, default=None)
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    same_day = serializers.BooleanField(read_only=True)
    is_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = WindowRequest
        fields = ["id", "ref", "area", "item", "resident_name", "request", "on_the_spot", "received_at", "state",
                  "state_display", "back_office", "target_date", "result", "done_at", "notified_at",
                  "notify_channel", "same_day", "is_overdue"]
        read_only_fields = ["ref", "received_at", "state", "done_at", "notified_at"]
        extra_kwargs = {"result": {"required": False}, "back_office": {"required": False},
                        "notify_channel": {"required": False}}


class WindowResultSerializer(serializers.Serializer):
    result = serializers.CharField()


class WindowNotifySerializer(serializers.Serializer):
    channel = serializers.ChoiceField(choices=NotifyChannel.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class AdmissionSerializer(ScopedModelSerializer):
    """A department's request to admit a task not on the lists: 30 working days ahead, decided in 15."""

    area = serializers.SlugRelatedField(slug_field="code", queryset=Area.objects.all())
    state_display = serializers.CharField(source="get_state_display", read_only=True)

    class Meta:
        model = AdmissionRequest
        fields = ["id", "area", "department", "title", "legal_basis", "funds_follow", "applied_on", "starts_on",
                  "decide_by", "state", "state_display", "decided_on", "decision_note"]
        read_only_fields = ["applied_on", "decide_by", "state", "decided_on", "decision_note"]


class AdmissionDecisionSerializer(serializers.Serializer):
    admit = serializers.BooleanField()
    note = serializers.CharField()


class GridTaskSerializer(ScopedModelSerializer):
    """A department's task pushed to a community, citing a listed item (by code) or an admission request
    (by id, within the caller's areas); accepted or refused by the community."""

    area = serializers.SlugRelatedField(slug_field="code", queryset=Area.objects.all())
    item = serializers.SlugRelatedField(slug_field="code", queryset=WorkItem.objects.filter(active=True),
                                        required=False, allow_null=True, default=None)
    admission = serializers.PrimaryKeyRelatedField(queryset=AdmissionRequest.objects.all(), required=False,
                                                   allow_null=True, default=None)
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    listed = serializers.BooleanField(read_only=True)

    class Meta:
        model = CommunityTask
        fields = ["id", "area", "department", "title", "description", "item", "admission", "received_on", "state",
                  "state_display", "listed", "decided_on", "reason"]
        read_only_fields = ["received_on", "state", "decided_on", "reason"]


class GridCertificateSerializer(ScopedModelSerializer):
    """An issued certificate: a type of the city's list (a type of the negative list is refused, 400, citing
    the rule and naming the department that holds the fact), its number, text and seal-use entry."""

    area = serializers.SlugRelatedField(slug_field="code", queryset=Area.objects.all())
    cert_type = serializers.SlugRelatedField(slug_field="code", queryset=CertificateType.objects.all())
    cert_type_name = serializers.CharField(source="cert_type.name", read_only=True)
    seal_use_at = serializers.DateTimeField(source="seal_use.at", read_only=True, default=None)

    class Meta:
        model = Certificate
        fields = ["id", "number", "area", "cert_type", "cert_type_name", "resident_name", "purpose", "body",
                  "issued_on", "seal_use_at"]
        read_only_fields = ["number", "body", "issued_on"]


# --- the city-wide reference lists (read-only) -------------------------------------------------------------
class ServiceItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = ServiceItem
        fields = ["id", "code", "name", "legal_basis", "owner_department", "time_limit_days", "same_day", "active"]


class WorkItemSerializer(serializers.ModelSerializer):
    work_list_display = serializers.CharField(source="get_work_list_display", read_only=True)

    class Meta:
        model = WorkItem
        fields = ["id", "work_list", "work_list_display", "code", "name", "legal_basis", "funds_follow", "active"]


class CertificateTypeSerializer(serializers.ModelSerializer):
    class Meta:
        model = CertificateType
        fields = ["id", "code", "name", "allowed", "legal_basis", "owner_department", "batch", "same_day",
                  "template"]
