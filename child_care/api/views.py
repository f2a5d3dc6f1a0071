"""API of the child-care registry: the same services and scoped querysets as the pages; every read
of a child's record is audited by core's viewsets (read_audited models)."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.transitions import Transition
from core.api.viewsets import ScopedCreateListRetrieveViewSet, ScopedModelViewSet, ScopedReadOnlyViewSet

from .. import selectors, services
from ..filtersets import PersonFilterSet, ProposalFilterSet, RecordFilterSet, VisitFilterSet
from ..models import CategoryRecord, Person, Proposal, Visit
from . import serializers as s


class PersonViewSet(ScopedModelViewSet):
    """Registered people (masked ID and phone). DELETE is refused: deletion is ``delete`` with a reason."""

    queryset = Person.objects.select_related("area").defer("id_number", "phone")
    filterset_class = PersonFilterSet
    http_method_names = ["get", "post", "patch", "head", "options"]
    transitions = {
        "review": Transition(services.review_entry, output=s.PersonSerializer),
        "submit": Transition(services.submit_entry, output=s.PersonSerializer),
        "soft_delete": Transition(services.delete_person, input=s.ChildReasonSerializer, output=s.PersonSerializer,
                                  perm="delete", url_path="delete"),
        # The plaintext, never stored by a cache (finalize_response): {"field": ..., "value": ...}.
        "reveal": Transition(services.reveal, input=s.RevealSerializer, output=s.RevealedSerializer, perm="view",
                             respond=lambda view, person, value: {"field": view.request.data.get("field"),
                                                                  "value": value}),
    }

    def get_serializer_class(self):
        return s.PersonUpdateSerializer if self.action in ("update", "partial_update") else s.PersonSerializer

    def create_object(self, data):
        return services.register_person(actor=self.request.user, **data)

    def update_object(self, instance, data):
        return services.update_person(actor=self.request.user, person=instance, **data)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if self.action == "reveal":
            response["Cache-Control"] = "no-store"
        return response


class CategoryRecordViewSet(ScopedCreateListRetrieveViewSet):
    """Dated categories: created and ended, never edited."""

    queryset = CategoryRecord.objects.select_related("person", "area")
    serializer_class = s.CategoryRecordSerializer
    filterset_class = RecordFilterSet
    transitions = {"end": Transition(services.end_category, input=s.CategoryEndSerializer,
                                      output=s.CategoryRecordSerializer, object_arg="record")}

    def create_object(self, data):
        return services.start_category(actor=self.request.user, person=data["person"], category=data["category"],
                                       starts_on=data["starts_on"], reason=data.get("start_reason", ""),
                                       difficulty_kind=data.get("difficulty_kind", ""))


class ProposalViewSet(ScopedReadOnlyViewSet):
    queryset = Proposal.objects.select_related("person", "area")
    serializer_class = s.ProposalSerializer
    filterset_class = ProposalFilterSet
    transitions = {name: Transition(fn, input=s.ChildNoteSerializer, output=s.ProposalSerializer)
                   for name, fn in (("confirm", services.confirm_proposal), ("approve", services.approve_proposal),
                                    ("reject", services.reject_proposal))}


class VisitViewSet(ScopedReadOnlyViewSet):
    queryset = Visit.objects.select_related("person", "area")
    serializer_class = s.ChildVisitSerializer
    filterset_class = VisitFilterSet
    action_perms = {"due": "view"}
    transitions = {"record": Transition(services.record_visit, input=s.VisitRecordSerializer,
                                         output=s.ChildVisitSerializer)}

    @extend_schema(responses=s.ChildVisitSerializer(many=True))
    @action(detail=False, methods=["get"])
    def due(self, request):
        """The caller's overdue visits and those due within 7 days."""
        from core.readaudit import audit_read

        lists = selectors.due_lists(request.user, timezone.localdate(), with_people=False)
        audit_read(request, lists["overdue"] + lists["due_soon"], "VisitViewSet due", model=Visit)
        return Response({key: s.visit_rows(rows) for key, rows in lists.items()})


