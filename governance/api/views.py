"""API for every consultation resource and every transition.

A transition is a POST on the resource (``/matters/{id}/accept/``); when the procedure refuses
it, the answer is 409 with the guard's reason (core.api.errors).
"""

from django.db.models import Count
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

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


def _body(serializer_class, request):
    body = serializer_class(data=request.data, context={"request": request})  # relations within scope
    body.is_valid(raise_exception=True)
    return body.validated_data


class TransitionMixin:
    """POST actions on one object need the "change" scope of the object."""

    def transition(self, request, serializer_class, do, output=None):
        obj = self.get_object()
        data = _body(serializer_class, request) if serializer_class else {}
        result = do(obj, data)
        out = output or self.get_serializer_class()
        return Response(out(result, context=self.get_serializer_context()).data)


class MatterViewSet(TransitionMixin, ScopedModelViewSet):
    """Matters of consultation (一事一档) and their six-step transitions."""

    queryset = Matter.objects.all()
    serializer_class = s.MatterSerializer
    filterset_class = MatterFilterSet
    ordering_fields = ["raised_at", "response_due", "stage"]
    ordering = ["-raised_at"]
    http_method_names = ["get", "post", "patch", "head", "options"]
    # Steps declared with the kit (core.api.transitions); the others below still call ``transition``.
    transitions = {
        "withdraw": Transition(services.withdraw_matter, input=s.ReasonSerializer, output=s.MatterSerializer),
        "accept": Transition(services.accept_matter, input=s.ReasonSerializer, output=s.MatterSerializer,
                             arguments={"reason": "note"}),
        "decline": Transition(services.decline_matter, input=s.RequiredReasonSerializer, output=s.MatterSerializer),
    }
    action_perms = dict.fromkeys((
        "support", "withdraw", "accept", "decline", "merge", "refer", "merge_first_steps", "schedule_meeting",
        "start_implementation", "post_publication", "open_evaluation", "object"), "change")

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

    def _matter(self, request, serializer_class, fn, **fixed):
        user = request.user
        return self.transition(request, serializer_class,
                               lambda m, data: fn(actor=user, matter=m, **fixed, **data),
                               output=s.MatterSerializer)

    @extend_schema(request=s.NameSerializer, responses=s.MatterSerializer)
    @action(detail=True, methods=["post"])
    def support(self, request, pk=None):
        user = request.user

        def do(m, data):
            services.support_matter(actor=user, matter=m, **data)
            m.refresh_from_db()
            return m
        return self.transition(request, s.NameSerializer, do, output=s.MatterSerializer)

    @extend_schema(request=s.MergeSerializer, responses=s.MatterSerializer)
    @action(detail=True, methods=["post"])
    def merge(self, request, pk=None):
        return self._matter(request, s.MergeSerializer, services.merge_matter)

    @extend_schema(request=s.ReferSerializer, responses=s.MatterSerializer)
    @action(detail=True, methods=["post"])
    def refer(self, request, pk=None):
        return self._matter(request, s.ReferSerializer, services.refer_matter)

    @extend_schema(request=s.RequiredReasonSerializer, responses=s.StepSerializer)
    @action(detail=True, methods=["post"], url_path="merge-first-steps")
    def merge_first_steps(self, request, pk=None):
        user = request.user
        return self.transition(request, s.RequiredReasonSerializer,
                               lambda m, d: services.merge_first_steps(actor=user, matter=m, **d),
                               output=s.StepSerializer)

    @extend_schema(request=s.ScheduleMeetingSerializer, responses=s.MeetingSerializer)
    @action(detail=True, methods=["post"], url_path="schedule-meeting")
    def schedule_meeting(self, request, pk=None):
        user = request.user

        def do(m, d):
            meeting = services.schedule_meeting(actor=user, matter=m, **d)
            meeting.present_count = 0
            return meeting
        return self.transition(request, s.ScheduleMeetingSerializer, do, output=s.MeetingSerializer)

    @extend_schema(request=s.StartImplementationSerializer, responses=s.ProjectSerializer)
    @action(detail=True, methods=["post"], url_path="start-implementation")
    def start_implementation(self, request, pk=None):
        user = request.user
        return self.transition(request, s.StartImplementationSerializer,
                               lambda m, d: services.start_implementation(actor=user, matter=m, **d),
                               output=s.ProjectSerializer)

    @extend_schema(request=s.PostPublicationSerializer, responses=s.PublicationSerializer)
    @action(detail=True, methods=["post"], url_path="post-publication")
    def post_publication(self, request, pk=None):
        user = request.user
        return self.transition(request, s.PostPublicationSerializer,
                               lambda m, d: services.post_publication(actor=user, matter=m, **d),
                               output=s.PublicationSerializer)

    @extend_schema(request=s.OpenEvaluationSerializer, responses=s.EvaluationRoundSerializer)
    @action(detail=True, methods=["post"], url_path="open-evaluation")
    def open_evaluation(self, request, pk=None):
        user = request.user
        return self.transition(request, s.OpenEvaluationSerializer,
                               lambda m, d: services.open_evaluation(actor=user, matter=m, **d),
                               output=s.EvaluationRoundSerializer)

    @extend_schema(request=s.ObjectionTextSerializer, responses=s.ObjectionSerializer)
    @action(detail=True, methods=["post"])
    def object(self, request, pk=None):
        user = request.user
        return self.transition(request, s.ObjectionTextSerializer,
                               lambda m, d: services.object_to_matter(actor=user, matter=m, **d),
                               output=s.ObjectionSerializer)


