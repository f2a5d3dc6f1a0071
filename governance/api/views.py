"""API for every consultation resource and every transition.

A transition is a POST on the resource (``/matters/{id}/accept/``), declared in the viewset's
``transitions`` with the kit (core.api.transitions): the object is loaded within the caller's scope
(404 outside it), the body validated with the input serializer (its relations within the scope too),
the service called, and its refusal answered 409 with the guard's reason (core.api.errors).
"""

from django.db.models import Count
from rest_framework import viewsets

from core.api.viewsets import ScopedModelViewSet, ScopedReadOnlyViewSet, Transition

from .. import services
from ..filtersets import DisputeFilterSet, MatterFilterSet
from ..models import (
    Ballot,
    BodyMember,
    CadreReview,
    Category,
    CommunitySetting,
    Dispute,
    EvaluationRound,
    Matter,
    Meeting,
    Objection,
    PointsEntry,
    Project,
    Publication,
    QuorumRule,
    Task,
)
from . import serializers as s


def _the_object(view, obj, result):
    """Answer with the transition's object (the service returned a row of its own: a support, a
    correction, a milestone, a rating)."""
    return obj


def _reread(view, obj, result):
    """Answer with the object read again through the viewset's own query (its counts are annotated)."""
    return view.base_queryset().get(pk=obj.pk)


def _no_one_present_yet(view, obj, meeting):
    meeting.present_count = 0  # what the list annotates; a meeting just noticed has no attendance
    return meeting


class MatterViewSet(ScopedModelViewSet):
    """Matters of consultation (一事一档) and their six-step transitions."""

    queryset = Matter.objects.all()
    serializer_class = s.MatterSerializer
    filterset_class = MatterFilterSet
    ordering_fields = ["raised_at", "response_due", "stage"]
    ordering = ["-raised_at"]
    http_method_names = ["get", "post", "patch", "head", "options"]
    transitions = {
        "support": Transition(services.support_matter, input=s.NameSerializer, output=s.MatterSerializer,
                              respond=_reread),
        "withdraw": Transition(services.withdraw_matter, input=s.ReasonSerializer, output=s.MatterSerializer),
        "accept": Transition(services.accept_matter, input=s.ReasonSerializer, output=s.MatterSerializer,
                             arguments={"reason": "note"}),
        "decline": Transition(services.decline_matter, input=s.RequiredReasonSerializer, output=s.MatterSerializer),
        "merge": Transition(services.merge_matter, input=s.MergeSerializer, output=s.MatterSerializer),
        "refer": Transition(services.refer_matter, input=s.ReferSerializer, output=s.MatterSerializer),
        "merge_first_steps": Transition(services.merge_first_steps, input=s.RequiredReasonSerializer,
                                        output=s.StepSerializer, url_path="merge-first-steps"),
        "schedule_meeting": Transition(services.schedule_meeting, input=s.ScheduleMeetingSerializer,
                                       output=s.MeetingSerializer, respond=_no_one_present_yet,
                                       url_path="schedule-meeting"),
        "start_implementation": Transition(services.start_implementation, input=s.StartImplementationSerializer,
                                           output=s.ProjectSerializer, url_path="start-implementation"),
        "post_publication": Transition(services.post_publication, input=s.PostPublicationSerializer,
                                       output=s.PublicationSerializer, url_path="post-publication"),
        "open_evaluation": Transition(services.open_evaluation, input=s.OpenEvaluationSerializer,
                                      output=s.EvaluationRoundSerializer, url_path="open-evaluation"),
        "object": Transition(services.object_to_matter, input=s.ObjectionTextSerializer,
                             output=s.ObjectionSerializer),
    }

    def base_queryset(self):
        return (Matter.objects.select_related("area", "category")
                .annotate(supports_count=Count("supports", distinct=True)))

    def get_serializer_class(self):
        if self.action in ("update", "partial_update"):
            return s.MatterUpdateSerializer
        if self.action == "retrieve":
            return s.MatterDetailSerializer
        return s.MatterSerializer

    def get_queryset(self):
        qs = super().get_queryset()
        return qs.prefetch_related("steps") if self.action == "retrieve" else qs

    def create_object(self, data):
        return services.raise_matter(actor=self.request.user, area=data["area"], title=data["title"],
                                     category=data["category"], description=data.get("description", ""),
                                     location=data.get("location", ""), amount=data.get("amount"),
                                     raised_by_name=data.get("raised_by_name", ""),
                                     channel=data.get("channel", "in_person"), origin=data.get("origin", "resident"))

    def update_object(self, instance, data):
        return services.update_matter(actor=self.request.user, matter=instance, **data)