# --- roster, rescue, consent --------------------------------------------------------------------------
from ..filtersets import ConsentFilterSet, RescueCaseFilterSet, RosterEntryFilterSet, RosterImportFilterSet  # noqa: E402
from ..models import Consent, FollowUp, RescueCase, RosterEntry, RosterImport  # noqa: E402


class RosterImportViewSet(ScopedReadOnlyViewSet):
    """School rosters compared (upload on the page: a file)."""

    queryset = RosterImport.objects.select_related("area")
    serializer_class = s.RosterImportSerializer
    filterset_class = RosterImportFilterSet


class RosterEntryViewSet(ScopedReadOnlyViewSet):
    """The comparison's rows (read-audited) and a person's decision on one."""

    queryset = RosterEntry.objects.select_related("area").defer("id_number")
    serializer_class = s.RosterEntrySerializer
    filterset_class = RosterEntryFilterSet
    transitions = {"decide": Transition(services.decide_roster_entry, input=s.RosterDecisionSerializer,
                                         output=s.RosterEntrySerializer, object_arg="entry")}


class RescueCaseViewSet(ScopedCreateListRetrieveViewSet):
    """Rescue-station handovers: created by the child's ID number; accepted with a receipt."""

    queryset = RescueCase.objects.select_related("area", "person")
    serializer_class = s.RescueCaseSerializer
    filterset_class = RescueCaseFilterSet
    transitions = {"accept": Transition(services.accept_rescue, input=s.RescueAcceptSerializer,
                                         output=s.RescueCaseSerializer, object_arg="case")}

    def create_object(self, data):
        return services.hand_over_rescue(actor=self.request.user, **data)


class FollowUpViewSet(ScopedReadOnlyViewSet):
    queryset = FollowUp.objects.select_related("area", "case")
    serializer_class = s.FollowUpSerializer
    transitions = {"record": Transition(services.record_follow_up, input=s.FollowUpRecordSerializer,
                                         output=s.FollowUpSerializer, object_arg="follow_up")}


class ConsentViewSet(ScopedCreateListRetrieveViewSet):
    queryset = Consent.objects.select_related("area", "person", "guardian")
    serializer_class = s.ConsentSerializer
    filterset_class = ConsentFilterSet
    transitions = {"withdraw": Transition(services.withdraw_consent, input=s.ConsentWithdrawSerializer,
                                           output=s.ConsentSerializer, object_arg="consent")}

    def create_object(self, data):
        return services.record_consent(actor=self.request.user, **data)



# --- guardianship guidance, outreach, trainings ---------------------------------------------------------
from ..filtersets import GuidanceFilterSet, OutreachFilterSet, TrainingFilterSet  # noqa: E402
from ..models import Guidance, Outreach, Training  # noqa: E402


class GuidanceViewSet(ScopedCreateListRetrieveViewSet):
    """The village committee's guidance of a child's guardian (监护督促): read-audited like the child's record."""

    queryset = Guidance.objects.select_related("area", "person", "guardian")
    serializer_class = s.GuidanceSerializer
    filterset_class = GuidanceFilterSet

    def create_object(self, data):
        return services.record_guidance(actor=self.request.user, **data)


class OutreachViewSet(ScopedCreateListRetrieveViewSet):
    queryset = Outreach.objects.select_related("area")
    serializer_class = s.OutreachSerializer
    filterset_class = OutreachFilterSet

    def create_object(self, data):
        return services.record_outreach(actor=self.request.user, **data)


class TrainingViewSet(ScopedCreateListRetrieveViewSet):
    """Trainings with their invited appointments; ``mark`` records who attended (they count as trained)."""

    queryset = Training.objects.select_related("area").prefetch_related("attendances")
    serializer_class = s.TrainingSerializer
    filterset_class = TrainingFilterSet
    transitions = {"mark": Transition(services.mark_attendance, input=s.AttendanceMarkSerializer,
                                       output=s.TrainingSerializer, object_arg="training")}

    def create_object(self, data):
        return services.record_training(actor=self.request.user, **data)