class MeetingViewSet(TransitionMixin, ScopedReadOnlyViewSet):
    """Meetings: attendance, minutes (locked once signed) and votes."""

    queryset = Meeting.objects.all()
    serializer_class = s.MeetingSerializer
    filterset_fields = ["matter", "body_kind"]
    action_perms = {"attend": "change", "minutes": "change", "sign_minutes": "change", "open_ballot": "change"}

    def base_queryset(self):
        return Meeting.objects.select_related("step").annotate(present_count=Count("participants"))

    @extend_schema(request=s.AttendanceSerializer, responses=s.MeetingSerializer)
    @action(detail=True, methods=["post"])
    def attend(self, request, pk=None):
        user = request.user

        def do(meeting, d):
            services.record_attendance(actor=user, meeting=meeting, **d)
            return self.base_queryset().get(pk=meeting.pk)
        return self.transition(request, s.AttendanceSerializer, do)

    @extend_schema(request=s.MinutesSerializer, responses=s.MeetingSerializer)
    @action(detail=True, methods=["post"])
    def minutes(self, request, pk=None):
        user = request.user

        def do(meeting, d):
            services.save_minutes(actor=user, meeting=meeting, **d)
            return meeting
        return self.transition(request, s.MinutesSerializer, do)

    @extend_schema(request=s.SignSerializer, responses=s.MeetingSerializer)
    @action(detail=True, methods=["post"], url_path="sign-minutes")
    def sign_minutes(self, request, pk=None):
        user = request.user

        def do(meeting, d):
            services.sign_minutes(actor=user, meeting=meeting, **d)
            return meeting
        return self.transition(request, s.SignSerializer, do)

    @extend_schema(request=s.OpenBallotSerializer, responses=s.BallotSerializer)
    @action(detail=True, methods=["post"], url_path="open-ballot")
    def open_ballot(self, request, pk=None):
        user = request.user
        return self.transition(request, s.OpenBallotSerializer,
                               lambda meeting, d: services.open_ballot(actor=user, meeting=meeting, **d),
                               output=s.BallotSerializer)