class MeetingViewSet(ScopedReadOnlyViewSet):
    """Meetings: attendance, minutes (locked once signed) and votes."""

    queryset = Meeting.objects.all()
    serializer_class = s.MeetingSerializer
    filterset_fields = ["matter", "body_kind"]
    transitions = {
        "attend": Transition(services.record_attendance, input=s.AttendanceSerializer, respond=_reread),
        "minutes": Transition(services.save_minutes, input=s.MinutesSerializer, respond=_the_object),
        "sign_minutes": Transition(services.sign_minutes, input=s.SignSerializer, respond=_the_object,
                                   url_path="sign-minutes"),
        "open_ballot": Transition(services.open_ballot, input=s.OpenBallotSerializer, output=s.BallotSerializer,
                                  url_path="open-ballot"),
    }

    def base_queryset(self):
        return Meeting.objects.select_related("step").annotate(present_count=Count("participants"))


class BallotViewSet(ScopedReadOnlyViewSet):
    """Votes of a meeting: tallied, closed against the quorum rule, corrected by an appended recount."""

    queryset = Ballot.objects.all()
    serializer_class = s.BallotSerializer
    filterset_fields = ["meeting"]
    transitions = {
        "tally": Transition(services.tally_ballot, input=s.TallySerializer),
        "close": Transition(services.close_ballot),
        "correct": Transition(services.correct_ballot, input=s.CorrectionSerializer, respond=_the_object),
    }


class PublicationViewSet(ScopedReadOnlyViewSet):
    """Publications (公开) of a resolution or an implementation result, countersigned by the supervision committee."""

    queryset = Publication.objects.all()
    serializer_class = s.PublicationSerializer
    filterset_fields = ["matter", "kind"]
    transitions = {"countersign": Transition(services.countersign_publication)}


class ProjectViewSet(ScopedReadOnlyViewSet):
    """The project a decided matter becomes (成果项目化), with its tasks and milestones."""

    queryset = Project.objects.all()
    serializer_class = s.ProjectSerializer
    filterset_fields = ["matter"]
    transitions = {
        "add_task": Transition(services.add_task, input=s.TaskSerializer, output=s.TaskSerializer,
                               url_path="add-task"),
        "add_milestone": Transition(services.add_milestone, input=s.MilestoneInputSerializer, respond=_the_object,
                                    url_path="add-milestone"),
    }


class TaskViewSet(ScopedReadOnlyViewSet):
    """Tasks of a project, completed with evidence; a rectification task comes from a failed evaluation."""

    queryset = Task.objects.all()
    serializer_class = s.TaskSerializer
    filterset_fields = ["project"]
    transitions = {"complete": Transition(services.complete_task, input=s.EvidenceSerializer)}


class EvaluationRoundViewSet(ScopedReadOnlyViewSet):
    """Evaluation rounds; results (satisfaction, count) stay empty until the round closes."""

    queryset = EvaluationRound.objects.all()
    serializer_class = s.EvaluationRoundSerializer
    filterset_fields = ["matter"]
    transitions = {
        "respond": Transition(services.record_evaluation, input=s.ResponseInputSerializer, object_arg="round",
                              respond=_the_object),
        "close": Transition(services.close_evaluation, object_arg="round"),
    }

    def base_queryset(self):
        return EvaluationRound.objects.prefetch_related("grids")


class ObjectionViewSet(ScopedReadOnlyViewSet):
    """Objections of the supervision committee to a matter, and the answers to them."""

    queryset = Objection.objects.all()
    serializer_class = s.ObjectionSerializer
    filterset_fields = ["matter"]
    transitions = {"respond": Transition(services.respond_to_objection, input=s.ResponseTextSerializer)}


