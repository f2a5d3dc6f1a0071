"""API of the register of assessments of communities: list, read, record (400 with the field when it is
already recorded), and the community's one-step refusal as a transition (409 with the reason when the
assessment is approved or already refused)."""

from rest_framework import serializers

from core.api.pagination import CursorPagination
from core.api.serializers import ScopedModelSerializer
from core.api.viewsets import ScopedCreateListRetrieveViewSet, Transition
from core.models import Area

from .. import assessment_services as services
from ..assessment_views import AssessmentFilterSet
from ..assessments import CommunityAssessment
from ..models import AdmissionRequest


class AssessmentSerializer(ScopedModelSerializer):
    area = serializers.SlugRelatedField(slug_field="code", queryset=Area.objects.all())
    admission = serializers.PrimaryKeyRelatedField(queryset=AdmissionRequest.objects.all(), required=False,
                                                   allow_null=True, default=None)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    approved = serializers.BooleanField(read_only=True)

    class Meta:
        model = CommunityAssessment
        fields = ["id", "area", "department", "kind", "kind_display", "title", "period", "held_on", "unified",
                  "admission", "approved", "state", "state_display", "decided_on", "reason"]
        read_only_fields = ["state", "decided_on", "reason"]
        validators = []  # "recorded once" is the service's rule, answered on its field


class RefuseSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class AssessmentViewSet(ScopedCreateListRetrieveViewSet):
    """Inspections, rankings and assessments of communities, each recorded once."""

    queryset = CommunityAssessment.objects.all()
    pagination_class = CursorPagination
    serializer_class = AssessmentSerializer
    filterset_class = AssessmentFilterSet
    transitions = {"refuse": Transition(services.refuse_assessment, input=RefuseSerializer, object_arg="assessment")}

    def base_queryset(self):
        return CommunityAssessment.objects.select_related("area", "admission")

    def create_object(self, data):
        return services.record_assessment(actor=self.request.user, **data)