class BallotViewSet(TransitionMixin, ScopedReadOnlyViewSet):
    queryset = Ballot.objects.all()
    serializer_class = s.BallotSerializer
    filterset_fields = ["meeting"]
    action_perms = {"tally": "change", "close": "change", "correct": "change"}

    @extend_schema(request=s.TallySerializer, responses=s.BallotSerializer)
    @action(detail=True, methods=["post"])
    def tally(self, request, pk=None):
        user = request.user
        return self.transition(request, s.TallySerializer,
                               lambda b, d: services.tally_ballot(actor=user, ballot=b, **d))

    @extend_schema(request=None, responses=s.BallotSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        user = request.user
        return self.transition(request, None, lambda b, d: services.close_ballot(actor=user, ballot=b))

    @extend_schema(request=s.CorrectionSerializer, responses=s.BallotSerializer)
    @action(detail=True, methods=["post"])
    def correct(self, request, pk=None):
        user = request.user

        def do(b, d):
            services.correct_ballot(actor=user, ballot=b, **d)
            return b
        return self.transition(request, s.CorrectionSerializer, do)


class PublicationViewSet(TransitionMixin, ScopedReadOnlyViewSet):
    queryset = Publication.objects.all()
    serializer_class = s.PublicationSerializer
    filterset_fields = ["matter", "kind"]
    action_perms = {"countersign": "change"}

    @extend_schema(request=None, responses=s.PublicationSerializer)
    @action(detail=True, methods=["post"])
    def countersign(self, request, pk=None):
        user = request.user
        return self.transition(request, None,
                               lambda p, d: services.countersign_publication(actor=user, publication=p))


class ProjectViewSet(TransitionMixin, ScopedReadOnlyViewSet):
    queryset = Project.objects.all()
    serializer_class = s.ProjectSerializer
    filterset_fields = ["matter"]
    action_perms = {"add_task": "change", "add_milestone": "change"}

    @extend_schema(request=s.TaskSerializer, responses=s.TaskSerializer)
    @action(detail=True, methods=["post"], url_path="add-task")
    def add_task(self, request, pk=None):
        user = request.user
        return self.transition(request, s.TaskSerializer,
                               lambda p, d: services.add_task(actor=user, project=p, **d), output=s.TaskSerializer)

    @extend_schema(request=s.MilestoneInputSerializer, responses=s.ProjectSerializer)
    @action(detail=True, methods=["post"], url_path="add-milestone")
    def add_milestone(self, request, pk=None):
        user = request.user

        def do(p, d):
            services.add_milestone(actor=user, project=p, **d)
            return p
        return self.transition(request, s.MilestoneInputSerializer, do)


class TaskViewSet(TransitionMixin, ScopedReadOnlyViewSet):
    queryset = Task.objects.all()
    serializer_class = s.TaskSerializer
    filterset_fields = ["project"]
    action_perms = {"complete": "change"}

    @extend_schema(request=s.EvidenceSerializer, responses=s.TaskSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        user = request.user
        return self.transition(request, s.EvidenceSerializer,
                               lambda t, d: services.complete_task(actor=user, task=t, **d))


class EvaluationRoundViewSet(TransitionMixin, ScopedReadOnlyViewSet):
    """Evaluation rounds; results (satisfaction, count) stay empty until the round closes."""

    queryset = EvaluationRound.objects.all()
    serializer_class = s.EvaluationRoundSerializer
    filterset_fields = ["matter"]
    action_perms = {"respond": "change", "close": "change"}

    def base_queryset(self):
        return EvaluationRound.objects.prefetch_related("grids")

    @extend_schema(request=s.ResponseInputSerializer, responses=s.EvaluationRoundSerializer)
    @action(detail=True, methods=["post"])
    def respond(self, request, pk=None):
        user = request.user

        def do(r, d):
            services.record_evaluation(actor=user, round=r, **d)
            return r
        return self.transition(request, s.ResponseInputSerializer, do)

    @extend_schema(request=None, responses=s.EvaluationRoundSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        user = request.user
        return self.transition(request, None, lambda r, d: services.close_evaluation(actor=user, round=r))


class ObjectionViewSet(TransitionMixin, ScopedReadOnlyViewSet):
    queryset = Objection.objects.all()
    serializer_class = s.ObjectionSerializer
    filterset_fields = ["matter"]
    action_perms = {"respond": "change"}

    @extend_schema(request=s.ResponseTextSerializer, responses=s.ObjectionSerializer)
    @action(detail=True, methods=["post"])
    def respond(self, request, pk=None):
        user = request.user
        return self.transition(request, s.ResponseTextSerializer,
                               lambda o, d: services.respond_to_objection(actor=user, objection=o, **d))


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


class PointsEntryViewSet(TransitionMixin, ScopedReadOnlyViewSet):
    """The append-only points ledger; a correction is a reversing entry."""

    queryset = PointsEntry.objects.all()
    serializer_class = s.PointsEntrySerializer
    filterset_fields = ["subject_kind", "event", "matter", "dispute"]
    action_perms = {"reverse": "add"}

    @extend_schema(request=s.RequiredReasonSerializer, responses=s.PointsEntrySerializer)
    @action(detail=True, methods=["post"])
    def reverse(self, request, pk=None):
        user = request.user
        return self.transition(request, s.RequiredReasonSerializer,
                               lambda e, d: services.reverse_points(actor=user, entry=e, **d))


class DisputeViewSet(TransitionMixin, ScopedModelViewSet):
    """The dispute register (矛盾纠纷)."""

    queryset = Dispute.objects.all()
    serializer_class = s.DisputeSerializer
    filterset_class = DisputeFilterSet
    ordering_fields = ["received_on", "resolved_on"]
    ordering = ["-received_on"]
    http_method_names = ["get", "post", "patch", "head", "options"]
    action_perms = {"reopen": "change"}

    def base_queryset(self):
        return Dispute.objects.select_related("area")

    def get_serializer_class(self):
        return s.DisputeUpdateSerializer if self.action in ("update", "partial_update") else s.DisputeSerializer

    def create_object(self, data):
        return services.register_dispute(actor=self.request.user, **data)

    def update_object(self, instance, data):
        return services.update_dispute(actor=self.request.user, dispute=instance, **data)

    @extend_schema(request=s.RequiredReasonSerializer, responses=s.DisputeSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        user = request.user
        return self.transition(request, s.RequiredReasonSerializer,
                               lambda dsp, d: services.reopen_dispute(actor=user, dispute=dsp, **d))


class CadreReviewViewSet(TransitionMixin, ScopedReadOnlyViewSet):
    """Yearly reports and ratings of committee members (述职评议)."""

    queryset = CadreReview.objects.select_related("member")
    serializer_class = s.CadreReviewSerializer
    filterset_fields = ["year", "verdict"]
    action_perms = {"rate": "change", "conclude": "change"}

    @extend_schema(request=s.RatingInputSerializer, responses=s.CadreReviewSerializer)
    @action(detail=True, methods=["post"])
    def rate(self, request, pk=None):
        user = request.user

        def do(review, d):
            services.record_cadre_ratings(actor=user, review=review, **d)
            return review
        return self.transition(request, s.RatingInputSerializer, do)

    @extend_schema(request=None, responses=s.CadreReviewSerializer)
    @action(detail=True, methods=["post"])
    def conclude(self, request, pk=None):
        user = request.user
        return self.transition(request, None, lambda r, d: services.conclude_cadre_review(actor=user, review=r))


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