class BodyMemberViewSet(ScopedModelViewSet):
    """Members of the two committees and the supervision committee, with terms."""

    queryset = BodyMember.objects.all()
    serializer_class = s.BodyMemberSerializer
    filterset_fields = ["capacity"]
    http_method_names = ["get", "post", "head", "options"]

    def base_queryset(self):
        return BodyMember.objects.select_related("area")

    def create_object(self, data):
        return services.add_body_member(actor=self.request.user, **data)


class PointsEntryViewSet(ScopedReadOnlyViewSet):
    """The append-only points ledger; a correction is a reversing entry."""

    queryset = PointsEntry.objects.all()
    serializer_class = s.PointsEntrySerializer
    filterset_fields = ["subject_kind", "event", "matter", "dispute"]
    # A reversal adds an entry: it needs the "add" scope on the entry it reverses.
    transitions = {"reverse": Transition(services.reverse_points, input=s.RequiredReasonSerializer, perm="add",
                                         object_arg="entry")}


class DisputeViewSet(ScopedModelViewSet):
    """The dispute register (矛盾纠纷)."""

    queryset = Dispute.objects.all()
    serializer_class = s.DisputeSerializer
    filterset_class = DisputeFilterSet
    ordering_fields = ["received_on", "resolved_on"]
    ordering = ["-received_on"]
    http_method_names = ["get", "post", "patch", "head", "options"]
    transitions = {"reopen": Transition(services.reopen_dispute, input=s.RequiredReasonSerializer)}

    def base_queryset(self):
        return Dispute.objects.select_related("area")

    def get_serializer_class(self):
        return s.DisputeUpdateSerializer if self.action in ("update", "partial_update") else s.DisputeSerializer

    def create_object(self, data):
        return services.register_dispute(actor=self.request.user, **data)

    def update_object(self, instance, data):
        return services.update_dispute(actor=self.request.user, dispute=instance, **data)


class CadreReviewViewSet(ScopedReadOnlyViewSet):
    """Yearly reports and ratings of committee members (述职评议)."""

    queryset = CadreReview.objects.select_related("member")
    serializer_class = s.CadreReviewSerializer
    filterset_fields = ["year", "verdict"]
    transitions = {
        "rate": Transition(services.record_cadre_ratings, input=s.RatingInputSerializer, object_arg="review",
                           respond=_the_object),
        "conclude": Transition(services.conclude_cadre_review, object_arg="review"),
    }


class CommunitySettingViewSet(ScopedModelViewSet):
    """Per community: the roster sizes meetings snapshot, and 一肩挑."""

    queryset = CommunitySetting.objects.all()
    serializer_class = s.GovernanceCommunitySettingSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def base_queryset(self):
        return CommunitySetting.objects.select_related("area")

    def get_serializer_class(self):
        if self.action in ("update", "partial_update"):
            return s.GovernanceCommunitySettingUpdateSerializer
        return s.GovernanceCommunitySettingSerializer

    def create_object(self, data):
        return services.create_community_setting(actor=self.request.user, **data)

    def update_object(self, instance, data):
        return services.update_community_setting(actor=self.request.user, setting=instance, **data)


class _ReferenceViewSet(viewsets.ModelViewSet):
    """City-wide reference data: every holder of the view permission reads it; writes need the
    add/change permission (city_admin) and go through a service with audit. No deletion: matters
    and meetings keep pointing at them."""

    http_method_names = ["get", "post", "patch", "head", "options"]
    service = None  # service(actor=..., <instance_kwarg>=..., **values)
    instance_kwarg = ""

    def perform_create(self, serializer):
        serializer.instance = type(self).service(actor=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = type(self).service(actor=self.request.user,
                                              **{self.instance_kwarg: serializer.instance},
                                              **serializer.validated_data)


class CategoryViewSet(_ReferenceViewSet):
    """Matter categories (内容分类化): time to answer, major-matter thresholds."""

    queryset = Category.objects.all()
    serializer_class = s.GovernanceCategorySerializer
    service = staticmethod(services.save_category)
    instance_kwarg = "category"


class QuorumRuleViewSet(_ReferenceViewSet):
    """Quorum and majority rules per body, with the statutory defaults and provincial variants."""

    queryset = QuorumRule.objects.all()
    serializer_class = s.GovernanceQuorumRuleSerializer
    filterset_fields = ["body_kind", "province"]
    service = staticmethod(services.save_quorum_rule)
    instance_kwarg = "rule"
